"""What every operation declares, in one interface.

An operation (a layer's affine map, an activation, a loss, a penalty, a
preprocessing method, an update rule) keeps together:

- `learnable`: the names of the parameters it owns (``("W", "b")`` for an affine
  map, ``("alpha",)`` for PReLU); the network names them per layer (W1, alpha2);
- its numeric forward and backward rules (a gradient for each input and each
  learnable parameter);
- its symbolic form (sympy, received as the module `sp`, so importing an op never
  imports sympy);
- how a step of it is presented: `present(step)` gives the step's formula and
  element lines. The rules are registered right under each op with
  `@presents(OpClass, role)`, the way an autodiff library registers a gradient
  right under its function. A missing rule fails loudly, naming the op.
"""

from __future__ import annotations

from ..errors import MissingRuleError

def exact_number(sp, x: float):
    """A constant of an op's symbolic form: an Integer where it is whole (so 1, not 1.0, is
    printed), else a Float."""
    return sp.Integer(int(x)) if float(x).is_integer() else sp.Float(x)


#: (op class, step role) -> the presentation rule for such a step
_PRESENTERS: dict[tuple[type, str], str] = {}


def presents(op_class: type, *roles: str, rule: str) -> None:
    """Register `rule` as the presentation of `op_class`'s steps in `roles`.

    A rule is named "module.name": the functions `name_equation` and `name_elements`
    of `backprop_tutor/symbolic/present/module.py` (sympy is imported only when a
    step is presented, never by importing an op).
    """
    for role in roles:
        _PRESENTERS[(op_class, role)] = rule


def presenter(op, role: str) -> str:
    """The presentation rule for a step of `op` in `role`, looked up along the op's classes."""
    for cls in type(op).__mro__:
        fn = _PRESENTERS.get((cls, role))
        if fn is not None:
            return fn
    raise MissingRuleError(f"operation {getattr(op, 'name', type(op).__name__)!r} has no presentation "
                           f"rule for a {role} step")


class Op:
    """The base of every operation."""

    name: str = ""
    title: str = ""
    #: the learnable parameters this op owns, by slot name
    learnable: tuple[str, ...] = ()
    #: how a parameter is written in a formula, where not by its slot name (alpha -> α),
    #: in text and in LaTeX
    symbols: dict[str, str] = {}
    latex_symbols: dict[str, str] = {}

    def symbol(self, slot: str) -> str:
        return self.symbols.get(slot, slot)

    def missing(self, what: str):
        raise MissingRuleError(f"operation {self.name!r} has no {what} rule")

    @property
    def label(self) -> str:
        """How the op is written in a formula."""
        return getattr(self, "title", "") or self.name

    def entries(self, step) -> int:
        """How many element lines a step of this op has (one per entry of its result)."""
        import numpy as np

        return int(np.size(step.value))

    def terms(self, step) -> int:
        """The most terms one element line of a step of this op sums (1: none sums)."""
        return 1

    def diagnose(self, step) -> list:
        """Warnings a step of this op carries (saturated units, dead units, log 0)."""
        return []
