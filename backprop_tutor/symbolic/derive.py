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

The pieces live beside this module: local.py (each op's local derivative), names.py (the
scenario's element symbols and index letters), matrix_form.py, values.py (every number)
and records.py; backprop_tutor.printing prints an Explanation as text, LaTeX or JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from ..engine import Engine
from ..ops import affine_of
from ..ops.penalty import L2Term

L2 = L2Term()
from ..errors import UnsupportedError
from .local import (A, B_J, H_I, JJ, JK, KK, W_IJ, YHAT, Y, Z, _flip_sign, activation_local, jacobian_local,
                    linear_form, linear_local, loss_local, output_block)
from .matrix_form import _bias_note, _matrix_form
from .names import _Names, index_letters
from ..i18n import _
from .records import Explanation, Factor, Inline, sentence
from .targets import Target
from .numeric import pass_for, straight_through, values  # noqa: F401  (straight_through: read here)
from .values import Derived, _matrix_numbers, _numbers


# the assumption under which softmax cross-entropy simplifies to (ŷ_j - y_j)/m
def one_hot_assumption() -> tuple:
    """The assumption, as prose in the chosen language."""
    return sentence("assuming {sum} (one-hot targets, or any probability row)",
                    sum=Inline(sp.Eq(sp.Sum(sp.IndexedBase("y")[JK], (JK, 1, KK)), 1), "subscript"))


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


@dataclass
class _Path:
    """One explanation's scenario, data and indices: what every step of `explain` reads."""

    scenario: object
    target: Target
    engine: Engine
    data: object
    steps: dict
    acts: list
    mixing: bool  # a non-element-wise output (softmax) is on the path
    names: _Names
    s_ix: object = "s"  # the sample index (a number, or s)
    unit: object = "j"  # the target's unit
    inp: object = "i"  # a weight's input unit
    sums: list = field(default_factory=list)  # (index, symbol, count, what it runs over)
    units: dict = field(default_factory=dict)  # layer -> its unit index on the path
    out_unit: object = 1  # the output unit the chain reads ŷ at

    @property
    def n(self) -> int:
        return self.scenario.depth

    @property
    def m(self) -> int:
        return self.data.x.shape[0]

    @property
    def k_out(self) -> int:
        return self.scenario.widths()[self.n]


def _start(scenario, target: Target, record: int | None) -> _Path:
    """Run the engine once, and check that the path is one explain can derive."""
    base = pass_for(scenario, target, record)
    return _Path(scenario, target, base.engine, base.data, base.steps, base.acts, base.mixing,
                 _Names(scenario, base.data.x.shape[0]))


def _index(p: _Path) -> None:
    """The indices: the target's own are fixed (1-based in the notes' style) or generic;
    every layer above the target gets a free letter, summed over its units."""
    kind, l, idx, widths = p.target.kind, p.target.layer, p.target.index, p.scenario.widths()
    per_sample = kind in ("Z", "A")
    if per_sample:
        p.s_ix = (idx[0] + 1) if idx else "s"
        p.unit = (idx[1] + 1) if idx else "j"
    else:
        p.unit = (idx[-1] + 1) if idx else "j"
    p.inp = (idx[0] + 1) if (idx and kind == "W") else "i"
    if p.m > 1 and not per_sample:
        p.sums.append(("s", sp.Symbol("s"), p.m, _("the samples of the batch")))
    if p.m == 1:
        p.s_ix = 1
    p.units = {l: p.unit}
    if p.target.parameter:  # one parameter shared by every unit of its layer: a sum over them too
        if widths[l] == 1:
            p.units[l] = p.unit = 1
        else:
            p.sums.append(("j", sp.Symbol("j"), widths[l], _("the {count} units of layer {layer}, "
                                                             "which share the one {slot}").format(
                count=widths[l], layer=l, slot=kind)))
    free = index_letters()
    for q in range(l + 1, p.n + 1):
        if widths[q] == 1:
            p.units[q] = 1
        else:
            p.units[q] = letter = next(free)
            p.sums.append((letter, sp.Symbol(letter), widths[q],
                           _("the {count} units of layer {layer}").format(count=widths[q], layer=q)))
    # a mixing output: ŷ_k depends on every z_j of its row, so the chain sums over the outputs k
    p.out_unit = p.units[p.n]
    if p.mixing:
        p.out_unit = next(free) if p.k_out > 1 else 1
        if p.k_out > 1:
            p.sums.append((p.out_unit, sp.Symbol(p.out_unit), p.k_out,
                           _("the {count} outputs ŷ of the row").format(count=p.k_out)))


def _chain(p: _Path) -> tuple[list[Factor], list[str], sp.Symbol]:
    """The local derivatives from the loss back to the target, the path's names, and the
    target's own symbol."""
    scenario, names, n, l, kind = p.scenario, p.names, p.n, p.target.layer, p.target.kind
    L = names.loss()
    c, term, dterm = loss_local(scenario.loss, p.m, p.k_out)
    yhat = names.act(n, p.s_ix, p.out_unit)
    factors = [Factor(sp.Derivative(L, yhat), scenario.loss.title, c * term, dterm, None,
                      dterm.subs({YHAT: yhat, Y: names.target(p.s_ix, p.out_unit)}), YHAT)]
    path = [str(L), scenario.notation.act(n, n)]
    top = l + 1 if kind == "A" or p.target.parameter else l
    for q in range(n, top - 1, -1):
        factors.append(_activation_factor(p, q, yhat))
        path.append(f"Z{q}")
        if q > l:
            factors.append(_input_factor(p, q))
            path.append(scenario.notation.act(q - 1, n) if q - 1 > 0 else scenario.notation.inputs)
    own = _own_factor(p)
    if own is not None:
        factors.append(own)
        path.append(f"{p.target.name}{l}")
    if kind == "A":
        if l == n:
            path = path[:2]
        return factors, path, names.act(l, p.s_ix, p.unit)
    return factors, path, own.leibniz.variables[0] if own is not None else names.pre(l, p.s_ix, p.unit)


def _activation_factor(p: _Path, q: int, yhat) -> Factor:
    """∂a/∂z of layer q: f'(z) in terms of a where sympy can say it, or a mixing op's Jacobian."""
    names, act = p.names, p.acts[q - 1]
    a_q, z_q = names.act(q, p.s_ix, p.units[q]), names.pre(q, p.s_ix, p.units[q])
    if not act.elementwise:
        cases, joined = jacobian_local(act)
        if joined is None:
            raise UnsupportedError(_("sympy found no output form of {name}'s Jacobian").format(name=act.name))
        local = names.shown(joined, p.n, p.s_ix, {JK: p.out_unit, JJ: p.units[q]}, p.k_out)
        return Factor(sp.Derivative(yhat, z_q), act.label, cases[0].form, cases[0].derived, joined, local,
                      cases[0].wrt, cases=cases)
    f, d, out_form = activation_local(act)
    local = (out_form if out_form is not None else d).subs({A: a_q, Z: z_q})
    return Factor(sp.Derivative(a_q, z_q), act.label, f, d, out_form, local)


def _input_factor(p: _Path, q: int) -> Factor:
    """∂z/∂h of layer q: through its weights (w, or sign(w) in a binary layer)."""
    names = p.names
    z_q = names.pre(q, p.s_ix, p.units[q])
    below = names.act(q - 1, p.s_ix, p.units[q - 1])
    w = names.weight(q, p.units[q - 1], p.units[q])
    op_q = affine_of(p.scenario.layers[q - 1])
    lin = linear_local(op_q)
    return Factor(sp.Derivative(z_q, below), op_q.title, linear_form(op_q), lin["h"], None,
                  lin["h"].subs({W_IJ: w}), H_I)


def _own_factor(p: _Path) -> Factor | None:
    """∂z/∂w or ∂z/∂b of the target's layer; None for a Z or A target."""
    names, l, kind = p.names, p.target.layer, p.target.kind
    z_l = names.pre(l, p.s_ix, p.unit)
    op_l = affine_of(p.scenario.layers[l - 1])
    lin, zform = linear_local(op_l), linear_form(op_l)
    if kind == "W":
        w, h = names.weight(l, p.inp, p.unit), names.fed(l - 1, p.s_ix, p.inp)
        return Factor(sp.Derivative(z_l, w), op_l.title, zform, lin["w"], None,
                      lin["w"].subs({H_I: h, W_IJ: w}), W_IJ)
    if kind == "b":
        bsym = names.bias(l, p.unit)
        return Factor(sp.Derivative(z_l, bsym), op_l.title, zform, lin["b"], None, lin["b"], B_J)
    if p.target.parameter:
        return _parameter_factor(p)
    return None


def _parameter_factor(p: _Path) -> Factor:
    """∂a/∂p of the target's layer: the activation's own parameter, derived by sympy."""
    l, slot, act = p.target.layer, p.target.kind, p.acts[p.target.layer - 1]
    generic = sp.Symbol(slot)
    form = act.symbolic(sp, Z, **{slot: generic})
    derived = sp.diff(form, generic)
    a_l, z_l, psym = p.names.act(l, p.s_ix, p.unit), p.names.pre(l, p.s_ix, p.unit), p.names.parameter(l, slot)
    return Factor(sp.Derivative(a_l, psym), act.label, form, derived, None,
                  derived.subs({Z: z_l, generic: psym}), generic)


def _penalty(p: _Path) -> Factor | None:
    """L = data loss + λ/2 Σ w²: the penalty depends on w directly, so its derivative is a
    term of its own beside the chain through the network."""
    if p.target.kind != "W" or not p.scenario.l2:
        return None
    lam, w_pen = sp.Symbol("λ"), p.names.weight(p.target.layer, p.inp, p.unit)
    op = p.scenario.penalty or L2
    real = sp.Dummy(W_IJ.name, real=True)  # d|w|/dw = sign(w) (0 at w = 0, the subgradient used)
    form = op.symbolic(sp, real, lam)
    derived = sp.diff(form, real)
    if p.scenario.penalty is None:  # `loss.l2`
        label, local = "(λ/2)‖W‖²", sp.Mul(lam, w_pen, evaluate=False)
    else:
        label, local = op.whole_text(), derived.subs(real, w_pen)
    return Factor(sp.Derivative(sp.Symbol(label), w_pen), op.title, form.subs(real, W_IJ),
                  derived.subs(real, W_IJ), None, local, W_IJ)


def _summed(p: _Path, expr: sp.Expr) -> sp.Expr:
    for _name, sym, count, _what in reversed(p.sums):
        expr = sp.Sum(expr, (sym, 1, count))
    return expr


@dataclass
class _Output:
    """A mixing output's block: Σ_k ∂L/∂ŷ_k ∂ŷ_k/∂z_j summed by sympy."""

    merged: list
    assumption: tuple = ()  # prose: the assumption the simplest form needs, and whether the targets meet it
    holds: bool | None = None
    general_form: sp.Expr | None = None
    matrix_block: tuple | None = None


def _output_block(p: _Path, dterm, locals_: list) -> _Output:
    """The simplified factors; through a mixing output, the sum over the outputs k carried
    out by sympy (and gone from the sums), with the assumption it needs, if any."""
    if not p.mixing:
        return _Output(_merge(locals_))
    general, one_hot = output_block(dterm, jacobian_local(p.acts[-1])[1])
    rows = {JK: p.out_unit, JJ: p.units[p.n]}
    out = _Output([], matrix_block=(general, ()))
    block = general
    if one_hot is not None:
        out.holds = holds = bool(np.allclose(p.data.y.sum(axis=1), 1.0))
        assumed = one_hot_assumption()
        out.assumption = assumed + (": ", _("the targets of this scenario satisfy it") if holds else
                                    _("the targets of this scenario do NOT satisfy it, so the general form "
                                      "applies"))
        block, out.general_form = (one_hot, general) if holds else (general, one_hot)
        out.matrix_block = (block, assumed if block is one_hot else ())
    block = p.names.shown(block, p.n, p.s_ix, rows, p.k_out)
    if out.general_form is not None:
        out.general_form = p.names.shown(out.general_form, p.n, p.s_ix, rows, p.k_out)
    merged = [block] + _merge(locals_[2:]) if len(locals_) > 2 else [block]
    out.merged = [f for f in merged if f != 1] or [sp.Integer(1)]
    p.sums = [entry for entry in p.sums if entry[0] != p.out_unit]
    return out


def _product(p: _Path, first, rest: list, extra) -> sp.Expr:
    factors = [first] + rest
    expr = _summed(p, sp.Mul(*factors, evaluate=False) if len(factors) > 1 else factors[0])
    return sp.Add(expr, extra, evaluate=False) if extra is not None else expr


def start(scenario, target: Target, record: int | None = None) -> _Path:
    """The engine's pass for an explanation (its steps: `.steps`, by key)."""
    return _start(scenario, target, record)


def explain(scenario, target: Target, record: int | None = None, derived: Derived | None = None) -> Explanation:
    """The chain-rule derivation of one gradient, its matrix form and its value; `derived`
    collects the numeric functions of the derived formulas (see `values.Derived`)."""
    from .reach import refuse_unreached

    refuse_unreached(scenario, target)
    derived = derived if derived is not None else Derived()
    p = _start(scenario, target, record)
    _index(p)
    factors, path, lhs_sym = _chain(p)
    L, lhs = p.names.loss(), sp.Derivative(p.names.loss(), lhs_sym)
    c, _term, dterm = loss_local(scenario.loss, p.m, p.k_out)
    penalty = _penalty(p)
    extra = penalty.local if penalty is not None else None
    chain = _summed(p, sp.Mul(*[f.leibniz for f in factors], evaluate=False))
    substituted = _summed(p, sp.Mul(*[f.local for f in factors], evaluate=False))
    if penalty is not None:
        chain = sp.Add(chain, penalty.leibniz, evaluate=False)
        substituted = sp.Add(substituted, penalty.local, evaluate=False)
    out = _output_block(p, dterm, [f.local for f in factors])
    body = sp.Mul(*out.merged, evaluate=False) if len(out.merged) > 1 else out.merged[0]
    simplified = _product(p, out.merged[0], out.merged[1:], extra)
    other_form = None
    if out.general_form is not None:
        other_form = sp.Eq(lhs, _product(p, out.general_form, out.merged[1:], extra), evaluate=False)

    # values: the sympy-derived local derivatives, chained numerically
    value, engine_value, fd, surrogates = values(p, derived, dterm)
    numbers = _numbers(p.names, body, p.sums, extra, scenario, p.steps, p.data, target, generic=target.index is None)
    matrix = _matrix_form(scenario, target, p.m, c, out.matrix_block if p.mixing else None)
    mat_numbers = (None if target.index is not None
                   else _matrix_numbers(scenario, target, p.steps, p.data, matrix, value, derived))
    return Explanation(
        target=target, lhs=lhs, path=path, chain=sp.Eq(lhs, chain, evaluate=False),
        factors=factors, substituted=sp.Eq(lhs, substituted, evaluate=False),
        simplified=sp.Eq(lhs, simplified, evaluate=False), assumption_reason=out.assumption,
        assumption_holds=out.holds, other_form=other_form,
        sums=[(name, what) for name, _sym, _count, what in p.sums], numbers=numbers,
        matrix=matrix, bias_reason=_bias_note(scenario, target, p.m, c),
        value=value, engine_value=engine_value, finite_difference=fd, latex_names=p.names.latex,
        surrogates=surrogates, penalty=penalty, matrix_numbers=mat_numbers, loss=L,
        kinks=getattr(p, "kinks", []))
