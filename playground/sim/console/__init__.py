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
    "playground",
    "net",
    "net_exec",
    "net_run",
    "net_expose",
)

for _name in MODULES:
    try:
        import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as _exc:  # a module not written yet
        if _exc.name != f"{__name__}.{_name}":
            raise

from .shell import Console  # noqa: E402

__all__ = [
    "KUBECTL_COMMANDS",
    "PLAYGROUND_COMMANDS",
    "CommandContext",
    "Console",
    "ConsoleResult",
    "kubectl_command",
    "playground_command",
]
