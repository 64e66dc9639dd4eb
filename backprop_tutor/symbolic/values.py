"""Every number of an explanation: the gradient chained from the sympy-derived local
derivatives, a central finite difference, the operand matrices of a whole-matrix rule,
and the element form with its numbers substituted."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..i18n import _
from ..engine import lazy
from ..engine.network import forward, run_pass
from ..lazy import LazyModule
from ..ops import affine_of
from ..ops.penalty import L2Term
from ..ops.binary import sign as binary_sign
from .numeric import Sampled

if TYPE_CHECKING:
    from .names import _Names
    from .records import MatrixNumbers
    from .targets import Target

#: sympy, imported when a formula must be derived (explain with its formulas in the cache
#: reads the value they gave and computes its other numbers without it); local.py's symbols
#: likewise, imported where a formula is built
sp = LazyModule("sympy")



#: the functions a derived formula may call besides numpy's (lambdify's `modules`)
OWN = {"sign": binary_sign}
L2 = L2Term()


class Derived:
    """The numeric functions of an explanation's derived formulas, by name, made by sympy's
    lambdify from the derivation in this process (each made once per explanation). Nothing
    of them is kept between runs: the cache keeps the value they gave (printing/kept.py)."""

    def __init__(self) -> None:
        self.made: dict = {}

    def fn(self, name: str, build, own: bool = False):
        """The function `name`; `build()` gives (expression, its symbols) when it must be derived;
        `own`: the formula's sign() is the tutor's binary sign (else numpy's)."""
        if name not in self.made:
            expr, syms = build()
            self.made[name] = sp.lambdify(syms, expr, modules=[OWN, "numpy"] if own else "numpy")
        return self.made[name]


def _dz_dh(scenario, params, q: int, derived: Derived | None = None) -> np.ndarray:
    """The sympy-derived dz/dh of layer q's own affine op, on its weights (W, or sign(W))."""
    derived = derived or Derived()
    def build():
        from .local import W_IJ, linear_local

        return linear_local(affine_of(scenario.layers[q - 1]))["h"], W_IJ

    fn = derived.fn(f"dz/dh {q}", build, own=True)
    return np.broadcast_to(np.asarray(fn(params[f"W{q}"]), dtype=float), params[f"W{q}"].shape)


def _matrix_numbers(scenario, target: Target, steps, data, matrix: list, value,
                    derived: Derived | None = None) -> MatrixNumbers:
    """The target's own matrix rule (the last of the matrix form) with the engine's operand
    matrices in it: e.g. ∂J/∂W1 = Xᵀ ⋅ ∂J/∂Z1 with Xᵀ and ∂J/∂Z1 written out."""
    from .records import MatrixNumbers

    n, l, kind = scenario.depth, target.layer, target.kind
    Ls = scenario.notation.loss
    arr = _arrays(scenario, steps, data)
    params = scenario.parameters
    derived = derived or Derived()

    def name(q):
        return scenario.notation.act(q, n) if q > 0 else scenario.notation.inputs

    def wname(q):
        weight_op = affine_of(scenario.layers[q - 1]).weight_op
        return (f"{weight_op.label}(W{q})" if weight_op is not None else f"W{q}") + "ᵀ"

    result = value if lazy.is_lazy(value) else np.asarray(value, dtype=float)
    if kind == "W":
        fed, shown = _fed(arr, l - 1), f"D{l - 1}" if ("D", l - 1) in arr else name(l - 1)
        ops = [("", f"{shown}ᵀ", fed.T), ("⋅", f"∂{Ls}/∂Z{l}", steps[f"dL/dZ{l}"].value)]
        if scenario.l2 and scenario.penalty is None:
            ops += [("+", "λ", np.asarray(scenario.l2)), ("⋅", f"W{l}", params[f"W{l}"])]
        elif scenario.l2:
            ops += [("+", f"∂({scenario.penalty.whole_text()})/∂W{l}",
                     scenario.penalty.backward(params[f"W{l}"], scenario.l2))]
    elif kind == "b":
        G = steps[f"dL/dZ{l}"].value
        ops = [("", f"(∂{Ls}/∂Z{l})ᵀ", G.T), ("⋅", "𝟙", np.ones((G.shape[0], 1)))]
        result = result.reshape(-1, 1)
    elif kind == "Z":
        act = scenario.layers[l - 1].activation
        ops = [("", f"∂{Ls}/∂{name(l)}", steps[f"dL/dA{l}"].value)]
        if act.elementwise:
            ops.append(("⊙", f"{act.label}′(Z{l})", _activation_derivative(derived, scenario, l)(arr[("Z", l)])))
        else:
            ops.append(("→", _("each row times J_{label}ᵀ").format(label=act.label), None))
    elif target.parameter:
        ops = [("", f"∂{Ls}/∂{name(l)}", steps[f"dL/dA{l}"].value),
               ("⊙", f"∂{name(l)}/∂{target.name}", _parameter_derivative(scenario, target, steps, derived))]
        result = result.reshape(1, 1)
    elif l < n:
        ops = [("", f"∂{Ls}/∂Z{l + 1}", steps[f"dL/dZ{l + 1}"].value), ("⋅", wname(l + 1), _dz_dh(scenario, params, l + 1, derived).T)]
    else:
        ops = [("", name(n), arr[("A", n)]), (",", scenario.notation.targets, arr[("Y", 0)])]
    return MatrixNumbers(matrix[-1].equation, ops, result)


def _arrays(scenario, steps, data) -> dict:
    n = scenario.depth
    arr = {("A", 0): data.x, ("Y", 0): data.y}
    for q in range(1, n + 1):
        arr[("A", q)] = steps[f"A{q}"].value
        arr[("Z", q)] = steps[f"Z{q}"].value
        if f"D{q}" in steps:  # training-mode dropout: what the next layer reads
            arr[("D", q)] = steps[f"D{q}"].value
    return arr


def _fed(arr: dict, q: int):
    """What layer q + 1 reads: D_q where layer q's activations are dropped, else A_q."""
    return arr.get(("D", q), arr[("A", q)])


def _lambda(fn):
    return lambda *args: np.broadcast_to(np.asarray(fn(*args), dtype=float), np.shape(args[0])).copy()


def _activation_derivative(derived: Derived, scenario, q: int):
    """f'(z) of layer q's activation, as sympy derives it (activation_local), as a function."""
    def build():
        from .local import Z, activation_local

        return activation_local(scenario.layers[q - 1].activation)[1], (Z,)

    return _lambda(derived.fn(f"f' {q}", build))


def _loss_derivative(scenario, dterm, arr, derived: Derived | None = None) -> np.ndarray:
    """∂L/∂ŷ from the loss's derived form, with 1 - ŷ read as the output activation computes
    it without cancellation (as the pass does): near ŷ = 1 the rounded 1 - ŷ has lost its digits.
    `dterm` is read only when the function is not in `derived` yet."""
    n = scenario.depth

    def build():
        from .local import YHAT, Y

        one_minus = sp.Symbol("one_minus_yhat")
        return dterm.subs(1 - YHAT, one_minus), (YHAT, Y, one_minus)

    fn = _lambda((derived or Derived()).fn("dL/dŷ", build))
    comp = scenario.layers[n - 1].activation.complement(arr[("Z", n)], arr[("A", n)])
    with np.errstate(divide="ignore", invalid="ignore"):
        return fn(arr[("A", n)], arr[("Y", 0)], comp)


def _value(scenario, target: Target, steps, data, factors_ops, derived: Derived | None = None) -> np.ndarray:
    """The gradient from the sympy-derived local derivatives alone, chained with numpy; the
    derived formulas' functions come from `derived` when it has them (`dterm` is then unused)."""
    dterm, acts = factors_ops
    derived = derived or Derived()
    arr = _arrays(scenario, steps, data)
    params = {k: v for k, v in scenario.parameters.items()}
    n, l = scenario.depth, target.layer
    g = _loss_derivative(scenario, dterm, arr, derived)

    def dz_dh(q):
        return _dz_dh(scenario, params, q, derived)

    stop = l + 1 if target.kind == "A" or target.parameter else l
    for q in range(n, stop - 1, -1):
        if acts[q - 1].elementwise:
            g = g * _activation_derivative(derived, scenario, q)(arr[("Z", q)])
        else:  # row by row: dL/dz_sj = Σ_k dL/da_sk · ∂a_sk/∂z_sj, the sympy-derived Jacobian
            joined = (lambda act=acts[q - 1]: _jacobian_local(act))
            g = np.einsum("sk,skj->sj", g, _jacobian(joined, arr[("A", q)], derived, f"J {q}"))
        if q > l:
            g = g @ dz_dh(q).T
    if target.kind == "W":
        h = _fed(arr, l - 1)
        if target.index is None and lazy.wide((h.shape[1], g.shape[1])):  # as the pass keeps a wide layer's
            g = lazy.Product(h.T, g)
            if scenario.l2:
                g = lazy.Rowwise(lambda a, w: a + (scenario.penalty or L2).backward(w, scenario.l2), g, params[f"W{l}"])
            return g
        g = h.T @ g
        if scenario.l2:
            g = g + (scenario.penalty or L2).backward(params[f"W{l}"], scenario.l2)
    elif target.kind == "b":
        g = g.sum(axis=0)
    elif target.parameter:
        g = (g * _parameter_derivative(scenario, target, steps, derived)).sum()
    return g[target.index] if target.index is not None else g


def _parameter_derivative(scenario, target: Target, steps, derived: Derived | None = None) -> np.ndarray:
    """∂A/∂p of the target's layer, entry by entry: the sympy derivative of the activation's
    symbolic form with respect to its parameter, at the pass's Z and the parameter's value."""
    act, slot, l = scenario.layers[target.layer - 1].activation, target.kind, target.layer

    def build():
        from .local import Z

        generic = sp.Symbol(slot)
        return sp.diff(act.symbolic(sp, Z, **{slot: generic}), generic), (Z, generic)

    fn = _lambda((derived or Derived()).fn(f"dA/d{slot} {l}", build))
    value = steps[f"A{l}"].args[slot]
    return fn(steps[f"Z{l}"].value, np.broadcast_to(value, steps[f"Z{l}"].value.shape))


def _jacobian_local(act):
    from .local import jacobian_local

    return jacobian_local(act)[1]


def _jacobian(joined, a: np.ndarray, derived: Derived | None = None, name: str = "J") -> np.ndarray:
    """∂a_sk/∂z_sj for every sample s, from the joined form in a[k], a[j] and δ_kj (`joined`:
    the form, or a function giving it, asked only when `derived` has no function `name`)."""
    def build():
        from .local import A_ROW, JJ, JK

        ak, aj, delta = sp.symbols("a_k a_j delta")
        form = joined if isinstance(joined, sp.Basic) else joined()
        expr = form.subs({A_ROW[JK]: ak, A_ROW[JJ]: aj, sp.KroneckerDelta(JK, JJ): delta}, simultaneous=True)
        return expr, (ak, aj, delta)

    fn = (derived or Derived()).fn(name, build)
    k = a.shape[1]
    out = fn(a[:, :, None], a[:, None, :], np.eye(k)[None, :, :])
    return np.broadcast_to(np.asarray(out, dtype=float), (a.shape[0], k, k))


def _loss_at(engine, scenario, target: Target, data, params, pert=None) -> float:
    """The loss from the network pass, with one value of the pass (Z or A) shifted by `pert`."""
    shift = None if pert is None else (target.kind, target.layer, pert)
    return run_pass(engine.network, params, data.x, data.y, backward=False, shift=shift).loss


#: a whole matrix of at most this many entries gets a central difference at every entry
FD_ALL = 256
#: ... a larger one at the entries a printed matrix shows (its first and last FD_EDGE rows
#: and columns), as many of them as FD_WORK multiply-adds of the network's passes allow
FD_EDGE = 3
FD_WORK = 4e9


def _fd_entries(shape: tuple, pass_cost: float) -> tuple[list, list, int, str]:
    """(rows, cols, how many of their entries to difference, why not all of the matrix)."""
    rows, cols = ((1,) * (2 - len(shape)) + tuple(shape))[-2:]
    size = rows * cols
    afford = max(1, int(FD_WORK // max(2 * pass_cost, 1)))
    if size <= min(FD_ALL, afford):
        return list(range(rows)), list(range(cols)), size, ""

    def edges(n):
        return list(range(n)) if n <= 2 * FD_EDGE else list(range(FD_EDGE)) + list(range(n - FD_EDGE, n))

    r, c = edges(rows), edges(cols)
    count = min(len(r) * len(c), afford)
    why = (_("the {count} entries shown (of {size})").format(count=count, size=f"{size:,}")
           if count == len(r) * len(c) else
           _("the first {count} of the {shown} entries shown (of {size}; each takes two passes of this "
             "network, {cost} multiply-adds each)").format(count=count, shown=len(r) * len(c), size=f"{size:,}",
                                                           cost=f"{pass_cost:,.0f}"))
    return r, c, count, why


def _finite_difference(engine, scenario, target: Target, data, h: float = 1e-6):
    """A central difference of the loss through the network pass: at every entry of a small
    matrix, at the entries shown of a larger one (a Sampled record), or at the one entry
    asked for. Nothing is copied: the entry is shifted in place and put back exactly."""
    name = f"{target.kind}{target.layer}"
    own = name in engine.params  # W, b or an activation's parameter
    params = engine.params
    if own:
        shape = np.shape(params[name])
    else:
        shape = np.shape(_forward_value(engine, params, data, target))

    def at(e) -> float:
        vals = []
        for sign in (1, -1):
            if own:
                value = params[name]
                kept = value[e]
                try:
                    value[e] += sign * h
                    vals.append(_loss_at(engine, scenario, target, data, params))
                finally:
                    value[e] = kept
            else:
                pert = np.zeros(shape)
                pert[e] = sign * h
                vals.append(_loss_at(engine, scenario, target, data, params, pert))
        return (vals[0] - vals[1]) / (2 * h)

    if target.index is not None:
        return at(target.index)
    if len(shape) == 0:  # one parameter of the layer (a slope): one entry
        return np.asarray(at(()))
    widths = scenario.widths()
    cost = data.x.shape[0] * sum(a * b for a, b in zip(widths, widths[1:]))
    rows, cols, count, why = _fd_entries(tuple(shape), cost)
    grid = np.full((len(rows), len(cols)), np.nan)
    flat = len(shape) < 2
    for n, (a, b) in enumerate(np.ndindex(len(rows), len(cols))):
        if n >= count:
            break
        grid[a, b] = at((cols[b],) if flat else (rows[a], cols[b]))
    if not why:
        return grid.reshape(shape)
    return Sampled(tuple(shape), rows, cols, grid, count, why)


def _forward_value(engine, params, data, target):
    """Z or A of the target's layer, from the network pass."""
    _hs, zs, _ws, acts, normed = forward(engine.network, params, data.x)
    if target.kind == "Z":  # before a batch normalisation, if the layer has one
        return normed[target.layer][0] if target.layer in normed else zs[target.layer - 1]
    return acts[target.layer - 1]  # before a dropout, if the layer has one


MAX_TERMS = 8


def _numbers(names: _Names, body, sums, extra, scenario, steps, data, target, generic: bool) -> list:
    """The simplified product with the numbers substituted, one expression per term of
    the sums (none when the sums have more than MAX_TERMS terms, or the target is a
    whole matrix: then the matrix form carries the numbers)."""
    if generic:
        return []
    total = int(np.prod([count for _n, _s, count, _w in sums])) if sums else 1
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
    for combo in np.ndindex(*[count for _n, _s, count, _w in sums]) if sums else [()]:
        at = {name: v + 1 for (name, _s, _c, _w), v in zip(sums, combo)}
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
