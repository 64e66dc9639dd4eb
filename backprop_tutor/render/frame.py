"""One screen of step mode: a header, the network picture, the operation, a footer.

The frame draws what it is handed (values, formula text, element lines,
warnings); the step-mode loop decides which frame to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.columns import Columns
from rich.console import Group
from rich.panel import Panel
from rich.rule import Rule
from rich.text import Text

from ..i18n import N_, _
from ..ops.penalty import penalty_title
from .ste import SignMaskView
from .matrix import MatrixView
from .steps import phase_name, title_of
from .theme import NORMAL, Theme


@dataclass
class FrameContent:
    """Everything one frame shows, already worked out."""

    step: object
    index: int  # 0-based
    total: int
    scenario: str
    network: object | None = None  # a renderable (NetworkView)
    formula: str = ""  # the matrix formula, printed by sympy
    derivative: str = ""  # f'(z) as sympy derives it
    elements: list[str] = field(default_factory=list)
    omitted: int = 0
    view: str = "matrix"
    reuses: list[str] = field(default_factory=list)  # "∂J/∂A2 (step 10)"
    warnings: list[str] = field(default_factory=list)
    #: larger matrices (a printed run) rather than the corner that fits a screen
    full: bool = False
    #: what is still being worked out (step mode shows the values at once, the formula when ready)
    pending: str = ""
    #: what the view leaves out and why (element lines of a step too wide for them)
    notes: list[str] = field(default_factory=list)


def constants(step, digits: int) -> list[str]:
    """The constants a step used, read from its record: eta, m and k, lambda, statistics."""
    from .matrix import number

    ex, n = step.extra, (lambda v: number(v, digits))
    out = []
    if "learning_rate" in ex:
        out.append(f"η = {n(ex['learning_rate'])}")
    if "m" in ex:
        out.append(_("m = {m} samples, k = {k} outputs").format(m=ex["m"], k=ex["k"]))
    if ex.get("l2") and "penalty" in ex and ex.get("penalty_of"):
        out.append(_("λ = {l2}: data loss {data_loss} + {title} {penalty}").format(
            l2=n(ex["l2"]), data_loss=n(ex["data_loss"]), title=penalty_title(ex["penalty_of"]),
            penalty=n(ex["penalty"])))
    elif ex.get("l2") and "penalty" in ex:
        out.append(_("λ = {l2}: data loss {data_loss} + L2 penalty {penalty}").format(
            l2=n(ex["l2"]), data_loss=n(ex["data_loss"]), penalty=n(ex["penalty"])))
    elif ex.get("l2") and "data_loss" not in ex:
        out.append(f"λ = {n(ex['l2'])}")
    if ex.get("subgradient"):
        out.append(ex["subgradient"])
    if "p" in ex and "mode" in ex:  # dropout
        out.append(_("p = {p}, mode {mode}: scale 1/(1 − p) = {scale}").format(
            p=n(ex["p"]), mode=ex["mode"], scale=n(ex["scale"])) if ex["mode"] == "train" else
            _("p = {p}, mode inference: inverted dropout is the identity").format(p=n(ex["p"])))
    if "note" in ex:
        out.append(ex["note"])
    stats = "  ".join(f"x_{k} = {', '.join(n(v) for v in vals)}" for k, vals in ex.get("stats", {}).items())
    if stats:
        out.append(stats)
    return out


class Frame:
    """`room` (rows, columns) lets matrices fill a window (step mode's app) instead of the
    fixed corner of a printed frame; `pick(index)` names the explain target of an entry of
    the step's value and `selected` is the entry picked."""

    def __init__(self, content: FrameContent, theme: Theme = NORMAL, room: tuple[int, int] | None = None,
                 pick=None, selected=None) -> None:
        self.c = content
        self.theme = theme
        self.room = room
        self.pick = pick
        self.selected = selected

    # parts ----------------------------------------------------------------
    def header(self) -> Text:
        c, t = self.c, self.theme
        st = c.step
        color = t.phase_style(st.phase)
        layer = " " + _("layer {layer}").format(layer=st.layer) if st.layer else ""
        return Text.assemble(
            (f" {c.scenario} ", t.strong),
            (f" {phase_name(st.phase)} ", f"bold reverse {color}"),
            (f" {c.index + 1}/{c.total} ", t.strong),
            (f" {st.symbol} ", t.strong),
            (f"{layer}  ", t.text),
            (title_of(st), "italic" if t.name == "normal" else t.text),
            no_wrap=True, overflow="ellipsis")

    def operation(self):
        """The operation, the essentials first: the formula (or element lines), the result,
        the warnings and the chain-rule link; then the bulky parts (the derivative's
        picture, the input matrices), which a short screen cuts first."""
        c, t = self.c, self.theme
        st = c.step
        parts = []
        if c.view == "element" and c.elements:
            if c.full and c.formula:  # a printed run has room for the matrix formula as well
                parts.append(Text(c.formula, style=t.formula))
            for line in c.elements:
                parts.append(Text(line, style=t.formula))
            if c.omitted:
                parts.append(Text(_("… {count} more entries (--view matrix shows whole matrices)").format(count=c.omitted),
                                  style=t.dim))
        elif c.formula:
            parts.append(Text(c.formula, style=t.formula))
        for note in c.notes:
            parts.append(Text(note, style=t.dim))
        for line in constants(st, t.digits):
            parts.append(Text(line, style=t.text))
        if c.pending:
            parts.append(Text(c.pending, style=t.dim))
        # a window (step mode's app) shows the whole value when element lines were left out
        matrices = c.view != "element" or not c.elements or bool(c.omitted and self.room)
        rows, cols = self.room or ((8, 6) if c.full else (5, 5))
        if matrices or c.full or self.selected is not None:
            parts.append(MatrixView(st.value, st.symbol, t.digits, max_rows=rows, max_cols=cols,
                                    style=t.phase_style(st.phase), caption_style=t.dim, pick=self.pick,
                                    selected=self.selected, selected_style=t.selected))
        if "mask" in st.extra:
            rows, cols = self.room or (5, 8)
            parts.append(SignMaskView(st.extra, t.digits, max_rows=rows, max_cols=cols, theme=t))
        for w in c.warnings:
            parts.append(Text("⚠ " + w, style=t.warning))
        if c.reuses:
            parts.append(Text(_("chain rule: reuses {steps}").format(steps=", ".join(c.reuses)), style=t.dim))
        if c.derivative:
            where = _("where") + " "
            parts.append(Text(where + c.derivative.replace("\n", "\n" + " " * len(where)), style=t.text))
        if (matrices or c.full) and st.op is not None and st.inputs:
            rows, cols = self.room or ((8, 6) if c.full else (4, 4))
            parts.append(Text(_("from"), style=t.dim))
            parts.append(Columns([MatrixView(v, name, t.digits, max_rows=rows, max_cols=cols, caption_style=t.dim)
                                  for name, v in st.inputs.items()], padding=(0, 2)))
        if t.spacing:
            spaced = []
            for p in parts:
                spaced += [p, Text("")]
            parts = spaced[:-1]
        return Panel(Group(*parts), box=t.box, border_style=t.phase_style(st.phase),
                     title=f"{st.symbol}", title_align="left")

    def body(self):
        parts = []
        if self.c.network is not None:
            parts.append(self.c.network)
            if self.theme.spacing:
                parts.append(Text(""))
        parts.append(self.operation())
        return Group(*parts)

    def __rich_console__(self, console, options):
        yield self.header()
        yield self.body()


#: the key line under every screen (all keys are in the `?` help)
KEYS = N_("→ next  ← back  ↓↑ scroll  g N go to  f/r forward/backward  ? keys  q quit")


def footer(status: str = "", theme: Theme = NORMAL, keys: str = KEYS) -> Text:
    keys = _(keys)
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    if status:
        text.append(status + "  ", theme.warning)
    text.append(keys, theme.dim)
    return text


def help_panel(rows, theme: Theme = NORMAL):
    lines = Text()
    for k, (keys, what) in enumerate(rows):
        lines.append(f"{keys:<18}", theme.strong)
        lines.append(_(what) + ("\n" if k < len(rows) - 1 else ""), theme.text)
    return Panel(lines, title=_("keys"), box=theme.box, title_align="left")


def separator(theme: Theme = NORMAL):
    return Rule(style=theme.dim)
