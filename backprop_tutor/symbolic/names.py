"""The element symbols of one scenario (x_i, a_j^(1), z_j^(1), w_ij^(1), ŷ_k, y_k ...) and
the index letters of its sums, as many as the network is deep."""

from __future__ import annotations

from itertools import count

import sympy as sp

from .local import JK, KK

_FREE = "kptuvrmn"  # letters that have unicode subscripts; then k₁, p₁ ... k₂ ...
_SUB = dict(zip("0123456789aehijklmnoprstuvx,", "₀₁₂₃₄₅₆₇₈₉ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ,"))
_SUP = dict(zip("0123456789()", "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾"))
_DIGIT = {v: k for k, v in _SUB.items() if k.isdigit()}


def index_letters():
    """The free index letters of a path, without end: k, p, t, u, v, r, m, n, k₁, p₁ ... n₁, k₂ ..."""
    yield from _FREE
    for round_ in count(1):
        mark = "".join(_SUB[d] for d in str(round_))
        for letter in _FREE:
            yield letter + mark


def _latex_index(i: str) -> str:
    """k₁ -> k_{1} (LaTeX has no unicode subscripts)."""
    digits = "".join(_DIGIT.get(ch, "") for ch in i)
    return i.rstrip("".join(_DIGIT)) + f"_{{{digits}}}" if digits else i


def row_symbols(expr: sp.Expr) -> sp.Expr:
    """a[k], a[j], δ(k, j) written as the plain symbols aₖ, aⱼ, δₖⱼ for printing."""
    expr = expr.replace(lambda e: isinstance(e, sp.KroneckerDelta),
                        lambda e: sp.Symbol("δ" + "".join(_SUB.get(str(i), str(i))
                                                          for i in sorted(e.args, key=lambda i: i != JK))))
    return expr.replace(lambda e: isinstance(e, sp.Indexed),
                        lambda e: sp.Symbol(str(e.base) + _SUB.get(str(e.indices[0]), str(e.indices[0]))))


class _Names:
    """Element symbols of one scenario: x_i, a_j^(1), z_j^(1), w_ij^(1), ŷ_k, y_k ..."""

    def __init__(self, scenario, m: int) -> None:
        self.s = scenario
        self.m = m
        self.n = scenario.depth
        self.latex: dict = {}
        self.where: dict = {}  # symbol -> (array name, sample, unit, unit2) for numbers

    def _make(self, base: str, latex_base: str, sup: str, idx: list[str], where) -> sp.Symbol:
        sep = "," if any(len(i) > 1 for i in idx) or len(idx) > 2 else ""
        sub = sep.join(idx)
        name = base + "".join(_SUB.get(ch, ch) for ch in sub) + "".join(_SUP[ch] for ch in f"({sup})" if sup)
        sym = sp.Symbol(name)
        tex = sep.join(_latex_index(i) for i in idx)
        self.latex[sym] = latex_base + (f"_{{{tex}}}" if tex else "") + (f"^{{({sup})}}" if sup else "")
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

    def fed(self, q: int, s, u) -> sp.Symbol:
        """What layer q + 1 reads: a_j^(q), or d_j^(q) where layer q's activations are dropped."""
        from .reach import dropped

        if q and dropped(self.s, q):
            return self._make("d", "d", str(q), self._sample(s) + [str(u)], ("D", q, s, u))
        return self.act(q, s, u)

    def target(self, s, u) -> sp.Symbol:
        return self._make("y", "y", "", self._sample(s) + [str(u)], ("Y", 0, s, u))

    def pre(self, q: int, s, u) -> sp.Symbol:
        return self._make("z", "z", str(q), self._sample(s) + [str(u)], ("Z", q, s, u))

    def weight(self, q: int, i, j) -> sp.Symbol:
        return self._make("w", "w", str(q), [str(i), str(j)], ("W", q, i, j))

    def bias(self, q: int, j) -> sp.Symbol:
        return self._make("b", "b", str(q), [str(j)], ("b", q, None, j))

    def parameter(self, q: int, slot: str) -> sp.Symbol:
        """A learnable parameter of layer q's activation, e.g. α⁽¹⁾ for PReLU's alpha."""
        act = self.s.layers[q - 1].activation
        return self._make(act.symbol(slot), act.latex_symbols.get(slot, slot), str(q), [], (slot, q, None, None))

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
