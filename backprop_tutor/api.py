"""The tutor as a Python API, for Jupyter notebooks and scripts; the command line is a thin
layer over it.

    import backprop_tutor as bt
    it = bt.run("logistic-4x2")                 # or sample=1, set={"training.learning_rate": 1}
    it.steps                                    # every step, shown as step mode draws it
    it["dL/dW1"]                                # a step, by explain's target grammar (or its key)
    it["dL/dw12^(1)"].value                     # one entry
    bt.explain("dL/dW1", scenario="logistic-4x2")

Each result shows itself in a notebook (`_repr_html_`: MathML formulas, tables of numbers)
and in a rich console (`__rich_console__`: the terminal's views).
"""

from __future__ import annotations

import json
from typing import Any

from .i18n import _
from .errors import TutorError

DEFAULT_SCENARIO = "logistic-4x2"


def load(scenario, settings=None, sample: int | None = None, up_close: bool = True, shown: bool = False,
         trainable: bool = False):
    """A validated Scenario from a built-in name or a file path (a Scenario is returned as
    it is). `settings`: "FIELD=VALUE" strings, (origin, "FIELD=VALUE") pairs or a mapping;
    `sample`: one record (0-based) instead of the batch; `shown`: it will be shown step by
    step, so it must be small enough for that; `trainable`: it will be trained, so its copies
    must fit the training memory budget (checked before its weights are drawn)."""
    from .scenario import Scenario
    from .scenario import load as load_scenario
    from .scenario.limits import check_shown

    if isinstance(scenario, Scenario):  # loaded (and checked) already
        return scenario
    given = list(_settings(settings))
    if sample is not None:
        given += [(f"--sample {sample}", "training.batch=record"),
                  (f"--sample {sample}", f"training.record={sample}"),
                  (f"--sample {sample}", "training.dtype=float64")]  # one record: a worked example
    model = load_scenario(str(scenario), given, up_close, trainable)
    if shown:
        check_shown(model)
    return model


def _settings(settings):
    if settings is None:
        return []
    if isinstance(settings, dict):
        return [f"{k}={v if isinstance(v, str) else json.dumps(v)}" for k, v in settings.items()]
    return list(settings)


def run(scenario=DEFAULT_SCENARIO, *, sample: int | None = None, set: dict | None = None,  # noqa: A002
        digits: int | None = None, view: str = "auto") -> Iteration:
    """One iteration of `scenario` (a name, a path or a loaded Scenario): preprocessing,
    forward, loss, backward and update, every operation a step. `digits`: significant
    digits shown (default 6); `view`: element, matrix or auto, as `tutor run --view`."""
    from .engine import Engine

    model = load(scenario, set, sample, shown=True)
    return Iteration(model, list(Engine(model).steps()), digits, view)


def explain(target: str, scenario=DEFAULT_SCENARIO, *, sample: int | None = None,
            set: dict | None = None) -> Derivation:  # noqa: A002
    """The chain-rule derivation of one gradient (`dL/dW1`, `dL/dw12^(1)`, `dL/dW1[0,1]` ...)."""
    from .symbolic.derive import explain as derive
    from .symbolic.targets import parse

    model = load(scenario, set, sample, shown=True)
    return Derivation(derive(model, parse(target, model)), model)


class Iteration:
    """The steps of one iteration. `it.steps` lists them; `it[key]` is one of them."""

    def __init__(self, model, records, digits: int | None = None, view: str = "auto") -> None:
        self.model = model
        self.records = list(records)  # the engine's Step records
        self.digits = digits or 6
        self.view = view
        self.steps = Steps(StepView(self, i) for i in range(len(self.records)))

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, key: str | int) -> StepView:
        """A step by its number (0-based), its key (Z1, L, W1: the update), or a gradient
        in explain's grammar (dL/dW1, ∂J/∂W^(1), dL/dw12^(1), dL/dW1[0,1])."""
        if isinstance(key, int):
            return self.steps[key]
        for i in range(len(self.records) - 1, -1, -1):
            if self.records[i].key == key:
                return self.steps[i]
        from .symbolic.targets import parse

        target = parse(key, self.model)
        for i, st in enumerate(self.records):
            if st.key == target.key and st.grad:
                return StepView(self, i, target.index)
        raise TutorError(_("{name}: {key}: no step of this run computes it").format(name=self.model.name, key=key))

    def keys(self) -> list[str]:
        return [st.key for st in self.records]

    def lesson(self):
        from .render.theme import NORMAL
        from .stepper.lesson import Lesson

        return Lesson(self.model, self.records, NORMAL.with_digits(self.digits), self.view)

    def handout(self, steps: str | tuple[int, int] | None = None, digits: int | None = None):
        """The worked solution as a Handout record (export.render prints it)."""
        from .export import build, parse_steps

        span = steps if isinstance(steps, tuple) else parse_steps(steps, len(self.records))
        return build(self.model, self.records, digits or self.digits, span)

    def export(self, path, steps=None, digits: int | None = None, fmt: str | None = None):
        """Write the handout to `path` (.md, .tex or .html), atomically; returns the Handout."""
        from .export import format_of, render, save

        handout = self.handout(steps, digits)
        save(render(handout, fmt or format_of(path)), path)
        return handout

    def _repr_html_(self) -> str:
        from .export.notebook import handout_html

        return handout_html(self.handout())

    def __rich_console__(self, console, options):
        lesson = self.lesson()
        for i in range(lesson.total):
            yield lesson.printed(i)

    def __repr__(self) -> str:
        return f"<Iteration of {self.model.name}: {len(self.records)} steps>"


class Steps(list):
    """The steps of an iteration, a list that shows itself."""

    def _repr_html_(self) -> str:
        from .export.notebook import steps_html

        return steps_html(self)

    def __rich_console__(self, console, options):
        for view in self:
            yield from view.__rich_console__(console, options)


class StepView:
    """One step (or one entry of it): `.value`, `.symbol`, `.key`, `.phase` ... and its
    formula, numbers and derivation when shown."""

    def __init__(self, iteration: Iteration, index: int, entry: tuple[int, ...] | None = None) -> None:
        self.iteration = iteration
        self.index = index
        self.entry = entry
        self.step = iteration.records[index]

    @property
    def value(self) -> Any:
        import numpy as np

        if self.entry is None:
            return self.step.value
        return float(np.asarray(self.step.value)[self.entry])

    def __getattr__(self, name: str):  # key, phase, symbol, layer, inputs, ... of the Step record
        if name == "step":
            raise AttributeError(name)
        return getattr(self.step, name)

    def __array__(self, dtype=None, copy=None):
        import numpy as np

        return np.asarray(self.value, dtype=dtype)

    def _repr_html_(self) -> str:
        from .export.notebook import step_html

        return step_html(self)

    def __rich_console__(self, console, options):
        yield self.iteration.lesson().printed(self.index)

    def __repr__(self) -> str:
        at = "" if self.entry is None else f"[{', '.join(map(str, self.entry))}]"
        return f"<step {self.index + 1} {self.step.key}{at} ({self.step.phase}) = {self.value!r}>"


class Derivation:
    """A gradient derived by the chain rule: `.value`, `.explanation` (the records),
    `.latex()`, `.json()`."""

    def __init__(self, explanation, model) -> None:
        self.explanation = explanation
        self.model = model

    @property
    def value(self):
        return self.explanation.value

    def latex(self) -> str:
        from .printing.latex import latex_document

        return latex_document(self.explanation)

    def json(self) -> dict:
        from .printing.jsonable import as_json

        return {"scenario": self.model.name, **as_json(self.explanation)}

    def _repr_html_(self) -> str:
        from .export.notebook import derivation_html

        return derivation_html(self)

    def __rich_console__(self, console, options):
        from .render.explain import ExplainView

        yield ExplainView(self.explanation, self.model.name)

    def __repr__(self) -> str:
        from .printing.explain_text import title

        return f"<Derivation of {title(self.explanation)} in {self.model.name}>"
