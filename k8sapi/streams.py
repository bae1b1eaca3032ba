"""`kubectl exec`, `attach` and `run -it`: the websocket streaming protocol
(k8s.io/apimachinery/pkg/util/httpstream/wsstream, subprotocols v5.channel.k8s.io and
v4.channel.k8s.io): binary frames whose first byte is the channel (0 stdin, 1 stdout,
2 stderr, 3 the final metav1.Status, 4 resize; v5's 255 closes a channel). Commands run in
the simulation with the console's tools (nslookup, wget, curl, cat, hostname, env, a small
sh); with stdin a line-by-line shell answers, echoing keys when a TTY was asked for.

Every check that fails before the stream opens (no pod, a container not running, no
command) refuses the websocket, so kubectl falls back to its SPDY request, which the HTTP
view answers with the exact Status (`Error from server (NotFound): pods "x" not found`,
`unable to upgrade connection: container not found ("c")`)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from k8sapi import access
from k8sapi.rest import truthy
from playground.sandboxes import opened
from playground.sim.console.common import CommandError
from playground.sim.console.net_exec import run_in
from playground.sim.console.net_tools import run_tool
from playground.sim.console.registry import CommandContext
from playground.sim.errors import ApiError, BadRequest
from playground.sim.objects import get_path

PROTOCOLS = ("v5.channel.k8s.io", "v4.channel.k8s.io")
STDIN, STDOUT, STDERR, ERROR, RESIZE, CLOSE = 0, 1, 2, 3, 4, 255
SHELLS = {"sh", "bash", "ash"}
PROMPT = "/ # "
FOLLOW_SECONDS = 1.0


@dataclass
class Target:
    sandbox_id: int
    namespace: str
    pod: str
    action: str  # exec | attach
    container: str
    command: list[str]
    stdin: bool
    tty: bool


def parse(path: str, query: str) -> tuple[str, Target] | None:
    """`/k8s/<secret>/api/v1/namespaces/NS/pods/NAME/exec` -> (secret, partial target)."""
    parts = path.strip("/").split("/")
    if len(parts) != 9 or parts[0] != "k8s" or parts[2:4] != ["api", "v1"]:
        return None
    if parts[4] != "namespaces" or parts[6] != "pods" or parts[8] not in ("exec", "attach"):
        return None
    q = parse_qs(query, keep_blank_values=True)
    target = Target(
        sandbox_id=0,
        namespace=parts[5],
        pod=parts[7],
        action=parts[8],
        container=(q.get("container") or [""])[0],
        command=q.get("command") or [],
        stdin=truthy((q.get("stdin") or [""])[0]),
        tty=truthy((q.get("tty") or [""])[0]),
    )
    return parts[1], target


def check(target: Target) -> dict:
    """The pod and container exist and run; raises ApiError like the API server would."""
    with opened(target.sandbox_id, seen=True) as loaded:
        cluster = loaded.cluster
        pod = cluster.api.get("Pod", target.pod, target.namespace)
        containers = get_path(pod, "spec", "containers", default=[])
        name = target.container or containers[0]["name"]
        if not any(c["name"] == name for c in containers):
            raise BadRequest(f"container {name} is not valid for pod {target.pod}")
        phase = get_path(pod, "status", "phase")
        if phase in ("Succeeded", "Failed"):
            raise BadRequest(
                f"cannot exec into a container in a completed pod; current phase is {phase}"
            )
        running = any(
            s.get("name") == name and get_path(s, "state", "running")
            for s in get_path(pod, "status", "containerStatuses", default=[])
        )
        if not running:
            raise BadRequest(f'container not found ("{name}")')
        if target.action == "exec" and not target.command:
            raise BadRequest("you must specify at least one command for the container")
        target.container = name
        return pod


def run(target: Target, command: list[str]) -> tuple[str, int, str | None]:
    """(stdout, exit code, error message) of one command in the target container."""
    with opened(target.sandbox_id, seen=True) as loaded:
        cluster = loaded.cluster
        pod = cluster.api.get("Pod", target.pod, target.namespace)
        container = next(c for c in pod["spec"]["containers"] if c["name"] == target.container)
        ctx = CommandContext(cluster=cluster)
        if command and command[0].rsplit("/", 1)[-1] in SHELLS and len(command) > 2:
            result = run_tool(cluster, pod, container, command)
            return result.stdout, result.code, None
        try:
            run_in(ctx, pod, container, command)
        except CommandError as exc:
            return "", 1, str(exc).removeprefix("error: ")
        code = 0
        text = "".join(t for s, t in ctx.chunks if s == "out")
        err = "".join(t for s, t in ctx.chunks if s == "err")
        if err.startswith("command terminated with exit code "):
            code = int(err.split()[-1])
        return text, code, None


def main_command(target: Target) -> list[str]:
    with opened(target.sandbox_id, seen=True) as loaded:
        pod = loaded.cluster.api.get("Pod", target.pod, target.namespace)
    container = next(c for c in pod["spec"]["containers"] if c["name"] == target.container)
    return list(container.get("command") or []) + list(container.get("args") or [])


def status(code: int, message: str | None = None, command: list[str] | None = None) -> dict:
    if message is not None:
        return {
            "metadata": {},
            "status": "Failure",
            "message": message,
            "reason": "InternalError",
            "code": 500,
        }
    if code == 0:
        return {"metadata": {}, "status": "Success"}
    return {
        "metadata": {},
        "status": "Failure",
        "message": f"command terminated with non-zero exit code: error executing command "
        f"[{' '.join(command or [])}], exit code {code}",
        "reason": "NonZeroExitCode",
        "details": {"causes": [{"reason": "ExitCode", "message": str(code)}]},
    }


class StreamConsumer(AsyncWebsocketConsumer):
    target: Target | None = None

    async def connect(self) -> None:
        parsed = parse(self.scope["path"], self.scope.get("query_string", b"").decode())
        protocol = next((p for p in PROTOCOLS if p in self.scope.get("subprotocols", [])), None)
        if parsed is None or protocol is None:
            await self.close()
            return
        secret, target = parsed
        sandbox_id = await sync_to_async(access.sandbox_for)(secret)
        if sandbox_id is None:
            await self.close()
            return
        target.sandbox_id = sandbox_id
        try:
            await sync_to_async(check)(target)
        except ApiError:
            await self.close()  # kubectl retries over SPDY and gets the Status from the view
            return
        self.target, self.protocol, self.line = target, protocol, ""
        await self.accept(subprotocol=protocol)
        if target.action == "exec" and not (target.stdin and _is_shell(target.command)):
            await self._run_once(target.command)
        elif target.action == "attach" and not (
            target.stdin and _is_shell(await sync_to_async(main_command)(target))
        ):
            self.follower = asyncio.ensure_future(self._follow_output())
        elif target.tty:
            await self._out(PROMPT)

    async def _follow_output(self) -> None:
        """`kubectl attach` to a container's main process: what it prints from now on, until
        it stops (the simulation's logs are read once a second)."""
        from k8sapi.rest import Call
        from k8sapi.watch import read_logs
        from playground.sim.resources import REGISTRY

        call = Call(
            rt=REGISTRY.get("Pod"),
            method="GET",
            namespace=self.target.namespace,
            name=self.target.pod,
            subresource="log",
            query={"container": self.target.container},
        )
        try:
            text, running = await sync_to_async(read_logs)(self.target.sandbox_id, call)
            sent = len(text)
            while running:
                await asyncio.sleep(FOLLOW_SECONDS)
                text, running = await sync_to_async(read_logs)(self.target.sandbox_id, call)
                if len(text) > sent:
                    await self._out(text[sent:])
                    sent = len(text)
        except ApiError:
            pass  # the pod went away
        await self._finish(0)

    async def disconnect(self, code) -> None:
        follower = getattr(self, "follower", None)
        if follower is not None:
            follower.cancel()

    async def _out(self, text: str, channel: int = STDOUT) -> None:
        if self.target and self.target.tty:
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        if text:
            await self.send(bytes_data=bytes([channel]) + text.encode())

    async def _finish(
        self, code: int, message: str | None = None, command: list[str] | None = None
    ) -> None:
        body = json.dumps(status(code, message, command)).encode()
        await self.send(bytes_data=bytes([ERROR]) + body)
        await self.close()

    async def _run_once(self, command: list[str]) -> None:
        out, code, error = await sync_to_async(run)(self.target, command)
        await self._out(out)
        await self._finish(code, error, command)

    async def receive(self, text_data=None, bytes_data=None) -> None:
        data = bytes_data if bytes_data is not None else (text_data or "").encode()
        if not data or self.target is None:
            return
        channel, payload = data[0], data[1:]
        if channel == CLOSE and payload[:1] == bytes([STDIN]):
            if self.line.strip():
                await self._shell_line(self.line)
            await self._finish(0)
        elif channel == STDIN:
            await self._keys(payload.decode(errors="replace"))

    async def _keys(self, text: str) -> None:
        tty = self.target.tty
        for ch in text:
            if ch in "\r\n":
                line, self.line = self.line, ""
                if tty:
                    await self._out("\n")
                if not await self._shell_line(line):
                    return
                if tty:
                    await self._out(PROMPT)
            elif ch == "\x04" and not self.line:
                await self._finish(0)
                return
            elif ch in "\x7f\b":
                if self.line:
                    self.line = self.line[:-1]
                    if tty:
                        await self._out("\b \b")
            elif ch == "\x03":
                self.line = ""
                if tty:
                    await self._out("^C\n" + PROMPT)
            else:
                self.line += ch
                if tty:
                    await self._out(ch)

    async def _shell_line(self, line: str) -> bool:
        """Run one line of the shell; False when it was `exit`."""
        words = line.strip().split()
        if not words:
            return True
        if words[0] == "exit":
            code = int(words[1]) if len(words) > 1 and words[1].isdigit() else 0
            await self._finish(code)
            return False
        out, code, error = await sync_to_async(run)(self.target, ["sh", "-c", line])
        await self._out(out if error is None else f"sh: {error}\n")
        return True


def _is_shell(command: list[str]) -> bool:
    return len(command) == 1 and command[0].rsplit("/", 1)[-1] in SHELLS


__all__ = ["StreamConsumer", "check", "parse", "Target"]
