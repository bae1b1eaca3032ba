"""kubectl's small text tables outside `get` (rollout history, describe's inner tables).

Those use `tabwriter.NewWriter(out, 0, 8, 2, ' ', 0)` (padding 2, no minimum width)
through kubectl's tabbedString, unlike `get`'s printer (printers.render).
"""

from __future__ import annotations


def tabbed(rows: list[list[str]], padding: int = 2) -> str:
    """Columns padded to the widest cell + `padding`; the last column unpadded."""
    if not rows:
        return ""
    ncols = max(len(r) for r in rows)
    widths = [0] * ncols
    for r in rows:
        for i, cell in enumerate(r[:-1]):
            widths[i] = max(widths[i], len(cell) + padding)
    return "\n".join("".join(c.ljust(widths[i]) for i, c in enumerate(r[:-1])) + r[-1]
                     for r in rows) + "\n"
