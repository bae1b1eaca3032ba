"""A live daphne, a sandbox with its API secret, and the real kubectl pointed at it.

The real kubectl runs where /usr/bin/kubectl (or one on PATH) exists; elsewhere those
tests skip with one line, unless REQUIRE_KUBECTL=1 (CI) makes a missing kubectl fail."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from k8sapi import access
from k8sapi.views_kubeconfig import kubeconfig
from playground import sandboxes


def kubectl_binary() -> str | None:
    if os.path.exists("/usr/bin/kubectl"):
        return "/usr/bin/kubectl"
    return shutil.which("kubectl")


@dataclass
class Door:
    """One sandbox reached through the REST door."""

    sandbox: object
    secret: str
    url: str  # the server URL of its kubeconfig
    kubeconfig: Path
    cache: Path

    def kubectl(
        self,
        *args: str,
        stdin: str | None = None,
        ok: bool = True,
        timeout: float = 60,
        binary: str | None = None,
    ) -> subprocess.CompletedProcess:
        binary = binary or kubectl_binary()
        if binary is None:
            missing_kubectl()
        env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
        env["KUBECACHEDIR"] = str(self.cache)
        env["HOME"] = str(self.cache)
        result = subprocess.run(
            [binary, "--kubeconfig", str(self.kubeconfig), *args],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
        if ok and result.returncode != 0:
            raise AssertionError(
                f"kubectl {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}"
            )
        return result


def versioned_kubectl(minor: str) -> str | None:
    """gcloud's kubectl dispatcher picks the binary matching the server (v1.33); the 1.32
    one beside it is run explicitly, since the REST door must serve both."""
    binary = kubectl_binary()
    if binary is None:
        return None
    candidate = Path(os.path.realpath(binary)).with_name(f"kubectl.{minor}")
    return str(candidate) if candidate.exists() else None


def missing_kubectl() -> None:
    if os.environ.get("REQUIRE_KUBECTL") == "1":
        pytest.fail("REQUIRE_KUBECTL=1 but no kubectl binary is installed")
    pytest.skip("no kubectl binary on this machine (set REQUIRE_KUBECTL=1 to require it)")


def open_door(server, tmp_path: Path, name: str = "lab", seed: int = 7) -> Door:
    sandbox = sandboxes.sandbox_create(name=name, visitor=f"visitor-{name}", seed=seed)
    secret = access.secret_of(sandbox)
    path = tmp_path / f"{name}.kubeconfig"
    path.write_text(kubeconfig(sandbox, secret, server.url, secure=False))
    cache = tmp_path / f"cache-{name}"
    cache.mkdir()
    return Door(
        sandbox=sandbox,
        secret=secret,
        url=f"{server.url}/k8s/{secret}",
        kubeconfig=path,
        cache=cache,
    )


@pytest.fixture
def door(asgi_server, tmp_path) -> Door:
    return open_door(asgi_server, tmp_path)


@pytest.fixture
def need_kubectl() -> None:
    if kubectl_binary() is None:
        missing_kubectl()
