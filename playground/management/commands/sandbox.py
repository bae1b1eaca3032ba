"""`manage.py sandbox list|create|reset|delete NAME`: operate stored sandboxes."""

from django.core.management.base import BaseCommand, CommandError

from playground import sandboxes
from playground.management.commands._sandbox_lookup import find_sandbox
from playground.models import Sandbox
from playground.sim.objects import format_time

ACTIONS = ("list", "create", "reset", "delete")


class Command(BaseCommand):
    help = "List, create, reset or delete sandboxes."

    def add_arguments(self, parser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("name", nargs="?")
        parser.add_argument("--seed", type=int, default=None, help="seed of a new sandbox")

    def handle(self, *args, action: str, name: str | None, seed: int | None, **options) -> None:
        if action == "list":
            self._list()
            return
        if not name:
            raise CommandError(f"sandbox {action} needs a NAME")
        if action == "create":
            if (
                find_sandbox(name) is not None
                and Sandbox.objects.filter(name=name, owner__isnull=True, visitor="").exists()
            ):
                raise CommandError(f'sandbox "{name}" already exists')
            try:
                sandboxes.sandbox_create(name=name, seed=seed)
            except sandboxes.SandboxError as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(f'sandbox "{name}" created')
            return
        target = find_sandbox(name)
        if target is None:
            raise CommandError(f'sandbox "{name}" not found')
        if action == "reset":
            sandboxes.sandbox_reset(sandbox=target)
            self.stdout.write(f'sandbox "{name}" reset')
        else:
            sandboxes.sandbox_delete(sandbox=target)
            self.stdout.write(f'sandbox "{name}" deleted')

    def _list(self) -> None:
        rows = [["ID", "NAME", "OWNER", "OBJECTS", "SIMULATED-TIME", "SPEED", "LAST-SEEN"]]
        query = Sandbox.objects.select_related("owner").order_by("pk")
        for s in query:
            rows.append(
                [
                    str(s.pk),
                    s.name,
                    s.owner.get_username() if s.owner else ("<visitor>" if s.visitor else "<none>"),
                    str(s.rows.count()),
                    format_time(sandboxes.sim_time(s)),
                    "paused" if s.paused else f"x{s.speed:g}",
                    s.last_seen_at.strftime("%Y-%m-%dT%H:%M:%SZ") if s.last_seen_at else "<never>",
                ]
            )
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for r in rows:
            self.stdout.write(
                "   ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
            )
