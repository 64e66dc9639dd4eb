"""One step drawn for a student: header, formula, the values it used, the result.

The renderer draws records; it computes nothing. Formulas come from the
symbolic layer (which builds them from the ops' sympy forms).
"""

from __future__ import annotations

from rich.columns import Columns
from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from .ste import SignMaskView
from .matrix import MatrixView, number

PHASE_STYLE = {
    "preprocess": "magenta",
    "forward": "cyan",
    "loss": "yellow",
    "backward": "red",
    "update": "green",
}


def title_of(step) -> str:
    what = {
        "preprocess": f"{getattr(step.op, 'title', '')} of the {step.extra.get('table', '')}",
        "select": f"record {step.extra.get('record')} of the table",
        "forward": f"{getattr(step.op, 'title', '')}",
        "loss": getattr(step.op, "describe", lambda: "")(),
        "loss_grad": "gradient of the loss with respect to the prediction",
        "backward": f"back through {getattr(step.op, 'title', '')}",
        "weight_grad": "gradient of the weights",
        "bias_grad": "gradient of the biases (a sum over the batch)",
        "input_grad": "gradient passed back to the previous layer",
        "param_grad": f"gradient of the {getattr(step.op, 'title', '')} parameter {step.extra.get('slot', '')}",
        "update": "gradient-descent update",
    }.get(step.role, "")
    return what


class StepView:
    """A whole step as one panel."""

    def __init__(self, step, index: int, total: int, scenario_name: str, formula: str = "",
                 derivative: str = "", digits: int = 6, elements: list[str] | None = None,
                 omitted: int = 0) -> None:
        self.step = step
        self.index = index
        self.total = total
        self.scenario_name = scenario_name
        self.formula = formula
        self.derivative = derivative
        self.digits = digits
        self.elements = elements or []
        self.omitted = omitted

    def constants(self) -> list[Text]:
        """The constants the step used, from its record: eta, m and k, lambda."""
        ex, n = self.step.extra, lambda v: number(v, self.digits)
        out = []
        if "learning_rate" in ex:
            out.append(Text(f"η = {n(ex['learning_rate'])}"))
        if "m" in ex:
            out.append(Text(f"m = {ex['m']} samples, k = {ex['k']} outputs"))
        if ex.get("l2") and "penalty" in ex:
            out.append(Text(f"λ = {n(ex['l2'])}: data loss {n(ex['data_loss'])} + L2 penalty {n(ex['penalty'])}"))
        elif ex.get("l2") and "data_loss" not in ex:
            out.append(Text(f"λ = {n(ex['l2'])}"))
        return out

    def __rich_console__(self, console, options):
        st = self.step
        color = PHASE_STYLE.get(st.phase, "white")
        parts = []
        if self.formula:
            parts.append(Text(self.formula, style="bold"))
        for line in self.elements:  # the numbers substituted, element by element
            parts.append(Text(line))
        if self.omitted:
            parts.append(Text(f"… {self.omitted} more entries (--view element shows more)", style="dim"))
        if self.derivative:
            parts.append(Text("where", style="dim"))
            parts.append(Text(self.derivative))
        parts.extend(self.constants())
        if "stats" in st.extra:
            stats = "  ".join(f"x_{k} = {', '.join(number(v, self.digits) for v in vals)}"
                              for k, vals in st.extra["stats"].items())
            if stats:
                parts.append(Text(stats))
        if st.inputs:
            parts.append(Text("using", style="dim"))
            parts.append(Columns([MatrixView(v, name, self.digits) for name, v in st.inputs.items()],
                                 padding=(0, 2)))
        if "mask" in st.extra:
            parts.append(SignMaskView(st.extra, self.digits))
        if st.reuses:
            parts.append(Text("reuses " + ", ".join(st.reuses), style="dim italic"))
        parts.append(Text("result", style="dim"))
        parts.append(MatrixView(st.value, st.symbol, self.digits, style=color))
        header = Text.assemble(
            (f" {self.scenario_name} ", "bold"),
            (f" {st.phase} ", f"bold reverse {color}"),
            (f" {self.index}/{self.total} ", "bold"),
            (f" {st.key} ", "bold"),
            (f" {title_of(self.step)}", "italic"),
        )
        yield Panel(Group(*parts), title=header, title_align="left", border_style=color)
