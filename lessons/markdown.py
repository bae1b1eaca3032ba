"""Step text: Markdown to safe HTML, with the action blocks turned into buttons.

markdown-it-py renders with raw HTML off (a `<script>` in a step shows as text), and nh3
sanitises the result again with a short allow-list. A ```console block becomes one
"run in console" action per command (split like the engine's loader splits them); a
```yaml apply block one "apply" action; both keep a copy button.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from django.utils.html import escape
from django.utils.translation import gettext as _
from markdown_it import MarkdownIt

from lessons.engine.loader import split_commands

ALLOWED_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "div", "button", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"class"},
    "a": {"href", "title"},
    "button": {"type", "title", "data-action"},
    "div": {"data-kind"},
}


def _action(kind: str, text: str) -> str:
    label = _("Run in console") if kind == "console" else _("Apply")
    copy = _("Copy")
    return (
        f'<div class="action" data-kind="{kind}"><pre><code>{escape(text)}</code></pre>'
        f'<div class="action-buttons"><button type="button" class="action-run primary" '
        f'data-action="{kind}">{escape(label)}</button>'
        f'<button type="button" class="action-copy" data-action="copy">'
        f"{escape(copy)}</button></div></div>"
    )


def _fence(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    info = token.info.split()
    text = token.content
    if info[:1] == ["console"]:
        return "".join(_action("console", c) for c in split_commands(text))
    if info[:1] == ["yaml"] and "apply" in info[1:]:
        return _action("apply", text)
    lang = f' class="language-{escape(info[0])}"' if info else ""
    return f"<pre><code{lang}>{escape(text)}</code></pre>"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.add_render_rule("fence", _fence)
    return md


def render(text: str) -> str:
    html = _parser().render(text or "")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def render_inline(text: str) -> str:
    """One line of Markdown (a hint): code spans and emphasis, no blocks."""
    html = _parser().renderInline(text or "")
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)
