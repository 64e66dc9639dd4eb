"""The steps of one iteration and what each frame needs, worked out once per step.

`content(i)` is the costly part (formulas and element lines, printed by sympy), cached;
`quick(i)` is the same frame without them, drawn from the records alone (no sympy), for
step mode to show while the formula is worked out. `target(...)` names the explain
target of an entry, `find(name)` reads a step's number or name (`g dL/dW1`).
"""

from __future__ import annotations

import threading
from dataclasses import replace

from ..engine.diagnostics import diagnose
from ..i18n import _
from ..render.frame import Frame, FrameContent
from ..render.matrix import number
from ..render.network import MAX_UNITS, NetworkView
from ..render.theme import NORMAL, Theme

VIEWS = ("auto", "element", "matrix")
#: the quantities whose entries `tutor explain` derives (the gradient of each)
EXPLAINED = ("W", "b", "Z", "A")


class Lesson:
    def __init__(self, model, steps, theme: Theme = NORMAL, view: str = "auto") -> None:
        self.model = model
        self.steps = list(steps)
        self.theme = theme
        self.view = view
        self._contents: dict[int, FrameContent] = {}
        #: steps whose formulas could not be worked out in step mode's worker, and why
        self.failed: dict[int, str] = {}
        self._lock = threading.Lock()
        #: the printed formulas kept from an earlier run (symbolic.printed.Kept), if any
        self.kept = None

    def keep(self, memo) -> None:
        """Read step i's formulas from `memo` (symbolic.printed.Kept) and keep new ones in it."""
        self.kept = memo

    def save(self) -> None:
        """Write the formulas worked out so far to the cache (if kept at all)."""
        if self.kept is not None:
            with self._lock:
                self.kept.save()

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
                return _("{symbol} (step {number})").format(symbol=self.steps[j].symbol, number=j + 1)
        if key in self.model.parameters:
            return _("{key} (initial parameter)").format(key=key)
        return _("{key} (scenario data)").format(key=key)

    def _layers(self):
        s = self.model
        n = s.depth
        inputs = s.notation.inputs.lower()
        layers = [(_("inputs"), s.n_inputs, inputs)]
        for l, layer in enumerate(s.layers, 1):
            where = _("output") if l == n else _("layer {layer}").format(layer=l)
            base = s.notation.act(l, n).rstrip("0123456789").lower()
            layers.append((f"{where} ({layer.activation.label})", layer.units, base))
        return layers

    def network(self, i: int, selected: str | None = None, max_units: int = MAX_UNITS, pick=None):
        """The picture at step i (None for a network too large to draw)."""
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
                           samples=samples, params=s.parameters, select=select, pick=pick,
                           selected=selected, max_units=max_units)

    def _view(self, step) -> str:
        from ..symbolic import substitution

        return "element" if substitution.wants_elements(step, self.view) else "matrix"

    def printed(self, i: int) -> Frame:
        """Step i as `tutor run` prints it: the same frame as step mode, with whole
        matrices and no network picture."""
        content = replace(self.frame(i).c, network=None, full=True)
        return Frame(content, self.theme)

    def frame(self, i: int) -> Frame:
        return Frame(self.content(i), self.theme)

    def ready(self, i: int) -> bool:
        """Whether step i's formulas are worked out, or were printed before and are kept
        (its frame costs nothing more: no sympy)."""
        return i in self._contents or (self.kept is not None and self.kept.has(self.steps[i]))

    def content(self, i: int) -> FrameContent:
        """Everything frame i shows, worked out once (step mode's app also calls this from
        a worker thread, ahead of the keys)."""
        found = self._contents.get(i)
        if found is None:
            with self._lock:
                found = self._contents.get(i)
                if found is None:
                    found = self._contents[i] = self._content(i)
        return found

    def quick(self, i: int) -> FrameContent:
        """Frame i from the records alone, while its formula is being worked out."""
        if i in self._contents:
            return self._contents[i]
        st = self.steps[i]
        return FrameContent(
            step=st, index=i, total=self.total, scenario=self.model.name, network=self.network(i),
            view="matrix", reuses=[self.reuse(i, k) for k in st.reuses],
            warnings=[d.message for d in diagnose(st)], pending=self.failed.get(i, "working out the formula …"),
            notes=self.drawn(st))

    def drawn(self, st) -> list[str]:
        """How the W a layer's forward affine step reads was drawn (nothing for a W given in the file)."""
        if st.phase != "forward" or st.grad or st.quantity != "Z" or not self.model.init:
            return []
        from ..scenario.initnotes import line, notes

        return [line(n) for n in notes(self.model.init, self.model.widths()) if n["param"] == f"W{st.layer}"]

    def _content(self, i: int) -> FrameContent:
        from ..symbolic import formulas, substitution

        st = self.steps[i]
        view = self._view(st)
        elements, omitted = [], 0
        wide = substitution.too_wide(st)
        asked = self.view == "element" or (self.view == "auto" and substitution.count(st) <= substitution.SMALL)
        notes = ([wide] if wide and asked else []) + self.drawn(st)
        if view == "element":
            limit = 8 if self.theme.spacing == 0 else 5
            found = substitution.element_lines(st, lambda x: number(x, self.theme.digits), limit)
            if found is not None:
                elements, omitted = list(found.lines), found.omitted
        reuses = [self.reuse(i, k) for k in st.reuses]
        return FrameContent(
            step=st, index=i, total=self.total, scenario=self.model.name,
            network=self.network(i), formula=formulas.text(st), derivative=formulas.derivative_text(st),
            elements=elements, omitted=omitted, view=view, reuses=reuses,
            warnings=[d.message for d in diagnose(st)], notes=notes)

    # what can be explained, and finding a step by name ---------------------------------

    def target(self, kind: str, layer: int | None, index: tuple[int, ...] | None = None) -> str | None:
        """The explain target of an entry (dL/dW1[0,1]), or None when there is none."""
        if layer is None or not 1 <= layer <= self.model.depth:
            return None
        act = self.model.layers[layer - 1].activation
        if kind not in EXPLAINED and kind not in act.learnable:
            return None
        where = "" if index is None or kind not in EXPLAINED else f"[{','.join(map(str, index))}]"
        return f"d{self.model.notation.loss}/d{kind}{layer}{where}"

    def layer_of(self, i: int) -> int | None:
        """The layer of the quantity step i computes: a gradient passed back to a layer's
        input (∂L/∂A1, recorded by layer 2's linear map) belongs to the layer that made A1."""
        st = self.steps[i]
        if st.grad and st.of_symbol:
            for other in self.steps:
                if not other.grad and other.quantity == st.quantity and other.symbol == st.of_symbol:
                    return other.layer
            if st.quantity == "A":  # the network's input: no layer computed it
                return None
        return st.layer

    def step_target(self, i: int, index: tuple[int, ...] | None = None) -> str | None:
        """What an entry of step i's value explains: the gradient of its quantity."""
        return self.target(self.steps[i].quantity, self.layer_of(i), index)

    def find(self, name: str) -> int:
        """The step a student names: a number (1-based), a step's symbol or key, or a
        quantity in explain's grammar (dL/dW1, z1^(1), W1 ...). Raises ValueError."""
        from .names import find

        return find(self, name)
