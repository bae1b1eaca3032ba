"""Interleave the output of several child processes, one prefixed line at a time.

Single-threaded on purpose (a selector over the pipes): children are started
with a preexec_fn, which is only safe while no other thread runs.
"""

import os
import selectors
import sys

COLOURS = {"run": "1", "redis": "31", "web": "36", "worker": "35", "setup": "33"}


class LogPump:
    def __init__(self, width: int = 6) -> None:
        self.selector = selectors.DefaultSelector()
        self.buffers: dict[object, bytes] = {}  # by pipe: the part line read so far
        self.width = width
        self.colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    def add(self, name: str, pipe) -> None:
        os.set_blocking(pipe.fileno(), False)
        self.selector.register(pipe, selectors.EVENT_READ, name)
        self.buffers[pipe] = b""

    def watching(self, pipe) -> bool:
        return pipe in self.buffers

    def watching_any(self) -> bool:
        return bool(self.buffers)

    def say(self, name: str, line: str) -> None:
        prefix = f"{name:<{self.width}} |"
        if self.colour:
            prefix = f"\033[{COLOURS.get(name, '0')}m{prefix}\033[0m"
        sys.stdout.write(f"{prefix} {line}\n")
        sys.stdout.flush()

    def pump(self, timeout: float = 0.1) -> None:
        """Print every complete line that arrived within `timeout` seconds."""
        for key, _ in self.selector.select(timeout):
            self._read(key.fileobj, key.data)

    def _read(self, pipe, name: str) -> None:
        try:
            chunk = os.read(pipe.fileno(), 65536)
        except BlockingIOError:
            return
        if not chunk:  # the child closed its end: flush the tail, stop watching
            self.selector.unregister(pipe)
            tail = self.buffers.pop(pipe)
            pipe.close()
            if tail:
                self.say(name, tail.decode(errors="replace"))
            return
        *lines, self.buffers[pipe] = (self.buffers[pipe] + chunk).split(b"\n")
        for line in lines:
            self.say(name, line.decode(errors="replace").rstrip("\r"))
