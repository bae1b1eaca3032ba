"""daphne's access log, without the REST door's secrets.

daphne writes one line per request and per websocket with the request's path, and the
REST door's path carries the sandbox's API secret (`/k8s/<secret>/api/v1/...`, which is
how every kubeconfig reaches its sandbox): anyone reading the web server's output could
drive every sandbox that kubectl touched. The line keeps the rest of the path.
"""

from __future__ import annotations

import re

from daphne.access import AccessLogGenerator

from k8sapi.access import MIN_LENGTH

SECRET_IN_PATH = re.compile(r"(/k8s/)[A-Za-z0-9_\-]{" + str(MIN_LENGTH) + ",}")
REDACTED = r"\1<secret>"


def redact(request_line: str) -> str:
    return SECRET_IN_PATH.sub(REDACTED, request_line)


def redact_daphne_access_log() -> None:
    """Make every daphne access log line go through redact() (daphne offers no hook: it
    builds its AccessLogGenerator itself, from its command line)."""
    write_entry = AccessLogGenerator.write_entry
    if getattr(write_entry, "redacts_secrets", False):
        return

    def redacting_write_entry(self, host, date, request, *args, **kwargs):
        return write_entry(self, host, date, redact(request), *args, **kwargs)

    redacting_write_entry.redacts_secrets = True
    AccessLogGenerator.write_entry = redacting_write_entry
