"""A zygote of Celery workers: it imports Django, the Celery app and the simulation once,
then forks a complete, independent worker on each request (`python -m
tests.support.worker_zygote`, driven by servers.WorkerZygote).

Why: starting `celery worker` costs seconds of imports (Django, Twisted through daphne,
the simulation), so a test that kills and restarts workers fifty times would spend its
time importing. A forked worker is the same program (`app.worker_main`, what the
`celery worker` command runs) in its own process group, with its own connections to
Redis and the database, opened after the fork; killing its group kills it alone.

Protocol on stdin/stdout, one line each: `spawn HOSTNAME LOGFILE [QUEUES]` answers the
worker's pid (QUEUES: what it consumes, comma-separated; Celery's default queue when
absent). Settings come from the zygote's environment, read once at start.
"""

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
WORKER_ARGS = [
    "worker",
    "--pool",
    "solo",
    "--loglevel",
    "INFO",
    "--without-gossip",
    "--without-mingle",
    "--without-heartbeat",
]


def preload():
    import django

    django.setup()
    import celery.apps.worker  # noqa: F401
    import kombu.transport.redis  # noqa: F401

    import playground.sandboxes  # noqa: F401
    import playground.sim.console  # noqa: F401
    import playground.tasks  # noqa: F401
    from playground.celery import app

    return app


def run_worker(app, hostname: str, logfile: str, queues: str) -> None:
    """In the forked child: a session of its own, output to `logfile`, then the worker."""
    os.setsid()
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    log = os.open(logfile, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    queue_args = ["--queues", queues] if queues else []
    app.worker_main(argv=[*WORKER_ARGS, "--hostname", hostname, *queue_args])


def main() -> None:
    app = preload()
    # forked workers are reaped by the kernel: a killed one leaves no zombie behind
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    print("ready", flush=True)
    for line in sys.stdin:
        command, hostname, logfile, *queues = line.split()
        assert command == "spawn", command
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                run_worker(app, hostname, logfile, ",".join(queues))
            except BaseException:  # noqa: BLE001 - the child must never return to the loop
                import traceback

                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(pid, flush=True)


if __name__ == "__main__":
    main()
