"""Chain-rule derivations, derived by sympy from the operations' own symbolic forms.

`explain(scenario, target)` answers "where does this factor come from?" and
"where does the transpose come from?" for one gradient:

1. the path from the loss back to the target;
2. the chain rule as a product of unevaluated Leibniz derivatives;
3. each local derivative, taken by sympy from the op's symbolic form (an
   activation's derivative is rewritten in terms of its output a = f(z) when sympy
   can invert f), and the product simplified as a textbook writes it;
4. the matrix form, with every shape and the reason for every transpose, from
   Linear.matrix_rules;
5. the value, computed by chaining the sympy-derived local derivatives numerically,
   beside the engine's value and a central finite difference.

Nothing here knows a particular activation or loss: any op with a `symbolic` form
works (an op may add `symbolic_derivative(sp, z)` when its backward rule is a
surrogate, e.g. a straight-through estimator, and that is what is shown). The
derivation is built structurally, one local derivative per op, so its size grows
linearly with depth; no composed expression is ever differentiated.

An output activation that mixes the units of a row (softmax: `elementwise = False`,
its `symbolic` maps a list of symbols to a list of outputs) gets its Jacobian the same
way: sympy differentiates the symbolic form on a row of three units (the cases k = j
and k ≠ j), each case is written in terms of the outputs (a polynomial fitted and then
checked exactly by sympy), and the two are joined with Kronecker's delta. The chain
then sums over the output units k, and sympy carries that sum out against the loss's
derivative; where the result needs Σ_k y_k = 1 (softmax cross-entropy: (ŷ_j - y_j)/m)
that assumption is printed, with the general form beside it.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm
from sympy.printing.str import StrPrinter

from ..engine import Engine
from ..engine.engine import L2, LINEAR, affine_op
from ..ops.binary import sign as binary_sign
from .targets import Target

Z, A = sp.symbols("z a")
YHAT, Y = sp.symbols("ŷ y")
H_I, H_O, W_IJ, W_OJ, B_J = sp.symbols("h_i h_o w_ij w_oj b_j")

# local derivatives of the ops ---------------------------------------------------------

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


def row_symbols(expr: sp.Expr) -> sp.Expr:
    """a[k], a[j], δ(k, j) written as the plain symbols aₖ, aⱼ, δₖⱼ for printing."""
    expr = expr.replace(lambda e: isinstance(e, sp.KroneckerDelta),
                        lambda e: sp.Symbol("δ" + "".join(_SUB.get(str(i), str(i))
                                                          for i in sorted(e.args, key=lambda i: i != JK))))
    return expr.replace(lambda e: isinstance(e, sp.Indexed),
                        lambda e: sp.Symbol(str(e.base) + _SUB.get(str(e.indices[0]), str(e.indices[0]))))


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


def straight_through(scenario, target) -> list[str]:
    """The ops on the path whose backward rule is a chosen surrogate, not a derivative."""
    n, l = scenario.depth, target.layer
    found = []
    for q in range(l, n + 1):
        layer = scenario.layers[q - 1]
        if getattr(layer.activation, "straight_through", False) and (q > l or target.kind != "A"):
            found.append(f"the sign of layer {q}")
        if layer.kind == "binary_linear" and (q > l or target.kind == "W"):
            found.append(f"the binarized weights of layer {q}")
    return found


# printing -----------------------------------------------------------------------------

class _Pretty(PrettyPrinter):
    def _print_Sum(self, expr):
        head = " ".join(f"Σ[{i}=1..{b}]" for i, _, b in reversed(expr.limits))
        body = self._print(expr.function)
        return prettyForm(*prettyForm(head + " ").right(body))

    def _print_MatAdd(self, expr):
        """A - B rather than sympy's A -B."""
        form = None
        for term in expr.args:
            coeff, rest = term.as_coeff_mmul()
            negative = bool(coeff.is_number and coeff < 0)
            body = self._print(sp.MatMul(-coeff, rest).doit() if negative else term)
            if form is None:
                form = prettyForm(*body.left("-")) if negative else body
            else:
                form = prettyForm(*form.right(" - " if negative else " + ", body))
        return form

    def _print_Derivative(self, expr):
        num = self._print(expr.expr).render(wrap_line=False)
        den = self._print(expr.variables[0]).render(wrap_line=False)
        return prettyForm(f"∂{num}/∂{den}")


class _Latex(LatexPrinter):
    def _print_Derivative(self, expr):
        return r"\frac{\partial %s}{\partial %s}" % (self._print(expr.expr), self._print(expr.variables[0]))


def pretty(expr) -> str:
    return _Pretty({"use_unicode": True, "order": "none", "wrap_line": False}).doprint(expr)


def pretty_chain(*exprs) -> str:
    """e1 = e2 = e3 side by side in two dimensions (ordinary Derivative printing)."""
    printer = PrettyPrinter({"use_unicode": True, "order": "none"})
    form = printer._print(exprs[0])
    for e in exprs[1:]:
        form = prettyForm(*form.right(" = ", printer._print(e)))
    return form.render(wrap_line=False)


# fitting a formula to the console's width ---------------------------------------------

_MUL_DOT = "⋅"


def _printer() -> _Pretty:
    return _Pretty({"use_unicode": True, "order": "none", "wrap_line": False})


def _width(text: str) -> int:
    return max((len(line) for line in text.split("\n")), default=0)


def _paren(printer, expr) -> prettyForm:
    from sympy.printing.precedence import PRECEDENCE, precedence

    form = printer._print(expr)
    wrap_it = precedence(expr) < PRECEDENCE["Mul"] or isinstance(expr, sp.Piecewise)
    return prettyForm(*form.parens()) if wrap_it else form


def _pieces(printer, expr, budget: int) -> list[tuple[str, prettyForm]]:
    """expr as (joiner, 2D form) pieces that a row may end between (= + - ⋅), split only
    as far as needed for each piece to fit in `budget` columns."""
    form = printer._print(expr)
    if form.width() <= budget:
        return [("", form)]
    if isinstance(expr, sp.Eq):
        left, right = _pieces(printer, expr.lhs, budget), _pieces(printer, expr.rhs, budget)
        return left + [(" = ", right[0][1])] + right[1:]
    if isinstance(expr, sp.Sum):
        head = prettyForm(" ".join(f"Σ[{i}=1..{b}]" for i, _, b in reversed(expr.limits)) + " ")
        parts = _pieces(printer, expr.function, budget - head.width())
        return [(parts[0][0], prettyForm(*head.right(parts[0][1])))] + parts[1:]
    if isinstance(expr, sp.Add):
        out = []
        for i, term in enumerate(expr.args):
            joiner = " + "
            if i and isinstance(term, sp.Mul) and term.args[0].is_Number and term.args[0] < 0:
                coeff = -term.args[0]
                term = sp.Mul(*(([coeff] if coeff != 1 else []) + list(term.args[1:])), evaluate=False)
                joiner = " - "
            parts = _pieces(printer, term, budget - 3)
            out += [(joiner if i else "", parts[0][1])] + parts[1:]
        return out
    if isinstance(expr, sp.Mul):
        args = list(expr.args)
        sign = ""
        if args[0] == -1 and len(args) > 1:
            sign, args = "-", args[1:]
        if args[0].is_Rational and len(args) > 1:  # (ŷ - y)/4 stays one fraction
            args = [sp.Mul(args[0], args[1], evaluate=False)] + args[2:]
        out = [("" if i == 0 else _MUL_DOT, _paren(printer, a)) for i, a in enumerate(args)]
        if sign:
            out[0] = ("", prettyForm(*prettyForm(sign).right(out[0][1])))
        return out
    return [("", form)]


def _rows(pieces: list[tuple[str, prettyForm]], width: int, indent: int) -> str | None:
    """Pack the pieces into rows of at most `width` columns; a continuation row starts,
    indented, with the operator it continues. None when one piece alone is too wide."""
    rows, cur = [], None
    for joiner, form in pieces:
        if cur is None:
            cur = form
            continue
        joined = prettyForm(*cur.right(joiner, form))
        if joined.width() <= width:
            cur = joined
        else:
            rows.append(cur)
            cur = prettyForm(*prettyForm(" " * indent + joiner.strip() + " ").right(form))
    rows.append(cur)
    if any(r.width() > width for r in rows):
        return None
    tall = any(r.height() > 1 for r in rows)
    return ("\n\n" if tall else "\n").join(r.render(wrap_line=False) for r in rows)


class _Linear(StrPrinter):
    """The one-line form, for what no 2D layout fits."""

    def _print_Derivative(self, expr):
        return f"∂{self._print(expr.expr)}/∂{self._print(expr.variables[0])}"

    def _print_Sum(self, expr):
        head = " ".join(f"Σ[{i}=1..{b}]" for i, _, b in reversed(expr.limits))
        body = self._print(expr.function)
        return f"{head} ({body})" if isinstance(expr.function, sp.Add) else f"{head} {body}"

    def _print_Equality(self, expr):
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"


def linear(expr) -> str:
    return _Linear({"order": "none"}).doprint(expr).replace("**", "^").replace("*", "⋅")


def wrap(text: str, width: int | None, indent: str = "") -> str:
    """Prose and one-line formulas, broken at spaces to `width` columns."""
    if width is None:
        return indent + text
    return textwrap.fill(text, width, initial_indent=indent, subsequent_indent=indent + "    ",
                         break_on_hyphens=False)


def fit(expr, width: int | None, suffix: str = "") -> str:
    """expr in 2D for a console of `width` columns: as it is when it fits; else broken into
    rows at its top-level = + - ⋅; else (one factor alone too wide) the one-line form."""
    printer = _printer()
    form = printer._print(expr)
    if suffix:
        form = prettyForm(*form.right(suffix))
    if width is None or form.width() <= width:
        return form.render(wrap_line=False)
    lead = printer._print(expr.lhs).width() + 3 if isinstance(expr, sp.Eq) else 0
    indent = lead if 0 < lead <= width // 3 else 4
    pieces = _pieces(printer, expr, width - indent - 2)
    if suffix:
        pieces.append(("", prettyForm(suffix)))
    out = _rows(pieces, width, indent)
    return out if out is not None else wrap(linear(expr) + suffix, width)


def fit_chain(exprs, width: int | None, indent: int = 0) -> str:
    """e1 = e2 = e3 in 2D (ordinary Derivative printing), rows broken at the = signs."""
    printer = PrettyPrinter({"use_unicode": True, "order": "none"})
    pieces = [("" if i == 0 else " = ", printer._print(e)) for i, e in enumerate(exprs)]
    if width is None:
        width = 10 ** 6
    out = _rows(pieces, width - indent, 4)
    if out is None:
        out = wrap(" = ".join(linear(e) for e in exprs), width - indent)
    return textwrap.indent(out, " " * indent)


def latex(expr, names: dict | None = None) -> str:
    out = _Latex({"order": "none", "symbol_names": names or {}, "mul_symbol": "dot"}).doprint(expr)
    for plain, tex in (("∂", r"\partial "), ("ŷ", r"\hat{y}"), ("Ŷ", r"\hat{Y}"), ("σ", r"\sigma "),
                       ("′", "'"), ("ℓ", r"\ell "), ("λ", r"\lambda "), ("ₛ", "_s"), ("ᵀ", "^{T}")):
        out = out.replace(plain, tex)
    return out


# the derivation -----------------------------------------------------------------------

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
    shapes: str
    why: str


@dataclass
class MatrixNumbers:
    """A whole-matrix target's own rule with its operand matrices substituted."""

    rule: sp.Eq  # e.g. ∂J/∂W1 = Xᵀ⋅∂J/∂Z1
    operands: list[tuple[str, str, np.ndarray]]  # (operator before it, name, value)
    result: np.ndarray


@dataclass
class Explanation:
    target: Target
    title: str  # ∂J/∂W1 or ∂L/∂w₁₂⁽¹⁾
    lhs: sp.Expr
    path: list[str]
    chain: sp.Expr  # product of Derivatives (with sums), before simplification
    factors: list[Factor]
    substituted: sp.Expr  # the product of the local derivatives
    simplified: sp.Expr  # merged as a textbook writes it
    sums: list[tuple[str, str]]  # (index, what it runs over)
    numbers: list[sp.Expr]  # the simplified product with numbers, one per term (or empty)
    matrix: list[MatrixStep]
    bias_note: str
    value: np.ndarray
    engine_value: np.ndarray
    finite_difference: np.ndarray | None  # None where a straight-through surrogate is on the path
    latex_names: dict = field(default_factory=dict)
    surrogates: list[str] = field(default_factory=list)  # the straight-through ops on the path
    # a softmax output: the simplification's assumption (Σ_k y_k = 1) and the form it is not used in
    assumption: str = ""
    other_form: sp.Eq | None = None
    penalty: Factor | None = None  # the L2 penalty's own derivative, a term beside the chain
    matrix_numbers: MatrixNumbers | None = None  # a whole matrix: its rule with the numbers


class _Names:
    """Element symbols of one scenario: x_i, a_j^(1), z_j^(1), w_ij^(1), ŷ_k, y_k ..."""

    def __init__(self, scenario, m: int) -> None:
        self.s = scenario
        self.m = m
        self.n = scenario.depth
        self.latex: dict = {}
        self.where: dict = {}  # symbol -> (array name, sample, unit, unit2) for numbers

    def _make(self, base: str, latex_base: str, sup: str, idx: list[str], where) -> sp.Symbol:
        sub = ",".join(idx) if any(len(i) > 1 for i in idx) or len(idx) > 2 else "".join(idx)
        name = base + "".join(_SUB.get(ch, ch) for ch in sub) + "".join(_SUP[ch] for ch in f"({sup})" if sup)
        sym = sp.Symbol(name)
        self.latex[sym] = latex_base + (f"_{{{sub}}}" if sub else "") + (f"^{{({sup})}}" if sup else "")
        self.where[sym] = where
        return sym

    def _sample(self, s) -> list[str]:
        return [] if self.m == 1 else [str(s)]

    def act(self, q: int, s, u) -> sp.Symbol:
        if q == 0:
            idx = self._sample(s) + ([] if self.s.n_inputs == 1 else [str(u)])
            return self._make("x", "x", "", idx, ("A", 0, s, u))
        if q == self.n:
            return self._make("ŷ", r"\hat{y}", "", self._sample(s) + [str(u)], ("A", q, s, u))
        letter = self.s.notation.activation.lower()
        return self._make(letter, letter, str(q), self._sample(s) + [str(u)], ("A", q, s, u))

    def target(self, s, u) -> sp.Symbol:
        return self._make("y", "y", "", self._sample(s) + [str(u)], ("Y", 0, s, u))

    def pre(self, q: int, s, u) -> sp.Symbol:
        return self._make("z", "z", str(q), self._sample(s) + [str(u)], ("Z", q, s, u))

    def weight(self, q: int, i, j) -> sp.Symbol:
        return self._make("w", "w", str(q), [str(i), str(j)], ("W", q, i, j))

    def bias(self, q: int, j) -> sp.Symbol:
        return self._make("b", "b", str(q), [str(j)], ("b", q, None, j))

    def loss(self) -> sp.Symbol:
        return sp.Symbol(self.s.notation.loss)

    def shown(self, expr: sp.Expr, q: int, s, units: dict, row: int) -> sp.Expr:
        """A row expression in a[k], ŷ[k], y[k], δ(k, j) and Σ over k, written in this scenario's
        symbols at layer q, sample s, with the row indices given by `units` (index -> unit)
        and `row` units in the row."""
        def unit(i):
            return units.get(i, i) if isinstance(i, sp.Symbol) else int(i)

        def element(e):
            u = unit(e.indices[0])
            return self.target(s, u) if str(e.base) == "y" else self.act(q, s, u)

        def delta(e):
            a, b = (unit(i) for i in sorted(e.args, key=lambda i: i != JK))  # δ_kj: the output unit first
            sym = sp.Symbol("δ" + "".join(_SUB.get(ch, ch) for ch in f"{a}{b}"))
            self.latex[sym] = rf"\delta_{{{a}{b}}}"
            self.where[sym] = ("delta", None, a, b)
            return sym

        def total(e):
            (var, lo, hi), = e.limits
            letter = str(unit(var))
            return sp.Sum(e.function, (sp.Symbol(letter), lo, hi.subs(KK, row)))

        def written(e):
            e = e.replace(lambda x: isinstance(x, sp.Sum), total)
            e = e.replace(lambda x: isinstance(x, sp.KroneckerDelta), delta)
            return e.replace(lambda x: isinstance(x, sp.Indexed), element)

        # keep a common constant outside, (ŷ - y)/m as the notes write it, not ŷ/m - y/m
        coeff, rest = sp.factor_terms(expr).as_coeff_Mul()
        if coeff not in (1, -1) and rest.is_Add:
            return sp.Mul(coeff, written(rest), evaluate=False)
        return written(expr)


_FREE = "kptuvrmn"  # letters that have unicode subscripts
_SUB = dict(zip("0123456789aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,"))
_SUP = dict(zip("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾"))


def _merge(parts: list[sp.Expr]) -> list[sp.Expr]:
    """Multiply neighbouring local derivatives together where that makes them simpler
    (dL/dŷ times dŷ/dz = ŷ - y), leaving the rest as the textbook's separate factors."""
    out = list(parts)
    changed = True
    while changed and len(out) > 1:
        changed = False
        for i in range(len(out) - 1):
            a, b = out[i], out[i + 1]
            if a == 1 or b == 1:
                merged = a * b
            else:
                merged = _flip_sign(sp.factor(sp.cancel(a * b)))
                if sp.count_ops(merged) >= sp.count_ops(a) + sp.count_ops(b):
                    continue
            out[i:i + 2] = [merged]
            changed = True
            break
    return [p for p in out if p != 1] or [sp.Integer(1)]


def explain(scenario, target: Target, record: int | None = None) -> Explanation:
    engine = Engine(scenario)
    data = engine.data(record)
    steps = {st.key: st for st in engine.forward_backward(engine.params, data.x, data.y)}
    n, widths = scenario.depth, scenario.widths()
    m = data.x.shape[0]
    k_out = widths[n]
    acts = [scenario.layers[q - 1].activation for q in range(1, n + 1)]
    for act in acts[:-1]:
        if not act.elementwise:
            raise NotImplementedError(
                f"explain derives a non-element-wise activation ({act.name}) at the output layer only")
    # a non-element-wise output (softmax) is on the path unless the target is Ŷ itself
    mixing = not acts[-1].elementwise and not (target.kind == "A" and target.layer == n)
    names = _Names(scenario, m)
    L = names.loss()
    kind, l = target.kind, target.layer
    idx = target.index

    # the indices: the target's own are fixed (1-based in the notes' style) or generic
    per_sample = kind in ("Z", "A")
    if per_sample:
        s_ix = (idx[0] + 1) if idx else "s"
        unit = (idx[1] + 1) if idx else "j"
    else:
        s_ix = "s"
        unit = (idx[-1] + 1) if idx else "j"
    inp = (idx[0] + 1) if (idx and kind == "W") else "i"
    sums: list[tuple[str, sp.Symbol, int, str]] = []
    if m > 1 and not per_sample:
        sums.append(("s", sp.Symbol("s"), m, "the samples of the batch"))
    if m == 1:
        s_ix = 1

    # unit index at each layer on the path: the target's unit at its layer, free above
    last = l if kind != "A" else l
    units: dict[int, object] = {l: unit}
    free = iter(_FREE)
    for q in range(l + 1, n + 1):
        if widths[q] == 1:
            units[q] = 1
        else:
            letter = next(free)
            units[q] = letter
            sums.append((letter, sp.Symbol(letter), widths[q], f"the {widths[q]} units of layer {q}"))

    # a mixing output: ŷ_k depends on every z_j of its row, so the chain sums over the outputs k
    out_unit = units[n]
    if mixing:
        out_unit = next(free) if k_out > 1 else 1
        if k_out > 1:
            sums.append((out_unit, sp.Symbol(out_unit), k_out, f"the {k_out} outputs ŷ of the row"))

    # the chain, from the loss back to the target
    factors: list[Factor] = []
    path = [str(L)]
    c, term, dterm = loss_local(scenario.loss, m, k_out)
    yhat = names.act(n, s_ix, out_unit)
    ysym = names.target(s_ix, out_unit)
    factors.append(Factor(sp.Derivative(L, yhat), scenario.loss.title, c * term, dterm, None,
                          dterm.subs({YHAT: yhat, Y: ysym}), YHAT))
    path.append(scenario.notation.act(n, n))
    top = l if kind != "A" else l + 1
    for q in range(n, top - 1, -1):
        a_q, z_q = names.act(q, s_ix, units[q]), names.pre(q, s_ix, units[q])
        if not acts[q - 1].elementwise:
            cases, joined = jacobian_local(acts[q - 1])
            if joined is None:
                raise NotImplementedError(f"sympy found no output form of {acts[q - 1].name}'s Jacobian")
            local = names.shown(joined, n, s_ix, {JK: out_unit, JJ: units[q]}, k_out)
            factors.append(Factor(sp.Derivative(yhat, z_q), acts[q - 1].label, cases[0].form,
                                  cases[0].derived, joined, local, cases[0].wrt, cases=cases))
        else:
            f, d, out_form = activation_local(acts[q - 1])
            local = (out_form if out_form is not None else d).subs({A: a_q, Z: z_q})
            factors.append(Factor(sp.Derivative(a_q, z_q), acts[q - 1].label, f, d, out_form, local))
        path.append(f"Z{q}")
        if q > l or (kind == "A" and q == l + 1):
            below = names.act(q - 1, s_ix, units[q - 1] if q - 1 in units else unit)
            w = names.weight(q, units[q - 1] if q - 1 in units else unit, units[q])
            op_q = affine_op(scenario.layers[q - 1])
            lin = linear_local(op_q)
            factors.append(Factor(sp.Derivative(z_q, below), op_q.title, linear_form(op_q),
                                  lin["h"], None, lin["h"].subs({W_IJ: w}), H_I))
            path.append(scenario.notation.act(q - 1, n) if q - 1 > 0 else scenario.notation.inputs)
    z_l = names.pre(l, s_ix, unit)
    op_l = affine_op(scenario.layers[l - 1])
    lin = linear_local(op_l)
    zform = linear_form(op_l)
    if kind == "W":
        w = names.weight(l, inp, unit)
        h = names.act(l - 1, s_ix, inp)
        factors.append(Factor(sp.Derivative(z_l, w), op_l.title, zform, lin["w"], None,
                              lin["w"].subs({H_I: h, W_IJ: w}), W_IJ))
        path.append(f"W{l}")
        lhs_sym = w
    elif kind == "b":
        bsym = names.bias(l, unit)
        factors.append(Factor(sp.Derivative(z_l, bsym), op_l.title, zform, lin["b"], None, lin["b"], B_J))
        path.append(f"b{l}")
        lhs_sym = bsym
    elif kind == "Z":
        lhs_sym = z_l
    else:
        lhs_sym = names.act(l, s_ix, unit)
        if l == n:
            path = path[:2]

    def summed(expr):
        for _, sym, count, _ in reversed(sums):
            expr = sp.Sum(expr, (sym, 1, count))
        return expr

    lhs = sp.Derivative(L, lhs_sym)
    chain = summed(sp.Mul(*[f.leibniz for f in factors], evaluate=False))
    locals_ = [f.local for f in factors]
    substituted = summed(sp.Mul(*locals_, evaluate=False))
    penalty = None
    if kind == "W" and scenario.l2:
        # L = data loss + λ/2 Σ w²: the penalty depends on w directly, so its derivative is a
        # term of its own beside the chain through the network
        lam, w_pen = sp.Symbol("λ"), names.weight(l, inp, unit)
        form = L2.symbolic(sp, W_IJ, lam)
        derived = sp.diff(form, W_IJ)
        penalty = Factor(sp.Derivative(sp.Symbol("(λ/2)‖W‖²"), w_pen), L2.title, form, derived, None,
                         sp.Mul(lam, w_pen, evaluate=False), W_IJ)
        chain = sp.Add(chain, penalty.leibniz, evaluate=False)
        substituted = sp.Add(substituted, penalty.local, evaluate=False)
    merged = _merge(locals_)
    assumption, general_form, matrix_block = "", None, None
    if mixing:
        # Σ_k ∂L/∂ŷ_k ∂ŷ_k/∂z_j, summed by sympy; the sum over the outputs k is gone
        general, one_hot = output_block(dterm, jacobian_local(acts[-1])[1])
        rows = {JK: out_unit, JJ: units[n]}
        block = general
        if one_hot is not None:
            holds = bool(np.allclose(data.y.sum(axis=1), 1.0))
            assumption = (f"assuming Σₖ yₖ = 1 (one-hot targets, or any probability row): "
                          + ("the targets of this scenario satisfy it" if holds else
                             "the targets of this scenario do NOT satisfy it, so the general form applies"))
            if holds:
                block, general_form = one_hot, general
            else:
                general_form = one_hot
        matrix_block = (block, assumption if block is one_hot else "")
        block = names.shown(block, n, s_ix, rows, k_out)
        if general_form is not None:
            general_form = names.shown(general_form, n, s_ix, rows, k_out)
        merged = [block] + _merge(locals_[2:]) if len(locals_) > 2 else [block]
        merged = [p for p in merged if p != 1] or [sp.Integer(1)]
        sums = [entry for entry in sums if entry[0] != out_unit]
    extra = penalty.local if penalty is not None else None
    body = sp.Mul(*merged, evaluate=False) if len(merged) > 1 else merged[0]
    simplified = summed(body)
    if extra is not None:
        simplified = sp.Add(simplified, extra, evaluate=False)
    other_form = None
    if general_form is not None:
        rest = [general_form] + merged[1:]
        other_form = summed(sp.Mul(*rest, evaluate=False) if len(rest) > 1 else rest[0])
        if extra is not None:
            other_form = sp.Add(other_form, extra, evaluate=False)
        other_form = sp.Eq(lhs, other_form, evaluate=False)

    # values: the sympy-derived local derivatives, chained numerically
    value = _value(scenario, target, steps, data, factors_ops=(dterm, acts))
    engine_value = np.asarray(steps[target.key].value, dtype=float)
    if target.index is not None:
        engine_value = engine_value[target.index]
    surrogates = straight_through(scenario, target)
    fd = None if surrogates else _finite_difference(engine, scenario, target, data)

    numbers = _numbers(names, body, sums, extra, scenario, steps, data, target, generic=idx is None)
    title = pretty(lhs) if idx is not None else f"∂{L}/∂{kind}{l}"
    matrix = _matrix_form(scenario, target, m, c, matrix_block)
    mat_numbers = None if idx is not None else _matrix_numbers(scenario, target, steps, data, matrix, value)
    return Explanation(
        target=target, title=title, lhs=lhs, path=path, chain=sp.Eq(lhs, chain, evaluate=False),
        factors=factors, substituted=sp.Eq(lhs, substituted, evaluate=False),
        simplified=sp.Eq(lhs, simplified, evaluate=False), assumption=assumption, other_form=other_form,
        sums=[(name, what) for name, _, _, what in sums], numbers=numbers,
        matrix=matrix, bias_note=_bias_note(scenario, target, m, c),
        value=value, engine_value=engine_value, finite_difference=fd, latex_names=names.latex,
        surrogates=surrogates, penalty=penalty, matrix_numbers=mat_numbers)


def _dz_dh(scenario, params, q: int) -> np.ndarray:
    """The sympy-derived dz/dh of layer q's own affine op, on its weights (W, or sign(W))."""
    fn = sp.lambdify(W_IJ, linear_local(affine_op(scenario.layers[q - 1]))["h"],
                     modules=[{"sign": binary_sign}, "numpy"])
    return np.broadcast_to(np.asarray(fn(params[f"W{q}"]), dtype=float), params[f"W{q}"].shape)


def _matrix_numbers(scenario, target: Target, steps, data, matrix: list, value) -> MatrixNumbers:
    """The target's own matrix rule (the last of the matrix form) with the engine's operand
    matrices in it: e.g. ∂J/∂W1 = Xᵀ ⋅ ∂J/∂Z1 with Xᵀ and ∂J/∂Z1 written out."""
    n, l, kind = scenario.depth, target.layer, target.kind
    Ls = scenario.notation.loss
    arr = _arrays(scenario, steps, data)
    params = scenario.parameters

    def name(q):
        return scenario.notation.act(q, n) if q > 0 else scenario.notation.inputs

    def wname(q):
        return (f"sign(W{q})" if scenario.layers[q - 1].kind == "binary_linear" else f"W{q}") + "ᵀ"

    result = np.asarray(value, dtype=float)
    if kind == "W":
        ops = [("", f"{name(l - 1)}ᵀ", arr[("A", l - 1)].T), ("⋅", f"∂{Ls}/∂Z{l}", steps[f"dL/dZ{l}"].value)]
        if scenario.l2:
            ops += [("+", "λ", np.asarray(scenario.l2)), ("⋅", f"W{l}", params[f"W{l}"])]
    elif kind == "b":
        G = steps[f"dL/dZ{l}"].value
        ops = [("", f"(∂{Ls}/∂Z{l})ᵀ", G.T), ("⋅", "𝟙", np.ones((G.shape[0], 1)))]
        result = result.reshape(-1, 1)
    elif kind == "Z":
        act = scenario.layers[l - 1].activation
        ops = [("", f"∂{Ls}/∂{name(l)}", steps[f"dL/dA{l}"].value)]
        if act.elementwise:
            ops.append(("⊙", f"{act.label}′(Z{l})", _lambda(activation_local(act)[1], Z)(arr[("Z", l)])))
        else:
            ops.append(("→", f"each row times J_{act.label}ᵀ", None))
    elif l < n:
        ops = [("", f"∂{Ls}/∂Z{l + 1}", steps[f"dL/dZ{l + 1}"].value), ("⋅", wname(l + 1), _dz_dh(scenario, params, l + 1).T)]
    else:
        ops = [("", name(n), arr[("A", n)]), (",", scenario.notation.targets, arr[("Y", 0)])]
    return MatrixNumbers(matrix[-1].equation, ops, result)


def _arrays(scenario, steps, data) -> dict:
    n = scenario.depth
    arr = {("A", 0): data.x, ("Y", 0): data.y}
    for q in range(1, n + 1):
        arr[("A", q)] = steps[f"A{q}"].value
        arr[("Z", q)] = steps[f"Z{q}"].value
    return arr


def _lambda(expr, *syms):
    fn = sp.lambdify(syms, expr, "numpy")
    return lambda *args: np.broadcast_to(np.asarray(fn(*args), dtype=float), np.shape(args[0])).copy()


def _value(scenario, target: Target, steps, data, factors_ops) -> np.ndarray:
    """The gradient from the sympy-derived local derivatives alone, chained with numpy."""
    dterm, acts = factors_ops
    arr = _arrays(scenario, steps, data)
    params = {k: v for k, v in scenario.parameters.items()}
    n, l = scenario.depth, target.layer
    g = _lambda(dterm, YHAT, Y)(arr[("A", n)], arr[("Y", 0)])

    def dz_dh(q):
        return _dz_dh(scenario, params, q)

    stop = l + 1 if target.kind == "A" else l
    for q in range(n, stop - 1, -1):
        if acts[q - 1].elementwise:
            f, d, out_form = activation_local(acts[q - 1])
            g = g * _lambda(d, Z)(arr[("Z", q)])
        else:  # row by row: dL/dz_sj = Σ_k dL/da_sk · ∂a_sk/∂z_sj, the sympy-derived Jacobian
            g = np.einsum("sk,skj->sj", g, _jacobian(jacobian_local(acts[q - 1])[1], arr[("A", q)]))
        if q > l:
            g = g @ dz_dh(q).T
    if target.kind == "W":
        g = arr[("A", l - 1)].T @ g
        if scenario.l2:
            g = g + L2.backward(params[f"W{l}"], scenario.l2)
    elif target.kind == "b":
        g = g.sum(axis=0)
    return g[target.index] if target.index is not None else g


def _jacobian(joined: sp.Expr, a: np.ndarray) -> np.ndarray:
    """∂a_sk/∂z_sj for every sample s, from the joined form in a[k], a[j] and δ_kj."""
    ak, aj, delta = sp.symbols("a_k a_j delta")
    expr = joined.subs({A_ROW[JK]: ak, A_ROW[JJ]: aj, sp.KroneckerDelta(JK, JJ): delta}, simultaneous=True)
    fn = sp.lambdify((ak, aj, delta), expr, "numpy")
    k = a.shape[1]
    out = fn(a[:, :, None], a[:, None, :], np.eye(k)[None, :, :])
    return np.broadcast_to(np.asarray(out, dtype=float), (a.shape[0], k, k))


def _loss_at(engine, scenario, target: Target, data, params, pert=None) -> float:
    """The loss with one parameter (or one value of the forward pass) perturbed."""
    n = scenario.depth
    a = data.x
    for q in range(1, n + 1):
        z = affine_op(scenario.layers[q - 1]).forward(a, params[f"W{q}"], params[f"b{q}"])
        if pert is not None and target.kind == "Z" and q == target.layer:
            z = z + pert
        a = scenario.layers[q - 1].activation.forward(z)
        if pert is not None and target.kind == "A" and q == target.layer:
            a = a + pert
    loss = scenario.loss.forward(a, data.y)
    if scenario.l2:
        loss += L2.forward([params[f"W{q}"] for q in range(1, n + 1)], scenario.l2)
    return loss


def _finite_difference(engine, scenario, target: Target, data, h: float = 1e-6) -> np.ndarray:
    params = {k: v.copy() for k, v in engine.params.items()}
    if target.kind in ("W", "b"):
        shape = params[f"{target.kind}{target.layer}"].shape
    else:
        shape = np.shape(_forward_value(scenario, params, data, target))
    entries = [target.index] if target.index is not None else list(np.ndindex(*shape))
    out = np.zeros(shape)
    for e in entries:
        vals = []
        for sign in (1, -1):
            if target.kind in ("W", "b"):
                p = {k: v.copy() for k, v in params.items()}
                p[f"{target.kind}{target.layer}"][e] += sign * h
                vals.append(_loss_at(engine, scenario, target, data, p))
            else:
                pert = np.zeros(shape)
                pert[e] = sign * h
                vals.append(_loss_at(engine, scenario, target, data, params, pert))
        out[e] = (vals[0] - vals[1]) / (2 * h)
    return out[target.index] if target.index is not None else out


def _forward_value(scenario, params, data, target):
    a = data.x
    for q in range(1, target.layer + 1):
        z = affine_op(scenario.layers[q - 1]).forward(a, params[f"W{q}"], params[f"b{q}"])
        a = scenario.layers[q - 1].activation.forward(z)
    return z if target.kind == "Z" else a


MAX_TERMS = 8


def _numbers(names: _Names, body, sums, extra, scenario, steps, data, target, generic: bool) -> list:
    """The simplified product with the numbers substituted, one expression per term of
    the sums (none when the sums have more than MAX_TERMS terms, or the target is a
    whole matrix: then the matrix form carries the numbers)."""
    if generic:
        return []
    total = int(np.prod([count for _, _, count, _ in sums])) if sums else 1
    if total > MAX_TERMS:
        return []
    arr = _arrays(scenario, steps, data)
    params = scenario.parameters

    def value(sym, at):
        if sym.name == "λ":
            return _shown(scenario.l2)
        kind, q, s, u = names.where[sym]
        s = at.get(s, s)
        u = at.get(u, u)
        if kind == "delta":
            return sp.Integer(int(int(s) == int(u)))
        if kind == "W":
            v = params[f"W{q}"][int(s) - 1, int(u) - 1]
        elif kind == "b":
            v = params[f"b{q}"][int(u) - 1]
        else:
            v = arr[(kind, q)][int(s) - 1, int(u) - 1]
        return _shown(float(v))

    def filled(expr, at):
        """expr with numbers; a sum left inside it (over a row's outputs) written term by term."""
        def spell(e):
            (var, lo, hi), = e.limits
            return sp.Add(*[filled(e.function, {**at, str(var): v}) for v in range(int(lo), int(hi) + 1)],
                          evaluate=False)
        with sp.evaluate(False):
            expr = expr.replace(lambda e: isinstance(e, sp.Sum), spell)
            expr = expr.subs({sym: value(sym, at) for sym in expr.free_symbols if not sym.name[0].isdigit()
                              and not sym.name.startswith("(")})
            # a negative number is written (-1) in a product, but σ′(-1), not σ′((-1))
            return expr.replace(lambda e: isinstance(e, (sp.Function, sp.core.relational.Relational))
                                and any(_bracketed(a) for a in e.args),
                                lambda e: e.func(*[_unbracketed(a) for a in e.args], evaluate=False))

    terms = []
    at = {}
    for combo in np.ndindex(*[count for _, _, count, _ in sums]) if sums else [()]:
        at = {name: v + 1 for (name, _, _, _), v in zip(sums, combo)}
        terms.append(filled(body, at))
    if extra is not None:
        terms.append(filled(extra, at))
    return terms


def _shown(v: float) -> sp.Symbol:
    """A number as the student reads it (6 significant digits), kept as printed text so
    that nothing is evaluated while the numbers stand in the formula."""
    text = f"{v:.6g}"
    return sp.Symbol(f"({text})" if v < 0 else text)


def _bracketed(e) -> bool:
    return isinstance(e, sp.Symbol) and e.name.startswith("(") and e.name.endswith(")")


def _unbracketed(e):
    return sp.Symbol(e.name[1:-1]) if _bracketed(e) else e


def _shape_text(expr) -> str:
    return f"{expr.shape[0]}×{expr.shape[1]}"


def _mixing_steps(scenario, q: int, m: int, k: int, G, Gz, block) -> list[MatrixStep]:
    """∂L/∂Z of a non-element-wise activation: row by row through its Jacobian, and, when
    the loss's derivative and the Jacobian multiply out to a linear form, that form."""
    Ls = scenario.notation.loss
    act = scenario.layers[q - 1].activation
    jac = sp.MatrixSymbol(f"J_{act.label}(z{q}ₛ)", k, k)
    row_z = sp.MatrixSymbol(f"(∂{Ls}/∂Z{q})ₛᵀ", k, 1)
    row_a = sp.MatrixSymbol(f"({G.name})ₛᵀ", k, 1)
    _, joined = jacobian_local(act)
    entry = pretty(row_symbols(joined))
    out = [MatrixStep(sp.Eq(row_z, sp.MatMul(jac.T, row_a), evaluate=False),
                      f"each of the {m} rows s: ({k}×{k})ᵀ · ({k}×1) → {k}×1; stacked: {m}×{k}",
                      f"{act.label} mixes the units of a row: J_kj = ∂a_k/∂z_j = {entry} is not 0 for k ≠ j, "
                      f"so ∂{Ls}/∂z_sj = Σ_k ∂{Ls}/∂a_sk · J_kj; the sum runs over k, the row index of J, "
                      f"so J enters transposed: Jᵀ")]
    if block is None:
        return out
    element, assumption = block
    yhat_row, y_row = sp.IndexedBase("ŷ"), sp.IndexedBase("y")
    cells = [yhat_row[JJ], y_row[JJ]]
    if element.has(sp.Sum) or not element.is_polynomial(*cells) or sp.Poly(element, *cells).total_degree() > 1:
        return out
    Yh = sp.MatrixSymbol(scenario.notation.act(q, scenario.depth), m, k)
    Yt = sp.MatrixSymbol(scenario.notation.targets, m, k)
    poly = sp.Poly(element, *cells)
    ch, cy = poly.coeff_monomial(cells[0]), poly.coeff_monomial(cells[1])
    if ch == 0 or poly.coeff_monomial(1) != 0:
        return out
    rhs = sp.MatAdd(Yh, (cy / ch) * Yt) if cy != 0 else Yh
    if ch != 1:
        rhs = sp.MatMul(ch, rhs, evaluate=False)
    out.append(MatrixStep(sp.Eq(Gz, rhs, evaluate=False), f"{m}×{k}",
                          "the loss's derivative times the Jacobian, multiplied out by sympy"
                          + (f" ({assumption.split(':')[0]})" if assumption else "")))
    return out


def _matrix_form(scenario, target: Target, m: int, c, block=None) -> list[MatrixStep]:
    """From ∂L/∂Ŷ down to the target, each rule with its shapes and its transposes."""
    n, widths, l = scenario.depth, scenario.widths(), target.layer
    Ls = scenario.notation.loss
    act_name = {q: (scenario.notation.act(q, n) if q > 0 else scenario.notation.inputs) for q in range(n + 1)}

    def grad(of: str, shape) -> sp.MatrixSymbol:
        return sp.MatrixSymbol(f"∂{Ls}/∂{of}", *shape)

    out = []
    G = grad(act_name[n], (m, widths[n]))
    yh, yy = sp.MatrixSymbol(act_name[n], m, widths[n]), sp.MatrixSymbol(scenario.notation.targets, m, widths[n])
    out.append(MatrixStep(sp.Eq(G, sp.Mul(c, sp.Function("ℓ′")(yh, yy), evaluate=False), evaluate=False),
                          f"{m}×{widths[n]}", f"element by element: the loss's derivative for each sample "
                                              f"and output, times the loss's constant {c}"))
    stop = l + 1 if target.kind == "A" else l
    for q in range(n, stop - 1, -1):
        Gz = grad(f"Z{q}", (m, widths[q]))
        act = scenario.layers[q - 1].activation
        if act.elementwise:
            fp = sp.MatrixSymbol(f"{act.label}′(Z{q})", m, widths[q])
            out.append(MatrixStep(sp.Eq(Gz, sp.HadamardProduct(G, fp), evaluate=False),
                                  f"({m}×{widths[q]}) ⊙ ({m}×{widths[q]}) → {m}×{widths[q]}",
                                  "element-wise (18.18): each activation depends on its own z only, so there is "
                                  "no sum and no transpose"))
        else:
            out += _mixing_steps(scenario, q, m, widths[q], G, Gz, block)
        if q > l:
            H = sp.MatrixSymbol(act_name[q - 1], m, widths[q - 1])
            W = sp.MatrixSymbol(f"W{q}", widths[q - 1], widths[q])
            b = sp.MatrixSymbol(f"b{q}", widths[q], 1)
            rule = affine_op(scenario.layers[q - 1]).matrix_rules(sp, H, W, b, Gz)["H"]
            G = grad(act_name[q - 1], (m, widths[q - 1]))
            out.append(MatrixStep(sp.Eq(G, rule, evaluate=False),
                                  f"({m}×{widths[q]}) · ({widths[q]}×{widths[q - 1]}) → {m}×{widths[q - 1]}",
                                  f"(18.14): z_sk = Σ_j {act_name[q - 1].lower()}_sj w_jk, so ∂{Ls}/∂"
                                  f"{act_name[q - 1].lower()}_sj = Σ_k ∂{Ls}/∂z_sk · w_jk; the sum runs over "
                                  f"k, the column index of W{q}, so W{q} enters transposed: W{q}ᵀ"))
        else:
            G = Gz
    if target.kind in ("W", "b"):
        H = sp.MatrixSymbol(act_name[l - 1], m, widths[l - 1])
        W = sp.MatrixSymbol(f"W{l}", widths[l - 1], widths[l])
        b = sp.MatrixSymbol(f"b{l}", widths[l], 1)
        rules = affine_op(scenario.layers[l - 1]).matrix_rules(sp, H, W, b, G)
        h = act_name[l - 1]
        if target.kind == "W":
            why = (f"(18.15): z_sj = Σ_i {h.lower()}_si w_ij, so ∂{Ls}/∂w_ij = Σ_s {h.lower()}_si · "
                   f"∂{Ls}/∂z_sj; the sum runs over the samples s, the row index of {h}, so {h} enters "
                   f"transposed: {h}ᵀ")
            if l == 1 and scenario.notation.activation.upper() == "H":
                why += f" (layer 1 reads the inputs, so this is {h}ᵀ, not Hᵀ as the source's (18.44) prints)"
            lhs = grad(f"W{l}", (widths[l - 1], widths[l]))
            rule, shapes = rules["W"], f"({widths[l - 1]}×{m}) · ({m}×{widths[l]}) → {widths[l - 1]}×{widths[l]}"
            if scenario.l2:
                rule = sp.MatAdd(rules["W"], sp.Symbol("λ") * W)
                shapes += f", + λ·({widths[l - 1]}×{widths[l]})"
                why += "; plus λW, the L2 penalty's own derivative: λ/2 ‖W‖² depends on W directly"
            out.append(MatrixStep(sp.Eq(lhs, rule, evaluate=False), shapes, why))
        else:
            lhs = grad(f"b{l}", (widths[l], 1))
            out.append(MatrixStep(sp.Eq(lhs, rules["b"], evaluate=False),
                                  f"({widths[l]}×{m}) · ({m}×1) → {widths[l]}×1",
                                  f"(18.16): b enters every row of Z = {h}W + 1bᵀ, so the samples' "
                                  f"contributions add up; multiplying by a column of ones sums over the batch"))
    return out


def _bias_note(scenario, target: Target, m: int, c) -> str:
    if target.kind != "b":
        return ""
    Ls = scenario.notation.loss
    note = (f"Why a sum over the batch? Z = HW + 1bᵀ adds the same b_j to z_sj of every sample s, so "
            f"∂z_sj/∂b_j = 1 for each of the {m} samples and their contributions add: "
            f"∂{Ls}/∂b_j = Σ_s ∂{Ls}/∂z_sj. It is a sum, not a mean, because the loss already averages: ")
    if c != 1:
        note += (f"its constant {c} (the batch mean's 1/m) is inside ∂{Ls}/∂ŷ, so every sample's term "
                 f"arrives already scaled; dividing again would count the mean twice.")
    else:
        note += f"here the loss's constant is 1 (it sums, or the batch is one record), so nothing is rescaled."
    return note


# output -------------------------------------------------------------------------------

def _fmt(v, width: int | None = None) -> str:
    if not np.ndim(v):
        return f"{float(v):.6g}"
    return np.array2string(np.asarray(v, dtype=float), threshold=36, edgeitems=3,
                           max_line_width=min(width, 76) if width else 76,
                           formatter={"float_kind": lambda x: f"{x:.6g}"})


EDGE = 3  # a matrix longer than 2·EDGE rows or columns is shown by its first and last EDGE


def _edges(count: int) -> list[int | None]:
    return list(range(count)) if count <= 2 * EDGE else list(range(EDGE)) + [None] + list(range(count - EDGE, count))


def _matrix_pict(label: str, a, width: int | None) -> prettyForm:
    """A matrix of numbers in brackets, its name and shape centred beneath it."""
    if a is None:
        return prettyForm(label)
    a = np.asarray(a, dtype=float)
    if a.ndim == 0:
        return prettyForm(f"{float(a):.6g}")
    a = a.reshape(-1, 1) if a.ndim == 1 else a
    rows, cols = _edges(a.shape[0]), _edges(a.shape[1])
    cells = [[("⋱" if c is None else "⋮") if r is None else ("⋯" if c is None else f"{a[r, c]:.6g}")
              for c in cols] for r in rows]
    form = _printer()._print(sp.Matrix([[sp.Symbol(t) for t in row] for row in cells]))
    if width is not None and form.width() > width:
        form = prettyForm(_fmt(a, width))
    return prettyForm(*form.below(f"{label} ({a.shape[0]}×{a.shape[1]})"))


def matrix_numbers_text(mn: MatrixNumbers, width: int | None) -> str:
    pieces = []
    for op, label, value in mn.operands:
        pieces.append((f" {op} " if op not in ("", ",") else op + " ", _matrix_pict(label, value, width)))
    pieces.append((" = ", _matrix_pict("", mn.result, width)))
    body = _rows(pieces, width or 10 ** 6, 0)
    if body is None:  # a matrix wider than the console even as numpy prints it
        body = "\n".join(f"{label} =\n{_fmt(value, width)}" for _, label, value in mn.operands if value is not None)
    return fit(mn.rule, width) + "\nwith the numbers:\n" + body


def text_sections(ex: Explanation, width: int | None = None) -> list[tuple[str, str]]:
    """(heading, body) pairs in the order a student reads them, every formula fitted to
    `width` columns (None: as wide as it comes)."""
    out = [("path", wrap(" ← ".join(ex.path), width))]
    out.append(("chain rule", fit(ex.chain, width)))
    lines = []
    for f in ex.factors + ([ex.penalty] if ex.penalty is not None else []):
        if f.cases:
            lines.append(_jacobian_text(f, width))
            continue
        chain = [sp.Derivative(f.form, f.wrt), f.derived]
        if f.output_form is not None and f.output_form != f.derived:
            chain.append(f.output_form)
        how = f"from {f.op}" + (", with a = f(z)" if len(chain) > 2 else "") + ":"
        if f is ex.penalty:
            how = (f"from the {f.op}, a term of its own beside the chain: λ/2 ‖W‖² depends on "
                   f"{pretty(f.leibniz.variables[0])} directly, not through the network:")
        lines.append(fit(sp.Eq(f.leibniz, f.local, evaluate=False), width) + "\n" + wrap(how, width, "  ")
                     + "\n" + fit_chain(chain, width, indent=4))
    out.append(("local derivatives (each derived by sympy)", "\n".join(lines)))
    out.append(("substituted", fit(ex.substituted, width)))
    simp = fit(ex.simplified, width)
    if ex.assumption:
        simp += "\n" + wrap(ex.assumption, width)
    if ex.other_form is not None:
        label = "for general targets" if "satisfy it" in ex.assumption and "NOT" not in ex.assumption \
            else "with Σₖ yₖ = 1 (one-hot targets)"
        simp += f"\n{label}:\n{fit(ex.other_form, width)}"
    if ex.sums:
        simp += "\n" + wrap("; ".join(f"{i} runs over {what}" for i, what in ex.sums), width)
    out.append(("simplified", simp))
    mat = []
    for st in ex.matrix:
        mat.append(fit(st.equation, width, f"    [{st.shapes}]") + "\n" + wrap(st.why, width, "    "))
    out.append(("matrix form", "\n".join(mat)))
    if ex.bias_note:
        out.append(("the bias gradient", wrap(ex.bias_note, width)))
    if ex.numbers:
        with sp.evaluate(False):
            terms = sp.Add(*ex.numbers, evaluate=False) if len(ex.numbers) > 1 else ex.numbers[0]
        out.append(("numbers", fit(sp.Eq(ex.lhs, terms, evaluate=False), width)))
    elif ex.matrix_numbers is not None:
        out.append(("numbers", matrix_numbers_text(ex.matrix_numbers, width)))
    if ex.finite_difference is None:
        check = wrap("central finite difference: does not apply. Through " + ", ".join(ex.surrogates) +
                     " the loss is piecewise constant (its true derivative is 0 almost everywhere); the "
                     "straight-through estimator is a chosen surrogate gradient, so the value is checked "
                     "against the surrogate's definition, not against a finite difference.", width)
    else:
        check = f"central finite difference:\n{_fmt(ex.finite_difference, width)}"
    out.append(("value", f"{ex.title} =\n{_fmt(ex.value, width)}\n"
                         f"engine (tutor run):\n{_fmt(ex.engine_value, width)}\n{check}"))
    return out


def _jacobian_text(f: Factor, width: int | None = None) -> str:
    """A mixing op's local derivative: both cases as sympy derives them on a row of three
    units, in terms of the outputs, then joined with Kronecker's delta."""
    out = [fit(sp.Eq(f.leibniz, f.local, evaluate=False), width),
           wrap(f"from {f.op}, a row a = {f.op}(z₁, z₂, z₃); sympy differentiates each case:", width, "  ")]
    for case in f.cases:
        chain = [sp.Derivative(case.form, case.wrt), case.derived]
        if case.output_form is not None:
            chain.append(case.output_form)
        out.append(f"  {case.label}:\n" + fit_chain(chain, width, indent=4))
    out.append(wrap(f"joined (δₖⱼ = 1 if k = j, else 0): ∂aₖ/∂zⱼ = {pretty(row_symbols(f.output_form))}",
                    width, "  "))
    return "\n".join(out)


def latex_document(ex: Explanation) -> str:
    names = ex.latex_names
    lines = [r"\begin{align*}"]
    lines.append(latex(ex.chain, names).replace("=", "&=", 1) + r" \\")
    for f in ex.factors:
        lines.append(f"{latex(f.leibniz, names)} &= {latex(f.local, names)}" + r" \\")
    lines.append(latex(ex.substituted, names).replace("=", "&=", 1) + r" \\")
    lines.append(latex(ex.simplified, names).replace("=", "&=", 1) + r" \\")
    if ex.other_form is not None:
        lines.append(latex(ex.other_form, names).replace("=", "&=", 1) + r" \\")
    for st in ex.matrix:
        lines.append(latex(st.equation).replace("=", "&=", 1) + r" \quad (" + st.shapes.replace("×", r"\times ")
                     .replace("→", r"\to ").replace("⊙", r"\odot ").replace("·", r"\cdot ").replace("ᵀ", "^{T}") + r") \\")
    if ex.numbers:
        lines.append(latex(ex.lhs, names) + " &= " + " + ".join(latex(t, names) for t in ex.numbers)
                     + f" = {_fmt(ex.value)}")
    lines.append(r"\end{align*}")
    return "\n".join(lines).replace("\\\\\n\\end", "\n\\end")


def as_json(ex: Explanation) -> dict:
    names = ex.latex_names
    return {
        "target": {"kind": ex.target.kind, "layer": ex.target.layer,
                   "index": list(ex.target.index) if ex.target.index is not None else None,
                   "key": ex.target.key},
        "path": ex.path,
        "chain": {"text": pretty(ex.chain.rhs), "latex": latex(ex.chain.rhs, names)},
        "factors": [{"derivative": pretty(f.leibniz), "op": f.op, "derived": str(f.derived),
                     "output_form": str(f.output_form) if f.output_form is not None else None,
                     "local": {"text": pretty(f.local), "latex": latex(f.local, names)}} for f in ex.factors],
        "simplified": {"text": pretty(ex.simplified.rhs), "latex": latex(ex.simplified.rhs, names)},
        "sums": [{"index": i, "over": what} for i, what in ex.sums],
        "matrix": [{"text": pretty(st.equation), "latex": latex(st.equation), "shapes": st.shapes, "why": st.why}
                   for st in ex.matrix],
        "bias_note": ex.bias_note or None,
        "value": np.asarray(ex.value, dtype=float).tolist(),
        "engine_value": np.asarray(ex.engine_value, dtype=float).tolist(),
        "finite_difference": (None if ex.finite_difference is None
                              else np.asarray(ex.finite_difference, dtype=float).tolist()),
        "straight_through": ex.surrogates,
        "assumption": ex.assumption or None,
        "other_form": (None if ex.other_form is None
                       else {"text": pretty(ex.other_form.rhs), "latex": latex(ex.other_form.rhs, names)}),
        "jacobian_cases": [{"factor": pretty(f.leibniz), "cases": [
            {"case": c.label, "derived": str(c.derived),
             "output_form": str(c.output_form) if c.output_form is not None else None} for c in f.cases],
            "joined": str(row_symbols(f.output_form))} for f in ex.factors if f.cases],
    }
