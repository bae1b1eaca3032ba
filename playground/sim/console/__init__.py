"""The playground console: kubectl's command language over a simulated cluster.

`Console(cluster).run("kubectl get pods")` returns a ConsoleResult (`.output`, `.ok`);
`Console(cluster).run_script(text)` runs a whole script. Command modules register
themselves with console.registry's decorators; MODULES lists them (a module that does
not exist yet is skipped, like kinds/__init__.py does).
"""

from __future__ import annotations

from importlib import import_module

from .registry import (
    KUBECTL_COMMANDS,
    PLAYGROUND_COMMANDS,
    CommandContext,
    CommandError,
    ConsoleResult,
    kubectl_command,
    playground_command,
)

MODULES = (
    "kubectl_get",
    "kubectl_describe",
    "kubectl_apply",
    "kubectl_create",
    "kubectl_delete",
    "kubectl_edit",
    "kubectl_rollout",
    "kubectl_nodes",
    "kubectl_logs",
    "kubectl_misc",
    "kubectl_events",
    "playground",
    "net",
    "net_exec",
    "net_run",
    "net_expose",
)


def _network_modules() -> list[str]:
    """The Network helper's console/net*.py command modules, whatever their names."""
    from pkgutil import iter_modules

    return sorted(m.name for m in iter_modules(__path__) if m.name.startswith("net"))


for _name in dict.fromkeys([*MODULES, *_network_modules()]):
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # a module (or a net* sibling it needs) not written yet
        if _exc.name != f"{__name__}.{_name}" and not (
            _exc.name or "").startswith(f"{__name__}.net"):
            raise

from .shell import Console  # noqa: E402

__all__ = [
    "KUBECTL_COMMANDS",
    "PLAYGROUND_COMMANDS",
    "CommandContext",
    "CommandError",
    "Console",
    "ConsoleResult",
    "kubectl_command",
    "playground_command",
]
