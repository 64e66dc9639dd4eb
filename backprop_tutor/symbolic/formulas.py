"""The formula of each step, built by sympy from the operation's own symbolic form.

`equation(step)` returns a sympy Eq; `text(step)` and `latex(step)` print it.
Matrix formulas use sympy matrix symbols shaped like the step's values, so the
printed transposes and products are the ones the numbers came from. Derivatives
(of a loss with respect to its prediction, of an activation) are taken by sympy
from the op's `symbolic_term` / `symbolic` form, never typed.
"""

from __future__ import annotations

import numpy as np

from ..i18n import _
from ..lazy import LazyModule
from .printed import is_text, recall

#: sympy, imported when a formula is first derived or printed (a run whose printed formulas
#: are all in the cache never imports it)
sp = LazyModule("sympy")


def __getattr__(name: str):
    if name == "Z_SYM":  # the z of f(z), made with sympy when first asked for
        return sp.Symbol("z")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _shape(value) -> tuple[int, int]:
    shape = np.shape(value)
    if len(shape) == 2:
        return shape
    if len(shape) == 1:  # a bias vector is a column b (the textbook writes b^T in Z = HW + 1 b^T)
        return (shape[0], 1)
    return (1, 1)


def _mat(name: str, value) -> sp.MatrixSymbol:
    return sp.MatrixSymbol(name, *_shape(value))


def activation_function(op) -> sp.Function:
    return sp.Function(op.label)


def activation_derivative(op) -> sp.Expr:
    """f'(z) derived by sympy from the op's symbolic form (the same derivation, and the
    same cache, that `tutor explain` uses: one source of formulas in the program)."""
    from .local import activation_local

    return activation_local(op)[1]


def activation_derivative_output_form(op) -> sp.Expr | None:
    """f'(z) written with a = f(z) (a(1 - a) for the sigmoid), or None when sympy cannot."""
    from .local import activation_local

    return activation_local(op)[2]


def loss_element(op, m: int, k: int):
    """(L written as c * sum of the element term, d(c * term)/d yhat_ij) from op.symbolic_term."""
    yhat, y = sp.symbols("ŷ y")
    i, j = sp.symbols("i j", integer=True)
    msym, ksym = sp.Symbol("m", positive=True), sp.Symbol("k", positive=True)
    c = op.scale_symbolic(sp, msym, ksym)
    term = op.symbolic_term(sp, yhat, y)
    if k > 1:
        at = {yhat: sp.Indexed("ŷ", i, j), y: sp.Indexed("y", i, j)}
        total = sp.Mul(c, sp.Sum(term.subs(at), (j, 1, ksym), (i, 1, msym)), evaluate=False)
    else:
        at = {yhat: sp.Indexed("ŷ", i), y: sp.Indexed("y", i)}
        total = sp.Mul(c, sp.Sum(term.subs(at), (i, 1, msym)), evaluate=False)
    grad = sp.Mul(c, sp.diff(term, yhat), evaluate=False)
    return total, grad.subs(at)


def equation(step) -> sp.Eq | None:
    """The step's formula, from the presentation rule its op registered (None for a data step)."""
    if step.op is None:
        return None
    from .present import rule

    return rule(step)[0](step)


def text(step) -> str:
    """The step's formula as sympy prints it (read back from the cache inside `printed.kept`)."""
    return recall(step, "formula", lambda: _text(step), is_text)


def _text(step) -> str:
    eq = equation(step)
    return "" if eq is None else sp.pretty(eq, use_unicode=True, order="none")


def latex(step) -> str:
    eq = equation(step)
    return "" if eq is None else sp.latex(eq)


def derivative_text(step) -> str:
    """For an element-wise activation's backward step: f'(z) as sympy derives it,
    and, where sympy can invert a = f(z), the same derivative in terms of a."""
    return recall(step, "derivative", lambda: _derivative_text(step), is_text)


def _derivative_text(step) -> str:
    if not (step.grad and step.quantity == "Z" and getattr(step.op, "elementwise", False)):
        return ""
    Z_SYM = sp.Symbol("z")
    f_prime = sp.Function(step.op.label + "′")(Z_SYM)
    d = activation_derivative(step.op)
    in_a = activation_derivative_output_form(step.op)
    rhs = [d] if in_a is None or in_a == d else [d, in_a]  # id′(z) = 1, not 1 = 1
    chain = f_prime
    for part in rhs:
        chain = sp.Eq(chain, part, evaluate=False)
    text = sp.pretty(chain, use_unicode=True, order="none")
    if len(rhs) > 1:
        text += "\n" + _("with a = {activation}").format(
            activation=sp.pretty(sp.Function(step.op.label)(Z_SYM), use_unicode=True))
    return text
