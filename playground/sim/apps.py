"""What the simulated applications answer over HTTP.

Each server a container runs (programs.py `Program.listens`: port -> app name) answers
like the real image:

- nginx: the stock welcome page at `/` (nginx >= 1.21 text), its 404 page elsewhere;
- httpd: `<html><body><h1>It works!</h1></body></html>` at `/`, Apache's 404 elsewhere;
- hello-app (gcr.io/google-samples/hello-app, main.go): `Hello, world!`, `Version: 1.0.0`,
  `Hostname: <pod name>` for every path;
- agnhost netexec (test/images/agnhost/netexec): `/hostname`, `/echo?msg=`, `/clientip`,
  `/healthz`, `/` (`NOW: <time>`); agnhost serve-hostname: the pod name;
- coredns health (:8080/health) and readiness (:8181/ready): `OK`;
- kube-apiserver (:6443, HTTPS only): 403 for system:anonymous at `/`, `ok` at `/healthz`
  (anonymous auth allows the health endpoints).
The tutorials' demo images (echoserver, http-echo, whoami, kuard, podinfo, hello-kubernetes)
answer from apps_demo.py. Anything else (redis, postgres, ...) does not speak HTTP: the client
gets an empty reply.
"""

from __future__ import annotations

import json
import time as _time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

NGINX_WELCOME = """<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
"""

# nginx < 1.21's welcome page (the well-known 612 bytes; 1.21 added color-scheme)
NGINX_WELCOME_OLD = NGINX_WELCOME.replace(
    "<style>\nhtml { color-scheme: light dark; }\nbody { width: 35em; margin: 0 auto;\n"
    "font-family: Tahoma, Verdana, Arial, sans-serif; }\n</style>",
    "<style>\n    body {\n        width: 35em;\n        margin: 0 auto;\n"
    "        font-family: Tahoma, Verdana, Arial, sans-serif;\n    }\n</style>")

HTTPD_WORKS = "<html><body><h1>It works!</h1></body></html>\n"
HTTPD_404 = """<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
<html><head>
<title>404 Not Found</title>
</head><body>
<h1>Not Found</h1>
<p>The requested URL was not found on this server.</p>
</body></html>
"""

EXAMPLE_DOMAIN = """<!doctype html>
<html>
<head>
    <title>Example Domain</title>
</head>
<body>
<div>
    <h1>Example Domain</h1>
    <p>This domain is for use in illustrative examples in documents. You may use this
    domain in literature without prior coordination or asking for permission.</p>
</div>
</body>
</html>
"""

REASONS = {200: "OK", 301: "Moved Permanently", 400: "Bad Request", 403: "Forbidden",
           404: "Not Found", 500: "Internal Server Error"}


@dataclass
class HttpReply:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    http: bool = True  # False: the server does not speak HTTP (empty reply)

    @property
    def reason(self) -> str:
        return REASONS.get(self.status, "")


@dataclass
class Request:
    path: str
    query: str
    pod_name: str
    client_ip: str
    now: float
    started_at: float  # when the serving container started (agnhost's m=+ monotonic clock)
    version: str = ""  # the image's app version (nginx 1.25.5, hello-app 1.0.0)
    https: bool = False
    host: str = ""  # the Host header: the URL's host[:port] as the client wrote it
    pod_ip: str = ""
    args: tuple[str, ...] = ()  # the serving pod's container command and args
    env: dict[str, str] = field(default_factory=dict)  # its literal env values
    user_agent: str = "curl/8.14.1"


def _date(now: float) -> str:
    return _time.strftime("%a, %d %b %Y %H:%M:%S GMT", _time.gmtime(int(now)))


def respond(app: str, req: Request) -> HttpReply:
    handler = HANDLERS.get(app)
    if handler is None:
        return HttpReply(0, "", http=False)
    return handler(req)


def nginx(req: Request) -> HttpReply:
    version = req.version or "1.27.5"
    if req.path in ("/", "/index.html"):
        status, body = 200, (NGINX_WELCOME_OLD if _older(version, (1, 21)) else NGINX_WELCOME)
    else:
        status, body = 404, (
            "<html>\n<head><title>404 Not Found</title></head>\n<body>\n"
            "<center><h1>404 Not Found</h1></center>\n"
            f"<hr><center>nginx/{version}</center>\n</body>\n</html>\n")
    headers = {"Server": f"nginx/{version}", "Date": _date(req.now),
               "Content-Type": "text/html", "Content-Length": str(len(body.encode())),
               "Connection": "keep-alive"}
    if status == 200:
        headers["Accept-Ranges"] = "bytes"
    return HttpReply(status, body, headers)


def _older(version: str, than: tuple[int, int]) -> bool:
    try:
        return tuple(int(p) for p in version.split(".")[:2]) < than
    except ValueError:
        return False


def httpd(req: Request) -> HttpReply:
    ok = req.path in ("/", "/index.html")
    body = HTTPD_WORKS if ok else HTTPD_404
    headers = {"Date": _date(req.now), "Server": f"Apache/{req.version or '2.4.65'} (Unix)",
               "Content-Length": str(len(body)),
               "Content-Type": "text/html" if ok else "text/html; charset=iso-8859-1"}
    return HttpReply(200 if ok else 404, body, headers)


def hello_app(req: Request) -> HttpReply:
    body = f"Hello, world!\nVersion: {req.version or '1.0.0'}\nHostname: {req.pod_name}\n"
    return HttpReply(200, body, _plain(req, body))


def _plain(req: Request, body: str) -> dict[str, str]:
    return {"Date": _date(req.now), "Content-Length": str(len(body)),
            "Content-Type": "text/plain; charset=utf-8"}


def netexec(req: Request) -> HttpReply:
    query = parse_qs(req.query)
    if req.path == "/hostname":
        body = req.pod_name
    elif req.path == "/echo":
        body = (query.get("msg") or [""])[0]
    elif req.path == "/clientip":
        body = f"{req.client_ip}:{40000 + int(req.now) % 20000}"
    elif req.path in ("/healthz", "/readyz"):
        body = ""
    elif req.path == "/":
        stamp = _time.strftime("%Y-%m-%d %H:%M:%S", _time.gmtime(int(req.now)))
        frac = f"{req.now - int(req.now):.9f}"[1:]
        body = f"NOW: {stamp}{frac} +0000 UTC m=+{max(req.now - req.started_at, 0):.9f}"
    else:
        body = "404 page not found\n"
        return HttpReply(404, body, _plain(req, body))
    return HttpReply(200, body, _plain(req, body))


def serve_hostname(req: Request) -> HttpReply:
    return HttpReply(200, req.pod_name, _plain(req, req.pod_name))


def health_ok(req: Request) -> HttpReply:
    return HttpReply(200, "OK", _plain(req, "OK"))


def apiserver(req: Request) -> HttpReply:
    if not req.https:
        return HttpReply(400, "Client sent an HTTP request to an HTTPS server.\n",
                         {"Content-Type": "text/plain; charset=utf-8"})
    if req.path in ("/healthz", "/livez", "/readyz"):
        return HttpReply(200, "ok", _plain(req, "ok"))
    status = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
              "message": f'forbidden: User "system:anonymous" cannot get path "{req.path}"',
              "reason": "Forbidden", "details": {}, "code": 403}
    body = json.dumps(status, indent=2) + "\n"
    return HttpReply(403, body, {"Content-Type": "application/json",
                                 "Content-Length": str(len(body))})


def example(req: Request) -> HttpReply:
    return HttpReply(200, EXAMPLE_DOMAIN, {"Content-Type": "text/html",
                                          "Content-Length": str(len(EXAMPLE_DOMAIN))})


HANDLERS = {
    "nginx": nginx,
    "httpd": httpd,
    "hello-app": hello_app,
    "agnhost-netexec": netexec,
    "agnhost-serve-hostname": serve_hostname,
    "coredns-health": health_ok,
    "coredns-ready": health_ok,
    "kube-apiserver": apiserver,
    "internet": example,
}

from .apps_demo import HANDLERS as _DEMO_HANDLERS  # noqa: E402  (demo images; imports us)

HANDLERS.update(_DEMO_HANDLERS)
