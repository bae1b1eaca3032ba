"""A TCP forwarder in front of PostgreSQL that a test can cut, restore, or make drop a
connection in the middle of a transaction: the database "briefly unavailable" as the
web server sees it, without touching the shared PostgreSQL itself."""

from __future__ import annotations

import contextlib
import socket
import threading


class DatabaseProxy:
    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.trip_pattern: bytes | None = None
        self.tripped_stream = b""  # what the client had sent on the connection it cut
        self.lock = threading.Lock()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        threading.Thread(target=self._accept, daemon=True, name="db-proxy").start()

    # -- what the test does -------------------------------------------------------------

    def cut(self) -> None:
        """Down: open connections drop, new ones are closed as soon as they arrive."""
        self.up = False
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for pair in pairs:
            _close(*pair)

    def restore(self) -> None:
        self.up = True

    def trip_on(self, pattern: bytes) -> None:
        """Drop the first connection whose client sends `pattern`, before it reaches the
        server: the transaction it was in never commits."""
        self.tripped_stream = b""
        self.trip_pattern = pattern

    def close(self) -> None:
        self.cut()
        self.listener.close()

    # -- forwarding ---------------------------------------------------------------------

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.up:
                client.close()
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self.lock:
                self.pairs.append((client, server))
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, from_client: bool) -> None:
        sent = b""
        try:
            while chunk := source.recv(65536):
                if from_client:
                    sent += chunk
                    if self.trip_pattern is not None and self.trip_pattern in sent:
                        self.trip_pattern, self.tripped_stream = None, sent
                        break
                sink.sendall(chunk)
        except OSError:
            pass
        _close(source, sink)


def _close(*socks: socket.socket) -> None:
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
