"""The records an explanation is made of: sympy expressions, numbers and plain data.

Nothing here formats text. Prose that states a formula (why a transpose appears, why the
bias gradient is a sum) is kept as parts, plain words and `Inline` formulas, and printed
by `backprop_tutor.printing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from ..i18n import _
from .local import Z
from .numeric import Sampled, value_warnings  # noqa: F401  (Sampled: read here)
from .targets import Target


@dataclass(frozen=True)
class Inline:
    """A formula inside prose. `form` "index": in index notation, z_sk = Σ_j h_sj w_jk
    (Indexed subscripts written after an underscore, matrices side by side); "unicode":
    the one-line 2D printer's form, aₖ⋅(δₖⱼ - aⱼ)."""

    expr: sp.Basic
    form: str = "index"  # or "unicode", or "subscript": Σₖ yₖ = 1


Prose = tuple  # of str and Inline, read in order


def sentence(template: str, **fields) -> Prose:
    """A whole sentence of the message catalog, translated, with its named fields put in:
    a field that is an `Inline` formula stays one, anything else becomes text.
    `sentence("the sum runs over {index}", index=Inline(k))` is ("the sum runs over ", Inline(k))."""
    from string import Formatter

    parts: list = []
    for literal, name, spec, _conversion in Formatter().parse(_(template)):
        if literal:
            parts.append(literal)
        if name is not None:
            value = fields[name]
            parts.append(value if isinstance(value, Inline) else format(value, spec or ""))
    return tuple(parts)


def prose_text(parts: Prose) -> str:
    """The parts as one line of text (printed by backprop_tutor.printing, imported when read)."""
    from ..printing.printers import prose

    return prose(parts)


@dataclass
class Factor:
    """One local derivative on the path."""

    leibniz: sp.Expr  # Derivative(out, in), unevaluated
    op: str  # the operation it comes from
    form: sp.Expr  # the op's symbolic form it was derived from (generic symbols)
    derived: sp.Expr  # what sympy's diff gives (generic symbols)
    output_form: sp.Expr | None  # an activation's derivative in terms of its output
    local: sp.Expr  # the same in the symbols of this path
    wrt: sp.Symbol = Z  # the generic symbol `derived` is taken with respect to
    cases: list = field(default_factory=list)  # a mixing op's Jacobian cases (k = j, k ≠ j)


@dataclass
class MatrixStep:
    equation: sp.Eq
    shapes: str  # e.g. (2×4) · (4×3) → 2×3
    reason: Prose  # where the rule comes from, in index form

    @property
    def why(self) -> str:
        return prose_text(self.reason)


@dataclass
class MatrixNumbers:
    """A whole-matrix target's own rule with its operand matrices substituted."""

    rule: sp.Eq  # e.g. ∂J/∂W1 = Xᵀ⋅∂J/∂Z1
    operands: list[tuple[str, str, np.ndarray]]  # (operator before it, name, value)
    result: np.ndarray


@dataclass
class Explanation:
    target: Target
    lhs: sp.Expr
    path: list[str]
    chain: sp.Expr  # product of Derivatives (with sums), before simplification
    factors: list[Factor]
    substituted: sp.Expr  # the product of the local derivatives
    simplified: sp.Expr  # merged as a textbook writes it
    sums: list[tuple[str, str]]  # (index, what it runs over)
    numbers: list[sp.Expr]  # the simplified product with numbers, one per term (or empty)
    matrix: list[MatrixStep]
    bias_reason: Prose  # why the bias gradient is a sum over the batch (empty unless a bias)
    value: np.ndarray
    engine_value: np.ndarray
    # None where a straight-through surrogate is on the path; Sampled for some entries of a large matrix
    finite_difference: np.ndarray | Sampled | None
    latex_names: dict = field(default_factory=dict)
    surrogates: list[str] = field(default_factory=list)  # the straight-through ops on the path
    # a softmax output: the simplification's assumption (Σ_k y_k = 1), whether the targets
    # meet it, and the form it is not used in
    assumption_reason: Prose = ()
    assumption_holds: bool | None = None
    other_form: sp.Eq | None = None
    penalty: Factor | None = None  # the L2 penalty's own derivative, a term beside the chain
    matrix_numbers: MatrixNumbers | None = None  # a whole matrix: its rule with the numbers
    loss: sp.Symbol = sp.Symbol("L")  # the scenario's name for the loss (L, J)
    kinks: list = field(default_factory=list)  # why the central difference differs at a kink

    @property
    def warnings(self) -> list[str]:
        """What a student must know about the numbers: a value that is not finite, a central
        difference taken across a kink."""
        return value_warnings(self.value, self.engine_value) + list(self.kinks)

    @property
    def bias_note(self) -> str:
        return prose_text(self.bias_reason)

    @property
    def assumption(self) -> str:
        return prose_text(self.assumption_reason)

