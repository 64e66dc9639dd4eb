"""Step records of one pass: the recorder the network pass hands each operation to.

The pass computes; the recorder only names what was computed (keys, the
scenario's notation, the chain-rule links) and keeps it as `Step` records.
"""

from __future__ import annotations

from ..i18n import _
from .step import Step


def grad_key(name: str) -> str:
    return f"dL/d{name}"


class Recorder:
    """Collects the Step records of one pass, in teaching order."""

    def __init__(self, scenario, x_key: str = "X") -> None:
        self.s = scenario
        self.n = scenario.depth
        self.steps: list[Step] = []
        self.keys = {0: x_key}  # the key of each layer's input values
        self.wname: dict[int, str] = {}  # the matrix each layer multiplies by: W<l> or sign(W<l>)
        self.wkey: dict[int, str] = {}
        self.dropped: dict[int, str] = {}  # layer -> the name of its activations after dropout
        self.normed: set[int] = set()  # the batch-normalised layers
        self.batch_stats: dict = {}  # layer -> (μ_B, σ²_B) of this pass

    # names --------------------------------------------------------------------
    def act_name(self, l: int) -> str:
        return self.s.notation.inputs if l == 0 else self.s.notation.act(l, self.n)

    def act_in(self, l: int) -> tuple[str, str]:
        """(key, name) of what layer l's activation reads: Z<l>, or Y<l> after batch normalisation."""
        return (f"Y{l}", f"Y{l}") if l in self.normed else (f"Z{l}", self.s.notation.pre(l))

    def in_name(self, l: int) -> str:
        """What layer l + 1 reads: layer l's activations, or their dropout (D1) where it has one."""
        return self.dropped.get(l) or self.act_name(l)

    def gsym(self, of: str) -> str:
        return f"∂{self.s.notation.loss}/∂{of}"

    def add(self, names: dict | None = None, **kw) -> None:
        self.steps.append(Step(names={"loss": self.s.notation.loss, **(names or {})}, **kw))

    # forward ------------------------------------------------------------------
    def weight_transform(self, lay, W, w_used) -> None:
        l, op = lay.layer, lay.affine.weight_op
        self.wname[l], self.wkey[l] = f"{op.label}(W{l})", f"Wb{l}"
        self.add(key=f"Wb{l}", phase="forward", symbol=self.wname[l], op=op, role="forward", layer=l,
                 value=w_used, inputs={f"W{l}": W}, extra={"latent": f"W{l}", "layer_op": lay.affine},
                 quantity="Wb", slots=("z",), names={"z": f"W{l}", "out": self.wname[l]})

    def affine(self, lay, h, w_used, b, z) -> None:
        l = lay.layer
        wname = self.wname.setdefault(l, f"W{l}")
        wreuse = (self.wkey[l],) if l in self.wkey else ()
        bias = {} if b is None else {f"b{l}": b}  # a layer without a bias (bias: none) reads none
        self.add(key=f"Z{l}", phase="forward", symbol=self.s.notation.pre(l), op=lay.affine, role="forward",
                 layer=l, value=z, inputs={self.in_name(l - 1): h, wname: w_used, **bias},
                 reuses=((self.keys[l - 1],) if l > 1 else ()) + wreuse, quantity="Z",
                 slots=("h", "w", "b")[:2 + len(bias)],
                 names={"h": self.in_name(l - 1), "w": wname, **({"b": f"b{l}"} if bias else {}),
                        "out": self.s.notation.pre(l)})

    def activation(self, lay, z, a, theta) -> None:
        l = lay.layer
        self.keys[l] = f"A{l}"
        zkey, pre = self.act_in(l)
        inputs = {pre: z, **{f"{lay.act.symbol(slot)}{l}": v for slot, v in theta.items()}}
        self.add(key=f"A{l}", phase="forward", symbol=self.act_name(l), op=lay.act, role="forward", layer=l,
                 value=a, inputs=inputs, reuses=(zkey,), extra=lay.act.step_extra(z), quantity="A",
                 slots=("z", *theta),
                 names={"z": pre, "a": self.act_name(l), "out": self.act_name(l),
                        **{slot: f"{lay.act.symbol(slot)}{l}" for slot in theta}})

    def loss(self, net, yhat, y, data_loss, penalty) -> None:
        m, k = yhat.shape
        self.add(key="L", phase="loss", symbol=self.s.notation.loss, op=net.loss, role="loss",
                 value=data_loss + penalty, inputs={self.act_name(self.n): yhat, self.s.notation.targets: y},
                 reuses=(f"A{self.n}",), quantity="L", slots=("yhat", "y"),
                 names={"yhat": self.act_name(self.n), "y": self.s.notation.targets},
                 extra={"scale": net.loss.scale(m, k), "m": m, "k": k, "data_loss": data_loss,
                        "penalty": penalty, "l2": net.l2,
                        **({"penalty_of": net.penalty.spec()} if net.l2 else {}), **net.loss.step_extra(yhat, y)})

    def dropout(self, lay, a, mask, d) -> None:
        l, name = lay.layer, self.act_name(lay.layer)
        self.keys[l] = self.dropped[l] = f"D{l}"
        self.add(key=f"D{l}", phase="forward", symbol=f"D{l}", op=lay.drop, role="forward", layer=l, value=d,
                 inputs={name: a, f"M{l}": mask}, reuses=(f"A{l}",), quantity="D", slots=("a", "m"),
                 extra=lay.drop.extra(), names={"a": name, "m": f"M{l}", "out": f"D{l}"})

    def dropout_grad(self, lay, g, mask, ga) -> None:
        l, name = lay.layer, self.act_name(lay.layer)
        self.add(key=grad_key(f"A{l}"), phase="backward", symbol=self.gsym(name), op=lay.drop, role="backward",
                 layer=l, value=ga, inputs={self.gsym(f"D{l}"): g, f"M{l}": mask},
                 reuses=(grad_key(f"D{l}"), f"D{l}"), quantity="A", grad=True, of_symbol=name,
                 slots=("g", "m"), extra=lay.drop.extra(), names={"g": f"D{l}", "m": f"M{l}", "out": name})

    def norm_forward(self, lay, z, parts, theta, running) -> None:
        """μ_B, σ²_B, X̂ and Y of a batch-normalised layer, one step each."""
        l, op, pre = lay.layer, lay.norm, self.s.notation.pre(lay.layer)
        self.normed.add(l)
        self.batch_stats[l] = (parts["mu"], parts["var"])  # what the running statistics move toward
        extra = {**op.extra(), "bn": {"z": z, **parts, **theta}, "running": running}
        inputs = {"mu": {pre: z}, "var": {pre: z, f"μ{l}": parts["mu"]},
                  "xhat": {pre: z, f"μ{l}": parts["mu"], f"σ²{l}": parts["var"]},
                  "y": {f"X̂{l}": parts["xhat"], f"γ{l}": theta["gamma"], f"β{l}": theta["beta"]}}
        shown = {"mu": f"μ{l}", "var": f"σ²{l}", "xhat": f"X̂{l}", "y": f"Y{l}"}
        keys = {"mu": f"mu{l}", "var": f"var{l}", "xhat": f"Xhat{l}", "y": f"Y{l}"}
        stats = (keys["mu"], keys["var"]) if op.training else ()
        before = {"mu": (f"Z{l}",), "var": (f"Z{l}", keys["mu"]), "xhat": (f"Z{l}", *stats),
                  "y": (keys["xhat"],)}
        for part, role in op.forward_steps():
            self.add(key=keys[part], phase="forward", symbol=shown[part], op=op, role=role, layer=l,
                     value=parts[part], inputs=inputs[part], reuses=before[part],
                     extra={**extra, "title": op.TITLES[part]},
                     quantity=keys[part].rstrip("0123456789"), names={"out": shown[part]})

    def norm_grads(self, lay, g, z, parts, grads, theta) -> None:
        """dL/dγ, dL/dβ, dL/dX̂, dL/dσ², dL/dμ and dL/dZ of a batch-normalised layer."""
        l, op, pre = lay.layer, lay.norm, self.s.notation.pre(lay.layer)
        extra = {**op.extra(), "bn": {"z": z, **parts, **theta, "g": g,
                                      **{f"d{k}": v for k, v in grads.items()}}}
        shown = {"gamma": f"γ{l}", "beta": f"β{l}", "xhat": f"X̂{l}", "var": f"σ²{l}", "mu": f"μ{l}", "z": pre}
        keys = {"gamma": f"gamma{l}", "beta": f"beta{l}", "xhat": f"Xhat{l}", "var": f"var{l}",
                "mu": f"mu{l}", "z": f"Z{l}"}
        for part in op.backward_steps():
            param = keys[part] if part in ("gamma", "beta") else None
            self.add(key=grad_key(keys[part]), phase="backward", symbol=self.gsym(shown[part]), op=op,
                     role=f"bn_grad_{part}", layer=l, value=grads[part], inputs={self.gsym(f"Y{l}"): g},
                     reuses=(grad_key(f"Y{l}"),), extra={**extra, "part": part, "title": op.TITLES.get(part if part in ("gamma", "beta", "z") else f"grad_{part}")}, quantity=keys[part].rstrip("0123456789"),
                     grad=True, param=param, of_symbol=shown[part], names={"out": shown[part], "g": f"Y{l}"})

    # backward -----------------------------------------------------------------
    def loss_grad(self, net, yhat, y, g) -> None:
        m, k = yhat.shape
        out = self.act_name(self.n)
        self.add(key=grad_key(f"A{self.n}"), phase="backward", symbol=self.gsym(out), op=net.loss,
                 role="loss_grad", layer=self.n, value=g, inputs={out: yhat, self.s.notation.targets: y},
                 reuses=(f"A{self.n}",), extra={"scale": net.loss.scale(m, k), "m": m, "k": k,
                                                **net.loss.step_extra(yhat, y)},
                 quantity="A", grad=True, of_symbol=out, slots=("yhat", "y"),
                 names={"yhat": out, "y": self.s.notation.targets, "out": out})

    def activation_grad(self, lay, g, z, a, gz) -> None:
        (zkey, pre), l, name = self.act_in(lay.layer), lay.layer, self.act_name(lay.layer)
        self.add(key=grad_key(zkey), phase="backward", symbol=self.gsym(pre), op=lay.act, role="backward",
                 layer=l, value=gz, inputs={self.gsym(name): g, pre: z, name: a},
                 reuses=(grad_key(f"A{l}"), zkey, f"A{l}"), extra=lay.act.step_extra(z),
                 quantity=zkey[0], grad=True, of_symbol=pre, slots=("g", "z", "a"),
                 names={"g": name, "z": pre, "a": name, "out": pre})

    def param_grad(self, lay, slot, value, g, z) -> None:
        l, name, shown = lay.layer, f"{slot}{lay.layer}", f"{lay.act.symbol(slot)}{lay.layer}"
        zkey, pre = self.act_in(l)
        self.add(key=grad_key(name), phase="backward", symbol=self.gsym(shown), op=lay.act, role="param_grad",
                 layer=l, value=value, inputs={self.gsym(self.act_name(l)): g, pre: z},
                 reuses=(grad_key(f"A{l}"), zkey), quantity=slot, grad=True, param=name, of_symbol=shown,
                 slots=("g", "z"), extra={"slot": slot},
                 names={"g": self.act_name(l), "z": pre, "out": shown})

    def affine_grads(self, lay, h, gz, w_used, W, gw, gb, gh, l2, penalty=None) -> None:
        l = lay.layer
        gz_sym, hname = self.gsym(self.s.notation.pre(l)), self.in_name(l - 1)
        extra = {"l2": l2, "penalty_of": penalty.spec()} if l2 and penalty is not None else {"l2": l2} if l2 else {}
        if l2 and penalty is not None and penalty.absolute:
            extra["subgradient"] = _("|w| has no derivative at w = 0; there sign(0) = 0 is taken (a subgradient).")
        if lay.affine.weight_op is not None:
            extra["straight_through"] = _("dL/d{value} is passed unchanged to the latent W{l}").format(value=self.wname[l], l=l)
        self.add(key=grad_key(f"W{l}"), phase="backward", symbol=self.gsym(f"W{l}"), op=lay.affine,
                 role="weight_grad", layer=l, value=gw,
                 inputs={hname: h, gz_sym: gz, **({f"W{l}": W} if l2 else {})},
                 reuses=(self.keys[l - 1], grad_key(f"Z{l}")), extra=extra, quantity="W", grad=True,
                 param=f"W{l}", of_symbol=f"W{l}", slots=("h", "g", "w"),
                 names={"h": hname, "g": self.s.notation.pre(l), "w": f"W{l}", "out": f"W{l}"})
        if gb is not None:  # a layer without a bias has no dL/db
            self.add(key=grad_key(f"b{l}"), phase="backward", symbol=self.gsym(f"b{l}"), op=lay.affine,
                     role="bias_grad", layer=l, value=gb, inputs={gz_sym: gz}, reuses=(grad_key(f"Z{l}"),),
                     quantity="b", grad=True, param=f"b{l}", of_symbol=f"b{l}", slots=("g",),
                     names={"g": self.s.notation.pre(l), "out": f"b{l}"})
        if gh is not None:
            self.add(key=grad_key(self.keys[l - 1]), phase="backward", symbol=self.gsym(hname), op=lay.affine,
                     role="input_grad", layer=l, value=gh, inputs={gz_sym: gz, self.wname[l]: w_used},
                     reuses=(grad_key(f"Z{l}"), self.wkey.get(l, f"W{l}")), quantity=self.keys[l - 1][0], grad=True,
                     of_symbol=hname, slots=("g", "w"),
                     names={"g": self.s.notation.pre(l), "w": self.wname[l], "out": hname})

    # update -------------------------------------------------------------------
    def running(self, lay, which: str, name: str, old, new) -> None:
        """A batch-normalised layer's running mean or variance after a training pass."""
        l, op = lay.layer, lay.norm
        batch, batch_key = (self.batch_stats[l][0], f"mu{l}") if which == "mean" else (self.batch_stats[l][1], f"var{l}")
        shown = f"μ{l}" if which == "mean" else f"σ²{l}"
        self.add(key=name, phase="update", symbol=name, op=op, role="running", layer=l, value=new,
                 inputs={name: old, shown: batch}, reuses=(batch_key,), quantity="running", slots=("old", "batch"),
                 extra={**op.extra(), "title": op.TITLES[f"running_{which}"]},
                 names={"old": name, "batch": shown, "out": name})

    def update(self, param, op, theta, grad, new, lr) -> None:
        name, shown = param.name, param.shown
        self.add(key=name, phase="update", symbol=shown, op=op, role="update", layer=param.layer, value=new,
                 inputs={shown: theta, self.gsym(shown): grad}, reuses=(grad_key(name),),
                 extra={"learning_rate": lr, **op.extra(),
                        **({"scalar": True} if getattr(param.op, "shared_bias", False) and param.slot == "b" else {})},
                 quantity=param.slot,
                 param=name, slots=("theta", "g"), names={"theta": shown, "out": shown})
