"""Network commands as a container's main process, for the kubelet.

`kubectl run t --image=busybox:1.36 --restart=Never -- wget -qO- web` runs `wget` as the
container's command: its output belongs in `kubectl logs t` and its exit code in the
container's terminated state. The kubelet (programs.py) knows images and shells but not
the network; it can ask here when a container starts:

    result = run_network_command(cluster, pod, container, argv)
    if result is not None:
        exit_code, lines = result

None means "not a network command" (the kubelet interprets it itself). The commands are
the ones `kubectl exec` runs (console/net_tools.py): nslookup, dig, curl, wget, and `cat`
of /etc/resolv.conf or /etc/hosts; the answer reflects the cluster at that instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .cluster import Cluster

NETWORK_COMMANDS = frozenset({"nslookup", "dig", "curl", "wget", "nc", "ping"})


def run_network_command(cluster: Cluster, pod: dict, container: dict,
                        argv: list[str]) -> tuple[int, list[str]] | None:
    if not argv:
        return None
    name = argv[0].rsplit("/", 1)[-1]
    is_file = name == "cat" and any(a in ("/etc/resolv.conf", "/etc/hosts") for a in argv[1:])
    if name not in NETWORK_COMMANDS and not is_file:
        return None
    from .console.net_tools import run_tool

    result = run_tool(cluster, pod, container, argv)
    return result.code, result.stdout.splitlines()
