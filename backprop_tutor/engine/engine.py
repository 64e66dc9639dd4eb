"""The engine: runs a scenario forward and backward one operation at a time.

`Engine.steps()` yields one Step per operation, in teaching order:
preprocessing, each forward op, the loss, each backward op, each update.
It imports numpy and the operations only; no rich, no typer, no sympy.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from ..ops import GradientDescent, L2Penalty, Linear
from ..ops.binary import BinaryLinear, ClippedGradientDescent, SignSTE
from ..scenario.model import Scenario
from .step import Step

LINEAR = Linear()
SGD = GradientDescent()
L2 = L2Penalty()
BINARY = BinaryLinear()


def affine_op(layer) -> Linear:
    """The affine map a layer applies: Linear, or BinaryLinear for `type: binary_linear`."""
    return BINARY if layer.kind == "binary_linear" else LINEAR


def grad_key(name: str) -> str:
    return f"dL/d{name}"


@dataclass
class Data:
    """The tables one iteration trains on, after preprocessing and record selection."""

    x: np.ndarray
    y: np.ndarray
    steps: list[Step]


class Engine:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.params = {k: v.copy() for k, v in scenario.parameters.items()}

    # symbols -------------------------------------------------------------
    def _grad_symbol(self, of: str) -> str:
        return f"∂{self.scenario.notation.loss}/∂{of}"

    def _names(self):
        s = self.scenario
        n = s.depth
        act = {0: s.notation.inputs}
        act.update({l: s.notation.act(l, n) for l in range(1, n + 1)})
        return act

    # data ----------------------------------------------------------------
    def data(self, record: int | None = None, full: bool = False) -> Data:
        """Preprocessed tables; one record of them in record mode (unless `full`)."""
        s = self.scenario
        x, y = s.inputs, s.targets
        steps: list[Step] = []
        for which, raw, sym in (("inputs", x, s.notation.inputs), ("targets", y, s.notation.targets)):
            method = s.preprocess.get(which)
            if method is None:
                continue
            stats = method.fit(raw)
            scaled = method.forward(raw, stats)
            steps.append(Step(key="X" if which == "inputs" else "Y", phase="preprocess",
                              symbol=f"{sym}′", op=method, role="preprocess", value=scaled,
                              inputs={sym: raw}, extra={"stats": stats, "table": which}))
            if which == "inputs":
                x = scaled
            else:
                y = scaled
        if s.training.batch == "record" and not full:
            k = s.training.record if record is None else record
            rx, ry = x[k:k + 1], y[k:k + 1]
            steps.append(Step(key="x", phase="preprocess", symbol="x", op=None, role="select",
                              value=rx, inputs={s.notation.inputs: x}, extra={"record": k}))
            steps.append(Step(key="y", phase="preprocess", symbol="y", op=None, role="select",
                              value=ry, inputs={s.notation.targets: y}, extra={"record": k}))
            x, y = rx, ry
        elif s.training.batch == "minibatch" and not full:
            k = s.training.step_batch
            rows = list(range(k))
            steps.append(Step(key="x", phase="preprocess", symbol="x", op=None, role="select",
                              value=x[:k], inputs={s.notation.inputs: x}, extra={"record": rows}))
            steps.append(Step(key="y", phase="preprocess", symbol="y", op=None, role="select",
                              value=y[:k], inputs={s.notation.targets: y}, extra={"record": rows}))
            x, y = x[:k], y[:k]
        return Data(x=x, y=y, steps=steps)

    # one iteration -------------------------------------------------------
    def forward_backward(self, params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray,
                         x_key: str = "X") -> Iterator[Step]:
        """Forward ops, the loss, then backward ops; the last steps carry every gradient."""
        s = self.scenario
        n = s.depth
        names = self._names()
        keys = {0: x_key}
        a = {0: x}
        z = {}
        wname = {}  # the matrix each layer multiplies by: W<l>, or sign(W<l>) for a binary layer
        wused = {}
        for l in range(1, n + 1):
            W, b = params[f"W{l}"], params[f"b{l}"]
            wname[l], wused[l], wreuse = f"W{l}", W, ()
            if s.layers[l - 1].kind == "binary_linear":
                # the binary layer Z = H sign(W) + b, shown as its two operations
                wname[l], wused[l], wreuse = f"sign(W{l})", BINARY.binarize.forward(W), (f"Wb{l}",)
                yield Step(key=f"Wb{l}", phase="forward", symbol=wname[l], op=BINARY.binarize, role="forward",
                           layer=l, value=wused[l], inputs={f"W{l}": W},
                           extra={"latent": f"W{l}", "layer_op": BINARY})
            z[l] = LINEAR.forward(a[l - 1], wused[l], b)
            yield Step(key=f"Z{l}", phase="forward", symbol=s.notation.pre(l), op=LINEAR, role="forward",
                       layer=l, value=z[l], inputs={names[l - 1]: a[l - 1], wname[l]: wused[l], f"b{l}": b},
                       reuses=((keys[l - 1],) if l > 1 else ()) + wreuse)
            act = s.layers[l - 1].activation
            a[l] = act.forward(z[l])
            keys[l] = f"A{l}"
            yield Step(key=f"A{l}", phase="forward", symbol=names[l], op=act, role="forward", layer=l,
                       value=a[l], inputs={s.notation.pre(l): z[l]}, reuses=(f"Z{l}",),
                       extra=_sign_extra(act, z[l]))

        yhat, out = a[n], names[n]
        m, k = yhat.shape
        data_loss = s.loss.forward(yhat, y)
        weights = [params[f"W{l}"] for l in range(1, n + 1)]
        penalty = L2.forward(weights, s.l2) if s.l2 else 0.0
        yield Step(key="L", phase="loss", symbol=s.notation.loss, op=s.loss, role="loss",
                   value=data_loss + penalty, inputs={out: yhat, s.notation.targets: y},
                   reuses=(f"A{n}",),
                   extra={"scale": s.loss.scale(m, k), "m": m, "k": k, "data_loss": data_loss,
                          "penalty": penalty, "l2": s.l2})

        grad_a = s.loss.backward(yhat, y)
        yield Step(key=grad_key(f"A{n}"), phase="backward", symbol=self._grad_symbol(out), op=s.loss,
                   role="loss_grad", layer=n, value=grad_a, inputs={out: yhat, s.notation.targets: y},
                   reuses=(f"A{n}",), extra={"scale": s.loss.scale(m, k), "m": m, "k": k})
        for l in range(n, 0, -1):
            act = s.layers[l - 1].activation
            grad_z = act.backward(z[l], a[l], grad_a)
            yield Step(key=grad_key(f"Z{l}"), phase="backward", symbol=self._grad_symbol(s.notation.pre(l)),
                       op=act, role="backward", layer=l, value=grad_z,
                       inputs={self._grad_symbol(names[l]): grad_a, s.notation.pre(l): z[l], names[l]: a[l]},
                       reuses=(grad_key(f"A{l}"), f"Z{l}", f"A{l}"), extra=_sign_extra(act, z[l]))
            W = params[f"W{l}"]
            # for a binary layer wused is sign(W): dL/dH = G sign(W)^T, and dL/dW = H^T G
            # passes straight through the sign to the latent weights (BinaryLinear.backward)
            grad_h, grad_w, grad_b = LINEAR.backward(grad_z, a[l - 1], wused[l])
            gz_sym = self._grad_symbol(s.notation.pre(l))
            extra = {}
            if s.l2:
                grad_w = grad_w + L2.backward(W, s.l2)
                extra = {"l2": s.l2}
            if s.layers[l - 1].kind == "binary_linear":
                extra["straight_through"] = f"dL/d{wname[l]} is passed unchanged to the latent W{l}"
            yield Step(key=grad_key(f"W{l}"), phase="backward", symbol=self._grad_symbol(f"W{l}"), op=LINEAR,
                       role="weight_grad", layer=l, value=grad_w,
                       inputs={names[l - 1]: a[l - 1], gz_sym: grad_z, **({f"W{l}": W} if s.l2 else {})},
                       reuses=(keys[l - 1], grad_key(f"Z{l}")), extra=extra)
            yield Step(key=grad_key(f"b{l}"), phase="backward", symbol=self._grad_symbol(f"b{l}"), op=LINEAR,
                       role="bias_grad", layer=l, value=grad_b, inputs={gz_sym: grad_z},
                       reuses=(grad_key(f"Z{l}"),))
            if l > 1:
                grad_a = grad_h
                yield Step(key=grad_key(f"A{l - 1}"), phase="backward",
                           symbol=self._grad_symbol(names[l - 1]), op=LINEAR, role="input_grad", layer=l,
                           value=grad_h, inputs={gz_sym: grad_z, wname[l]: wused[l]},
                           reuses=(grad_key(f"Z{l}"), f"Wb{l}" if wname[l] != f"W{l}" else f"W{l}"))

    def update(self, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> Iterator[Step]:
        """theta <- theta - eta dL/dtheta for W1, b1, W2, ... in order."""
        lr = self.scenario.training.learning_rate
        clipped = ClippedGradientDescent(self.scenario.training.clip)
        for l in range(1, self.scenario.depth + 1):
            binary = self.scenario.layers[l - 1].kind == "binary_linear"
            for name in (f"W{l}", f"b{l}"):
                op = clipped if binary and name[0] == "W" else SGD
                new = op.forward(params[name], grads[grad_key(name)], lr)
                extra = {"learning_rate": lr}
                if op is clipped:
                    extra["clip"] = clipped.clip
                yield Step(key=name, phase="update", symbol=name, op=op, role="update", layer=l, value=new,
                           inputs={name: params[name], self._grad_symbol(name): grads[grad_key(name)]},
                           reuses=(grad_key(name),), extra=extra)

    def steps(self, record: int | None = None) -> Iterator[Step]:
        """One full iteration from the scenario's initial parameters, one step per operation."""
        data = self.data(record)
        yield from data.steps
        grads = {}
        x_key = "x" if any(st.role == "select" for st in data.steps) else "X"
        for step in self.forward_backward(self.params, data.x, data.y, x_key):
            if step.key.startswith("dL/d"):
                grads[step.key] = step.value
            yield step
        yield from self.update(self.params, grads)


def _sign_extra(act, z: np.ndarray) -> dict:
    """For a sign layer: the STE mask 1{|z| <= t}, the saturated ratio and t."""
    if not isinstance(act, SignSTE):
        return {}
    return {"mask": act.mask(z), "saturated": act.saturation(z), "threshold": act.threshold}


def param_names(depth: int) -> list[str]:
    return [name for l in range(1, depth + 1) for name in (f"W{l}", f"b{l}")]
