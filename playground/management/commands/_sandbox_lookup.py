"""Finding a stored sandbox by name for the operator commands."""

from django.core.management.base import CommandError

from playground.models import Sandbox


def find_sandbox(name: str) -> Sandbox | None:
    """The sandbox called `name`: an operator's (no owner) first; an id works too."""
    matches = list(Sandbox.objects.filter(name=name).select_related("owner"))
    if not matches and name.isdigit():
        matches = list(Sandbox.objects.filter(pk=int(name)))
    if len(matches) <= 1:
        return matches[0] if matches else None
    operators = [s for s in matches if s.owner_id is None and not s.visitor]
    if len(operators) == 1:
        return operators[0]
    ids = ", ".join(f"{s.pk} ({s.owner or 'visitor'})" for s in matches)
    raise CommandError(f'sandbox name "{name}" is ambiguous: use an id ({ids})')
