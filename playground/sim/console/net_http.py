"""curl 8.x and busybox wget as a learner types them in a pod.

curl: `-s/-S/-f/-i/-I/-k/-v/-L`, `-o FILE`, `-w/--write-out` (`%{http_code}`,
`%{response_code}`, `%{size_download}`, `%{remote_ip}`, `%{remote_port}`, `%{url_effective}`,
`%{time_total}`, `\\n`), `-m/--max-time`, `--connect-timeout`: a connection that is never
answered gives lib/multi.c's `Connection timed out after <ms> milliseconds` (exit 28) after the
limit, and -w still prints (`000`). busybox wget (networking/wget.c): `-q`, `-O FILE|-`,
`-T SEC/--timeout=SEC` (`wget: download timed out`), `-S` (server headers, two-space
indented), `-s/--spider` (`remote file exists`), the `Connecting to` line before connecting.
No file system: files written with -o/-O are not kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..network import Response, request

CURL_VALUE_FLAGS = {"-m": "max-time", "--max-time": "max-time", "--connect-timeout": "connect",
                    "-o": "output", "--output": "output", "-w": "write", "--write-out": "write",
                    "-H": "", "--header": "", "-X": "", "--request": "", "-d": "", "--data": "",
                    "-A": "", "--user-agent": "", "-u": "", "--user": "", "-e": "", "-x": ""}
CURL_LONG_BOOLS = {"--silent": "s", "--show-error": "S", "--fail": "f", "--include": "i",
                   "--head": "I", "--insecure": "k", "--verbose": "v", "--location": "L"}


@dataclass
class CurlArgs:
    flags: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)
    urls: list[str] = field(default_factory=list)


def parse_curl(args: list[str]) -> CurlArgs:
    out, i = CurlArgs(), 0
    while i < len(args):
        a = args[i]
        i += 1
        name, eq, inline = a.partition("=") if a.startswith("--") else (a, "", "")
        if name in CURL_VALUE_FLAGS:
            value = inline if eq else (args[i] if i < len(args) else "")
            i += 0 if eq else 1
            if CURL_VALUE_FLAGS[name]:
                out.values[CURL_VALUE_FLAGS[name]] = value
        elif a in CURL_LONG_BOOLS:
            out.flags.add(CURL_LONG_BOOLS[a])
        elif a.startswith("-") and not a.startswith("--") and len(a) > 1:
            for j, ch in enumerate(a[1:], 1):
                if f"-{ch}" in CURL_VALUE_FLAGS:  # -sSo FILE, -m5
                    rest = a[j + 1:]
                    value = rest if rest else (args[i] if i < len(args) else "")
                    i += 0 if rest else 1
                    if CURL_VALUE_FLAGS[f"-{ch}"]:
                        out.values[CURL_VALUE_FLAGS[f"-{ch}"]] = value
                    break
                out.flags.add(ch)
        elif not a.startswith("-"):
            out.urls.append(a)
    return out


def _seconds(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


def write_out(fmt: str, resp: Response, size: int) -> str:
    values = {"http_code": f"{resp.status:03d}", "response_code": f"{resp.status:03d}",
              "size_download": str(size), "remote_ip": resp.ip, "remote_port": str(resp.port or ""),
              "url_effective": resp.url, "time_total": "0.002143", "time_connect": "0.000410"}
    out = fmt.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r")
    for key, value in values.items():
        out = out.replace("%{" + key + "}", value)
    return out


def curl_version(container: dict) -> str:
    from ..images import lookup

    image = lookup(container.get("image", ""))
    return image.version if image is not None and image.app == "curl" and image.version else (
        "8.14.1")


def _verbose_request(resp: Response, head: bool, version: str) -> str:
    path = "/" + resp.url.split("://", 1)[-1].partition("/")[2]
    host = resp.host + ("" if resp.port in (80, 443, 0) else f":{resp.port}")
    return (f"*   Trying {resp.ip}:{resp.port}...\n"
            f"* Connected to {resp.host} ({resp.ip}) port {resp.port}\n"
            "* using HTTP/1.x\n"
            f"> {'HEAD' if head else 'GET'} {path.split('?')[0] or '/'} HTTP/1.1\n"
            f"> Host: {host}\n> User-Agent: curl/{version}\n> Accept: */*\n> \n"
            "* Request completely sent off\n")


def curl(cluster, pod, container, args: list[str]):
    from .net_tools import Run, _curl_error

    opts = parse_curl(args)
    if not opts.urls:
        return Run("curl: try 'curl --help' or 'curl --manual' for more information\n", 2)
    resp = request(cluster, pod, opts.urls[0], user_agent=f"curl/{curl_version(container)}")
    flags = opts.flags
    silent, show_err = "s" in flags, "S" in flags
    fmt = opts.values.get("write")
    if not resp.ok:
        limit = min((t for t in (_seconds(opts.values.get("max-time")),
                                 _seconds(opts.values.get("connect"))) if t), default=None)
        if resp.error == "timeout" and limit:
            code, msg = 28, f"curl: (28) Connection timed out after {int(limit * 1000) + 1} " \
                            "milliseconds"
        else:
            code, msg = _curl_error(resp, "k" in flags)
        text = f"*   Trying {resp.ip}:{resp.port}...\n" if "v" in flags and resp.ip else ""
        text += write_out(fmt, resp, 0) if fmt else ""
        text += "" if silent and not show_err else msg + "\n"
        return Run(text, code)
    head = f"HTTP/1.1 {resp.status} {resp.reason}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in resp.headers.items()) + "\r\n"
    verbose = ""
    if "v" in flags:
        verbose = _verbose_request(resp, "I" in flags, curl_version(container)) + "".join(
            f"< {line}\n" for line in head.rstrip("\r\n").split("\r\n")) + "< \n"
    if "f" in flags and resp.status >= 400:
        msg = f"curl: (22) The requested URL returned error: {resp.status}\n"
        return Run(verbose + ("" if silent and not show_err else msg)
                   + (write_out(fmt, resp, 0) if fmt else ""), 22)
    body = "" if "I" in flags else resp.body
    shown = head if ("i" in flags or "I" in flags) else ""
    out = verbose + (shown + body if "output" not in opts.values else "")
    if "v" in flags:
        out += f"* Connection #0 to host {resp.host} left intact\n"
    out += write_out(fmt, resp, len(body.encode())) if fmt else ""
    return Run(out)


# ---- busybox wget ------------------------------------------------------------------------------

WGET_VALUE_SHORTS = "OTYUPo"


def parse_wget(args: list[str]) -> tuple[set[str], dict[str, str], list[str]]:
    flags: set[str] = set()
    values: dict[str, str] = {}
    urls: list[str] = []
    longs = {"--quiet": "q", "--spider": "s", "--server-response": "S", "--continue": "c"}
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a.startswith("--"):
            name, eq, value = a.partition("=")
            if name in longs:
                flags.add(longs[name])
            elif name in ("--timeout", "--output-document", "--user-agent", "--header"):
                if not eq:
                    value, i = (args[i] if i < len(args) else ""), i + 1
                key = {"--timeout": "T", "--output-document": "O"}.get(name)
                if key:
                    values[key] = value
        elif a.startswith("-") and len(a) > 1:
            for j, ch in enumerate(a[1:], 1):
                if ch in WGET_VALUE_SHORTS:
                    rest = a[j + 1:]
                    values[ch] = rest if rest else (args[i] if i < len(args) else "")
                    i += 0 if rest else 1
                    break
                flags.add(ch)
        else:
            urls.append(a)
    return flags, values, urls


def _progress(name: str, size: int) -> str:
    return f"{name[:20]:<20} 100% |********************************| {size:>5}  0:00:00 ETA\n"


def wget(cluster, pod, container, args: list[str]):
    from .net_tools import Run

    flags, values, urls = parse_wget(args)
    if not urls:
        return Run("BusyBox v1.36.1 multi-call binary.\n\nUsage: wget [-cqS] [--spider] "
                   "[-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] "
                   "[-Y on/off] [-P DIR] [-U AGENT] [-T SEC] URL...\n", 1)
    quiet = "q" in flags
    resp = request(cluster, pod, urls[0], user_agent="Wget")
    if resp.error == "resolve":
        return Run(f"wget: bad address '{resp.host}'\n", 1)
    out = "" if quiet else f"Connecting to {resp.host} ({resp.ip}:{resp.port})\n"
    target = resp.ip or resp.host
    if not resp.ok:
        if resp.error == "timeout" and _seconds(values.get("T")):
            return Run(out + "wget: download timed out\n", 1)
        msg = {
            "refused": f"wget: can't connect to remote host ({target}): Connection refused",
            "timeout": f"wget: can't connect to remote host ({target}): Connection timed out",
            "ssl": "wget: error getting response: Connection reset by peer",
        }.get(resp.error, "wget: error getting response")
        return Run(out + msg + "\n", 1)
    if "S" in flags:
        out += f"  HTTP/1.1 {resp.status} {resp.reason}\n" + "".join(
            f"  {k}: {v}\n" for k, v in resp.headers.items())
    if resp.status >= 400:
        return Run(out + f"wget: server returned error: HTTP/1.1 {resp.status} {resp.reason}\n",
                   1)
    if "s" in flags:
        return Run(out + ("" if quiet else "remote file exists\n"))
    size = len(resp.body.encode())
    dest = values.get("O")
    if dest == "-":
        if quiet:
            return Run(out + resp.body)
        return Run(out + "writing to stdout\n" + resp.body + _progress("-", size)
                   + "written to stdout\n")
    name = dest or (resp.url.rstrip("/").rsplit("/", 1)[-1] if "/" in resp.url.split(
        "://", 1)[-1].rstrip("/") else "index.html")
    if quiet:
        return Run(out)
    return Run(out + f"saving to '{name}'\n" + _progress(name, size) + f"'{name}' saved\n")
