"""`python -m playground.sim [--seed N] [--workers N] [FILE]`: run console commands from a
file (or stdin) against a fresh default cluster, echoing `$ COMMAND` before each output.

One command per line, `#` comments, `kubectl apply -f - <<EOF ... EOF` heredocs.
"""

from __future__ import annotations

import argparse
import sys

from .cluster import Cluster
from .console import Console


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m playground.sim",
                                     description="Run playground console commands.")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--workers", type=int, default=2, help="worker nodes (default 2)")
    parser.add_argument("file", nargs="?", help="script file (default: stdin)")
    args = parser.parse_args(argv)
    if args.file and args.file != "-":
        try:
            with open(args.file, encoding="utf-8") as fh:
                text = fh.read()
        except OSError as exc:
            parser.error(f"cannot read {args.file}: {exc.strerror}")
    else:
        text = sys.stdin.read()
    console = Console(Cluster.new(seed=args.seed, workers=args.workers))
    sys.stdout.write(console.run_script(text))
    return 0


if __name__ == "__main__":
    sys.exit(main())
