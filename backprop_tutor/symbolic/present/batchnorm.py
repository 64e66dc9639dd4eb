"""How a batch-normalised layer's steps are presented: μ_B, σ²_B, x̂, y = γ x̂ + β, and the
backward pass (dL/dγ, dL/dβ, dL/dx̂, dL/dσ², dL/dμ, dL/dz), each entry with its numbers."""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..elements import Lines, _2d, _cells, _Collected, _element, _Formula, _grad, _loss_prefix

S, J, M = sp.Symbol("s"), sp.Symbol("j"), sp.Symbol("m")


class _Entry:
    """The symbols of one unit j (and one row s) of a batch-normalised layer, with their numbers."""

    def __init__(self, step, f, j, s=None):
        self.bn, self.f, self.j, self.s, self.l = step.extra["bn"], f, j, s, step.layer
        self.epsilon = step.extra["eps"]
        self.m, self.k = np.shape(self.bn["z"])
        self.prefix = _loss_prefix(step)

    def el(self, name, s=None):
        return _element(f"{name}{self.l}", self.j, self.k, self.s if s is None else s, self.m)

    def unit(self, name):
        return _element(f"{name}{self.l}", self.j, self.k, 0, 1)

    def z(self, s):
        return self.f.sym(self.el("z", s), _2d(self.bn["z"])[s, self.j])

    def row(self, key, name, s=None, grad=False):
        s = self.s if s is None else s
        label = _grad(self.prefix, self.el(name, s)) if grad else self.el(name, s)
        return self.f.sym(label, _2d(self.bn[key])[s, self.j])

    def one(self, key, name, grad=False):
        label = _grad(self.prefix, self.unit(name)) if grad else self.unit(name)
        return self.f.sym(label, np.ravel(self.bn[key])[self.j])

    def eps(self):
        return self.f.sym("ε", self.epsilon)


def _per_unit(step, fmt, limit, build):
    """One line per unit j: build(entry) -> (lhs, expr)."""
    k = np.shape(step.extra["bn"]["z"])[1]
    cells, omitted, total = _cells((1, k), limit)
    lines = _Collected()
    for _, j in cells:
        f = _Formula(fmt)
        e = _Entry(step, f, j)
        lhs, expr = build(e)
        lines.add(f, lhs, expr, np.ravel(step.value)[j])
    return Lines(lines, omitted, total)


def _per_entry(step, fmt, limit, build):
    """One line per entry (s, j): build(entry) -> (lhs, expr)."""
    value = _2d(step.value)
    cells, omitted, total = _cells(value.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        e = _Entry(step, f, j, s)
        lhs, expr = build(e)
        lines.add(f, lhs, expr, value[s, j])
    return Lines(lines, omitted, total)


def _zs(e):
    return [e.z(s) for s in range(e.m)]


# forward -------------------------------------------------------------------------------
def mu_elements(step, fmt, limit):
    return _per_unit(step, fmt, limit, lambda e: (e.unit("μ"), step.op.symbolic(sp, "mu", z=_zs(e))))


def var_elements(step, fmt, limit):
    return _per_unit(step, fmt, limit, lambda e: (e.unit("σ²"), step.op.symbolic(
        sp, "var", z=_zs(e), mu=e.one("mu", "μ"))))


def xhat_elements(step, fmt, limit):
    return _per_entry(step, fmt, limit, lambda e: (e.el("x̂"), step.op.symbolic(
        sp, "xhat", z=e.z(e.s), mu=e.one("mu", "μ"), var=e.one("var", "σ²"), eps=e.eps())))


def y_elements(step, fmt, limit):
    return _per_entry(step, fmt, limit, lambda e: (e.el("y"), step.op.symbolic(
        sp, "y", xhat=e.row("xhat", "x̂"), gamma=e.one("gamma", "γ"), beta=e.one("beta", "β"))))


def _eq(lhs, rhs):
    return sp.Eq(sp.Symbol(lhs), rhs, evaluate=False)


def mu_equation(step):
    return _eq("μ_j", sp.Sum(sp.Symbol("z_sj"), (S, 1, M)) / M)


def var_equation(step):
    return _eq("σ²_j", sp.Sum((sp.Symbol("z_sj") - sp.Symbol("μ_j")) ** 2, (S, 1, M)) / M)


def xhat_equation(step):
    return _eq("x̂_sj", (sp.Symbol("z_sj") - sp.Symbol("μ_j")) / sp.sqrt(sp.Symbol("σ²_j") + sp.Symbol("ε")))


def y_equation(step):
    return _eq("y_sj", sp.Symbol("γ_j") * sp.Symbol("x̂_sj") + sp.Symbol("β_j"))


# backward ------------------------------------------------------------------------------
def _inv_root(e):
    return 1 / sp.sqrt(e.one("var", "σ²") + e.eps())


def _grad_gamma(e):
    return sp.Add(*[e.row("g", "y", s, True) * e.row("xhat", "x̂", s) for s in range(e.m)])


def _grad_beta(e):
    return sp.Add(*[e.row("g", "y", s, True) for s in range(e.m)])


def _grad_xhat(e):
    return e.row("g", "y", None, True) * e.one("gamma", "γ")


def _grad_var(e):
    mu, var = e.one("mu", "μ"), e.one("var", "σ²")
    total = sp.Add(*[e.row("dxhat", "x̂", s, True) * (e.z(s) - mu) for s in range(e.m)])
    return total * sp.Rational(-1, 2) * (var + e.eps()) ** sp.Rational(-3, 2)


def _grad_mu(e):
    mu = e.one("mu", "μ")
    first = sp.Add(*[e.row("dxhat", "x̂", s, True) * -_inv_root(e) for s in range(e.m)])
    return first + e.one("dvar", "σ²", True) * sp.Add(*[-2 * (e.z(s) - mu) for s in range(e.m)]) / e.m


def _grad_z(e):
    dxhat = e.row("dxhat", "x̂", None, True) * _inv_root(e)
    if "dvar" not in e.bn:  # inference: the running statistics are constants
        return dxhat
    return (dxhat + e.one("dvar", "σ²", True) * 2 * (e.z(e.s) - e.one("mu", "μ")) / e.m
            + e.one("dmu", "μ", True) / e.m)


_RULES = {"gamma": (_grad_gamma, "γ", False), "beta": (_grad_beta, "β", False), "xhat": (_grad_xhat, "x̂", True),
          "var": (_grad_var, "σ²", False), "mu": (_grad_mu, "μ", False), "z": (_grad_z, "z", True)}


def grad_elements(step, fmt, limit):
    rule, name, per_entry = _RULES[step.extra["part"]]
    lhs = (lambda e: _grad(e.prefix, e.el(name))) if per_entry else (lambda e: _grad(e.prefix, e.unit(name)))
    return (_per_entry if per_entry else _per_unit)(step, fmt, limit, lambda e: (lhs(e), rule(e)))


_GRAD_EQUATIONS = {
    "gamma": ("∂L/∂γ_j", lambda: sp.Sum(sp.Symbol("∂L/∂y_sj") * sp.Symbol("x̂_sj"), (S, 1, M))),
    "beta": ("∂L/∂β_j", lambda: sp.Sum(sp.Symbol("∂L/∂y_sj"), (S, 1, M))),
    "xhat": ("∂L/∂x̂_sj", lambda: sp.Symbol("∂L/∂y_sj") * sp.Symbol("γ_j")),
    "var": ("∂L/∂σ²_j", lambda: sp.Sum(sp.Symbol("∂L/∂x̂_sj") * (sp.Symbol("z_sj") - sp.Symbol("μ_j")), (S, 1, M))
            * sp.Rational(-1, 2) * (sp.Symbol("σ²_j") + sp.Symbol("ε")) ** sp.Rational(-3, 2)),
    "mu": ("∂L/∂μ_j", lambda: sp.Sum(-sp.Symbol("∂L/∂x̂_sj") / sp.sqrt(sp.Symbol("σ²_j") + sp.Symbol("ε")), (S, 1, M))
           + sp.Symbol("∂L/∂σ²_j") * sp.Sum(-2 * (sp.Symbol("z_sj") - sp.Symbol("μ_j")), (S, 1, M)) / M),
    "z": ("∂L/∂z_sj", lambda: sp.Symbol("∂L/∂x̂_sj") / sp.sqrt(sp.Symbol("σ²_j") + sp.Symbol("ε"))
          + sp.Symbol("∂L/∂σ²_j") * 2 * (sp.Symbol("z_sj") - sp.Symbol("μ_j")) / M + sp.Symbol("∂L/∂μ_j") / M),
}


def grad_equation(step):
    part = step.extra["part"]
    lhs, rhs = _GRAD_EQUATIONS[part]
    if part == "z" and step.extra["mode"] != "train":
        return _eq(lhs, sp.Symbol("∂L/∂x̂_sj") / sp.sqrt(sp.Symbol("var_j") + sp.Symbol("ε")))
    return _eq(lhs.replace("L", step.names["loss"], 1), rhs())


def running_equation(step):
    # `running mean1`: sympy's printer would set what follows an underscore as a subscript
    old, batch = (sp.Symbol(step.names[k].replace("_", " ")) for k in ("old", "batch"))
    return sp.Eq(sp.Symbol(step.symbol.replace("_", " ") + "′"), step.op.symbolic_running(sp, old, batch),
                 evaluate=False)


def running_elements(step, fmt, limit):
    """running′_j = momentum · running_j + (1 − momentum) · statistic_j, unit by unit."""
    old, batch, new = (np.ravel(v) for v in (step.args["old"], step.args["batch"], step.value))
    k = new.size
    cells, omitted, total = _cells((1, k), limit)
    lines = _Collected()
    for _s, j in cells:
        f = _Formula(fmt)
        expr = step.op.symbolic_running(sp, f.sym(_element(step.names["old"], j, k, 0, 1), old[j]),
                                        f.sym(_element(step.names["batch"], j, k, 0, 1), batch[j]))
        lines.add(f, _element(step.symbol, j, k, 0, 1) + "′", expr, new[j])
    return Lines(lines, omitted, total)
