"""The preparation `make run` does before serving: one Django start-up for all of it.

Migrate, then load the lessons shipped under lessons/content once the
`load_lessons` command exists (it arrives with the lessons issue).
"""

import os

import django
from django.core.management import call_command, get_commands


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "playground.settings")
    django.setup()
    call_command("migrate", interactive=False, verbosity=1)
    if "load_lessons" in get_commands():
        call_command("load_lessons")


if __name__ == "__main__":
    main()
