"""The matrix form of a gradient: from ∂L/∂Ŷ down to the target, each rule with its shapes
and where each transpose comes from, the reason built from the op's index form."""

from __future__ import annotations

import sympy as sp

from ..ops import affine_of
from .local import JJ, jacobian_local
from .names import row_symbols
from ..i18n import N_, _
from .records import Inline, MatrixStep, sentence
from .targets import Target

_s, _i, _j, _k = sp.symbols("s i j k")


def _at(name: str, *indices) -> sp.Indexed:
    """An element in index notation: _at("z", s, k) is z_sk."""
    return sp.IndexedBase(name)[indices]


def _d(of, wrt) -> sp.Derivative:
    return sp.Derivative(of, wrt)


def _times(*factors) -> sp.Expr:
    return sp.Mul(*factors, evaluate=False)


def _sum(body, var) -> sp.Sum:
    """Σ over every value of `var` (index notation leaves the range to the words around it)."""
    return sp.Sum(body, (var, 1, sp.Symbol(f"N_{var}")))


def _eq(lhs, rhs) -> Inline:
    return Inline(sp.Eq(lhs, rhs, evaluate=False))


#: why a matrix enters transposed, by the role of the index the sum runs over
TRANSPOSED = {
    "row": N_("{equation}: {z}, so {dL}; the sum runs over {over}, the row index of {M}, "
              "so {M} enters transposed: {MT}"),
    "column": N_("{equation}: {z}, so {dL}; the sum runs over {over}, the column index of {M}, "
                 "so {M} enters transposed: {MT}"),
}


def _transpose_reason(equation: str, L, z, var, wrt, prod, over: str, role: str, M) -> tuple:
    """z = (lhs, body, index): z_.. = Σ_index body; then ∂L/∂(wrt) = Σ_var prod; so the sum
    runs over var, the `role` index of M, and M enters transposed."""
    return sentence(TRANSPOSED[role], equation=equation, z=_eq(z[0], _sum(z[1], z[2])),
                    dL=_eq(_d(L, wrt), _sum(prod, var)), over=over, M=Inline(M), MT=Inline(M.T))


def _mixing_steps(scenario, q: int, m: int, k: int, G, Gz, block) -> list[MatrixStep]:
    """∂L/∂Z of a non-element-wise activation: row by row through its Jacobian, and, when
    the loss's derivative and the Jacobian multiply out to a linear form, that form."""
    Ls = scenario.notation.loss
    L = sp.Symbol(Ls)
    act = scenario.layers[q - 1].activation
    jac = sp.MatrixSymbol(f"J_{act.label}(z{q}ₛ)", k, k)
    row_z = sp.MatrixSymbol(f"(∂{Ls}/∂Z{q})ₛᵀ", k, 1)
    row_a = sp.MatrixSymbol(f"({G.name})ₛᵀ", k, 1)
    _cases, joined = jacobian_local(act)
    J = sp.MatrixSymbol("J", k, k)
    reason = sentence("{operation} mixes the units of a row: {J} = {joined} is not 0 for k ≠ j, so {dL}; "
                      "the sum runs over k, the row index of J, so J enters transposed: {JT}",
                      operation=_(act.label), J=_eq(_at("J", _k, _j), _d(_at("a", _k), _at("z", _j))),
                      joined=Inline(row_symbols(joined), "unicode"),
                      dL=_eq(_d(L, _at("z", _s, _j)), _sum(_times(_d(L, _at("a", _s, _k)), _at("J", _k, _j)), _k)),
                      JT=Inline(J.T))
    out = [MatrixStep(sp.Eq(row_z, sp.MatMul(jac.T, row_a), evaluate=False),
                      _("each of the {m} rows s: ({k}×{k})ᵀ · ({k}×1) → {k}×1; stacked: {m}×{k}").format(m=m, k=k),
                      reason)]
    linear = _linear_block(scenario, q, m, k, Gz, block)
    return out + ([linear] if linear is not None else [])


def _linear_block(scenario, q: int, m: int, k: int, Gz, block) -> MatrixStep | None:
    """∂L/∂Z = c (Ŷ + r Y) when the loss's derivative times the Jacobian, multiplied out
    by sympy, is linear in ŷ_j and y_j; None otherwise."""
    if block is None:
        return None
    element, assumption = block
    yhat_row, y_row = sp.IndexedBase("ŷ"), sp.IndexedBase("y")
    cells = [yhat_row[JJ], y_row[JJ]]
    if element.has(sp.Sum) or not element.is_polynomial(*cells) or sp.Poly(element, *cells).total_degree() > 1:
        return None
    Yh = sp.MatrixSymbol(scenario.notation.act(q, scenario.depth), m, k)
    Yt = sp.MatrixSymbol(scenario.notation.targets, m, k)
    poly = sp.Poly(element, *cells)
    ch, cy = poly.coeff_monomial(cells[0]), poly.coeff_monomial(cells[1])
    if ch == 0 or poly.coeff_monomial(1) != 0:
        return None
    rhs = sp.MatAdd(Yh, (cy / ch) * Yt) if cy != 0 else Yh
    if ch != 1:
        rhs = sp.MatMul(ch, rhs, evaluate=False)
    return MatrixStep(sp.Eq(Gz, rhs, evaluate=False), f"{m}×{k}",
                      sentence("the loss's derivative times the Jacobian, multiplied out by sympy")
                      + ((" (", *assumption, ")") if assumption else ()))


def _matrix_form(scenario, target: Target, m: int, c, block=None) -> list[MatrixStep]:
    """From ∂L/∂Ŷ down to the target, each rule with its shapes and its transposes."""
    n, widths, l = scenario.depth, scenario.widths(), target.layer
    Ls = scenario.notation.loss
    act_name = {q: (scenario.notation.act(q, n) if q > 0 else scenario.notation.inputs) for q in range(n + 1)}

    def grad(of: str, shape) -> sp.MatrixSymbol:
        return sp.MatrixSymbol(f"∂{Ls}/∂{of}", *shape)

    G = grad(act_name[n], (m, widths[n]))
    yh, yy = sp.MatrixSymbol(act_name[n], m, widths[n]), sp.MatrixSymbol(scenario.notation.targets, m, widths[n])
    out = [MatrixStep(sp.Eq(G, sp.Mul(c, sp.Function("ℓ′")(yh, yy), evaluate=False), evaluate=False),
                      f"{m}×{widths[n]}", sentence("element by element: the loss's derivative for each "
                                                   "sample "
                                                   "and output, times the loss's constant {c}", c=Inline(c)))]
    stop = l + 1 if target.kind == "A" or target.parameter else l
    for q in range(n, stop - 1, -1):
        Gz = grad(f"Z{q}", (m, widths[q]))
        act = scenario.layers[q - 1].activation
        if act.elementwise:
            fp = sp.MatrixSymbol(f"{act.label}′(Z{q})", m, widths[q])
            out.append(MatrixStep(sp.Eq(Gz, sp.HadamardProduct(G, fp), evaluate=False),
                                  f"({m}×{widths[q]}) ⊙ ({m}×{widths[q]}) → {m}×{widths[q]}",
                                  sentence("element-wise (18.18): each activation depends on its own z only, "
                                           "so there is no sum and no transpose")))
        else:
            out += _mixing_steps(scenario, q, m, widths[q], G, Gz, block)
        if q > l:
            out.append(_input_step(scenario, q, m, act_name[q - 1], Gz))
            G = grad(act_name[q - 1], (m, widths[q - 1]))
        else:
            G = Gz
    if target.kind in ("W", "b"):
        from .reach import dropped

        below = f"D{l - 1}" if dropped(scenario, l - 1) else act_name[l - 1]  # the dropped inputs, read as numbers
        out.append(_parameter_step(scenario, target, m, below, G, grad))
    elif target.parameter:
        out.append(_activation_parameter_step(scenario, target, m, act_name[l], G))
    return out


def _activation_parameter_step(scenario, target: Target, m: int, name: str, G) -> MatrixStep:
    """∂L/∂p = 𝟙ᵀ (∂L/∂A ⊙ ∂A/∂p) 𝟙: every entry of A depends on the layer's one parameter."""
    w, L, slot = scenario.widths()[target.layer], sp.Symbol(scenario.notation.loss), target.name
    D = sp.MatrixSymbol(f"∂{name}/∂{slot}", m, w)
    rule = sp.MatMul(sp.OneMatrix(1, m), sp.HadamardProduct(G, D), sp.OneMatrix(w, 1))
    return MatrixStep(sp.Eq(sp.Symbol(f"∂{L}/∂{slot}{target.layer}"), rule, evaluate=False),
                      f"(1×{m}) · ({m}×{w} ⊙ {m}×{w}) · ({w}×1) → 1×1",
                      sentence("every entry of {name} depends on the layer's one {slot}, so the entries' "
                               "contributions add up: a sum over the samples and the units, and no transpose",
                               name=name, slot=slot))


def _input_step(scenario, q: int, m: int, below: str, Gz) -> MatrixStep:
    """∂L/∂H of layer q's input, through its weights: (18.14), with Wᵀ."""
    widths, L = scenario.widths(), sp.Symbol(scenario.notation.loss)
    H = sp.MatrixSymbol(below, m, widths[q - 1])
    W = sp.MatrixSymbol(f"W{q}", widths[q - 1], widths[q])
    b = sp.MatrixSymbol(f"b{q}", widths[q], 1)
    rule = affine_of(scenario.layers[q - 1]).matrix_rules(sp, H, W, b, Gz)["H"]
    G = sp.MatrixSymbol(f"∂{L}/∂{below}", m, widths[q - 1])
    h = below.lower()
    z_sk = (_at("z", _s, _k), _times(_at(h, _s, _j), _at("w", _j, _k)), _j)
    reason = _transpose_reason("(18.14)", L, z_sk, _k, _at(h, _s, _j),
                               _times(_d(L, _at("z", _s, _k)), _at("w", _j, _k)), "k", "column", W)
    return MatrixStep(sp.Eq(G, rule, evaluate=False),
                      f"({m}×{widths[q]}) · ({widths[q]}×{widths[q - 1]}) → {m}×{widths[q - 1]}", reason)


def _parameter_step(scenario, target: Target, m: int, below: str, G, grad) -> MatrixStep:
    """The target's own rule, ∂L/∂W (18.15, with Hᵀ; plus λW with an L2 penalty) or ∂L/∂b (18.16)."""
    widths, l, L = scenario.widths(), target.layer, sp.Symbol(scenario.notation.loss)
    H = sp.MatrixSymbol(below, m, widths[l - 1])
    W = sp.MatrixSymbol(f"W{l}", widths[l - 1], widths[l])
    b = sp.MatrixSymbol(f"b{l}", widths[l], 1)
    rules = affine_of(scenario.layers[l - 1]).matrix_rules(sp, H, W, b, G)
    if target.kind == "b":
        Z, W_, b_ = (sp.MatrixSymbol(name, *shape) for name, shape in
                     (("Z", (m, widths[l])), ("W", W.shape), ("b", b.shape)))
        ones = sp.MatrixSymbol("1", m, 1)
        return MatrixStep(sp.Eq(grad(f"b{l}", (widths[l], 1)), rules["b"], evaluate=False),
                          f"({widths[l]}×{m}) · ({m}×1) → {widths[l]}×1",
                          sentence("(18.16): b enters every row of {Z}, so the samples' contributions add "
                                   "up; "
                                   "multiplying by a column of ones sums over the batch",
                                   Z=_eq(Z, sp.MatAdd(H * W_, ones * b_.T, evaluate=False))))
    h = below.lower()
    z_sj = (_at("z", _s, _j), _times(_at(h, _s, _i), _at("w", _i, _j)), _i)
    reason = _transpose_reason("(18.15)", L, z_sj, _s, _at("w", _i, _j),
                               _times(_at(h, _s, _i), _d(L, _at("z", _s, _j))), _("the samples s"), "row", H)
    if l == 1 and scenario.notation.activation.upper() == "H":
        reason += sentence(" (layer 1 reads the inputs, so this is {XT}, not {HT} as the source's (18.44) "
                           "prints)",
                           XT=Inline(H.T), HT=Inline(sp.MatrixSymbol("H", m, widths[l - 1]).T))
    rule, shapes = rules["W"], f"({widths[l - 1]}×{m}) · ({m}×{widths[l]}) → {widths[l - 1]}×{widths[l]}"
    if scenario.l2 and scenario.penalty is not None:
        rule, shapes, reason = _penalty_rule(scenario.penalty, rules["W"], W, shapes, reason)
    elif scenario.l2:
        rule = sp.MatAdd(rules["W"], sp.Symbol("λ") * W)
        shapes += f", + λ·({widths[l - 1]}×{widths[l]})"
        reason += sentence("; plus {term}, the L2 penalty's own derivative: λ/2 ‖W‖² depends on W directly",
                           term=Inline(sp.Symbol("λ") * sp.MatrixSymbol("W", *W.shape)))
    return MatrixStep(sp.Eq(grad(f"W{l}", (widths[l - 1], widths[l])), rule, evaluate=False), shapes, reason)


def _penalty_rule(op, rule, W, shapes: str, reason):
    """+ the penalty's own derivative, taken by sympy from its term on one entry and written
    entrywise over W (sign(W): the sign of each entry, 0 at 0, the subgradient used)."""
    term = sp.MatrixSymbol(op.gradient_text(W.name), *W.shape)
    shapes += f", + ({W.shape[0]}×{W.shape[1]})"
    reason += sentence("; plus {term}, the derivative of {title} {whole}, which depends on W directly",
                       term=Inline(term), title=_(op.title), whole=op.whole_text())
    return sp.MatAdd(rule, term), shapes, reason


def _bias_note(scenario, target: Target, m: int, c) -> tuple:
    """Why the bias gradient is a sum over the batch, and not a mean (empty unless a bias)."""
    if target.kind != "b":
        return ()
    L = sp.Symbol(scenario.notation.loss)
    Z, H, W = (sp.MatrixSymbol(name, m, m) for name in "ZHW")
    ones, b = sp.MatrixSymbol("1", m, 1), sp.MatrixSymbol("b", m, 1)
    z_sj, b_j = _at("z", _s, _j), _at("b", _j)
    note = sentence("Why a sum over the batch? {Z} adds the same {b} to {z} of every sample s, so {dz} for "
                    "each of the {m} samples and their contributions add: {dL}. It is a sum, not a mean, "
                    "because the loss already averages: ",
                    Z=_eq(Z, sp.MatAdd(H * W, ones * b.T, evaluate=False)), b=Inline(b_j), z=Inline(z_sj),
                    dz=_eq(_d(z_sj, b_j), 1), m=m, dL=_eq(_d(L, b_j), _sum(_d(L, z_sj), _s)))
    if c != 1:
        return note + sentence("its constant {c} (the batch mean's 1/m) is inside {dy}, so every sample's "
                               "term "
                               "arrives already scaled; dividing again would count the mean twice.",
                               c=Inline(c), dy=Inline(_d(L, sp.Symbol("ŷ"))))
    return note + sentence("here the loss's constant is 1 (it sums, or the batch is one record), "
                           "so nothing is rescaled.")
