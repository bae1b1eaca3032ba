"""What a container does once started, decided from its image and its command/args.

Kubernetes' rule (`command` replaces the image ENTRYPOINT, `args` replaces CMD; a `command`
without `args` drops CMD) gives the argv; `program()` then interprets it:

- the image's own server (`nginx -g "daemon off;"`, `httpd-foreground`, `/hello-app`,
  `agnhost netexec --http-port=8080`, `redis-server` ...) keeps running and serves its ports;
- `sleep N` / `sleep infinity` sleeps; `echo`, `true`, `false`, `env`, `hostname`, `date`;
- `sh -c "..."` scripts made of those, joined by `;`, `&&`, `||` or newlines, with
  `exit N` and `while true; do ...; done` loops (their output repeats each iteration);
- a shell with no script and no terminal (busybox's default `sh`) exits 0 at once;
- an executable missing from the image fails to start like containerd/runc:
  `exec: "foo": executable file not found in $PATH` (StartError, exit code 128).

Simplified: no real file system (`cat` of a file fails), variables expand only from the
container's environment, and a script's commands take no time except `sleep`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from .images import ImageInfo

SHELLS = {"sh", "bash", "ash", "zsh", "dash"}
FOREVER = None


@dataclass
class Program:
    runs_for: float | None = FOREVER      # seconds until exit; None: until killed
    exit_code: int = 0
    output: list[tuple[float, str]] = field(default_factory=list)  # (seconds after start, line)
    repeat: tuple[float, float, list[str]] | None = None  # (first at, period, lines) forever
    start_error: str | None = None        # runc's message: the container never starts
    listens: dict[int, str] = field(default_factory=dict)
    server: str = ""                      # app family whose start-up lines the logs show
    sigterm_code: int = 137               # exit code when stopped (0: handles SIGTERM)
    files: list[tuple[float, str, bool]] = field(default_factory=list)  # touch / rm over time
    memory_bytes: float = 0.0             # what it allocates (stress --vm-bytes): OOM vs limit


def argv_for(container: dict, image: ImageInfo) -> list[str]:
    command, args = container.get("command"), container.get("args")
    if command:
        return [*command, *(args or [])]
    return [*image.entrypoint, *(args if args is not None else image.cmd)]


def program(container: dict, image: ImageInfo, env: dict[str, str] | None = None) -> Program:
    argv = argv_for(container, image)
    env = env or {}
    if not argv:
        return Program(start_error='exec: "": executable file not found in $PATH')
    # image entrypoint wrappers hand over to the real program
    while argv and _base(argv[0]) in ("docker-entrypoint.sh", "/docker-entrypoint.sh",
                                      "entrypoint.sh") and len(argv) > 1:
        argv = argv[1:]
    name = _base(argv[0])
    if name not in image.tools and argv[0] not in image.tools and not _is_image_program(
            argv, image):
        return Program(start_error=f'exec: "{argv[0]}": executable file not found in $PATH')
    if container.get("stdin") and _interactive_shell(argv):
        # `kubectl run -it ... -- sh`: the shell waits on its open stdin; as PID 1 it
        # ignores SIGTERM, so stopping it takes the grace period and a SIGKILL.
        return Program(runs_for=FOREVER, sigterm_code=137)
    return _run(argv, image, env)


def _interactive_shell(argv: list[str]) -> bool:
    return _base(argv[0]) in SHELLS and not (len(argv) >= 3 and argv[1] == "-c")


def _base(path: str) -> str:
    return path.rsplit("/", 1)[-1]


def _is_image_program(argv: list[str], image: ImageInfo) -> bool:
    argv0 = argv[0]
    own = [*image.entrypoint, *image.cmd]
    return argv0 in own or _base(argv0) in {_base(a) for a in own[:1]} or _base(argv0) in (
        "entrypoint.sh", "docker-entrypoint.sh")


def _run(argv: list[str], image: ImageInfo, env: dict[str, str]) -> Program:
    name = _base(argv[0])
    if name in SHELLS:
        if len(argv) >= 3 and argv[1] == "-c":
            return run_script(argv[2], image, env)
        return Program(runs_for=0.0, exit_code=0, sigterm_code=0)  # no tty, no script
    return _simple(argv, image, env, server_ok=True)


def _simple(argv: list[str], image: ImageInfo, env: dict[str, str], *,
            server_ok: bool) -> Program:
    name, args = _base(argv[0]), argv[1:]
    if name == "sleep":
        secs = parse_sleep(args[0] if args else "")
        return Program(runs_for=secs, exit_code=0 if secs is not None or args else 1,
                       sigterm_code=137)
    if name in ("echo", "true", "false", "env", "printenv", "hostname", "date", "cat"):
        status, lines = builtin(argv, env)
        return Program(runs_for=0.0, exit_code=status, output=[(0.0, ln) for ln in lines])
    if name == "agnhost":
        return _agnhost(args, image)
    if name == "stress":
        return _stress(args)
    if name == "curl" and not args:
        return Program(runs_for=0.0, exit_code=2, output=[
            (0.0, "curl: try 'curl --help' or 'curl --manual' for more information")])
    if name in ("postgres", "mysqld") and not _has_password(name, env):
        return Program(runs_for=0.5, exit_code=1, output=[(0.0, ln) for ln in
                                                          _missing_password(name)])
    if image.behaviour == "exits" or not server_ok:
        return Program(runs_for=0.0, exit_code=image.exit_code)
    return Program(listens=dict(image.listens), server=image.app,
                   sigterm_code=0 if image.app in ("nginx", "httpd", "redis") else 137)


def parse_sleep(text: str) -> float | None:
    """busybox/coreutils sleep: `5`, `1.5`, `10s`, `2m`, `1h`, `1d`, `infinity`."""
    if text in ("infinity", "inf"):
        return FOREVER
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", text)
    if not m:
        return 0.0
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def builtin(argv: list[str], env: dict[str, str]) -> tuple[int, list[str]]:
    """Exit status and output lines of the few commands the simulation runs for real."""
    name, args = _base(argv[0]), argv[1:]
    if name == "echo":
        if args[:1] == ["-n"]:
            args = args[1:]
        return 0, [" ".join(args)]
    if name == "true":
        return 0, []
    if name == "false":
        return 1, []
    if name in ("env", "printenv"):
        if args:
            return (0, [env[args[0]]]) if args[0] in env else (1, [])
        return 0, [f"{k}={v}" for k, v in env.items()]
    if name == "hostname":
        return 0, [env.get("HOSTNAME", "")]
    if name == "date":
        return 0, [env.get("_DATE", "")]
    if name == "cat":
        return 1, [f"cat: can't open '{a}': No such file or directory" for a in args]
    return 127, [f"sh: {name}: not found"]


_WHILE = re.compile(r"^\s*while\s+(?:true|:)\s*;?\s*do\s+(.*?);?\s*done\s*;?\s*$", re.S)


def run_script(script: str, image: ImageInfo, env: dict[str, str]) -> Program:
    """Interpret a `sh -c` script: a sequence of simple commands, maybe ending in a loop."""
    t, status, output = 0.0, 0, []
    files: list[tuple[float, str, bool]] = []
    head, loop = _split_loop(script)
    for op, argv in _commands(head, env):
        if (op == "&&" and status != 0) or (op == "||" and status == 0):
            continue
        name = _base(argv[0])
        if name in ("touch", "rm"):
            files += [(t, a, name == "touch") for a in argv[1:] if not a.startswith("-")]
            status = 0
            continue
        if name == "exit":
            code = int(argv[1]) if len(argv) > 1 and argv[1].lstrip("-").isdigit() else status
            return Program(runs_for=t, exit_code=code % 256, output=output, files=files)
        if name == "sleep":
            secs = parse_sleep(argv[1] if len(argv) > 1 else "")
            if secs is FOREVER:
                return Program(output=output, files=files)
            t, status = t + secs, 0
            continue
        if name in ("echo", "true", "false", "env", "printenv", "hostname", "date", "cat"):
            status, lines = builtin(argv, env)
            output += [(t, ln) for ln in lines]
            continue
        if name in SHELLS or (name not in image.tools and not _is_image_program(argv, image)):
            status = 127
            output.append((t, f"sh: {argv[0]}: not found"))
            continue
        sub = _simple(argv, image, env, server_ok=True)
        if sub.runs_for is FOREVER:  # exec'ing a server or an endless sleep
            return Program(output=output + [(t + o, ln) for o, ln in sub.output],
                           listens=sub.listens, server=sub.server, sigterm_code=sub.sigterm_code,
                           files=files)
        t += sub.runs_for
        status = sub.exit_code
        output += [(t, ln) for _, ln in sub.output]
    if loop is not None:
        prog = _loop_program(loop, t, output, env)
        prog.files = files
        return prog
    return Program(runs_for=t, exit_code=status, output=output, files=files)


def _split_loop(script: str) -> tuple[str, str | None]:
    idx = script.find("while ")
    if idx < 0:
        return script, None
    m = _WHILE.match(script[idx:])
    if not m:
        return script, None
    return script[:idx], m.group(1)


def _loop_program(body: str, t0: float, output: list, env: dict[str, str]) -> Program:
    period, lines, now = 0.0, [], 0.0
    for _, argv in _commands(body, env):
        name = _base(argv[0])
        if name == "sleep":
            secs = parse_sleep(argv[1] if len(argv) > 1 else "")
            now += secs or 0.0
        elif name in ("echo", "env", "printenv", "hostname", "date"):
            lines += builtin(argv, env)[1]
    period = now if now > 0 else 1.0
    return Program(output=output, repeat=(t0, period, lines), sigterm_code=137)


def _commands(script: str, env: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Split on ; && || and newlines (outside quotes) into (operator before, argv)."""
    lexer = shlex.shlex(_expand(script, env), posix=True, punctuation_chars=";&|")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    out: list[tuple[str, list[str]]] = []
    op, cur = ";", []
    try:
        tokens = list(lexer)
    except ValueError:
        tokens = script.split()
    for tok in tokens:
        if tok in (";", "&&", "||", "\n", "&", "|"):
            if cur:
                out.append((op, cur))
            op, cur = (tok if tok in ("&&", "||") else ";"), []
        elif "\n" in tok:
            parts = tok.split("\n")
            for i, p in enumerate(parts):
                if p:
                    cur.append(p)
                if i < len(parts) - 1 and cur:
                    out.append((op, cur))
                    op, cur = ";", []
        else:
            cur.append(tok)
    if cur:
        out.append((op, cur))
    return out


def _expand(script: str, env: dict[str, str]) -> str:
    script = script.replace("$(hostname)", env.get("HOSTNAME", ""))
    script = script.replace("$(date)", env.get("_DATE", ""))
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
                  lambda m: env.get(m.group(1), ""), script)


def _agnhost(args: list[str], image: ImageInfo) -> Program:
    sub = args[0] if args else ""
    if sub == "netexec":
        port = 8080
        for a in args[1:]:
            if a.startswith("--http-port"):
                port = int(a.split("=", 1)[1]) if "=" in a else port
        return Program(listens={port: "agnhost-netexec"}, server="agnhost-netexec")
    if sub == "serve-hostname":
        port = 9376
        for a in args[1:]:
            if a.startswith("--port="):
                port = int(a.split("=", 1)[1])
        return Program(listens={port: "agnhost-serve-hostname"}, server="agnhost-serve-hostname")
    if sub in ("pause", "") or sub.startswith("-"):
        return Program(server="agnhost-pause")
    return Program(runs_for=0.0, exit_code=1,
                   output=[(0.0, f'Error: unknown command "{sub}" for "agnhost"')])


def _stress(args: list[str]) -> Program:
    """polinux/stress `--vm N --vm-bytes 150M` keeps N workers holding that much memory;
    vish/stress `-mem-total 150Mi` likewise; both run until stopped."""
    from .scheduling import quantity

    workers, size = 0, 0.0
    for i, a in enumerate(args):
        nxt = args[i + 1] if i + 1 < len(args) else ""
        if a == "--vm":
            workers = int(nxt) if nxt.isdigit() else 1
        elif a == "--vm-bytes":
            size = quantity(nxt.upper().replace("B", "") if nxt[-1:] in "bB" else nxt[:-1] + (
                {"K": "Ki", "M": "Mi", "G": "Gi"}.get(nxt[-1:].upper(), nxt[-1:])))
        elif a.startswith("-mem-total"):
            size, workers = quantity(a.split("=", 1)[1] if "=" in a else nxt), 1
    if not args:
        usage = "`stress' imposes certain types of compute stress on your system"
        return Program(runs_for=0.0, exit_code=1, output=[(0.0, usage)])
    return Program(memory_bytes=workers * size, sigterm_code=137)


def _has_password(name: str, env: dict[str, str]) -> bool:
    if name == "postgres":
        return bool(env.get("POSTGRES_PASSWORD")) or env.get("POSTGRES_HOST_AUTH_METHOD") == "trust"
    return any(env.get(k) for k in ("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD",
                                     "MYSQL_RANDOM_ROOT_PASSWORD"))


def _missing_password(name: str) -> list[str]:
    if name == "postgres":
        return [
            "Error: Database is uninitialized and superuser password is not specified.",
            "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
            '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".',
        ]
    return ["[ERROR] [Entrypoint]: Database is uninitialized and password option is not "
            "specified",
            "    You need to specify one of the following as an environment variable:",
            "    - MYSQL_ROOT_PASSWORD", "    - MYSQL_ALLOW_EMPTY_PASSWORD",
            "    - MYSQL_RANDOM_ROOT_PASSWORD"]
