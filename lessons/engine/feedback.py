"""Check feedback in the learner's language: a tiny translation table keyed by message id.

`say(lang, "no_object", kind="Service", name="web", ns="default")` formats the template of
`lang` ("en" or "ko"; anything else falls back to English). Object names, kinds, labels and
kubectl words stay as Kubernetes prints them in both languages.
"""

from __future__ import annotations

LANGUAGES = ("en", "ko")

MESSAGES: dict[str, dict[str, str]] = {
    # objects
    "exists": {
        "en": "{kind} {name} exists{where}.",
        "ko": "{where}{kind} {name}이(가) 있습니다.",
    },
    "no_object": {
        "en": "There is no {kind} {name}{where} yet.",
        "ko": "{where}{kind} {name}이(가) 아직 없습니다.",
    },
    "no_object_but": {
        "en": "There is no {kind} {name}{where} yet; existing {kind} objects: {others}.",
        "ko": "{where}{kind} {name}이(가) 아직 없습니다. 지금 있는 {kind}: {others}.",
    },
    "in_ns": {"en": " in namespace {ns}", "ko": "네임스페이스 {ns}의 "},
    "absent": {
        "en": "{kind} {name}{where} is gone.",
        "ko": "{where}{kind} {name}이(가) 사라졌습니다.",
    },
    "still_there": {
        "en": "{kind} {name}{where} still exists.",
        "ko": "{where}{kind} {name}이(가) 아직 있습니다.",
    },
    "still_deleting": {
        "en": "{kind} {name}{where} is being deleted but is not gone yet "
              "(it has a deletionTimestamp).",
        "ko": "{where}{kind} {name}이(가) 삭제되는 중이지만 아직 남아 있습니다 "
              "(deletionTimestamp가 설정됨).",
    },
    "fields_ok": {
        "en": "{kind} {name} has {fields}.",
        "ko": "{kind} {name}의 값이 맞습니다: {fields}.",
    },
    "field_wrong": {
        "en": "{kind} {name}: {path} is {actual}, expected {expected}.",
        "ko": "{kind} {name}: {path} 값이 {actual}입니다. 기대한 값: {expected}.",
    },
    "field_unset": {
        "en": "{kind} {name}: {path} is not set, expected {expected}.",
        "ko": "{kind} {name}: {path} 값이 설정되어 있지 않습니다. 기대한 값: {expected}.",
    },
    "unset": {"en": "not set", "ko": "설정되지 않음"},
    # ready pods
    "ready_ok": {
        "en": "{what} has {count} ready pod(s).",
        "ko": "{what}에 준비된(Ready) 파드가 {count}개 있습니다.",
    },
    "ready_wrong": {
        "en": "{what} has {ready} ready pod(s), expected {count}.",
        "ko": "{what}에 준비된(Ready) 파드가 {ready}개 있습니다. 기대한 수: {count}개.",
    },
    "not_ready_list": {
        "en": " Not ready: {pods}.",
        "ko": " 준비되지 않은 파드: {pods}.",
    },
    "no_pods_match": {
        "en": "{what}no pod in namespace {ns} matches {selector}.",
        "ko": "{what}네임스페이스 {ns}에 {selector}에 맞는 파드가 없습니다.",
    },
    "pods_labelled": {
        "en": " Your pods are labelled {labels}.",
        "ko": " 지금 파드의 레이블은 {labels}입니다.",
    },
    "sel_ready_ok": {
        "en": "{count} ready pod(s) match {selector} in namespace {ns}.",
        "ko": "네임스페이스 {ns}에서 {selector}에 맞는 준비된(Ready) 파드가 {count}개입니다.",
    },
    "sel_ready_wrong": {
        "en": "{ready} ready pod(s) match {selector} in namespace {ns}, expected {count}.",
        "ko": "네임스페이스 {ns}에서 {selector}에 맞는 준비된(Ready) 파드가 {ready}개입니다. "
              "기대한 수: {count}개.",
    },
    # endpoints
    "endpoints_ok": {
        "en": "Service {name} has {count} endpoint(s): {addresses}.",
        "ko": "서비스 {name}의 엔드포인트가 {count}개입니다: {addresses}.",
    },
    "endpoints_wrong": {
        "en": "Service {name} has {have} ready endpoint(s), expected {count}{addresses}.",
        "ko": "서비스 {name}의 준비된 엔드포인트가 {have}개입니다{addresses}. "
              "기대한 수: {count}개.",
    },
    "endpoints_none_match": {
        "en": "Service {name} has no endpoints: its selector {selector} matches no pod",
        "ko": "서비스 {name}에 엔드포인트가 없습니다: 셀렉터 {selector}에 맞는 파드가 없습니다",
    },
    "your_pods_labelled": {
        "en": "; your pods are labelled {labels}",
        "ko": ". 지금 파드의 레이블은 {labels}입니다",
    },
    "no_pods_at_all": {
        "en": "; there are no pods in namespace {ns}",
        "ko": ". 네임스페이스 {ns}에는 파드가 없습니다",
    },
    "endpoints_not_ready": {
        "en": "Service {name}: {matched} pod(s) match {selector} but only {ready} are ready.",
        "ko": "서비스 {name}: {selector}에 맞는 파드가 {matched}개이지만 준비된 파드는 "
              "{ready}개뿐입니다.",
    },
    "endpoints_no_selector": {
        "en": "Service {name} has no selector: Kubernetes does not manage its endpoints.",
        "ko": "서비스 {name}에는 셀렉터가 없어서 쿠버네티스가 엔드포인트를 관리하지 않습니다.",
    },
    # dns
    "dns_ok": {
        "en": "{query} from a pod in namespace {ns} gives {answer}.",
        "ko": "네임스페이스 {ns}의 파드에서 {query}을(를) 조회한 결과: {answer}.",
    },
    "dns_wrong": {
        "en": "{query} from a pod in namespace {ns} gives {got}, expected {expected}. "
              "Names tried: {tried}.",
        "ko": "네임스페이스 {ns}의 파드에서 {query}을(를) 조회하면 {got}입니다. 기대한 답: "
              "{expected}. 시도한 이름: {tried}.",
    },
    "dns_no_pod": {
        "en": "There is no running pod {name} in namespace {ns} to ask from.",
        "ko": "조회를 실행할 파드 {name}이(가) 네임스페이스 {ns}에서 실행 중이지 않습니다.",
    },
    "dns_no_namespace": {
        "en": "Namespace {ns} does not exist, so no pod there can ask.",
        "ko": "네임스페이스 {ns}이(가) 없어서 그곳의 파드에서 조회할 수 없습니다.",
    },
    "kind_cluster-ip": {"en": "the ClusterIP of Service {service}",
                        "ko": "서비스 {service}의 ClusterIP"},
    "kind_cluster-ip_any": {"en": "a Service's ClusterIP", "ko": "서비스의 ClusterIP"},
    "kind_pod-ips": {"en": "{count} pod IP(s)", "ko": "파드 IP {count}개"},
    "kind_pod-ips_any": {"en": "pod IPs", "ko": "파드 IP"},
    "kind_cname": {"en": "a CNAME to {target}", "ko": "{target}(으)로 가는 CNAME"},
    "kind_cname_any": {"en": "a CNAME", "ko": "CNAME"},
    "kind_nxdomain": {"en": "NXDOMAIN (no such name)", "ko": "NXDOMAIN(없는 이름)"},
    "got_addresses": {"en": "{addresses}", "ko": "{addresses}"},
    # traffic
    "reach_ok": {
        "en": "A request from {source} to {url} reaches {app} in pod {pod}.",
        "ko": "{source}에서 {url}(으)로 보낸 요청이 파드 {pod}의 {app}에 도달합니다.",
    },
    "reach_wrong_app": {
        "en": "A request from {source} to {url} is answered by {app} in pod {pod}, "
              "expected {expected}.",
        "ko": "{source}에서 {url}(으)로 보낸 요청에 파드 {pod}의 {app}이(가) 답합니다. "
              "기대한 앱: {expected}.",
    },
    "reach_failed": {
        "en": "A request from {source} to {url} fails ({error}): {why}",
        "ko": "{source}에서 {url}(으)로 보낸 요청이 실패합니다({error}): {why}",
    },
    "reach_no_pod": {
        "en": "There is no running pod {name} in namespace {ns} to send the request from.",
        "ko": "요청을 보낼 파드 {name}이(가) 네임스페이스 {ns}에서 실행 중이지 않습니다.",
    },
    "reach_no_port": {
        "en": "Service {name}{where} has no {field} to send the request to.",
        "ko": "{where}서비스 {name}에 요청을 보낼 {field}이(가) 없습니다.",
    },
    "outside": {"en": "outside the cluster", "ko": "클러스터 밖"},
    "pod_source": {"en": "pod {name}", "ko": "파드 {name}"},
    # events
    "event_ok": {
        "en": "Event {reason} occurred on {object}: {message}.",
        "ko": "{object}에 {reason} 이벤트가 발생했습니다: {message}.",
    },
    "event_missing": {
        "en": "No {reason} event{about} has occurred yet.",
        "ko": "{reason} 이벤트가 아직 발생하지 않았습니다{about}.",
    },
    "about": {"en": " about {object}", "ko": " (대상: {object})"},
    # commands
    "command_ok": {
        "en": "You ran `{command}`.",
        "ko": "`{command}` 명령을 실행했습니다.",
    },
    "command_missing": {
        "en": "Run a command like `{example}` in the console.",
        "ko": "콘솔에서 `{example}` 같은 명령을 실행해 보세요.",
    },
    # combinators
    "all_ok": {"en": "Everything is in place.", "ko": "모두 준비되었습니다."},
    "or": {"en": " Or: ", "ko": " 또는: "},
}


def say(lang: str, key: str, **params: object) -> str:
    table = MESSAGES[key]
    template = table.get(lang) or table["en"]
    return template.format(**params)


def where(lang: str, ns: str | None) -> str:
    """" in namespace dev" (English, a suffix) or "네임스페이스 dev의 " (Korean, a prefix)."""
    return say(lang, "in_ns", ns=ns) if ns else ""


def qualified(lang: str, kind: str, name: str, ns: str | None) -> str:
    """`Deployment web`, with its namespace where it is not `default`."""
    w = where(lang, ns) if ns and ns != "default" else ""
    return f"{kind} {name}{w}" if lang != "ko" else f"{w}{kind} {name}"
