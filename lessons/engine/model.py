"""Plain dataclasses for lessons as the loader reads them (one Lesson per language)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Action:
    """A button beside the step text: `console` runs `text` in the console, `apply` applies the
    YAML in `text` (`kubectl apply -f -`)."""

    kind: str  # "console" or "apply"
    text: str

    def command(self) -> tuple[str, str | None]:
        """The console line and stdin this action runs."""
        if self.kind == "apply":
            return "kubectl apply -f -", self.text
        return self.text, None


@dataclass
class Step:
    slug: str  # from the file name: "02-scale" -> "scale"
    number: int  # 1-based position in the lesson
    lang: str
    title: str
    body: str  # Markdown, action blocks included
    actions: list[Action]
    check: dict
    hints: list[str]
    solution: list[str]  # console commands (a command may carry a heredoc body)
    explanation: str  # "what just happened", shown when the check passes
    path: Path | None = None


@dataclass
class Lesson:
    slug: str
    lang: str
    title: str
    summary: str
    order: int
    estimated_minutes: int
    setup: list[str]  # console commands run on a fresh cluster, after `manifests`
    manifests: list[str]  # YAML documents applied first (`kubectl apply -f -`)
    body: str  # the lesson's introduction (Markdown)
    steps: list[Step] = field(default_factory=list)
    path: Path | None = None

    def step(self, slug: str) -> Step:
        return next(s for s in self.steps if s.slug == slug)
