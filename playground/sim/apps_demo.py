"""HTTP answers of the demo images tutorials use (merged into apps.HANDLERS).

- kubernetes-bootcamp (the Kubernetes Basics tutorial): `Hello Kubernetes bootcamp! | Running
  on: <pod> | v=<1|2>`;
- echoserver (registry.k8s.io/echoserver:1.10, nginx + lua): the request dump (Hostname, Pod
  Information, Server values, Request Information, Request Headers, Request Body); 1.4 prints
  the older CLIENT VALUES / SERVER VALUES / HEADERS RECEIVED / BODY layout;
- hashicorp/http-echo: its `-text` argument and a newline, X-App-Name/X-App-Version headers;
- traefik/whoami: Hostname, IP lines, RemoteAddr, then the request line and headers;
- kuard: its page (title "KUAR Demo") and `/healthy`, `/ready` -> `ok`;
- stefanprodan/podinfo: the JSON a non-browser client gets at `/`, `{"status": "OK"}` at
  /healthz and /readyz;
- paulbouwer/hello-kubernetes: the page with its message (env MESSAGE, default "Hello world!")
  and the pod name.
Request headers are the client tool's (curl/<version>, Wget); other headers are not modelled.
"""

from __future__ import annotations

import json

from .apps import HttpReply, Request, _date, _plain


def _headers(req: Request) -> list[tuple[str, str]]:
    host = req.host or req.pod_ip
    if req.user_agent == "Wget":  # busybox wget: Host, User-Agent, Connection: close
        return [("connection", "close"), ("host", host), ("user-agent", req.user_agent)]
    return [("accept", "*/*"), ("host", host), ("user-agent", req.user_agent)]


def echoserver(req: Request) -> HttpReply:
    host = req.host or req.pod_ip
    uri = f"http://{host}{req.path}" + (f"?{req.query}" if req.query else "")
    heads = "".join(f"\t{k}={v}\n" for k, v in _headers(req))
    if req.version == "1.4":
        body = ("CLIENT VALUES:\n"
                f"client_address={req.client_ip}\ncommand=GET\nreal path={req.path}\n"
                f"query={req.query or 'nil'}\nrequest_version=1.1\nrequest_uri={uri}\n\n"
                "SERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\n"
                "HEADERS RECEIVED:\n" + heads.replace("\t", "")
                + "BODY:\n-no body in request-")
    else:
        body = (f"\n\nHostname: {req.pod_name}\n\n"
                "Pod Information:\n\t-no pod information available-\n\n"
                "Server values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\n"
                f"Request Information:\n\tclient_address={req.client_ip}\n\tmethod=GET\n"
                f"\treal path={req.path}\n\tquery={req.query}\n\trequest_version=1.1\n"
                f"\trequest_scheme=http\n\trequest_uri={uri}\n\n"
                f"Request Headers:\n{heads}\n"
                "Request Body:\n\t-no body in request-\n\n")
    return HttpReply(200, body, {"Server": "nginx/1.10.0" if req.version == "1.4" else
                                 "echoserver", "Date": _date(req.now),
                                 "Content-Type": "text/plain", "Transfer-Encoding": "chunked",
                                 "Connection": "keep-alive"})


def http_echo(req: Request) -> HttpReply:
    words = list(req.args)
    text = ""
    for i, word in enumerate(words):
        if word.startswith(("-text=", "--text=")):
            text = word.split("=", 1)[1]
        elif word in ("-text", "--text") and i + 1 < len(words):
            text = words[i + 1]
    body = text + "\n"
    headers = {"X-App-Name": "http-echo", "X-App-Version": req.version or "1.0.0",
               **_plain(req, body)}
    return HttpReply(200, body, headers)


def whoami(req: Request) -> HttpReply:
    port = 40000 + int(req.now) % 20000
    lines = [f"Hostname: {req.pod_name}", "IP: 127.0.0.1", "IP: ::1", f"IP: {req.pod_ip}",
             f"RemoteAddr: {req.client_ip}:{port}",
             f"GET {req.path}{'?' + req.query if req.query else ''} HTTP/1.1",
             f"Host: {req.host or req.pod_ip}", f"User-Agent: {req.user_agent}", "Accept: */*"]
    body = "\n".join(lines) + "\n\n"
    return HttpReply(200, body, _plain(req, body))


def kuard(req: Request) -> HttpReply:
    if req.path in ("/healthy", "/ready"):
        return HttpReply(200, "ok", _plain(req, "ok"))
    if req.path not in ("/", "/index.html"):
        return HttpReply(404, "404 page not found\n", _plain(req, "404 page not found\n"))
    body = ('<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
            "  <title>KUAR Demo</title>\n"
            '  <link rel="stylesheet" href="/static/css/bootstrap.min.css">\n'
            '  <link rel="stylesheet" href="/static/css/styles.css">\n  <script>\n'
            f'var pageContext = {{"hostname":"{req.pod_name}","addrs":["{req.pod_ip}"],'
            f'"version":"v0.10.0-{req.version or "blue"}","versionColor":"hsl(18,100%,50%)",'
            '"requestDump":"GET / HTTP/1.1","requestProto":"HTTP/1.1",'
            f'"requestAddr":"{req.client_ip}:{40000 + int(req.now) % 20000}"}}\n'
            "  </script>\n</head>\n<body>\n  <div id=\"root\"></div>\n"
            '  <script src="/built/bundle.js" type="text/javascript"></script>\n'
            "</body>\n</html>\n")
    return HttpReply(200, body, {"Content-Type": "text/html", "Date": _date(req.now),
                                 "Content-Length": str(len(body))})


def podinfo(req: Request) -> HttpReply:
    version = req.version or "6.9.2"
    if req.path in ("/healthz", "/readyz"):
        data: dict = {"status": "OK"}
    elif req.path in ("/", "/api/info"):
        data = {"hostname": req.pod_name, "version": version, "revision": "",
                "color": "#34577c",
                "logo": "https://raw.githubusercontent.com/stefanprodan/podinfo/gh-pages/"
                        "cuddle_clap.gif",
                "message": f"greetings from podinfo v{version}", "goos": "linux",
                "goarch": "amd64", "runtime": "go1.24.6", "num_goroutine": "8",
                "num_cpu": "2"}
    else:
        return HttpReply(404, "404 page not found\n", _plain(req, "404 page not found\n"))
    body = json.dumps(data, indent=2) + "\n"
    return HttpReply(200, body, {"Content-Type": "application/json; charset=utf-8",
                                 "Date": _date(req.now), "Content-Length": str(len(body)),
                                 "X-Content-Type-Options": "nosniff"})


def hello_kubernetes(req: Request) -> HttpReply:
    message = req.env.get("MESSAGE") or "Hello world!"
    body = ("<!DOCTYPE html>\n<html>\n<head>\n    <title>Hello Kubernetes!</title>\n"
            '    <link rel="stylesheet" type="text/css" href="/css/main.css">\n'
            "</head>\n<body>\n<div class=\"main\">\n"
            '    <img src="/images/kubernetes.png"/>\n    <div class="content">\n'
            f'        <div id="message">\n  {message}\n</div>\n<div id="info">\n  <table>\n'
            f"    <tr>\n      <th>pod:</th>\n      <td>{req.pod_name}</td>\n    </tr>\n"
            f"    <tr>\n      <th>node:</th>\n      <td>Linux (6.8.0-1024-azure)</td>\n"
            "    </tr>\n  </table>\n</div>\n    </div>\n</div>\n</body>\n</html>\n")
    return HttpReply(200, body, {"X-Powered-By": "Express",
                                 "Content-Type": "text/html; charset=utf-8",
                                 "Content-Length": str(len(body)), "Date": _date(req.now),
                                 "Connection": "keep-alive"})


def kubernetes_bootcamp(req: Request) -> HttpReply:
    """server.js of the Kubernetes Basics tutorial."""
    body = (f"Hello Kubernetes bootcamp! | Running on: {req.pod_name} | "
            f"v={req.version or '1'}\n")
    return HttpReply(200, body, {"Content-Type": "text/plain", "Date": _date(req.now),
                                 "Connection": "keep-alive", "Transfer-Encoding": "chunked"})


HANDLERS = {
    "kubernetes-bootcamp": kubernetes_bootcamp,
    "echoserver": echoserver,
    "http-echo": http_echo,
    "whoami": whoami,
    "kuard": kuard,
    "podinfo": podinfo,
    "hello-kubernetes": hello_kubernetes,
}
