"""How an activation's steps are presented: A = f(Z) and dL/dZ = dL/dA ⊙ f′(Z)."""

from __future__ import annotations

import sympy as sp

from ...i18n import _
from ..formulas import _mat, activation_derivative, activation_function, Z_SYM
from ..elements import (_scalar_name, Lines, _2d, _cells, _Collected, _element, _Formula, _grad,
                        _line, _loss_prefix, _real)


def forward_elements(step, fmt, limit):
    zname, Zv = step.names["z"], step.args["z"]
    Zv, A = _2d(Zv), _2d(step.value)
    cells, omitted, total = _cells(A.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        z = f.sym(_element(zname, j, A.shape[1], s, A.shape[0]), Zv[s, j])
        expr = step.op.symbolic(sp, z)
        call = f"{step.op.label}({z.name})"
        lines.append(_line(f, _element(step.symbol, j, A.shape[1], s, A.shape[0]), expr, A[s, j],
                           middle=call))
    return Lines(lines, omitted, total)


def backward_elements(step, fmt, limit):
    zname, aname = step.names["z"], step.names["g"]
    G, Zv, out = _2d(step.args["g"]), _2d(step.args["z"]), _2d(step.value)
    prefix = _loss_prefix(step)
    derivative = activation_derivative(step.op)
    fprime = f"{step.op.label}′"
    cells, omitted, total = _cells(out.shape, limit)
    lines = _Collected()
    m, k = out.shape
    for s, j in cells:
        f = _Formula(fmt)
        zel = _element(zname, j, k, s, m)
        g = f.sym(_grad(prefix, _element(aname, j, k, s, m)), G[s, j])
        local = _real(derivative.subs(Z_SYM, Zv[s, j]))
        d = f.sym(f"{fprime}({zel})", local)
        expr = sp.Mul(g, d)
        line = (f"{_grad(prefix, _element(step.names['out'], j, k, s, m))} = {f.show(expr)}"
                f" = {f.number(G[s, j])} * {fprime}({fmt(Zv[s, j])})"
                f" = {f.substituted(expr)} = {fmt(out[s, j])}")
        lines.append(line)
        lines.check(f, expr, out[s, j])
    return Lines(lines, omitted, total)




def forward_equation(step):
    zname, zv = step.names["z"], step.args["z"]
    return sp.Eq(_mat(step.symbol, step.value), activation_function(step.op)(_mat(zname, zv)), evaluate=False)


def backward_equation(step):
    (g, gv), *_rest = step.inputs.items()
    zname = step.names["z"]
    G = _mat(g, gv)
    lhs = _mat(step.symbol, step.value)
    f_prime = sp.MatrixSymbol(f"{step.op.label}′({zname})", *G.shape)
    return sp.Eq(lhs, sp.HadamardProduct(G, f_prime), evaluate=False)


def no_elements(step, fmt, limit):
    """A step shown as a matrix formula only (softmax mixes its row)."""
    return None


def mixing_backward_equation(step):
    """Row by row: dL/dz = J(z)^T dL/da with the softmax Jacobian J = diag(a) - a a^T."""
    (g, gv), *_rest = step.inputs.items()
    G = _mat(g, gv)
    jac = sp.MatrixSymbol(f"J_{step.op.label}({step.names['z']})", G.shape[1], G.shape[1])
    return sp.Eq(_mat(step.symbol, step.value), sp.MatMul(G, jac.T), evaluate=False)


# an activation that mixes its row (softmax) is shown by its matrix formula only
mixing_forward_equation = forward_equation
mixing_forward_elements = no_elements
mixing_backward_elements = no_elements


def _param_derivative(step):
    """(z symbol, parameter symbol, d f(z; p) / d p) from the op's symbolic form."""
    z, p = Z_SYM, sp.Symbol(_scalar_name(step.names["out"]))
    return z, p, sp.diff(step.op.symbolic(sp, z, **{step.extra["slot"]: p}), p)


def param_equation(step):
    """dL/dp = sum over every entry of dL/da * da/dp, with da/dp derived by sympy."""
    z, p, d = _param_derivative(step)
    i, j = sp.symbols("i j", integer=True)
    (g, _gv), (zname, _zv) = step.inputs.items()
    rhs = sp.Sum(sp.Indexed(g, i, j) * d.subs(z, sp.Indexed(zname, i, j)), (i, 1, sp.Symbol("m")),
                 (j, 1, sp.Symbol("k")))
    return sp.Eq(sp.Symbol(step.symbol), rhs, evaluate=False)


def param_elements(step, fmt, limit):
    z, p, d = _param_derivative(step)
    G, Zv = _2d(step.args["g"]), _2d(step.args["z"])
    m, k = G.shape
    prefix, aname = _loss_prefix(step), step.names["g"]
    f = _Formula(fmt)
    terms = []
    for s_, j in _cells((m, k), 10**6)[0]:
        g = f.sym(_grad(prefix, _element(aname, j, k, s_, m)), G[s_, j])
        local = f.sym(f"∂{_element(aname, j, k, s_, m)}/∂{p}", _real(d.subs(z, Zv[s_, j])))
        terms.append(g * local)
    lines = _Collected()
    lines.add(f, _grad(prefix, p.name), sp.Add(*terms), float(step.value))
    from ...printing.printers import linear

    form = step.op.symbolic(sp, z, **{step.extra["slot"]: p})
    lines.append(_("where ∂a/∂{p} = {linear}, derived from a = {linear2}").format(p=p, linear=linear(d), linear2=linear(form)))
    return Lines(lines, 0, 1)
