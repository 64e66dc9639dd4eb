"""The worked solution of one iteration as plain records, for a handout in any format.

Each `Item` holds one step as the tutor shows it: the step record (its formula is
printed from the op's symbolic form by the writer), the element lines with the numbers
put in, the constants, the warnings, the chain-rule links and, for a gradient, the
chain-rule derivation from `symbolic.derive`. Nothing here formats for a format; every
text is English kept in whole sentences, so that a message catalog can take them over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..i18n import _
from ..errors import TutorError

#: element lines kept per step in a handout (a printed run shows 8 as well)
ELEMENT_LIMIT = 8


class StepRangeError(TutorError):
    """--steps names no step of this run, or is not written FIRST-LAST."""


@dataclass
class Item:
    """One step of the handout."""

    number: int  # 1-based, as step mode counts
    step: object  # engine.step.Step
    title: str  # what the step does ("gradient of the weights")
    elements: list[str] = field(default_factory=list)
    omitted: int = 0
    constants: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    reuses: list[str] = field(default_factory=list)  # "∂L/∂Z2 (step 7)"
    derivative: list = field(default_factory=list)  # [f′(z), derived, in terms of a]: a chain of equal sides
    explanation: object | None = None  # symbolic.records.Explanation, for a gradient
    why_not: str = ""  # why a gradient has no derivation


@dataclass
class Handout:
    name: str
    title: str
    source: str
    description: str
    network: str  # "1 -> 2 sigmoid -> 1 sigmoid"
    loss: str
    total: int  # steps in the whole iteration
    items: list[Item]
    layers: list[tuple[str, int, str]]  # (label, units, node letter) from inputs to output
    digits: int = 6


def parse_steps(text: str | None, total: int) -> tuple[int, int]:
    """`--steps 5-12` (1-based, both ends included), `5-`, `-12` or `7`; None: all."""
    if text is None:
        return 1, total
    found = re.fullmatch(r"\s*(\d*)\s*(-?)\s*(\d*)\s*", text)
    if not found or not (found.group(1) or found.group(3)) or (not found.group(2) and not found.group(1)):
        raise StepRangeError(_("--steps: expected FIRST-LAST such as 5-12 (or 5-, -12, 7), got {text}").format(text=repr(text)))
    first = int(found.group(1) or 1)
    last = int(found.group(3) or (total if found.group(2) else first))
    if not 1 <= first <= last <= total:
        raise StepRangeError(_("--steps: {text}: this run has steps 1 to {total}; give FIRST-LAST with 1 "
                               "<= FIRST <= LAST <= {total2}").format(text=text, total=total, total2=total))
    return first, last


def build(model, steps, digits: int = 6, span: tuple[int, int] | None = None) -> Handout:
    """The handout of `steps` (one iteration of `model`), steps `span` (1-based, inclusive)."""
    from ..render.matrix import number
    from ..stepper.lesson import Lesson

    steps = list(steps)
    first, last = span or (1, len(steps))
    lesson = Lesson(model, steps)
    fmt = (lambda x: number(x, digits))
    items = [_item(model, lesson, i, fmt, digits) for i in range(first - 1, last)]
    return Handout(name=model.name, title=_(model.title) if model.title else "", source=str(model.source),
                   description=_(model.description) if model.description else "", network=model.shape_text(), loss=model.loss.describe(),
                   total=len(steps), items=items, layers=lesson._layers(), digits=digits)


def _item(model, lesson, i: int, fmt, digits: int) -> Item:
    from ..engine.diagnostics import diagnose
    from ..render.frame import constants
    from ..render.steps import title_of
    from ..symbolic import substitution

    st = lesson.steps[i]
    item = Item(number=i + 1, step=st, title=title_of(st), constants=constants(st, digits),
                warnings=[d.message for d in diagnose(st)], reuses=[lesson.reuse(i, k) for k in st.reuses])
    found = substitution.element_lines(st, fmt, ELEMENT_LIMIT) if substitution.count(st) else None
    if found is not None:
        item.elements, item.omitted = list(found.lines), found.omitted
    item.derivative = derivative_chain(st)
    if st.grad:
        item.explanation, item.why_not = _explanation(model, st)
    return item


def derivative_chain(step) -> list:
    """For an element-wise activation's backward step: f′(z), its derivative by sympy and,
    where sympy can invert a = f(z), the same in terms of a (the sides of one equation)."""
    if not (step.grad and step.quantity == "Z" and getattr(step.op, "elementwise", False)):
        return []
    import sympy as sp

    from ..symbolic import formulas

    z = formulas.Z_SYM
    d = formulas.activation_derivative(step.op)
    in_a = formulas.activation_derivative_output_form(step.op)
    chain = [sp.Function(step.op.label + "′")(z), d]
    if in_a is not None and in_a != d:
        chain.append(in_a)
    return chain


def _explanation(model, step):
    """The derivation of a gradient step, or (None, why) when explain cannot derive it."""
    from ..errors import UnsupportedError
    from ..symbolic.derive import explain
    from ..symbolic.targets import TargetError, parse

    try:
        return explain(model, parse(step.key, model)), ""
    except TargetError:
        return None, ""
    except (UnsupportedError, NotImplementedError) as err:
        return None, str(err)
