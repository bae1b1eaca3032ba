"""Start child processes in their own process group, and stop the whole group.

Each child leads a new session, so a Ctrl-C in the terminal reaches only the
launcher, which then stops every group it started, grandchildren included
(Celery's pool processes). On Linux each child also asks the kernel to send it
SIGTERM if the launcher dies without cleaning up (killed with SIGKILL).
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def spawn(argv: list[str], **kwargs) -> subprocess.Popen:
    """Popen in a new session (so its pgid is its pid) that dies with this process."""
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    return subprocess.Popen(argv, start_new_session=True, preexec_fn=preexec, **kwargs)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, sig)


def stop_groups(procs: list[subprocess.Popen], grace: float = 10.0, tick=None) -> None:
    """SIGTERM every group, wait up to `grace` seconds for all members to exit,
    then SIGKILL what is left. `tick` is called while waiting (to keep draining
    the children's output, so none blocks on a full pipe while shutting down)."""
    for proc in procs:
        signal_group(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        for proc in procs:
            proc.poll()  # reap the leader so its group can disappear
        if not any(group_alive(proc.pid) for proc in procs):
            return
        if tick:
            tick()
        else:
            time.sleep(0.05)
    for proc in procs:
        signal_group(proc.pid, signal.SIGKILL)
    for proc in procs:
        proc.wait()
