"""Each op's local derivative, taken by sympy from the op's own symbolic form.

An activation's f'(z) (rewritten in terms of its output a = f(z) when sympy can invert f),
a loss's dL/dŷ with its averaging constant, an affine op's dz/dh, dz/dw and dz/db, and a
non-element-wise activation's Jacobian (softmax), joined with Kronecker's delta and summed
against the loss's derivative. Nothing here knows a particular op; every result is a
sympy expression, cached per op.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..ops import Linear

LINEAR = Linear()

Z, A = sp.symbols("z a")
YHAT, Y = sp.symbols("ŷ y")
H_I, H_O, W_IJ, W_OJ, B_J = sp.symbols("h_i h_o w_ij w_oj b_j")

_CACHE: dict = {}


def _op_key(op) -> tuple:
    return (type(op).__module__, type(op).__name__, tuple(sorted(getattr(op, "params", {}).items())))


def _flip_sign(expr: sp.Expr) -> sp.Expr:
    """-a*(a - 1) -> a*(1 - a): move a leading minus into a difference, as textbooks do."""
    if isinstance(expr, sp.Mul) and expr.could_extract_minus_sign():
        coeff, rest = expr.as_coeff_mul()
        if coeff < 0:
            for i, f in enumerate(rest):
                if isinstance(f, sp.Add):
                    flipped = sp.Mul(*rest[:i], -f, *rest[i + 1:])
                    return flipped if coeff == -1 else sp.Mul(-coeff, flipped, evaluate=False)
    return expr


def in_output_form(f: sp.Expr, d: sp.Expr) -> sp.Expr | None:
    """f'(z) written with a = f(z) (a(1 - a), 1 - a^2 ...) when sympy can invert f and the
    result is simpler; None otherwise (ReLU, swish ... keep z)."""
    if not d.has(Z):
        return d
    if f.has(sp.Piecewise) or d.has(sp.Piecewise):
        return None
    try:
        solutions = sp.solve(sp.Eq(A, f), Z)
    except Exception:  # noqa: BLE001 - sympy cannot invert every function; z form then
        return None
    for sol in solutions:
        try:
            r = sp.simplify(d.subs(Z, sol).rewrite(sp.exp))
            r = min((_flip_sign(sp.factor(r)), sp.expand(r), r), key=sp.count_ops)
        except Exception:  # noqa: BLE001
            continue
        if r.has(Z) or r.has(sp.LambertW) or r.has(sp.nan) or r.has(sp.I):
            continue
        if sp.count_ops(r) <= sp.count_ops(d):  # no longer than the z form: say it with a
            return _flip_sign(r)
    return None


def activation_local(op) -> tuple[sp.Expr, sp.Expr, sp.Expr | None]:
    """(f(z), f'(z) as sympy derives it, f'(z) in terms of a or None), cached per op."""
    key = ("act",) + _op_key(op)
    if key not in _CACHE:
        f = op.symbolic(sp, Z)
        hook = getattr(op, "symbolic_derivative", None)
        d = hook(sp, Z) if hook is not None else sp.diff(f, Z)
        _CACHE[key] = (f, d, in_output_form(f, d))
    return _CACHE[key]


def loss_local(loss, m: int, k: int) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(c, the element term, d(c * term)/d yhat) with the loss's own averaging constant c."""
    key = ("loss", m, k) + _op_key(loss) + (tuple(sorted(vars(loss).items())),)
    if key not in _CACHE:
        c = loss.scale_symbolic(sp, sp.Integer(m), sp.Integer(k))
        term = loss.symbolic_term(sp, YHAT, Y)
        _CACHE[key] = (c, term, c * sp.diff(term, YHAT))
    return _CACHE[key]


def linear_form(op=LINEAR) -> sp.Expr:
    """z_j of the layer's affine op, e.g. sum_i h_i w_ij + b_j, or sum_i h_i sign(w_ij) + b_j."""
    return op.symbolic(sp, [H_I, H_O], [W_IJ, W_OJ], B_J)


def linear_local(op=LINEAR) -> dict[str, sp.Expr]:
    """dz_j/dh_i, dz_j/dw_ij and dz_j/db_j, derived from the affine op's symbolic form."""
    key = ("linear", op.name)
    if key not in _CACHE:
        zj = linear_form(op)
        _CACHE[key] = {"h": sp.diff(zj, H_I), "w": sp.diff(zj, W_IJ), "b": sp.diff(zj, B_J)}
    return _CACHE[key]


# a non-element-wise activation (softmax): its Jacobian, derived from the op's symbolic form

JK, JJ = sp.symbols("k j", integer=True, positive=True)  # output unit k, input unit j
KK = sp.Symbol("K", integer=True, positive=True)  # the number of units in the row
A_ROW = sp.IndexedBase("a")
SHOWN_UNITS = 3  # the row the derivation is shown on: z₁, z₂, z₃


@dataclass
class JacobianCase:
    """One case of ∂a_k/∂z_j on a row of SHOWN_UNITS units: k = j or k ≠ j."""

    label: str  # "k = j" or "k ≠ j"
    form: sp.Expr  # a_1 = f(z)_1 as the op writes it
    wrt: sp.Symbol  # z_1 or z_2
    derived: sp.Expr  # what sympy's diff gives
    output_form: sp.Expr | None  # the same in terms of the outputs a_1, a_2 (verified by sympy)


def _fit_polynomial(d: sp.Expr, zs: list, outs: list, names: list) -> sp.Expr | None:
    """d written as a polynomial of degree <= 2 in the given outputs, when there is one:
    the coefficients are fitted at random points, then sympy checks the identity exactly."""
    from fractions import Fraction
    from itertools import combinations_with_replacement

    monomials = [sp.Integer(1)] + list(names) + [a * b for a, b in combinations_with_replacement(names, 2)]
    rng = np.random.default_rng(0)
    points = rng.normal(size=(3 * len(monomials), len(zs)))
    fd = sp.lambdify(zs, d, "numpy")
    fo = sp.lambdify(zs, outs, "numpy")
    rows, rhs = [], []
    for p in points:
        vals = dict(zip(names, [float(v) for v in fo(*p)]))
        rows.append([float(mono.subs(vals)) for mono in monomials])
        rhs.append(float(fd(*p)))
    coef, *_ = np.linalg.lstsq(np.array(rows), np.array(rhs), rcond=None)
    poly = sp.Integer(0)
    for c, mono in zip(coef, monomials):
        frac = Fraction(float(c)).limit_denominator(24)
        if abs(float(frac) - c) > 1e-8:
            return None
        poly += sp.Rational(frac.numerator, frac.denominator) * mono
    check = sp.simplify((d - poly.subs(dict(zip(names, outs)))).rewrite(sp.exp))
    return poly if check == 0 else None


def jacobian_local(op) -> tuple[list[JacobianCase], sp.Expr | None]:
    """The cases of ∂a_k/∂z_j that sympy derives from the op's symbolic form (a list of
    outputs for a list of inputs), and the two joined with Kronecker's delta,
    ∂a_k/∂z_j = off(a_k, a_j) + δ_kj (diag(a_k) - off(a_k, a_k)), in terms of the outputs
    (None when no output form was found). Cached per op."""
    key = ("jac",) + _op_key(op)
    if key not in _CACHE:
        zs = list(sp.symbols(f"z_1:{SHOWN_UNITS + 1}"))
        outs = op.symbolic(sp, zs)
        a1, a2 = sp.symbols("a_1 a_2")
        diag = sp.simplify(sp.diff(outs[0], zs[0]))
        off = sp.simplify(sp.diff(outs[0], zs[1]))
        diag_out = _fit_polynomial(diag, zs, [outs[0]], [a1])
        off_out = _fit_polynomial(off, zs, [outs[0], outs[1]], [a1, a2])
        cases = [JacobianCase("k = j", outs[0], zs[0], diag, diag_out and _flip_sign(sp.factor(diag_out))),
                 JacobianCase("k ≠ j", outs[0], zs[1], off, off_out and sp.factor(off_out))]
        joined = None
        if diag_out is not None and off_out is not None:
            ak, aj = A_ROW[JK], A_ROW[JJ]
            off_kj = off_out.subs({a1: ak, a2: aj}, simultaneous=True)
            rest = sp.expand(diag_out.subs(a1, ak) - off_out.subs({a1: ak, a2: ak}, simultaneous=True))
            delta = sp.KroneckerDelta(JK, JJ)
            joined = sp.expand(off_kj + delta * rest)
            joined = min((_flip_sign(sp.factor(joined)), joined), key=sp.count_ops)
        _CACHE[key] = (cases, joined)
    return _CACHE[key]


def _pull_constants(expr: sp.Expr) -> sp.Expr:
    """Σ_k c·f(k) -> c·Σ_k f(k) for every factor c that does not depend on k."""
    def pull(s):
        (var, *_), = s.limits
        outside, inside = [], []
        for f in sp.Mul.make_args(s.function):
            (inside if f.has(var) else outside).append(f)
        return sp.Mul(*outside) * sp.Sum(sp.Mul(*inside), *s.limits)
    return expr.replace(lambda e: isinstance(e, sp.Sum), pull)


def _in_range(expr: sp.Expr) -> sp.Expr:
    """Drop sympy's 'if 1 <= j <= K' branches: j is always one of the K units of the row."""
    def first(p):
        cond = p.args[0].cond
        if cond.free_symbols <= {JJ, KK}:
            return p.args[0].expr
        return p
    return expr.replace(lambda e: isinstance(e, sp.Piecewise), first)


def output_block(loss_dterm: sp.Expr, joined: sp.Expr) -> tuple[sp.Expr, sp.Expr | None]:
    """∂L/∂z_j = Σ_k ∂L/∂a_k · ∂a_k/∂z_j, summed by sympy over the K outputs of a row
    (ŷ_k = a[k], y_k = y[k]): the general result, and the result assuming Σ_k y_k = 1
    (None when the assumption changes nothing)."""
    yhat_row, y_row = sp.IndexedBase("ŷ"), sp.IndexedBase("y")
    term = (loss_dterm.subs({YHAT: yhat_row[JK], Y: y_row[JK]}, simultaneous=True)
            * joined.replace(lambda e: isinstance(e, sp.Indexed) and e.base == A_ROW,
                             lambda e: yhat_row[e.indices[0]]))
    summed = sp.expand(sp.Sum(sp.expand(term), (JK, 1, KK))).doit()
    general = _pull_constants(sp.expand(_in_range(summed)))
    general = min((sp.factor_terms(general), sp.factor(general)), key=sp.count_ops)
    one_hot = general.subs(sp.Sum(y_row[JK], (JK, 1, KK)), 1)
    if one_hot == general:
        return general, None
    one_hot = min((sp.factor(one_hot), sp.factor_terms(one_hot)), key=sp.count_ops)
    return general, one_hot
