"""Element-by-element formulas with the numbers put in, built by sympy: the parts every
presentation rule shares (the printer, number placeholders, element names).

For a small layer a student checks one entry at a time, as the height/weight
notes write it:

    z1 = x * w11 + b1 = 0.5 * 0.5 + 0 = 0.25

Each line comes from the operation's own scalar symbolic form; numbers are put in
by swapping each symbol for a placeholder that prints as the number, so the
structure of the formula stays visible; the result printed is the engine's value.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import islice

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from .substitution import Lines  # noqa: F401  (the lines of a step, made here)

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

    def _print_Heaviside(self, expr):  # the step 1[u > 0]; where it is used, θ(0) = 0 is said beside it
        return f"θ({self._print(expr.args[0])})"

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
    """Element lines plus, for each, (sympy's value of the formula, the engine's value).

    The self-check is worked out only when asked for (by the tests): putting every number
    into every sum in sympy costs more than drawing the lines."""

    def __init__(self):
        super().__init__()
        self._pending: list[tuple] = []

    def add(self, f, lhs, expr, value, middle=""):
        self.append(_line(f, lhs, expr, value, middle))
        self.check(f, expr, value)

    def check(self, f, expr, value) -> None:
        self._pending.append((f, expr, float(value)))

    @property
    def checks(self) -> list[tuple[float, float]]:
        return [(f.evaluate(expr), value) for f, expr, value in self._pending]


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
        return _real(expr.xreplace({s: sp.Float(v) for s, v in self.values.items()}))


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
    """'∂L': the scenario's loss symbol as a gradient's numerator."""
    return f"∂{step.names['loss']}"


def _grad(prefix: str, element: str) -> str:
    return f"{prefix}/∂{element}"


def _cells(shape, limit):
    """The first `limit` cells in row order, how many are left out, and how many there are
    (only the cells shown are listed: a 4096x4096 matrix has 16 million)."""
    rows, cols = shape
    total = rows * cols
    cells = list(islice(((s, j) for s in range(rows) for j in range(cols)), max(0, limit)))
    return cells, max(0, total - limit), total


def _2d(v) -> np.ndarray:
    if hasattr(v, "take_rows"):  # a wide layer's lazily computed matrix: read entry by entry
        return v
    v = np.asarray(v, dtype=float)
    return v.reshape(1, -1) if v.ndim < 2 else v


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


def _scalar_name(name: str) -> str:
    """A layer's one number, as the notes mark it: α1 -> α⁽¹⁾."""
    return f"{_base(name)}{_layer(name)}"


def _bias_name(bname: str):
    return lambda j: f"{_base(bname)}{j + 1}{_layer(bname)}"


def _linear_term(op, f: _Formula, hname, H, wname, W, bname, B, s, j, i):
    """z_sj as the op's symbolic form on input i alone (with the bias): what a derivative
    with respect to h_si, w_ij or b_j reads, since z is a sum over the inputs. Registering
    one input instead of all n_in keeps a gradient line linear in its terms."""
    m, n_in = H.shape
    h = f.sym(_element(hname, i, n_in, s, m), H[s, i])
    w = f.sym(_weight_names(wname)(i, j), W[i, j])
    b = f.sym(_bias_name(bname)(j), B[j])
    return op.symbolic(sp, [h], [w], b), h, w, b


def _linear_z(op, f: _Formula, hname, H, wname, W, bname, B, s, j):
    """z_sj as the op's symbolic form, with symbols registered in print order."""
    m, n_in = H.shape
    hs = [f.sym(_element(hname, i, n_in, s, m), H[s, i]) for i in range(n_in)]
    ws = [f.sym(_weight_names(wname)(i, j), W[i, j]) for i in range(n_in)]
    b = f.sym(_bias_name(bname)(j), B[j])
    return op.symbolic(sp, hs, ws, b), hs, ws, b


