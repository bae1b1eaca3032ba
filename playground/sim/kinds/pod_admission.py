"""Admission plugins that mutate Pods on create, and the pod's QoS class.

Models plugin/pkg/admission/serviceaccount/admission.go (serviceAccountName "default", the
projected `kube-api-access-xxxxx` token volume mounted read-only at
/var/run/secrets/kubernetes.io/serviceaccount in every container), plugin/pkg/admission/priority
(priority from the built-in system-node-critical / system-cluster-critical classes, else 0;
preemptionPolicy PreemptLowerPriority), plugin/pkg/admission/
defaulttolerationseconds/admission.go (not-ready/unreachable NoExecute tolerations for 300 s
unless already tolerated) and pkg/apis/core/helper/qos/qos.go (GetPodQOS).

Simplified: a missing *default* ServiceAccount is tolerated (upstream would refuse the pod
until the ServiceAccount controller catches up, a race a learner cannot act on); a missing
named ServiceAccount is refused with the real message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..apirequest import admission_name
from ..errors import Forbidden
from ..quantity import parse_quantity

if TYPE_CHECKING:
    from ..cluster import Cluster

API_ACCESS_VOLUME_PREFIX = "kube-api-access-"
SA_MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount"
DEFAULT_TOLERATION_SECONDS = 300
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
BUILTIN_PRIORITY_CLASSES = {"system-node-critical": 2000001000,
                            "system-cluster-critical": 2000000000}
NOT_READY = "node.kubernetes.io/not-ready"
UNREACHABLE = "node.kubernetes.io/unreachable"


def token_volume_source() -> dict:
    """serviceaccount.TokenVolumeSource(): token, cluster CA, namespace."""
    return {
        "defaultMode": 420,
        "sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt",
                           "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {
                "apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ],
    }


def admit_service_account(pod: dict, cluster: Cluster) -> None:
    if MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {}):
        return  # mirror pods of static pods get no ServiceAccount (upstream skips them)
    spec = pod["spec"]
    if not spec.get("serviceAccountName"):
        spec["serviceAccountName"] = "default"
    spec["serviceAccount"] = spec["serviceAccountName"]
    name, ns = spec["serviceAccountName"], pod["metadata"].get("namespace", "")
    sa = cluster.store.get("ServiceAccount", ns, name)
    if sa is None and name != "default":
        raise Forbidden("pods", admission_name(pod["metadata"]),
                        f'error looking up service account {ns}/{name}: serviceaccount "{name}" '
                        "not found")
    automount = spec.get("automountServiceAccountToken")
    if automount is None and sa is not None:
        automount = sa.get("automountServiceAccountToken")
    if automount is False:
        return
    _mount_token(spec, cluster)


def _mount_token(spec: dict, cluster: Cluster) -> None:
    volumes = spec.get("volumes") or []
    existing = next((v["name"] for v in volumes if isinstance(v, dict)
                     and str(v.get("name", "")).startswith(API_ACCESS_VOLUME_PREFIX)), None)
    name = existing or API_ACCESS_VOLUME_PREFIX + cluster.rand.string(5)
    mount = {"mountPath": SA_MOUNT_PATH, "name": name, "readOnly": True}
    needed = False
    for key in ("initContainers", "containers"):
        for ctr in spec.get(key) or ():
            if not isinstance(ctr, dict):
                continue
            mounts = ctr.get("volumeMounts") or []
            if any(m.get("mountPath") == SA_MOUNT_PATH for m in mounts):
                continue
            ctr["volumeMounts"] = [*mounts, dict(mount)]
            needed = True
    if needed and existing is None:
        spec["volumes"] = [*volumes, {"name": name, "projected": token_volume_source()}]


def admit_priority(pod: dict) -> None:
    """Priority admission: the value comes from the PriorityClass (only the two built-in
    classes exist here; no class means 0), a different explicit value is refused."""
    spec = pod["spec"]
    name = admission_name(pod["metadata"])
    class_name = spec.get("priorityClassName")
    if class_name and class_name not in BUILTIN_PRIORITY_CLASSES:
        raise Forbidden("pods", name, f"no PriorityClass with name {class_name} was found")
    value = BUILTIN_PRIORITY_CLASSES.get(class_name or "", 0)
    given = spec.get("priority")
    if given is not None and given != value:
        raise Forbidden("pods", name, f"the integer value of priority ({given}) must not be "
                                      "provided in pod spec; priority admission controller "
                                      f"computed {value} from the given PriorityClass name")
    spec["priority"] = value
    if not spec.get("preemptionPolicy"):
        spec["preemptionPolicy"] = "PreemptLowerPriority"


def admit_default_toleration_seconds(pod: dict) -> None:
    """Add the 300 s NoExecute tolerations unless the pod tolerates the taint already
    (a toleration with an empty key or an empty effect counts)."""
    spec = pod["spec"]
    tolerations = list(spec.get("tolerations") or [])

    def tolerated(key: str) -> bool:
        return any(t.get("key", "") in (key, "") and t.get("effect", "") in ("NoExecute", "")
                   for t in tolerations)

    added = [{"key": key, "operator": "Exists", "effect": "NoExecute",
              "tolerationSeconds": DEFAULT_TOLERATION_SECONDS}
             for key in (NOT_READY, UNREACHABLE) if not tolerated(key)]
    if added:
        spec["tolerations"] = tolerations + added


def qos_class(spec: dict) -> str:
    """GetPodQOS over cpu and memory: BestEffort, Guaranteed or Burstable."""
    requests: dict[str, float] = {}
    limits: dict[str, float] = {}
    guaranteed = True
    for key in ("initContainers", "containers"):
        for ctr in spec.get(key) or ():
            if not isinstance(ctr, dict):
                continue
            res = ctr.get("resources") or {}
            _add(requests, res.get("requests") or {})
            found = _add(limits, res.get("limits") or {})
            if found != {"cpu", "memory"}:
                guaranteed = False
    if not requests and not limits:
        return "BestEffort"
    if guaranteed and requests.keys() == limits.keys() and all(
            requests[k] == limits[k] for k in requests):
        return "Guaranteed"
    return "Burstable"


def _add(total: dict[str, float], resources: dict) -> set[str]:
    found = set()
    for name in ("cpu", "memory"):
        value = parse_quantity(resources.get(name))
        if value:
            total[name] = total.get(name, 0.0) + value
            found.add(name)
    return found
