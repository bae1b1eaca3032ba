"""Feedback of the history checks in the learner's language (en, ko; else English).
Object names, kinds and kubectl words stay as Kubernetes prints them."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "no_rollout": {
        "en": "The image of Deployment {deployment} never changed, so there was no rollout "
              "to watch.",
        "ko": "Deployment {deployment}의 이미지가 바뀐 적이 없어서 지켜볼 롤아웃이 없었습니다.",
    },
    "during": {"en": " while Deployment {deployment} rolled out",
               "ko": "Deployment {deployment} 롤아웃 동안 "},
    "never_endpoints": {"en": "Service {service} never had endpoints{during}.",
                        "ko": "{during}Service {service}에 엔드포인트가 한 번도 없었습니다."},
    "dropped": {
        "en": "Ready endpoints of Service {service} dropped to {lowest}{during} (at least "
              "{low} were needed at all times).",
        "ko": "{during}Service {service}의 준비된 엔드포인트가 {lowest}개로 줄었습니다 "
              "(항상 {low}개 이상이어야 합니다).",
    },
    "kept": {
        "en": "Service {service} kept at least {low} ready endpoints{during} (lowest: "
              "{lowest}).",
        "ko": "{during}Service {service}는 준비된 엔드포인트를 {low}개 이상 유지했습니다 "
              "(가장 적을 때: {lowest}).",
    },
    "no_deployment": {"en": "There is no Deployment {name} in the history.",
                      "ko": "기록에 Deployment {name}이(가) 없습니다."},
    "recreated": {
        "en": "Deployment {name} was deleted and created again; change it in place instead "
              "(kubectl set image, edit or apply).",
        "ko": "Deployment {name}을(를) 삭제하고 다시 만들었습니다. 대신 그 자리에서 바꾸세요 "
              "(kubectl set image, edit, apply).",
    },
    "never_updated": {"en": "Deployment {name} was never updated.",
                      "ko": "Deployment {name}이(가) 한 번도 업데이트되지 않았습니다."},
    "updated": {"en": "Deployment {name} was updated in place, never recreated.",
                "ko": "Deployment {name}은(는) 다시 만들지 않고 그 자리에서 업데이트되었습니다."},
    "deleted_by_hand": {
        "en": "You deleted {kind} {name} by hand; let the controllers replace objects "
              "instead.",
        "ko": "{kind} {name}을(를) 직접 삭제했습니다. 오브젝트 교체는 컨트롤러에 맡기세요.",
    },
    "none_deleted": {"en": "No {kind} was deleted by hand.",
                     "ko": "직접 삭제한 {kind}가 없습니다."},
    "none_ready": {"en": "No pod of StatefulSet {sts} became ready.",
                   "ko": "StatefulSet {sts}의 파드 중 준비된 것이 없습니다."},
    "out_of_order": {
        "en": "Pod {pod} was created before {previous} was ready: the pods did not come up "
              "in ordinal order.",
        "ko": "{previous}이(가) 준비되기 전에 파드 {pod}이(가) 만들어졌습니다. 파드가 순서대로 "
              "올라오지 않았습니다.",
    },
    "in_order": {"en": "StatefulSet {sts} pods came up in ordinal order ({pods}).",
                 "ko": "StatefulSet {sts}의 파드가 순서대로 올라왔습니다 ({pods})."},
}


def say(lang: str, key: str, **values) -> str:
    templates = MESSAGES[key]
    return templates.get(lang, templates["en"]).format(**values)
