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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm

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


def latex(expr, names: dict | None = None) -> str:
    out = _Latex({"order": "none", "symbol_names": names or {}, "mul_symbol": "dot"}).doprint(expr)
    for plain, tex in (("∂", r"\partial "), ("ŷ", r"\hat{y}"), ("Ŷ", r"\hat{Y}"), ("σ", r"\sigma "),
                       ("′", "'"), ("ℓ", r"\ell "), ("λ", r"\lambda ")):
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


@dataclass
class MatrixStep:
    equation: sp.Eq
    shapes: str
    why: str


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
    for act in acts[target.layer - 1:] if target.kind != "A" else acts[target.layer:]:
        if not act.elementwise:
            raise NotImplementedError(
                f"explain derives element-wise activations only; {act.name} mixes the units of a row "
                f"(its Jacobian is shown by `tutor run`)")
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

    # the chain, from the loss back to the target
    factors: list[Factor] = []
    path = [str(L)]
    c, term, dterm = loss_local(scenario.loss, m, k_out)
    yhat = names.act(n, s_ix, units[n])
    ysym = names.target(s_ix, units[n])
    factors.append(Factor(sp.Derivative(L, yhat), scenario.loss.title, c * term, dterm, None,
                          dterm.subs({YHAT: yhat, Y: ysym}), YHAT))
    path.append(scenario.notation.act(n, n))
    top = l if kind != "A" else l + 1
    for q in range(n, top - 1, -1):
        a_q, z_q = names.act(q, s_ix, units[q]), names.pre(q, s_ix, units[q])
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
    merged = _merge(locals_)
    extra = None
    if kind == "W" and scenario.l2:
        extra = sp.Symbol("λ") * names.weight(l, inp, unit)
    body = sp.Mul(*merged, evaluate=False) if len(merged) > 1 else merged[0]
    simplified = summed(body)
    if extra is not None:
        simplified = sp.Add(simplified, extra, evaluate=False)

    # values: the sympy-derived local derivatives, chained numerically
    value = _value(scenario, target, steps, data, factors_ops=(dterm, acts))
    engine_value = np.asarray(steps[target.key].value, dtype=float)
    if target.index is not None:
        engine_value = engine_value[target.index]
    surrogates = straight_through(scenario, target)
    fd = None if surrogates else _finite_difference(engine, scenario, target, data)

    numbers = _numbers(names, body, sums, extra, scenario, steps, data, target, generic=idx is None)
    title = pretty(lhs) if idx is not None else f"∂{L}/∂{kind}{l}"
    return Explanation(
        target=target, title=title, lhs=lhs, path=path, chain=sp.Eq(lhs, chain, evaluate=False),
        factors=factors, substituted=sp.Eq(lhs, substituted, evaluate=False),
        simplified=sp.Eq(lhs, simplified, evaluate=False),
        sums=[(name, what) for name, _, _, what in sums], numbers=numbers,
        matrix=_matrix_form(scenario, target, m, c), bias_note=_bias_note(scenario, target, m, c),
        value=value, engine_value=engine_value, finite_difference=fd, latex_names=names.latex,
        surrogates=surrogates)


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
    def dz_dh(q):  # the sympy-derived dz/dh of layer q's own affine op, on its weights
        fn = sp.lambdify(W_IJ, linear_local(affine_op(scenario.layers[q - 1]))["h"],
                         modules=[{"sign": binary_sign}, "numpy"])
        return np.broadcast_to(np.asarray(fn(params[f"W{q}"]), dtype=float), params[f"W{q}"].shape)

    stop = l + 1 if target.kind == "A" else l
    for q in range(n, stop - 1, -1):
        f, d, out_form = activation_local(acts[q - 1])
        fprime = _lambda(d, Z)(arr[("Z", q)])
        g = g * fprime
        if q > l:
            g = g @ dz_dh(q).T
    if target.kind == "W":
        g = arr[("A", l - 1)].T @ g
        if scenario.l2:
            g = g + L2.backward(params[f"W{l}"], scenario.l2)
    elif target.kind == "b":
        g = g.sum(axis=0)
    return g[target.index] if target.index is not None else g


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
    terms = []
    for combo in np.ndindex(*[count for _, _, count, _ in sums]) if sums else [()]:
        at = {name: v + 1 for (name, _, _, _), v in zip(sums, combo)}
        mapping = {}
        for sym in body.free_symbols | (extra.free_symbols if extra is not None else set()):
            if sym.name == "λ":
                mapping[sym] = _shown(scenario.l2)
                continue
            kind, q, s, u = names.where[sym]
            s = at.get(s, s)
            u = at.get(u, u)
            if kind == "W":
                value = params[f"W{q}"][int(s) - 1, int(u) - 1]
            elif kind == "b":
                value = params[f"b{q}"][int(u) - 1]
            else:
                value = arr[(kind, q)][int(s) - 1, int(u) - 1]
            mapping[sym] = _shown(float(value))
        with sp.evaluate(False):
            terms.append(body.subs(mapping))
    if extra is not None:
        with sp.evaluate(False):
            terms.append(extra.subs(mapping))
    return terms


def _shown(v: float) -> sp.Symbol:
    """A number as the student reads it (6 significant digits), kept as printed text so
    that nothing is evaluated while the numbers stand in the formula."""
    text = f"{v:.6g}"
    return sp.Symbol(f"({text})" if v < 0 else text)


def _shape_text(expr) -> str:
    return f"{expr.shape[0]}×{expr.shape[1]}"


def _matrix_form(scenario, target: Target, m: int, c) -> list[MatrixStep]:
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
        Zq = sp.MatrixSymbol(f"Z{q}", m, widths[q])
        Gz = grad(f"Z{q}", (m, widths[q]))
        fp = sp.MatrixSymbol(f"{scenario.layers[q - 1].activation.label}′(Z{q})", m, widths[q])
        out.append(MatrixStep(sp.Eq(Gz, sp.HadamardProduct(G, fp), evaluate=False),
                              f"({m}×{widths[q]}) ⊙ ({m}×{widths[q]}) → {m}×{widths[q]}",
                              "element-wise (18.18): each activation depends on its own z only, so there is "
                              "no sum and no transpose"))
        del Zq
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
            out.append(MatrixStep(sp.Eq(lhs, rules["W"], evaluate=False),
                                  f"({widths[l - 1]}×{m}) · ({m}×{widths[l]}) → {widths[l - 1]}×{widths[l]}", why))
            if scenario.l2:
                out.append(MatrixStep(sp.Eq(lhs, sp.MatAdd(rules["W"], sp.Symbol("λ") * W), evaluate=False),
                                      f"{widths[l - 1]}×{widths[l]}", "plus the L2 term's own derivative λW"))
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

def _fmt(v) -> str:
    if not np.ndim(v):
        return f"{float(v):.6g}"
    return np.array2string(np.asarray(v, dtype=float), threshold=36, edgeitems=3, max_line_width=76,
                           formatter={"float_kind": lambda x: f"{x:.6g}"})


def text_sections(ex: Explanation) -> list[tuple[str, str]]:
    """(heading, body) pairs in the order a student reads them."""
    out = [("path", " ← ".join(ex.path))]
    out.append(("chain rule", pretty(ex.chain)))
    lines = []
    for f in ex.factors:
        chain = [sp.Derivative(f.form, f.wrt), f.derived]
        if f.output_form is not None and f.output_form != f.derived:
            chain.append(f.output_form)
        how = f"from {f.op}" + (", with a = f(z)" if len(chain) > 2 else "") + ":"
        block = pretty_chain(*chain).replace("\n", "\n    ")
        lines.append(f"{pretty(sp.Eq(f.leibniz, f.local, evaluate=False))}\n  {how}\n    {block}")
    out.append(("local derivatives (each derived by sympy)", "\n".join(lines)))
    out.append(("substituted", pretty(ex.substituted)))
    simp = pretty(ex.simplified)
    if ex.sums:
        simp += "\n" + "; ".join(f"{i} runs over {what}" for i, what in ex.sums)
    out.append(("simplified", simp))
    mat = []
    for st in ex.matrix:
        mat.append(f"{pretty(st.equation)}    [{st.shapes}]\n    {st.why}")
    out.append(("matrix form", "\n".join(mat)))
    if ex.bias_note:
        out.append(("the bias gradient", ex.bias_note))
    if ex.numbers:
        with sp.evaluate(False):
            terms = sp.Add(*ex.numbers, evaluate=False) if len(ex.numbers) > 1 else ex.numbers[0]
        out.append(("numbers", pretty(sp.Eq(ex.lhs, terms, evaluate=False))))
    if ex.finite_difference is None:
        check = ("central finite difference: does not apply. Through " + ", ".join(ex.surrogates) +
                 " the loss is piecewise constant (its true derivative is 0 almost everywhere); the "
                 "straight-through estimator is a chosen surrogate gradient, so the value is checked "
                 "against the surrogate's definition, not against a finite difference.")
    else:
        check = f"central finite difference:\n{_fmt(ex.finite_difference)}"
    out.append(("value", f"{ex.title} =\n{_fmt(ex.value)}\n"
                         f"engine (tutor run):\n{_fmt(ex.engine_value)}\n{check}"))
    return out


def latex_document(ex: Explanation) -> str:
    names = ex.latex_names
    lines = [r"\begin{align*}"]
    lines.append(latex(ex.chain, names).replace("=", "&=", 1) + r" \\")
    for f in ex.factors:
        lines.append(f"{latex(f.leibniz, names)} &= {latex(f.local, names)}" + r" \\")
    lines.append(latex(ex.substituted, names).replace("=", "&=", 1) + r" \\")
    lines.append(latex(ex.simplified, names).replace("=", "&=", 1) + r" \\")
    for st in ex.matrix:
        lines.append(latex(st.equation).replace("=", "&=", 1) + r" \quad (" + st.shapes.replace("×", r"\times ")
                     .replace("→", r"\to ").replace("⊙", r"\odot ").replace("·", r"\cdot ") + r") \\")
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
    }
