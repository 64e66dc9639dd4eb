"""The formula of each step, built by sympy from the operation's own symbolic form.

`equation(step)` returns a sympy Eq; `text(step)` and `latex(step)` print it.
Matrix formulas use sympy matrix symbols shaped like the step's values, so the
printed transposes and products are the ones the numbers came from. Derivatives
(of a loss with respect to its prediction, of an activation) are taken by sympy
from the op's `symbolic_term` / `symbolic` form, never typed.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

Z_SYM = sp.Symbol("z")


def _shape(value) -> tuple[int, int]:
    shape = np.shape(value)
    if len(shape) == 2:
        return shape
    if len(shape) == 1:  # a bias vector is a column b (the textbook writes b^T in Z = HW + 1 b^T)
        return (shape[0], 1)
    return (1, 1)


def _mat(name: str, value) -> sp.MatrixSymbol:
    return sp.MatrixSymbol(name, *_shape(value))


def _names(step):
    return list(step.inputs.items())


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
    role, op = step.role, step.op
    items = _names(step)
    lhs = _mat(step.symbol, step.value) if role not in ("loss",) else sp.Symbol(step.symbol)
    if role == "forward" and op.name == "linear":
        (h, hv), (w, wv), (b, bv) = items
        return sp.Eq(lhs, op.matrix_forward(sp, _mat(h, hv), _mat(w, wv), _mat(b, bv)), evaluate=False)
    if role == "forward":
        (zname, zv), = items
        return sp.Eq(lhs, activation_function(op)(_mat(zname, zv)), evaluate=False)
    if role == "backward":
        (g, gv), (zname, zv), _ = items
        G = _mat(g, gv)
        if not op.elementwise:
            # row by row: dL/dz = J(z)^T dL/da with the softmax Jacobian J = diag(a) - a a^T
            jac = sp.MatrixSymbol(f"J_{op.label}({zname})", G.shape[1], G.shape[1])
            return sp.Eq(lhs, sp.MatMul(G, jac.T), evaluate=False)
        f_prime = sp.MatrixSymbol(f"{op.label}′({zname})", *G.shape)
        return sp.Eq(lhs, sp.HadamardProduct(G, f_prime), evaluate=False)
    if role in ("weight_grad", "bias_grad", "input_grad"):
        if role == "weight_grad":
            (h, hv), (g, gv), *rest = items
            H, G = _mat(h, hv), _mat(g, gv)
            rule = op.matrix_rules(sp, H, sp.MatrixSymbol("W", H.shape[1], G.shape[1]),
                                   sp.MatrixSymbol("b", G.shape[1], 1), G)["W"]
            if rest:
                (wname, wv), = rest
                rule = rule + sp.Symbol("λ") * _mat(wname, wv)
        elif role == "bias_grad":
            (g, gv), = items
            G = _mat(g, gv)
            rule = op.matrix_rules(sp, sp.MatrixSymbol("H", G.shape[0], 1), sp.MatrixSymbol("W", 1, G.shape[1]),
                                   sp.MatrixSymbol("b", G.shape[1], 1), G)["b"]
        else:
            (g, gv), (w, wv) = items
            G, W = _mat(g, gv), _mat(w, wv)
            rule = op.matrix_rules(sp, sp.MatrixSymbol("H", G.shape[0], W.shape[0]), W,
                                   sp.MatrixSymbol("b", G.shape[1], 1), G)["H"]
        return sp.Eq(lhs, rule, evaluate=False)
    if role == "loss":
        total, _ = loss_element(op, step.extra["m"], step.extra["k"])
        if step.extra.get("l2"):
            total = total + sp.Symbol("λ") / 2 * sp.Symbol("‖W‖²")
        return sp.Eq(lhs, total, evaluate=False)
    if role == "loss_grad":
        _, grad = loss_element(op, step.extra["m"], step.extra["k"])
        k = step.extra["k"]
        i, j = sp.symbols("i j", integer=True)
        name = step.symbol
        target = sp.Indexed(name, i, j) if k > 1 else sp.Indexed(name, i)
        return sp.Eq(target, grad, evaluate=False)
    if role == "update":
        (theta, tv), (g, gv) = items
        rhs = op.symbolic(sp, _mat(theta, tv), _mat(g, gv), sp.Symbol("η"))
        return sp.Eq(sp.MatrixSymbol(theta + "′", *_shape(tv)), rhs, evaluate=False)
    if role == "preprocess":
        x = sp.Symbol("x")
        stats = {k: sp.Symbol(f"x_{k}") for k in step.extra["stats"]}
        return sp.Eq(sp.Symbol("x′"), op.symbolic(sp, x, stats), evaluate=False)
    return None


def text(step) -> str:
    eq = equation(step)
    return "" if eq is None else sp.pretty(eq, use_unicode=True, order="none")


def latex(step) -> str:
    eq = equation(step)
    return "" if eq is None else sp.latex(eq)


def derivative_text(step) -> str:
    """For an element-wise activation's backward step: f'(z) as sympy derives it,
    and, where sympy can invert a = f(z), the same derivative in terms of a."""
    if step.role != "backward" or not getattr(step.op, "elementwise", False):
        return ""
    f_prime = sp.Function(step.op.label + "′")(Z_SYM)
    d = activation_derivative(step.op)
    in_a = activation_derivative_output_form(step.op)
    rhs = [d] if in_a is None or in_a == d else [d, in_a]  # id′(z) = 1, not 1 = 1
    chain = f_prime
    for part in rhs:
        chain = sp.Eq(chain, part, evaluate=False)
    text = sp.pretty(chain, use_unicode=True, order="none")
    if len(rhs) > 1:
        text += "\nwith a = " + sp.pretty(sp.Function(step.op.label)(Z_SYM), use_unicode=True)
    return text
