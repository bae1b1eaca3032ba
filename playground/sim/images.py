"""The simulated image registry: which images exist, how long they take to pull, what they run.

`lookup("nginx:1.25")` returns an ImageInfo (None for an unknown repository or tag: the kubelet
reports ErrImagePull). Each image records what its real counterpart does when started with no
command (ENTRYPOINT + CMD): whether it keeps running as a server ("server") or exits at once
("exits", with its exit code: busybox's `sh` with no terminal exits 0), the ports it serves
(port -> app name, used by the network model), and the executables inside it (what
`kubectl exec` and `sh -c` scripts can run). Sizes and pull times are those of the real
linux/amd64 images on a typical lab link; the kubelet adds a little seeded jitter.

Programs (commands interpreted in simulation) live in `programs.py`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

DEBIAN_TOOLS = frozenset({
    "sh", "bash", "cat", "echo", "env", "printenv", "sleep", "ls", "hostname", "date", "true",
    "false", "ps", "kill", "mkdir", "touch", "rm", "head", "tail", "grep", "id", "whoami",
    "uname", "pwd", "test", "[", "expr", "seq", "wc", "sort", "tee",
})
BUSYBOX_TOOLS = DEBIAN_TOOLS | {"wget", "nslookup", "ping", "nc", "telnet", "top", "vi", "ip",
                                "ifconfig", "netstat", "traceroute", "route", "arp", "httpd"}
ALPINE_TOOLS = (DEBIAN_TOOLS - {"bash"}) | {"wget", "nslookup", "ping", "nc", "top", "vi", "ip",
                                            "ifconfig", "netstat", "traceroute", "apk"}
NETSHOOT_TOOLS = ALPINE_TOOLS | {"bash", "zsh", "curl", "dig", "host", "nmap", "tcpdump", "iperf3",
                                 "ss", "drill", "mtr", "socat", "jq", "openssl", "ab"}
NO_TOOLS: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ImageInfo:
    """One image reference the simulated registry serves."""

    reference: str                      # fully qualified: docker.io/library/nginx:1.25
    pull_seconds: float
    size_bytes: int
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    behaviour: str = "server"           # "server" keeps running; "exits" ends at once
    exit_code: int = 0
    listens: dict[int, str] = field(default_factory=dict)
    tools: frozenset[str] = NO_TOOLS
    app: str = ""                       # program family for logs: nginx, httpd, redis ...
    version: str = ""                   # the app's own version string (nginx/1.25.5)

    @property
    def default_command(self) -> list[str] | None:
        argv = [*self.entrypoint, *self.cmd]
        return argv or None

    @property
    def size(self) -> str:
        """Human size as `crictl images` prints it (MB, decimal)."""
        return f"{self.size_bytes / 1e6:.1f}MB"

    @property
    def digest(self) -> str:
        return "sha256:" + hashlib.sha256(self.reference.encode()).hexdigest()

    @property
    def image_id(self) -> str:
        """containerStatuses[].imageID: repo@sha256:..."""
        return self.reference.rsplit(":", 1)[0] + "@" + self.digest


@dataclass(frozen=True)
class _Repo:
    name: str
    tags: dict[str, tuple[int, float, str]]  # tag -> (size bytes, pull seconds, app version)
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    behaviour: str = "server"
    exit_code: int = 0
    listens: dict[int, str] = field(default_factory=dict)
    tools: frozenset[str] = NO_TOOLS
    app: str = ""


_NGINX_ENTRY = ("/docker-entrypoint.sh",)
_NGINX_CMD = ("nginx", "-g", "daemon off;")
_NGINX_TOOLS = DEBIAN_TOOLS | {"curl", "nginx"}
_NGINX_ALPINE_TOOLS = ALPINE_TOOLS | {"curl", "nginx"}

REPOS: list[_Repo] = [
    _Repo("docker.io/library/nginx", {
        # the tags the docs' examples pin (Deployments, Pods, the stateless-app tutorial)
        "1.7.9": (39_947_836, 1.5, "1.7.9"), "1.14.2": (44_711_712, 1.6, "1.14.2"),
        "1.16.1": (51_030_575, 1.7, "1.16.1"), "1.20.2": (56_739_614, 1.9, "1.20.2"),
        "1.23.4": (57_010_243, 1.9, "1.23.4"), "1.24.0": (57_031_234, 1.9, "1.24.0"),
        "1.25": (70_993_892, 2.1, "1.25.5"), "1.25.5": (70_993_892, 2.1, "1.25.5"),
        "1.26": (72_099_501, 2.2, "1.26.3"), "1.26.3": (72_099_501, 2.2, "1.26.3"),
        "1.27": (72_195_292, 2.2, "1.27.5"), "1.27.5": (72_195_292, 2.2, "1.27.5"),
        "1.28": (72_319_182, 2.2, "1.28.0"), "1.28.0": (72_319_182, 2.2, "1.28.0"),
        "stable": (72_319_182, 2.2, "1.28.0"), "mainline": (72_401_122, 2.2, "1.29.3"),
        "latest": (72_401_122, 2.2, "1.29.3"), "1.29": (72_401_122, 2.2, "1.29.3"),
    }, _NGINX_ENTRY, _NGINX_CMD, listens={80: "nginx"}, tools=_NGINX_TOOLS, app="nginx"),
    _Repo("docker.io/library/nginx", {
        "alpine": (21_145_102, 0.9, "1.29.3"), "1.25-alpine": (18_981_450, 0.8, "1.25.5"),
        "1.26-alpine": (20_305_339, 0.9, "1.26.3"), "1.27-alpine": (20_802_112, 0.9, "1.27.5"),
        "1.28-alpine": (21_012_845, 0.9, "1.28.0"),
    }, _NGINX_ENTRY, _NGINX_CMD, listens={80: "nginx"}, tools=_NGINX_ALPINE_TOOLS, app="nginx"),
    _Repo("docker.io/library/httpd", {
        "2.4": (58_223_145, 1.8, "2.4.65"), "latest": (58_223_145, 1.8, "2.4.65"),
        "alpine": (22_340_123, 0.9, "2.4.65"), "2.4-alpine": (22_340_123, 0.9, "2.4.65"),
    }, (), ("httpd-foreground",), listens={80: "httpd"},
        tools=DEBIAN_TOOLS | {"httpd", "httpd-foreground"}, app="httpd"),
    _Repo("docker.io/library/busybox", {
        "latest": (2_155_712, 0.8, "1.37.0"), "1.36": (2_156_540, 0.8, "1.36.1"),
        "1.37": (2_155_712, 0.8, "1.37.0"), "1.36.1": (2_156_540, 0.8, "1.36.1"),
        "1.28": (727_869, 0.6, "1.28.4"), "stable": (2_155_712, 0.8, "1.37.0"),
    }, (), ("sh",), behaviour="exits", tools=BUSYBOX_TOOLS, app="busybox"),
    _Repo("docker.io/library/alpine", {
        "latest": (3_653_068, 0.8, "3.22.2"), "3.22": (3_653_068, 0.8, "3.22.2"),
        "3.21": (3_642_042, 0.8, "3.21.5"), "3.20": (3_626_335, 0.8, "3.20.8"),
        "3.19": (3_417_641, 0.8, "3.19.9"), "3": (3_653_068, 0.8, "3.22.2"),
    }, (), ("/bin/sh",), behaviour="exits", tools=ALPINE_TOOLS, app="alpine"),
    _Repo("docker.io/library/ubuntu", {
        "latest": (29_727_064, 1.3, "24.04"), "24.04": (29_727_064, 1.3, "24.04"),
        "22.04": (29_536_210, 1.3, "22.04"), "noble": (29_727_064, 1.3, "24.04"),
        "jammy": (29_536_210, 1.3, "22.04"),
    }, (), ("/bin/bash",), behaviour="exits", tools=DEBIAN_TOOLS, app="ubuntu"),
    _Repo("docker.io/library/debian", {
        "latest": (48_494_272, 1.6, "13"), "bookworm": (48_480_120, 1.6, "12"),
        "12": (48_480_120, 1.6, "12"), "bookworm-slim": (28_227_259, 1.2, "12"),
    }, (), ("bash",), behaviour="exits", tools=DEBIAN_TOOLS, app="debian"),
    _Repo("docker.io/library/redis", {
        "latest": (52_254_129, 1.9, "8.2.3"), "7": (45_968_020, 1.8, "7.4.6"),
        "7.4": (45_968_020, 1.8, "7.4.6"), "7.2": (40_108_212, 1.7, "7.2.11"),
        "alpine": (17_200_513, 0.9, "8.2.3"), "7-alpine": (16_891_204, 0.9, "7.4.6"),
    }, ("docker-entrypoint.sh",), ("redis-server",), listens={6379: "redis"},
        tools=DEBIAN_TOOLS | {"redis-cli", "redis-server"}, app="redis"),
    _Repo("docker.io/library/postgres", {
        "latest": (161_430_709, 4.6, "18.1"), "17": (158_021_336, 4.5, "17.7"),
        "16": (157_523_110, 4.5, "16.11"), "16-alpine": (105_871_012, 3.2, "16.11"),
        "15": (150_101_234, 4.4, "15.15"),
    }, ("docker-entrypoint.sh",), ("postgres",), listens={5432: "postgres"},
        tools=DEBIAN_TOOLS | {"psql", "postgres"}, app="postgres"),
    _Repo("docker.io/library/mysql", {
        "latest": (233_104_512, 6.1, "9.5.0"), "8": (233_002_100, 6.1, "8.4.7"),
        "8.0": (230_512_003, 6.0, "8.0.44"), "8.4": (233_002_100, 6.1, "8.4.7"),
    }, ("docker-entrypoint.sh",), ("mysqld",), listens={3306: "mysql"},
        tools=DEBIAN_TOOLS | {"mysql", "mysqld"}, app="mysql"),
    _Repo("docker.io/library/python", {
        "latest": (412_345_210, 9.8, "3.14.0"), "3.12": (392_010_451, 9.5, "3.12.12"),
        "3.13": (400_112_034, 9.6, "3.13.9"), "3.12-slim": (43_021_201, 1.7, "3.12.12"),
        "3.13-slim": (44_101_320, 1.7, "3.13.9"), "3.12-alpine": (19_012_230, 0.9, "3.12.12"),
    }, (), ("python3",), behaviour="exits", tools=DEBIAN_TOOLS | {"python", "python3", "pip",
                                                                  "curl"}, app="python"),
    _Repo("docker.io/library/node", {
        "latest": (406_120_440, 9.7, "25.2.1"), "22": (399_210_104, 9.6, "22.21.1"),
        "20": (397_021_310, 9.6, "20.19.5"), "22-alpine": (54_123_440, 2.0, "22.21.1"),
        "20-alpine": (47_120_022, 1.9, "20.19.5"),
    }, ("docker-entrypoint.sh",), ("node",), behaviour="exits",
        tools=DEBIAN_TOOLS | {"node", "npm", "curl"}, app="node"),
    _Repo("docker.io/curlimages/curl", {
        "latest": (10_324_521, 0.9, "8.17.0"), "8.17.0": (10_324_521, 0.9, "8.17.0"),
        "8.10.1": (10_113_210, 0.9, "8.10.1"),
    }, ("/entrypoint.sh",), ("curl",), behaviour="exits", exit_code=2,
        tools=ALPINE_TOOLS | {"curl"}, app="curl"),
    _Repo("docker.io/nicolaka/netshoot", {
        "latest": (210_337_120, 5.6, "0.14"), "v0.14": (210_337_120, 5.6, "0.14"),
        "v0.13": (205_102_223, 5.5, "0.13"),
    }, (), ("zsh",), behaviour="exits", tools=NETSHOOT_TOOLS, app="netshoot"),
    _Repo("gcr.io/google-samples/hello-app", {
        "1.0": (5_003_543, 0.9, "1.0.0"), "2.0": (5_003_558, 0.9, "2.0.0"),
    }, (), ("/hello-app",), listens={8080: "hello-app"},
        tools=ALPINE_TOOLS | {"hello-app"}, app="hello-app"),
    # the Kubernetes Basics tutorial's app (node:6 + server.js; v2 from the update module)
    _Repo("gcr.io/google-samples/kubernetes-bootcamp", {
        "v1": (211_336_459, 4.1, "1"),
    }, (), ("/bin/sh", "-c", "node server.js"), listens={8080: "kubernetes-bootcamp"},
        tools=DEBIAN_TOOLS | {"node", "curl"}, app="kubernetes-bootcamp"),
    _Repo("docker.io/jocatalin/kubernetes-bootcamp", {
        "v1": (211_336_459, 4.1, "1"), "v2": (211_336_459, 4.1, "2"),
    }, (), ("/bin/sh", "-c", "node server.js"), listens={8080: "kubernetes-bootcamp"},
        tools=DEBIAN_TOOLS | {"node", "curl"}, app="kubernetes-bootcamp"),
    _Repo("registry.k8s.io/e2e-test-images/agnhost", {
        "2.39": (51_322_041, 1.9, "2.39"), "2.43": (52_113_208, 1.9, "2.43"),
        "2.47": (52_512_342, 1.9, "2.47"), "2.52": (53_001_230, 2.0, "2.52"),
        "2.53": (53_012_102, 2.0, "2.53"),
    }, ("/agnhost",), ("pause",), listens={},
        tools=DEBIAN_TOOLS | {"agnhost", "curl", "dig", "nslookup", "wget"}, app="agnhost"),
    _Repo("registry.k8s.io/nginx-slim", {
        "0.8": (51_082_164, 1.8, "1.11.1"), "0.21": (45_802_340, 1.7, "1.21.6"),
        "0.24": (48_202_990, 1.7, "1.23.2"), "0.26": (49_012_881, 1.8, "1.25.3"),
        "0.27": (49_440_225, 1.8, "1.25.4"),
    }, (), ("nginx", "-g", "daemon off;"), listens={80: "nginx"}, tools=_NGINX_TOOLS,
        app="nginx"),
    _Repo("registry.k8s.io/echoserver", {
        "1.4": (46_117_840, 1.7, "1.4"), "1.10": (95_361_986, 2.8, "1.10"),
    }, (), ("nginx", "-g", "daemon off;"), listens={8080: "echoserver"},
        tools=DEBIAN_TOOLS | {"nginx", "curl"}, app="echoserver"),
    # "Debug Services" and "Connecting Applications with Services": old busyboxes (their
    # nslookup is the pre-1.29 applet) and the serve_hostname server on 9376
    _Repo("gcr.io/google-containers/busybox", {
        "latest": (1_313_234, 0.6, "1.24.0"), "1.24": (1_313_234, 0.6, "1.24.0"),
    }, (), ("sh",), behaviour="exits", tools=BUSYBOX_TOOLS, app="busybox"),
    _Repo("docker.io/radial/busyboxplus", {
        "curl": (4_230_137, 0.7, "1.20.2"), "latest": (4_230_137, 0.7, "1.20.2"),
    }, (), ("/bin/sh",), behaviour="exits", tools=BUSYBOX_TOOLS | {"curl"}, app="busybox"),
    _Repo("registry.k8s.io/serve_hostname", {
        "latest": (2_381_221, 0.7, "1.4"), "1.4": (2_381_221, 0.7, "1.4"),
    }, ("/serve_hostname",), (), listens={9376: "agnhost-serve-hostname"},
        app="serve_hostname"),
    _Repo("registry.k8s.io/e2e-test-images/jessie-dnsutils", {
        "1.3": (112_901_202, 3.3, "1.3"), "1.7": (118_202_451, 3.4, "1.7"),
    }, (), ("bash",), behaviour="exits",
        tools=DEBIAN_TOOLS | {"dig", "nslookup", "host", "ping", "nc", "curl", "wget"},
        app="dnsutils"),
    _Repo("docker.io/hashicorp/http-echo", {
        "latest": (3_421_160, 0.7, "1.0.0"), "1.0": (3_421_160, 0.7, "1.0.0"),
        "0.2.3": (1_843_212, 0.6, "0.2.3"),
    }, ("/http-echo",), (), listens={5678: "http-echo"}, app="http-echo"),
    _Repo("docker.io/traefik/whoami", {
        "latest": (3_214_920, 0.7, "1.10.3"), "v1.10": (3_214_920, 0.7, "1.10.3"),
    }, ("/whoami",), (), listens={80: "whoami"}, app="whoami"),
    _Repo("gcr.io/kuar-demo/kuard-amd64", {
        "blue": (10_118_350, 0.9, "blue"), "green": (10_118_411, 0.9, "green"),
        "1": (10_118_350, 0.9, "1"),
    }, ("/kuard",), (), listens={8080: "kuard"}, tools=BUSYBOX_TOOLS, app="kuard"),
    _Repo("docker.io/paulbouwer/hello-kubernetes", {
        "1.10": (42_113_940, 1.6, "1.10"), "1.10.1": (42_113_940, 1.6, "1.10.1"),
    }, ("docker-entrypoint.sh",), ("node", "server.js"), listens={8080: "hello-kubernetes"},
        tools=ALPINE_TOOLS | {"node"}, app="hello-kubernetes"),
    _Repo("ghcr.io/stefanprodan/podinfo", {
        "6.9.2": (21_340_115, 1.1, "6.9.2"), "latest": (21_340_115, 1.1, "6.9.2"),
    }, ("./podinfo",), (), listens={9898: "podinfo"}, tools=ALPINE_TOOLS, app="podinfo"),
    _Repo("docker.io/library/memcached", {
        "latest": (31_204_118, 1.3, "1.6.39"), "1.6": (31_204_118, 1.3, "1.6.39"),
        "alpine": (6_031_224, 0.7, "1.6.39"),
    }, ("docker-entrypoint.sh",), ("memcached",), listens={11211: "memcached"},
        tools=DEBIAN_TOOLS | {"memcached"}, app="memcached"),
    _Repo("docker.io/library/mongo", {
        "latest": (280_112_310, 7.2, "8.0.15"), "8": (280_112_310, 7.2, "8.0.15"),
        "7": (271_020_115, 7.0, "7.0.25"),
    }, ("docker-entrypoint.sh",), ("mongod",), listens={27017: "mongo"},
        tools=DEBIAN_TOOLS | {"mongosh", "mongod"}, app="mongo"),
    _Repo("docker.io/polinux/stress", {
        "latest": (4_038_512, 0.8, "1.0.4"), "1.0.4": (4_038_512, 0.8, "1.0.4"),
    }, (), ("stress",), behaviour="exits", exit_code=1, tools=ALPINE_TOOLS | {"stress"},
        app="stress"),
    _Repo("docker.io/vish/stress", {
        "latest": (1_541_203, 0.6, "1.0"),
    }, ("/stress",), ("-logtostderr",), tools=frozenset({"stress"}), app="stress"),
    _Repo("registry.k8s.io/pause", {
        "3.10": (320_368, 0.4, "3.10"), "3.9": (321_520, 0.4, "3.9"), "3.10.1": (320_368, 0.4,
                                                                               "3.10.1"),
    }, ("/pause",), (), app="pause"),
    _Repo("registry.k8s.io/coredns/coredns", {
        "v1.12.0": (20_939_036, 1.1, "1.12.0"), "v1.11.3": (18_562_039, 1.0, "1.11.3"),
        "v1.11.1": (18_182_961, 1.0, "1.11.1"),
    }, ("/coredns",), (), listens={53: "coredns", 9153: "coredns-metrics", 8080: "coredns-health",
                                   8181: "coredns-ready"}, app="coredns"),
    _Repo("registry.k8s.io/etcd", {"3.5.21-0": (57_680_541, 2.0, "3.5.21")},
          (), ("etcd",), listens={2379: "etcd", 2380: "etcd", 2381: "etcd-metrics"}, app="etcd"),
    _Repo("registry.k8s.io/kube-apiserver", {"v1.33.1": (30_071_307, 1.3, "v1.33.1")},
          (), ("kube-apiserver",), listens={6443: "kube-apiserver"}, app="kube-apiserver"),
    _Repo("registry.k8s.io/kube-controller-manager", {"v1.33.1": (27_646_507, 1.2, "v1.33.1")},
          (), ("kube-controller-manager",), listens={10257: "kube-controller-manager"},
          app="kube-controller-manager"),
    _Repo("registry.k8s.io/kube-scheduler", {"v1.33.1": (21_232_747, 1.1, "v1.33.1")},
          (), ("kube-scheduler",), listens={10259: "kube-scheduler"}, app="kube-scheduler"),
    _Repo("registry.k8s.io/kube-proxy", {"v1.33.1": (31_886_331, 1.3, "v1.33.1")},
          (), ("/usr/local/bin/kube-proxy",), tools=DEBIAN_TOOLS | {"kube-proxy", "iptables"},
          app="kube-proxy"),
]

_INDEX: dict[str, tuple[_Repo, tuple[int, float, str]]] = {
    f"{repo.name}:{tag}": (repo, data) for repo in REPOS for tag, data in repo.tags.items()
}

_NAME_RE = re.compile(
    r"^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
    r"(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$"
)


_OLD_REGISTRY = "k8s.gcr.io/"


def normalize(image: str) -> str:
    """docker.io/library/nginx:latest for `nginx` (containerd's reference normalisation)."""
    ref, _, digest = image.partition("@")
    first, _, rest = ref.partition("/")
    if not rest or ("." not in first and ":" not in first and first != "localhost"):
        ref = "docker.io/" + (ref if rest else "library/" + ref)
        if ref.startswith("docker.io/") and ref.count("/") == 1:
            ref = "docker.io/library/" + ref.split("/", 1)[1]
    last = ref.rsplit("/", 1)[-1]
    if ":" not in last and not digest:
        ref += ":latest"
    return ref + ("@" + digest if digest else "")


def parse_error(image: str) -> str | None:
    """InvalidImageName's message, or None when the reference parses."""
    if _NAME_RE.match(image):
        return None
    repo = image.split("@")[0].rsplit(":", 1)[0] if "/" in image else image.split(":")[0]
    if repo.lower() != repo and repo:
        name = repo if "/" in repo else f"library/{repo}"
        detail = f"invalid reference format: repository name ({name}) must be lowercase"
    else:
        detail = "invalid reference format"
    return (f'Failed to apply default image tag "{image}": couldn\'t parse image name '
            f'"{image}": {detail}')


def lookup(image: str) -> ImageInfo | None:
    """The image the registry serves for a pod's `image` field, or None (ErrImagePull)."""
    if parse_error(image):
        return None
    ref = normalize(image)
    base, _, digest = ref.partition("@")
    if digest:
        # a digest pins whatever tag: accept the repository's newest tag
        name = base.rsplit(":", 1)[0] if ":" in base.rsplit("/", 1)[-1] else base
        hits = [k for k in _INDEX if k.rsplit(":", 1)[0] == name]
        if not hits:
            return None
        base = hits[-1]
    found = _INDEX.get(base)
    if found is None and base.startswith(_OLD_REGISTRY):
        # k8s.gcr.io redirects to registry.k8s.io (same images)
        found = _INDEX.get("registry.k8s.io/" + base[len(_OLD_REGISTRY):])
    if found is None:
        return None
    repo, (size, pull, version) = found
    return ImageInfo(reference=base, pull_seconds=pull, size_bytes=size,
                     entrypoint=repo.entrypoint, cmd=repo.cmd, behaviour=repo.behaviour,
                     exit_code=repo.exit_code, listens=dict(repo.listens), tools=repo.tools,
                     app=repo.app, version=version)


def pull_failure(image: str) -> str:
    """containerd's error for an image the registry does not have (the event's detail)."""
    ref = normalize(image)
    repo = ref.split("@")[0].rsplit(":", 1)[0]
    if any(k.rsplit(":", 1)[0] == repo for k in _INDEX):
        return (f'rpc error: code = NotFound desc = failed to pull and unpack image "{ref}": '
                f'failed to resolve reference "{ref}": {ref}: not found')
    return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{ref}": '
            f'failed to resolve reference "{ref}": pull access denied, repository does not '
            "exist or may require authorization: server message: insufficient_scope: "
            "authorization failed")
