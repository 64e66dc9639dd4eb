"""The steps of one iteration and what each frame needs, worked out once per step."""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache

from ..engine.diagnostics import diagnose
from ..render.frame import Frame, FrameContent
from ..render.matrix import number
from ..render.network import NetworkView
from ..render.theme import NORMAL, Theme

VIEWS = ("auto", "element", "matrix")


class Lesson:
    def __init__(self, model, steps, theme: Theme = NORMAL, view: str = "auto") -> None:
        self.model = model
        self.steps = list(steps)
        self.theme = theme
        self.view = view
        self.frame = lru_cache(maxsize=None)(self._frame)

    @property
    def total(self) -> int:
        return len(self.steps)

    def phase_starts(self) -> dict[str, int]:
        starts: dict[str, int] = {}
        for i, st in enumerate(self.steps):
            starts.setdefault(st.phase, i)
        return starts

    def reuse(self, i: int, key: str) -> str:
        """Where the value a step reads under `key` comes from: the latest step with that
        key before step i (a later step, such as an update, is not what it read)."""
        for j in range(i - 1, -1, -1):
            if self.steps[j].key == key:
                return f"{self.steps[j].symbol} (step {j + 1})"
        if key in self.model.parameters:
            return f"{key} (initial parameter)"
        return f"{key} (scenario data)"

    def _layers(self):
        s = self.model
        n = s.depth
        inputs = s.notation.inputs.lower()
        layers = [("inputs", s.n_inputs, inputs)]
        for l, layer in enumerate(s.layers, 1):
            where = "output" if l == n else f"layer {l}"
            base = s.notation.act(l, n).rstrip("0123456789").lower()
            layers.append((f"{where} ({layer.activation.label})", layer.units, base))
        return layers

    def _network(self, i: int):
        s = self.model
        if max(s.widths()) > 12 or s.depth > 3:
            return None
        values = {st.key: st.value for st in self.steps[:i + 1]}
        first = next((st for st in self.steps if st.key == "Z1"), None)
        if first is not None:
            values["input"] = list(first.inputs.values())[0]
        st = self.steps[i]
        samples = next((int(st.value.shape[0]) for st in self.steps if st.key in ("x", "Z1")), 1)
        select = any(step.key == "x" for step in self.steps)
        return NetworkView(self._layers(), values, {st.key}, self.theme, loss=s.notation.loss,
                           samples=samples, params=s.parameters, select=select)

    def _view(self, step) -> str:
        from ..symbolic import substitution

        return "element" if substitution.wants_elements(step, self.view) else "matrix"

    def printed(self, i: int) -> Frame:
        """Step i as `tutor run` prints it: the same frame as step mode, with whole
        matrices and no network picture."""
        content = replace(self.frame(i).c, network=None, full=True)
        return Frame(content, self.theme)

    def _frame(self, i: int) -> Frame:
        from ..symbolic import formulas, substitution

        st = self.steps[i]
        view = self._view(st)
        elements, omitted = [], 0
        wide = substitution.too_wide(st)
        asked = self.view == "element" or (self.view == "auto" and substitution.count(st) <= substitution.SMALL)
        notes = [wide] if wide and asked else []
        if view == "element":
            limit = 8 if self.theme.spacing == 0 else 5
            found = substitution.element_lines(st, lambda x: number(x, self.theme.digits), limit)
            if found is not None:
                elements, omitted = list(found.lines), found.omitted
        reuses = [self.reuse(i, k) for k in st.reuses]
        content = FrameContent(
            step=st, index=i, total=self.total, scenario=self.model.name,
            network=self._network(i), formula=formulas.text(st), derivative=formulas.derivative_text(st),
            elements=elements, omitted=omitted, view=view, reuses=reuses,
            warnings=[d.message for d in diagnose(st)], notes=notes)
        return Frame(content, self.theme)
