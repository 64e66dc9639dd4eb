"""Element-by-element formulas with the numbers put in, built by sympy.

For a small layer a student checks one entry at a time, as the height/weight
notes write it:

    z1 = x * w11 + b1 = 0.5 * 0.5 + 0 = 0.25

Each line comes from the operation's own scalar symbolic form (Linear.symbolic,
Activation.symbolic, Loss.symbolic_term, GradientDescent.symbolic,
Preprocess.symbolic); the gradients of the affine map are sympy derivatives of
that form (dz_j/dw_ij, dz_j/dh_i, dz_j/db_j), never typed. Numbers are put in by
swapping each symbol for a placeholder that prints as the number, so the
structure of the formula stays visible; the result printed is the engine's value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from .formulas import activation_derivative, Z_SYM


def default_format(x: float, digits: int = 6) -> str:
    x = float(x)
    if x == 0:
        return "0"
    if not np.isfinite(x):
        return str(x)
    text = f"{x:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant}e{int(exp)}"
    return text


class ElementPrinter(StrPrinter):
    """sympy's str printer, with terms and factors kept in the order of the lesson
    (inputs before weights, the bias last) and ` * ` between factors."""

    def __init__(self, rank: dict, settings=None):
        super().__init__(settings or {})
        self.rank = rank

    def _key(self, expr) -> int:
        ranks = [self.rank[s] for s in expr.free_symbols if s in self.rank]
        return min(ranks) if ranks else 10**6

    def _term_key(self, expr):
        return (bool(expr.could_extract_minus_sign()), self._key(expr))

    def _print_Dummy(self, expr):
        return expr.name

    def _print_Add(self, expr, order=None):
        terms = sorted(expr.args, key=self._term_key)
        out = ""
        for k, term in enumerate(terms):
            text = self._print(term)
            if text.startswith("-") and k:
                out += " - " + text[1:]
            elif k:
                out += " + " + text
            else:
                out = text
        return out

    def _print_Mul(self, expr):
        coeff, rest = expr.as_coeff_Mul()
        factors = sp.Mul.make_args(rest)
        if all(f.is_Symbol for f in factors) and coeff in (1, -1):
            body = " * ".join(self._print(f) for f in sorted(factors, key=self._key))
            return ("-" if coeff == -1 else "") + body
        return super()._print_Mul(expr)


class _Collected(list):
    """Element lines plus, for each, (sympy's value of the formula, the engine's value)."""

    def __init__(self):
        super().__init__()
        self.checks: list[tuple[float, float]] = []

    def add(self, f, lhs, expr, value, middle=""):
        self.append(_line(f, lhs, expr, value, middle))
        self.checks.append((f.evaluate(expr), float(value)))


#: a step with at most this many entries is shown element by element (the "auto" view)
SMALL = 6


def wants_elements(step, view: str = "auto") -> bool:
    """Whether a step is shown element by element under the --view choice."""
    return view == "element" or (view == "auto" and 0 < count(step) <= SMALL)


@dataclass
class Lines:
    """The element lines of one step; `omitted` counts those left out to fit."""

    lines: list[str]
    omitted: int = 0
    total: int = 0

    @property
    def checks(self) -> list[tuple[float, float]]:
        return getattr(self.lines, "checks", [])


class _Formula:
    """Symbols, their numbers and their print order for one element line."""

    def __init__(self, fmt: Callable[[float], str]):
        self.fmt = fmt
        self.values: dict[sp.Symbol, float] = {}
        self.rank: dict = {}

    def sym(self, name: str, value: float) -> sp.Symbol:
        s = sp.Symbol(name)
        self.values[s] = float(value)
        self.rank.setdefault(s, len(self.rank))
        return s

    def number(self, value: float) -> str:
        text = self.fmt(value)
        return f"({text})" if text.startswith("-") else text

    def show(self, expr) -> str:
        return ElementPrinter(self.rank).doprint(expr)

    def substituted(self, expr) -> str:
        swap = {}
        for s in expr.free_symbols:
            if s in self.values:
                d = sp.Dummy(self.number(self.values[s]))
                swap[s] = d
                self.rank[d] = self.rank[s]
        return self.show(expr.xreplace(swap))

    def evaluate(self, expr) -> float:
        """The formula's value from sympy itself (the tests hold it to the engine's)."""
        return _real(expr.subs(self.values))


def _real(expr) -> float:
    """A sympy value as a float; log(0) and the like give inf or nan, never an error.

    sympy calls log(0) complex infinity (zoo), which float() refuses; a line on
    the edge of log(0) must still be drawn, with the engine's inf beside it.
    """
    value = sp.sympify(expr).evalf()
    if value.has(sp.nan):
        return float("nan")
    if value.has(sp.zoo):
        return float("inf")
    try:
        return float(value)
    except TypeError:  # a genuinely complex value: not a real number
        return float("nan")


def _base(symbol: str) -> str:
    """The element name of a matrix symbol: X -> x, A1 -> a, Z2 -> z, Ŷ -> ŷ."""
    return symbol.rstrip("0123456789′").lower()


SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _layer(symbol: str) -> str:
    """The layer mark the notes put on an element, from the matrix symbol: W2 -> ⁽²⁾, X -> ''."""
    digits = symbol.rstrip("′")[len(symbol.rstrip("′").rstrip("0123456789")):]
    return f"⁽{digits.translate(SUPERSCRIPT)}⁾" if digits else ""


def _element(symbol: str, j: int, units: int, s: int, samples: int) -> str:
    base = _base(symbol)
    name = base + (str(j + 1) if units > 1 or symbol[-1:].isdigit() else "") + _layer(symbol)
    return name + (f"[{s + 1}]" if samples > 1 else "")


def _loss_prefix(step) -> str:
    """'∂L' of a gradient symbol like '∂L/∂Z1'."""
    return step.symbol.split("/")[0]


def _grad(prefix: str, element: str) -> str:
    return f"{prefix}/∂{element}"


def _cells(shape, limit):
    rows, cols = shape
    cells = [(s, j) for s in range(rows) for j in range(cols)]
    return cells[:limit], max(0, len(cells) - limit), len(cells)


def _2d(v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    return v.reshape(1, -1) if v.ndim < 2 else v


def count(step) -> int:
    """How many element lines the step has (0 when it has none)."""
    if step.role == "select" or step.op is None:
        return 0
    if step.role == "loss":
        return int(np.size(list(step.inputs.values())[0])) + 1
    return int(np.size(step.value))


def element_lines(step, fmt: Callable[[float], str] | None = None, limit: int = 8) -> Lines | None:
    """The step's element lines with numbers, or None if it has none."""
    fmt = fmt or default_format
    role = step.role
    if role == "select" or step.op is None:
        return None
    if role == "forward" and step.op.name == "linear":
        return _linear(step, fmt, limit)
    if role == "forward":
        return _activation(step, fmt, limit) if step.op.elementwise else None
    if role == "backward":
        return _activation_backward(step, fmt, limit) if step.op.elementwise else None
    if role in ("weight_grad", "bias_grad", "input_grad"):
        return _linear_backward(step, fmt, limit)
    if role == "loss":
        return _loss(step, fmt, limit)
    if role == "loss_grad":
        return _loss_grad(step, fmt, limit)
    if role == "update":
        return _update(step, fmt, limit)
    if role == "preprocess":
        return _preprocess(step, fmt, limit)
    return None


def _line(f: _Formula, lhs: str, expr, value, middle: str = "") -> str:
    parts = [lhs]
    if middle:
        parts.append(middle)
    shown, filled = f.show(expr), f.substituted(expr)
    parts.append(shown)
    if filled != shown:
        parts.append(filled)
    parts.append(f.fmt(value) + _why_not_finite(f, expr, value))
    # drop a repeated part (e.g. a bias gradient that is just dL/dz)
    out = [parts[0]]
    for p in parts[1:]:
        if p != out[-1]:
            out.append(p)
    return " = ".join(out)


def _why_not_finite(f: _Formula, expr, value) -> str:
    """' (log 0)' after an infinite result that comes from taking the log of 0."""
    if np.isfinite(float(value)):
        return ""
    for term in sp.sympify(expr).atoms(sp.log):
        if _real(term.args[0].subs(f.values)) == 0:
            return " (log 0)"
    return ""


def _weight_names(wname: str):
    return lambda i, j: f"{_base(wname)}{i + 1}{j + 1}{_layer(wname)}"


def _bias_name(bname: str):
    return lambda j: f"{_base(bname)}{j + 1}{_layer(bname)}"


def _linear_z(op, f: _Formula, hname, H, wname, W, bname, B, s, j):
    """z_sj as the op's symbolic form, with symbols registered in print order."""
    m, n_in = H.shape
    hs = [f.sym(_element(hname, i, n_in, s, m), H[s, i]) for i in range(n_in)]
    ws = [f.sym(_weight_names(wname)(i, j), W[i, j]) for i in range(n_in)]
    b = f.sym(_bias_name(bname)(j), B[j])
    return op.symbolic(sp, hs, ws, b), hs, ws, b


def _linear(step, fmt, limit):
    (hname, H), (wname, W), (bname, B) = step.inputs.items()
    H, W, B, Z = _2d(H), _2d(W), np.ravel(B), _2d(step.value)
    cells, omitted, total = _cells(Z.shape, limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        expr, *_ = _linear_z(step.op, f, hname, H, wname, W, bname, B, s, j)
        lines.add(f, _element(step.symbol, j, Z.shape[1], s, Z.shape[0]), expr, Z[s, j])
    return Lines(lines, omitted, total)


def _activation(step, fmt, limit):
    (zname, Zv), = step.inputs.items()
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


def _activation_backward(step, fmt, limit):
    (gname, G), (zname, Zv), _ = step.inputs.items()
    G, Zv, out = _2d(G), _2d(Zv), _2d(step.value)
    prefix = _loss_prefix(step)
    aname = gname.split("/∂")[-1]
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
        line = (f"{_grad(prefix, _element(step.symbol.split('/∂')[-1], j, k, s, m))} = {f.show(expr)}"
                f" = {f.number(G[s, j])} * {fprime}({fmt(Zv[s, j])})"
                f" = {f.substituted(expr)} = {fmt(out[s, j])}")
        lines.append(line)
        lines.checks.append((f.evaluate(expr), float(out[s, j])))
    return Lines(lines, omitted, total)


def _linear_backward(step, fmt, limit):
    """Each gradient entry as a sum over the affine map's own derivatives."""
    op, role = step.op, step.role
    prefix = _loss_prefix(step)
    items = list(step.inputs.items())
    out = _2d(step.value)
    lines = _Collected()
    if role == "weight_grad":
        (hname, H), (gname, G), *rest = items
        H, G = _2d(H), _2d(G)
        m, n_in = H.shape
        k = G.shape[1]
        wname = step.symbol.split("/∂")[-1]
        cells, omitted, total = _cells((n_in, k), limit)
        for i, j in cells:
            f = _Formula(fmt)
            terms = []
            for s in range(m):
                W = np.zeros((n_in, k))
                z, hs, ws, b = _linear_z(op, f, hname, H, wname, W, "b", np.zeros(k), s, j)
                g = f.sym(_grad(prefix, _element(gname.split("/∂")[-1], j, k, s, m)), G[s, j])
                terms.append(g * sp.diff(z, ws[i]))
            expr = sp.Add(*terms)
            for s in list(f.values):  # the zero weights and biases only served the derivative
                if s.name.startswith(_base(wname)) or s.name.startswith("b"):
                    f.values.pop(s, None)
            if rest:
                (wn, Wv), = rest
                lam = f.sym("λ", step.extra["l2"])
                expr = expr + lam * f.sym(_weight_names(wn)(i, j), _2d(Wv)[i, j])
            lhs = _grad(prefix, _weight_names(wname)(i, j))
            lines.add(f, lhs, expr, out[i, j])
        return Lines(lines, omitted, total)
    if role == "bias_grad":
        (gname, G), = items
        G = _2d(G)
        m, k = G.shape
        cells, omitted, total = _cells((1, k), limit)
        for _, j in cells:
            f = _Formula(fmt)
            terms = []
            for s in range(m):
                z, hs, ws, b = _linear_z(op, f, "h", np.zeros((m, 1)), "w", np.zeros((1, k)), "b",
                                         np.zeros(k), s, j)
                g = f.sym(_grad(prefix, _element(gname.split("/∂")[-1], j, k, s, m)), G[s, j])
                terms.append(g * sp.diff(z, b))
            expr = sp.Add(*terms)
            bname = step.symbol.split("/∂")[-1]
            lines.add(f, _grad(prefix, _bias_name(bname)(j)), expr, np.ravel(step.value)[j])
        return Lines(lines, omitted, total)
    # input_grad: dL/dh_si = sum_j dL/dz_sj * dz_sj/dh_si
    (gname, G), (wname, W) = items
    G, W = _2d(G), _2d(W)
    m, k = G.shape
    n_in = W.shape[0]
    hname = step.symbol.split("/∂")[-1]
    cells, omitted, total = _cells((m, n_in), limit)
    for s, i in cells:
        f = _Formula(fmt)
        terms = []
        for j in range(k):
            z, hs, ws, b = _linear_z(op, f, hname, np.zeros((m, n_in)), wname, W, "b", np.zeros(k), s, j)
            g = f.sym(_grad(prefix, _element(gname.split("/∂")[-1], j, k, s, m)), G[s, j])
            terms.append(g * sp.diff(z, hs[i]))
        expr = sp.Add(*terms)
        lines.add(f, _grad(prefix, _element(hname, i, n_in, s, m)), expr, out[s, i])
    return Lines(lines, omitted, total)


def _loss_symbols(step):
    (yhname, Yh), (yname, Y) = list(step.inputs.items())[:2]
    return yhname, _2d(Yh), yname, _2d(Y)


def _loss(step, fmt, limit):
    op = step.op
    yhname, Yh, yname, Y = _loss_symbols(step)
    m, k = Yh.shape
    c = step.extra["scale"]
    lines = _Collected()
    terms = []
    cells, omitted, total = _cells((m, k), limit - 1 if m * k > 1 else limit)
    loss_symbol = step.symbol
    if m * k == 1:
        f = _Formula(fmt)
        yh = f.sym(_element(yhname, 0, 1, 0, 1), Yh[0, 0])
        y = f.sym(_element(yname, 0, 1, 0, 1), Y[0, 0])
        expr = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k)) * op.symbolic_term(sp, yh, y)
        lines.add(f, loss_symbol, expr, step.extra["data_loss"])
    else:
        values = op.term(Yh, Y)
        for s, j in cells:
            f = _Formula(fmt)
            yh = f.sym(_element(yhname, j, k, s, m), Yh[s, j])
            y = f.sym(_element(yname, j, k, s, m), Y[s, j])
            name = "ℓ" + (f"[{s + 1}]" if k == 1 else f"[{s + 1},{j + 1}]")
            lines.add(f, name, op.symbolic_term(sp, yh, y), values[s, j])
            terms.append(name)
        scale = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k))
        names = "ℓ[1] + … + ℓ[m]".replace("m", str(m)) if k == 1 else "Σ ℓ"
        lines.append(f"{loss_symbol} = {scale} * ({names}) = {fmt(step.extra['data_loss'])}")
    if step.extra.get("penalty"):
        lines.append(f"{loss_symbol} = data loss + λ/2 ‖W‖² = {fmt(step.extra['data_loss'])} + "
                     f"{fmt(step.extra['penalty'])} = {fmt(step.value)}")
    return Lines(lines, omitted, total + (1 if m * k > 1 else 0))


def _loss_grad(step, fmt, limit):
    op = step.op
    yhname, Yh, yname, Y = _loss_symbols(step)
    m, k = Yh.shape
    out = _2d(step.value)
    prefix = _loss_prefix(step)
    cells, omitted, total = _cells((m, k), limit)
    lines = _Collected()
    for s, j in cells:
        f = _Formula(fmt)
        yel = _element(yhname, j, k, s, m)
        yh = f.sym(yel, Yh[s, j])
        y = f.sym(_element(yname, j, k, s, m), Y[s, j])
        scale = op.scale_symbolic(sp, sp.Integer(m), sp.Integer(k))
        expr = sp.diff(scale * op.symbolic_term(sp, yh, y), yh)
        lines.add(f, _grad(prefix, yel), expr, out[s, j])
    return Lines(lines, omitted, total)


def _update(step, fmt, limit):
    (tname, T), (gname, G) = step.inputs.items()
    vector = np.ndim(T) == 1
    T, G, out = _2d(T), _2d(G), _2d(step.value)
    prefix = gname.split("/")[0]
    cells, omitted, total = _cells(T.shape, limit)
    lines = _Collected()
    for r, c in cells:
        f = _Formula(fmt)
        el = _bias_name(tname)(c) if vector else _weight_names(tname)(r, c)
        theta = f.sym(el, T[r, c])
        lr = f.sym("η", step.extra["learning_rate"])
        grad = f.sym(_grad(prefix, el), G[r, c])
        expr = step.op.symbolic(sp, theta, grad, lr)
        lines.add(f, el + "′", expr, out[r, c])
    return Lines(lines, omitted, total)


def _preprocess(step, fmt, limit):
    (xname, X), = step.inputs.items()
    X, out = _2d(X), _2d(step.value)
    stats = step.extra["stats"]
    cells, omitted, total = _cells(X.shape, limit)
    lines = _Collected()
    m, n = X.shape
    for s, c in cells:
        f = _Formula(fmt)
        x = f.sym(_element(xname, c, n, s, m), X[s, c])
        suffix = str(c + 1) if n > 1 else ""
        syms = {k: f.sym(f"{_base(xname)}{suffix}_{k}", np.ravel(v)[c]) for k, v in stats.items()}
        expr = step.op.symbolic(sp, x, syms)
        lines.add(f, x.name + "′", expr, out[s, c])
    return Lines(lines, omitted, total)
