"""The simulation core must stay pure: no Django, Celery, Channels or Redis anywhere in it."""

import ast
import pathlib
import subprocess
import sys

SIM = pathlib.Path(__file__).resolve().parents[2] / "playground" / "sim"
FORBIDDEN = ("django", "celery", "channels", "channels_redis", "redis", "kombu", "daphne")


def test_no_forbidden_import_statement():
    offenders = []
    for path in SIM.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_importing_the_sim_loads_no_web_framework():
    code = (
        "import sys, playground.sim, playground.sim.cluster;"
        "from playground.sim import Cluster; Cluster.new();"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=SIM.parents[1])
    assert result.returncode == 0, result.stdout + result.stderr
