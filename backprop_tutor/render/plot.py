"""`tutor plot`: an activation and its derivative drawn in the terminal with rich, with axes,
the stretches where it saturates or dies marked under them, and the table of values."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..i18n import _

HEIGHT = 11  # rows of one chart
LABEL = 10  # the width of the y-axis labels


def _num(v: float) -> str:
    return f"{v:.6g}"


def _chart(title: str, xs: list, ys: list, lo: float, hi: float, width: int, style: str,
           marks: str | None = None) -> Text:
    cols = max(10, width - LABEL - 1)
    finite = [y for y in ys if y == y and abs(y) != float("inf")]
    top, bottom = (max(finite), min(finite)) if finite else (1.0, 0.0)
    top, bottom = max(top, 0.0), min(bottom, 0.0)  # the axis y = 0 is always in view
    if top == bottom:
        top += 1.0
    grid = [[" "] * cols for _ in range(HEIGHT)]

    def row(y):
        return int(round((top - y) / (top - bottom) * (HEIGHT - 1)))

    zero = row(0.0)
    for c in range(cols):
        grid[zero][c] = "─"
    if lo < 0 < hi:
        zc = int(round(-lo / (hi - lo) * (cols - 1)))
        for r in range(HEIGHT):
            grid[r][zc] = "┼" if r == zero else "│"
    n = len(xs)
    for c in range(cols):
        i = int(round(c / (cols - 1) * (n - 1)))
        y = ys[i]
        if y == y and abs(y) != float("inf"):
            grid[row(y)][c] = "●"
    out = Text(title + "\n", style="bold")
    for r in range(HEIGHT):
        label = _num(top) if r == 0 else _num(bottom) if r == HEIGHT - 1 else "0" if r == zero else ""
        out.append(f"{label:>{LABEL}}┤")
        for ch in grid[r]:
            out.append(ch, style=style if ch == "●" else "dim")
        out.append("\n")
    axis = [" "] * cols
    ticks = [(0, _num(lo)), (cols - 1, _num(hi))]
    if lo < 0 < hi:
        ticks.insert(1, (int(round(-lo / (hi - lo) * (cols - 1))), "0"))
    for pos, text in ticks:
        start = min(max(0, pos - len(text) // 2), cols - len(text))
        axis[start:start + len(text)] = list(text)
    out.append(" " * LABEL + "└" + "─" * cols + "\n")
    out.append(" " * (LABEL + 1) + "".join(axis) + "\n")
    if marks is not None:
        out.append(" " * (LABEL + 1))
        for c in range(cols):
            m = marks[int(round(c / (cols - 1) * (n - 1)))]
            out.append(m, style="red" if m == "×" else "yellow")
        out.append("\n")
    return out


def _marks(curve) -> str:
    marks = [" "] * len(curve.x)
    for kind, ch in ((curve.saturated, "░"), (curve.dead, "×")):
        for a, b in kind:
            for i, x in enumerate(curve.x):
                if a <= x <= b:
                    marks[i] = ch
    return "".join(marks)


def _stretches(intervals: list) -> str:
    return ", ".join(f"[{_num(a)}, {_num(b)}]" for a, b in intervals) or _("none")


def plot(curve, width: int) -> Group:
    """The two charts, what is marked under f', and the table of f and f' at the asked points."""
    params = ", ".join(f"{k} = {_num(v)}" for k, v in curve.params.items())
    name = f"{curve.name}({params})" if params else curve.name
    parts = [
        _chart(_("f(z) = {name}(z)").format(name=name), curve.x, curve.f, curve.lo, curve.hi, width, "cyan"),
        _chart(_("f′(z), from the op's backward rule"), curve.x, curve.df, curve.lo, curve.hi, width, "magenta",
               _marks(curve)),
        Text(_("× dies (f′ = 0): {dead}").format(dead=_stretches(curve.dead)) + "\n"
             + _("░ saturates (|f′| < {share} × max |f′| = {threshold}): {saturated}").format(
                 share=_num(0.01), threshold=_num(curve.threshold), saturated=_stretches(curve.saturated))),
    ]
    parts.append(Text(_("f and f′ at the points asked (the slides ask about z = −10, 0, 10):"), style="bold"))
    table = Table()
    for head in ("z", "f(z)", "f′(z)"):
        table.add_column(head, justify="right")
    for x, f, d in curve.table:
        table.add_row(_num(x), _num(f), _num(d))
    parts.append(table)
    return Group(*parts)
