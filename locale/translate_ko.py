"""Fills locale/ko/LC_MESSAGES/django.po from KO below and compiles the .mo, in pure
Python (no GNU gettext needed):

    python manage.py makemessages -l ko --ignore='.venv/*' --ignore='tests/*' ...
    python locale/translate_ko.py

A msgid missing from KO is reported and left untranslated (English shows).
"""

from __future__ import annotations

import ast
import re
import struct
import sys
from pathlib import Path

PO = Path(__file__).parent / "ko" / "LC_MESSAGES" / "django.po"

# fmt: off
KO = {
    "Run in console": "콘솔에서 실행",
    "Apply": "적용",
    "Copy": "복사",
    "Not allowed": "허용되지 않음",
    "You do not have access to this page.": "이 페이지에 접근할 권한이 없습니다.",
    "Back to the home page": "홈으로 돌아가기",
    "Not found": "찾을 수 없음",
    "Page not found": "페이지를 찾을 수 없습니다",
    "There is nothing at this address.": "이 주소에는 아무것도 없습니다.",
    "Sign up": "가입하기",
    "Create account": "계정 만들기",
    "Already have an account?": "이미 계정이 있나요?",
    "Log in": "로그인",
    "Main": "주 메뉴",
    "Home": "홈",
    "Lessons": "레슨",
    "Sandboxes": "샌드박스",
    "connecting…": "연결 중…",
    "connected": "연결됨",
    "reconnecting…": "다시 연결 중…",
    "disconnected": "연결 끊김",
    "Live updates": "실시간 업데이트",
    "Admin": "관리",
    "Log out": "로그아웃",
    "Learn Kubernetes on a cluster that lives in your browser.":
        "브라우저 안에 살아 있는 클러스터에서 쿠버네티스를 배우세요.",
    "Every learner gets a sandbox: a simulated cluster with nodes, Pods, Services, DNS and "
    "storage that behaves like a real one. Nothing to install; changes show up as they happen.":
        "학습자마다 샌드박스가 주어집니다. 노드, 파드, 서비스, DNS, 스토리지가 있고 실제 "
        "클러스터처럼 동작하는 시뮬레이션 클러스터입니다. 설치할 것은 없고, 변화는 일어나는 "
        "즉시 화면에 나타납니다.",
    "A cluster of your own, ready in a second: three nodes, kubectl, a YAML editor and a clock "
    "you control. No sign-up needed; sign up to keep it.":
        "1초 만에 준비되는 나만의 클러스터: 노드 세 개, kubectl, YAML 편집기, 그리고 직접 "
        "조절하는 시계. 가입하지 않아도 되며, 가입하면 계속 보관됩니다.",
    "Open a sandbox": "샌드박스 열기",
    "Your sandboxes": "내 샌드박스",
    "Six lessons, each beside a live sandbox of your own: objects, namespaces, Deployments, "
    "Services, DNS and StatefulSets.":
        "여섯 개의 레슨, 각각 나만의 라이브 샌드박스와 함께: 오브젝트, 네임스페이스, "
        "디플로이먼트, 서비스, DNS, 스테이트풀셋.",
    "Browse the lessons": "레슨 둘러보기",
    "Each lesson gives you a sandbox of your own. Read a step, run what it suggests (or your "
    "own commands), and the step checks itself the moment your cluster reaches the goal.":
        "레슨마다 나만의 샌드박스가 주어집니다. 단계를 읽고, 제안하는 명령(또는 직접 만든 "
        "명령)을 실행하세요. 클러스터가 목표에 도달하는 순간 단계가 스스로 확인됩니다.",
    "about %(minutes)s minute": ["약 %(minutes)s분"],
    "%(steps)s step": ["%(steps)s단계"],
    "Steps done": "완료한 단계",
    "Done": "완료",
    "%(done)s of %(total)s steps done · continue": "%(total)s단계 중 %(done)s단계 완료 · 계속하기",
    "Not started": "시작 전",
    "No lessons are loaded yet (python manage.py load_lessons).":
        "아직 불러온 레슨이 없습니다 (python manage.py load_lessons).",
    "Copied": "복사됨",
    "Lesson": "레슨",
    "Restart the lesson with a fresh sandbox? Your progress in it starts over.":
        "새 샌드박스로 레슨을 다시 시작할까요? 이 레슨의 진행 상황은 처음부터 다시 시작됩니다.",
    "A fresh sandbox in the starting state, from step 1": "시작 상태의 새 샌드박스로, 1단계부터",
    "Restart lesson": "레슨 다시 시작",
    "Steps": "단계",
    "done": "완료",
    "Step %(n)s of %(total)s": "%(total)s단계 중 %(n)s단계",
    "About this lesson": "이 레슨에 대하여",
    "What just happened": "방금 일어난 일",
    "Next step": "다음 단계",
    "You finished this lesson.": "이 레슨을 마쳤습니다.",
    "Next lesson": "다음 레슨",
    "All lessons": "모든 레슨",
    "Not yet": "아직",
    "This step checks itself as soon as your cluster reaches the goal.":
        "클러스터가 목표에 도달하면 이 단계는 바로 스스로 확인됩니다.",
    "Check": "확인",
    "Another hint": "힌트 하나 더",
    "Show a hint": "힌트 보기",
    "Show the solution": "풀이 보기",
    "Previous": "이전",
    "Skip to next": "다음으로 건너뛰기",
    "Start the lesson": "레슨 시작",
    "A fresh sandbox is prepared for it; no sign-up needed (sign up to keep your progress).":
        "이 레슨을 위한 새 샌드박스가 준비됩니다. 가입하지 않아도 됩니다 (가입하면 진행 "
        "상황이 보관됩니다).",
    "No account yet?": "아직 계정이 없나요?",
    "delete pod": "파드 삭제",
    "Close": "닫기",
    "Status and events (kubectl describe)": "상태와 이벤트 (kubectl describe)",
    "What happened to it": "지금까지 일어난 일",
    "Nothing yet.": "아직 없습니다.",
    "changed %(when)s ago": "%(when)s 전에 변경됨",
    "New name": "새 이름",
    "rename": "이름 바꾸기",
    "reset": "초기화",
    "Delete this sandbox?": "이 샌드박스를 삭제할까요?",
    "delete": "삭제",
    "No sandbox yet.": "아직 샌드박스가 없습니다.",
    "name (optional)": "이름 (선택)",
    "Name": "이름",
    "New sandbox": "새 샌드박스",
    "namespace": "네임스페이스",
    "Namespace filter": "네임스페이스 필터",
    "all": "전체",
    "Simulated time since the cluster started": "클러스터가 시작된 뒤 흐른 시뮬레이션 시간",
    "paused": "일시정지",
    "Pause or resume (space)": "일시정지 또는 재개 (스페이스)",
    "pause/play": "일시정지/재생",
    "Jump to the next timer (.)": "다음 타이머로 건너뛰기 (.)",
    "step": "한 단계",
    "Fast-forward one simulated minute": "시뮬레이션 시간 1분 빨리 감기",
    "Fast-forward five simulated minutes": "시뮬레이션 시간 5분 빨리 감기",
    "Run until nothing is pending": "대기 중인 일이 없을 때까지 실행",
    "settle": "안정될 때까지",
    "speed": "속도",
    "Reset this sandbox to a fresh cluster?": "이 샌드박스를 새 클러스터로 초기화할까요?",
    "read-only": "읽기 전용",
    "This sandbox was idle: its clock stops when nobody looks, and catches up at most %(m)s "
    "simulated minutes when opened.":
        "이 샌드박스는 쉬고 있었습니다. 아무도 보지 않으면 시계가 멈추고, 다시 열면 "
        "시뮬레이션 시간으로 최대 %(m)s분까지 따라잡습니다.",
    "Cluster map": "클러스터 지도",
    "kubelet stopped": "kubelet 멈춤",
    "stop node": "노드 멈추기",
    "start node": "노드 시작",
    "Not scheduled yet": "아직 스케줄되지 않음",
    "Tainted NoSchedule: only system pods (kube-system) run here.":
        "NoSchedule 테인트: 시스템 파드(kube-system)만 여기서 실행됩니다.",
    "ready containers": "준비된 컨테이너",
    "restarts": "재시작",
    "Workloads": "워크로드",
    "No workloads yet.": "아직 워크로드가 없습니다.",
    "Services": "서비스",
    "ready endpoint": "준비된 엔드포인트",
    "not ready endpoint": "준비되지 않은 엔드포인트",
    "no endpoints": "엔드포인트 없음",
    "console": "콘솔",
    "editor": "편집기",
    "timeline": "타임라인",
    "Console: type kubectl commands": "콘솔: kubectl 명령을 입력하세요",
    "filter": "필터",
    "object name": "오브젝트 이름",
    "Use your own kubectl": "내 kubectl 쓰기",
    "Download a kubeconfig for this sandbox, then run <code>kubectl --kubeconfig FILE get "
    "pods</code> on your own computer. Anyone with the file can change this sandbox: keep it "
    "to yourself.":
        "이 샌드박스의 kubeconfig를 내려받은 뒤, 내 컴퓨터에서 <code>kubectl --kubeconfig FILE "
        "get pods</code>를 실행하세요. 이 파일이 있으면 누구나 이 샌드박스를 바꿀 수 있으니 "
        "혼자만 간직하세요.",
    "Download kubeconfig": "kubeconfig 내려받기",
    "New secret (old kubeconfigs stop working)":
        "새 비밀 값 (이전 kubeconfig는 더 이상 동작하지 않음)",
    "Revoke": "폐기",
    "Read-only view: you can watch this sandbox but not drive it.":
        "읽기 전용 보기: 이 샌드박스를 지켜볼 수는 있지만 조작할 수는 없습니다.",
    "Type kubectl commands (kubectl get pods) or playground commands (clock settle, node stop "
    "worker-2).":
        "kubectl 명령(kubectl get pods)이나 플레이그라운드 명령(clock settle, node stop "
        "worker-2)을 입력하세요.",
}
# fmt: on


def _unquote(lines: list[str]) -> str:
    return "".join(ast.literal_eval(line) for line in lines)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def parse(text: str) -> list[dict]:
    """Entries of a .po file: comments, msgid, msgid_plural, msgstr(s) (single language)."""
    entries = []
    for block in text.strip().split("\n\n"):
        entry: dict = {"comments": [], "fields": {}}
        field = None
        for line in block.split("\n"):
            if line.startswith("#"):
                entry["comments"].append(line)
                continue
            m = re.match(r"^(msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if m:
                field = m.group(1)
                entry["fields"][field] = [m.group(2)]
            elif line.startswith('"') and field:
                entry["fields"][field].append(line)
        entries.append(entry)
    return entries


def fill(entries: list[dict]) -> list[str]:
    missing = []
    for entry in entries:
        fields = entry["fields"]
        msgid = _unquote(fields.get("msgid", ['""']))
        entry["comments"] = [c for c in entry["comments"] if c != "#, fuzzy"]
        if not msgid:
            continue
        # blocktranslate trimmed text: match on collapsed whitespace
        key = " ".join(msgid.split())
        value = KO.get(key)
        if value is None:
            missing.append(msgid)
            continue
        if "msgid_plural" in fields:
            plural = value if isinstance(value, list) else [value]
            for name in [k for k in fields if k.startswith("msgstr[")]:
                del fields[name]  # Korean has one plural form (nplurals=1)
            for i, form in enumerate(plural):
                fields[f"msgstr[{i}]"] = [_quote(form)]
        else:
            fields["msgstr"] = [_quote(value)]
    return missing


def write_po(entries: list[dict]) -> str:
    blocks = []
    for entry in entries:
        lines = list(entry["comments"])
        for name, values in entry["fields"].items():
            lines.append(f"{name} {values[0]}")
            lines.extend(values[1:])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def compile_mo(entries: list[dict]) -> bytes:
    """GNU .mo: a header, two tables of (length, offset), then the strings."""
    pairs = []
    for entry in entries:
        fields = entry["fields"]
        msgid = _unquote(fields.get("msgid", ['""']))
        if "msgid_plural" in fields:
            key = msgid + "\0" + _unquote(fields["msgid_plural"])
            forms = sorted(k for k in fields if k.startswith("msgstr["))
            value = "\0".join(_unquote(fields[k]) for k in forms)
        else:
            key, value = msgid, _unquote(fields.get("msgstr", ['""']))
        if value.strip("\0") or not msgid:
            pairs.append((key.encode(), value.encode()))
    pairs.sort()
    count = len(pairs)
    ids_start = 7 * 4
    strs_start = ids_start + count * 8
    data_start = strs_start + count * 8
    ids, strs, blob = [], [], b""
    for key, _ in pairs:
        ids.append((len(key), data_start + len(blob)))
        blob += key + b"\0"
    for _, value in pairs:
        strs.append((len(value), data_start + len(blob)))
        blob += value + b"\0"
    head = struct.pack("<7I", 0x950412DE, 0, count, ids_start, strs_start, 0, 0)
    table = b"".join(struct.pack("<2I", *p) for p in ids + strs)
    return head + table + blob


HEADER = {
    '"Project-Id-Version: PACKAGE VERSION\\n"': '"Project-Id-Version: kubernetes-playground\\n"',
    '"PO-Revision-Date: YEAR-MO-DA HO:MI+ZONE\\n"': '"PO-Revision-Date: 2026-11-27 00:00+0000\\n"',
    '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"': '"Last-Translator: the playground team\\n"',
    '"Language-Team: LANGUAGE <LL@li.org>\\n"': '"Language-Team: Korean\\n"',
    '"Language: \\n"': '"Language: ko\\n"',
}


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    for old, new in HEADER.items():
        text = text.replace(old, new)
    entries = parse(text)
    missing = fill(entries)
    PO.write_text(write_po(entries), encoding="utf-8")
    PO.with_suffix(".mo").write_bytes(compile_mo(entries))
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
