"""What a student types after `tutor explain`, read into a Target.

Accepted forms (L may be the scenario's own loss symbol, e.g. J; d may be ∂):

    dL/dW1   dL/dW^(1)   dL/dW_1   ∂L/∂W1   dJ/dW1        a whole weight matrix
    dL/db2   dL/db^(2)                                    a whole bias vector
    dL/dZ1   dL/dA1   dL/dH1   dL/dŶ                      a whole matrix of values
    dL/dw12^(1)   dL/dw_12^(1)   dL/dw_{12}^{(1)}         one weight, 1-based as in the notes
    dL/db1^(1)    dL/db_2^(1)                             one bias, 1-based
    dL/dW1[0,1]   dL/dW1[0][1]   dL/db1[2]   dL/dZ1[3,0]   one entry, 0-based as in numpy
    dL/dw₁₂⁽¹⁾   ∂L/∂w₁₂⁽¹⁾   dL/dW₁                         unicode sub- and superscripts, as printed

Nothing here imports sympy, and no text is ever evaluated: the target is matched
against regular expressions only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import _
from ..errors import TutorError

KINDS = ("W", "b", "Z", "A")


class TargetError(TutorError, ValueError):
    """An unknown or ambiguous target; `offered` lists what the scenario has."""

    def __init__(self, target: str, message: str, offered: list[str]) -> None:
        self.target = target
        self.offered = offered
        super().__init__(_("{target}: {message}; this scenario offers: {join} (one entry: e.g. "
                           "{value}[0,0] or dL/dw11^(1))").format(
                             target=target, message=message, join=', '.join(offered), value=offered[0]))


@dataclass(frozen=True)
class Target:
    kind: str  # W, b, Z, A, or the slot of an activation's learnable parameter (alpha)
    layer: int
    index: tuple[int, ...] | None = None  # 0-based entry, or None for the whole matrix
    shown: str = ""  # how a parameter is written (α for alpha); empty: as its kind

    @property
    def name(self) -> str:
        """The target's quantity as a formula writes it: W, b, Z, A or α."""
        return self.shown or self.kind

    @property
    def parameter(self) -> bool:
        """A learnable parameter of the layer's activation (PReLU's alpha), not W, b, Z or A."""
        return self.kind not in KINDS

    @property
    def key(self) -> str:
        """The engine's step key of this gradient (dL/dW1 ...)."""
        return f"dL/d{self.kind}{self.layer}"


def offered(scenario) -> list[str]:
    loss = scenario.notation.loss
    out = []
    for l in range(1, scenario.depth + 1):
        out += [f"d{loss}/dW{l}", f"d{loss}/db{l}", f"d{loss}/dZ{l}",
                f"d{loss}/d{scenario.notation.act(l, scenario.depth)}"]
        out += [f"d{loss}/d{slot}{l}" for slot in scenario.layers[l - 1].activation.learnable]
    return out




_SUPER = r"(?:\^\{?\((?P<sup>\d+)\)\}?|\^(?P<sup2>\d+))"
_WHOLE = re.compile(r"^(?P<name>[A-Za-z]|ŷ|Ŷ|yhat|y_hat)_?\{?(?P<layer>\d+)?\}?" + _SUPER + r"?$")
_ENTRY = re.compile(r"^(?P<name>[A-Za-z])_?\{?(?P<sub>\d+)\}?" + _SUPER + r"$")
_BRACKET = re.compile(r"^(?P<var>[^\[]+)\[(?P<idx>\s*\d+\s*(?:,\s*\d+\s*)?)\]$")


_PARAM = re.compile(r"^(?P<name>[^\W\d_]+?)_?\{?(?P<layer>\d+)?\}?" + _SUPER + r"?$")


def _parameter(var: str, scenario) -> Target | None:
    """alpha1, α1, alpha^(1): a learnable parameter of a layer's activation, or None."""
    m = _PARAM.match(var)
    if not m:
        return None
    acts = [lay.activation for lay in scenario.layers]
    written = {act.symbol(slot): slot for act in acts for slot in act.learnable}
    name = written.get(m["name"], m["name"])
    layers = [l for l in range(1, scenario.depth + 1) if name in acts[l - 1].learnable]
    if not layers:
        return None
    layer = m["layer"] or m["sup"] or m["sup2"]
    if layer is None and len(layers) == 1:
        layer = layers[0]
    if layer is None:
        return None
    act = acts[min(int(layer), len(acts)) - 1]
    return Target(name, int(layer), None, act.symbol(name) if name in act.learnable else "")


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")
_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾", "0123456789()")


def _plain(text: str) -> str:
    """w₁₂⁽¹⁾ -> w12^(1), W1[0][1] -> W1[0,1]: the forms the tutor prints, in the forms it reads."""
    text = text.translate(_SUBSCRIPTS)
    text = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾]+", lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    return re.sub(r"\]\[", ",", text)


def _kind_of(name: str, scenario) -> str | None:
    act = scenario.notation.activation.upper()
    upper = name.upper()
    if upper in ("W", "B", "Z"):
        return {"W": "W", "B": "b", "Z": "Z"}[upper]
    if upper in (act, "A", "H"):
        return "A"
    return None


def parse(text: str, scenario) -> Target:
    """Read a target; raise TargetError naming what the scenario offers."""
    shown = text
    offer = offered(scenario)
    s = _plain("".join(text.split()).replace("∂", "d"))
    m = re.match(r"^d(?P<loss>[A-Za-z]+)/d(?P<var>.+)$", s)
    if not m:
        raise TargetError(shown, _("expected the form dL/dVARIABLE"), offer)
    if m["loss"] not in ("L", "J", scenario.notation.loss):
        raise TargetError(shown, _("the loss is called {loss} here").format(loss=scenario.notation.loss), offer)
    var, index = _split_index(m["var"])
    n = scenario.depth
    if var in ("ŷ", "Ŷ", "yhat", "y_hat", scenario.notation.output) and var:
        target = Target("A", n, None)
    elif index is None and (param := _parameter(var, scenario)) is not None:
        target = _owned(shown, param, scenario, offer)
    else:
        whole = _WHOLE.match(var)
        entry = _ENTRY.match(var)  # an index and a layer superscript: one entry
        if entry and index is None:
            kind = _kind_of(entry["name"], scenario)
            layer = int(entry["sup"] or entry["sup2"])
            sub = entry["sub"]
            if kind is None:
                raise TargetError(shown, _("no variable called {value}").format(value=entry['name']), offer)
            target = _entry(shown, kind, layer, sub, scenario, offer)
            _check(shown, target, scenario, offer)
            return target
        if not whole:
            raise TargetError(shown, _("cannot read {var} as a variable of the network").format(var=repr(var)), offer)
        kind = _kind_of(whole["name"], scenario)
        if kind is None:
            raise TargetError(shown, _("no variable called {value}").format(value=whole['name']), offer)
        layer = whole["layer"] or whole["sup"] or whole["sup2"]
        if (whole["name"] == "w" and whole["layer"] and len(whole["layer"]) == 2
                and not (whole["sup"] or whole["sup2"]) and index is None and int(whole["layer"]) > n):
            i, j = whole["layer"]
            if n == 1:  # one layer: w12 can only be w12^(1)
                target = _entry(shown, "W", 1, whole["layer"], scenario, offer)
                _check(shown, target, scenario, offer)
                return target
            raise TargetError(shown, _("the layer is missing: one weight is w_ij^(layer), e.g. "
                                       "d{value}/dw{i}{j}^(1) for w{i2}{j2} of layer 1 (or "
                                       "d{value2}/dW1[{value3},{value4}], 0-based)").format(
                                         value=m['loss'], i=i, j=j, i2=i, j2=j, value2=m['loss'], value3=int(i) - 1, value4=int(j) - 1), offer)
        if layer is None:
            if n == 1:
                layer = "1"
            else:
                raise TargetError(shown, _("ambiguous: which layer's {value}? (1 to {n})").format(value=whole['name'], n=n), offer)
        target = Target(kind, int(layer), None)
    if index is not None:
        target = Target(target.kind, target.layer, index)
    _check(shown, target, scenario, offer)
    return target


def _split_index(var: str) -> tuple[str, tuple[int, ...] | None]:
    """W1[0,1] -> (W1, (0, 1)); W1 -> (W1, None)."""
    bracket = _BRACKET.match(var)
    if not bracket:
        return var, None
    return bracket["var"], tuple(int(p) for p in bracket["idx"].split(","))


def _owned(shown, target: Target, scenario, offer) -> Target:
    """A parameter target whose layer's activation really has that parameter."""
    n = scenario.depth
    if target.kind not in scenario.layers[min(target.layer, n) - 1].activation.learnable:
        raise TargetError(shown, _("layer {layer}'s activation has no parameter {kind}").format(layer=target.layer, kind=target.kind), offer)
    return target


def _entry(shown, kind, layer, sub, scenario, offer) -> Target:
    """w12^(1) -> W1[0,1]; b2^(1) -> b1[1]; z1^(2) -> Z2[0,0] when there is one sample."""
    if kind == "W":
        if len(sub) != 2:
            raise TargetError(shown, _("write a weight as w_ij^(layer) with two one-digit indices (or "
                                       "W{layer}[i,j], 0-based)").format(layer=layer), offer)
        return Target("W", layer, (int(sub[0]) - 1, int(sub[1]) - 1))
    if kind == "b":
        return Target("b", layer, (int(sub) - 1,))
    if not 1 <= layer <= scenario.depth:  # before its shape is looked up
        raise TargetError(shown, _("the network has layers 1 to {depth}").format(depth=scenario.depth), offer)
    rows = _shape(Target(kind, layer), scenario)[0]
    if rows != 1:
        raise TargetError(shown, _("ambiguous: {kind}{layer} has {rows} rows (one per sample); write "
                                   "{kind2}{layer2}[sample,unit], 0-based").format(
                                     kind=kind, layer=layer, rows=rows, kind2=kind, layer2=layer), offer)
    return Target(kind, layer, (0, int(sub) - 1))


def _shape(target: Target, scenario) -> tuple[int, ...]:
    widths = scenario.widths()
    if target.parameter:
        return ()
    if target.kind == "W":
        return (widths[target.layer - 1], widths[target.layer])
    if target.kind == "b":
        return (widths[target.layer],)
    rows = 1 if scenario.training.batch == "record" else len(scenario.inputs)
    if scenario.training.batch == "minibatch":  # `tutor run` and explain show one batch of step_batch rows
        rows = min(rows, scenario.training.step_batch)
    return (rows, widths[target.layer])


def _check(shown, target: Target, scenario, offer) -> None:
    if not 1 <= target.layer <= scenario.depth:
        raise TargetError(shown, _("the network has layers 1 to {depth}").format(depth=scenario.depth), offer)
    if target.index is None:
        return
    shape = _shape(target, scenario)
    if len(target.index) != len(shape):
        raise TargetError(shown, _("{kind}{layer} has shape {join}: give {len} index(es)").format(kind=target.kind, layer=target.layer, join='x'.join(map(str, shape)), len=len(shape)), offer)
    for i, size in zip(target.index, shape):
        if not 0 <= i < size:
            raise TargetError(shown, _("index out of range: {kind}{layer} has shape {join}").format(kind=target.kind, layer=target.layer, join='x'.join(map(str, shape))), offer)
