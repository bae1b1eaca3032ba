"""A port of Go's text/tabwriter layout, as kubectl's describe and table printers use it.

Cells are tab-terminated; the text after a line's last tab is not part of any column.
A column block is a run of consecutive lines that all have a cell in that column; each
block is as wide as its widest cell plus `padding` (at least `minwidth`), and blocks of
the next column are found inside it (text/tabwriter Writer.format). This is what makes
`kubectl describe` align "Name:", "Namespace:", ... together while a line without a tab
("Containers:") starts a new alignment group.
"""

from __future__ import annotations


def layout(text: str, *, minwidth: int = 0, padding: int = 2) -> str:
    lines = [line.split("\t") for line in text.split("\n")]
    widths: list[list[int]] = [[] for _ in lines]
    _format(lines, widths, 0, len(lines), 0, minwidth, padding)
    out = []
    for cells, ws in zip(lines, widths, strict=True):
        parts = [cell.ljust(ws[i]) for i, cell in enumerate(cells[:-1])]
        out.append("".join(parts) + cells[-1])
    return "\n".join(out)


def _format(lines: list[list[str]], widths: list[list[int]], line0: int, line1: int,
            column: int, minwidth: int, padding: int) -> None:
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        start, width = this, minwidth
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        for i in range(start, this):
            widths[i].append(width)
        _format(lines, widths, start, this, column + 1, minwidth, padding)
