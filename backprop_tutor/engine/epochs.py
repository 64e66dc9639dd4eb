"""Minibatch training by epochs, with accuracy and the saturation of each sign layer.

This is the at-scale counterpart of `Engine.steps()`: the same operations (the ops'
own forward and backward rules), applied to whole batches as numpy matrix
operations, for many batches and epochs. Per epoch it records the mean loss over
the batches, train and test accuracy (argmax of the output against the label) at
the end of the epoch, and for each sign layer the saturated ratio (share of entries
with |z| > t, whose gradient the straight-through estimator blocks) over the epoch's
batches, like the notes' log.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from ..ops.binary import SignSTE, sign



@dataclass
class EpochRecord:
    epoch: int
    loss: float
    train_accuracy: float
    test_accuracy: float | None  # None: the scenario has no test set
    saturation: list[float]

    def as_json(self) -> dict:
        return {"epoch": self.epoch, "loss": self.loss, "train_accuracy": self.train_accuracy,
                "test_accuracy": self.test_accuracy, "saturation": list(self.saturation)}


@dataclass
class EpochResult:
    epochs: list[EpochRecord] = field(default_factory=list)
    params: dict[str, np.ndarray] = field(default_factory=dict)
    samples_per_second: float = 0.0

    def as_json(self) -> dict:
        return {"epochs": [e.as_json() for e in self.epochs]}


@dataclass
class Net:
    """What the loop needs of a network: per layer its kind, activation; the loss."""

    kinds: list[str]  # "linear" or "binary_linear"
    activations: list  # Activation objects
    loss: object
    clip: float = 1.0

    def sign_layers(self) -> list[int]:
        return [i for i, act in enumerate(self.activations) if isinstance(act, SignSTE)]


def predict(net: Net, params: dict[str, np.ndarray], x: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Output of the network for every row of x (evaluated in chunks)."""
    weights = [sign(params[f"W{l + 1}"]) if kind == "binary_linear" else params[f"W{l + 1}"]
               for l, kind in enumerate(net.kinds)]
    out = []
    for start in range(0, x.shape[0], chunk):
        a = x[start:start + chunk]
        for l, act in enumerate(net.activations):
            a = act.forward(a @ weights[l] + params[f"b{l + 1}"])
        out.append(a)
    return np.concatenate(out) if out else np.zeros((0, 0))


def accuracy(net: Net, params, x: np.ndarray, labels: np.ndarray) -> float | None:
    """Share of rows classified right (None when there are no rows: no test set). One
    output column is a yes/no answer read at the 0.5 threshold; several, by argmax."""
    if x.shape[0] == 0:
        return None
    out = predict(net, params, x)
    guess = (out[:, 0] >= 0.5).astype(int) if out.shape[1] == 1 else out.argmax(axis=1)
    return float(np.mean(guess == labels))


def labels_of(y: np.ndarray) -> np.ndarray:
    """Class of each target row: argmax of one-hot rows, or y >= 0.5 for one column."""
    return (y[:, 0] >= 0.5).astype(int) if y.shape[1] == 1 else y.argmax(axis=1)


def train_batch(net: Net, params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, lr: float,
                saturation: list[float] | None = None, work: dict | None = None) -> float:
    """One forward pass, backward pass and update on one batch; returns the batch loss.

    Each op applies its own rule to the whole batch: BinaryLinear / Linear forward
    and backward, the activation's backward (the STE mask for sign), the loss's
    gradient, then the update (latent weights of binary layers clipped to [-c, c]).

    `work` (a dict the caller keeps between batches) holds the weight-sized arrays:
    sign(W) and dL/dW are written into the same buffers every batch instead of
    fresh megabyte-sized arrays, which the allocator would otherwise hand back to
    the system and fault in again each batch (that alone made training ~1.5x slower).
    """
    n = len(net.kinds)
    work = {} if work is None else work
    hs, zs, ws = [x], [], []
    for l in range(n):
        w = params[f"W{l + 1}"]
        if net.kinds[l] == "binary_linear":
            wb = _buffer(work, f"sign{l}", w.shape)
            np.greater_equal(w, 0, out=wb)  # sign(W) = 2 * 1{W >= 0} - 1, as ops.binary.sign
            wb *= 2.0
            wb -= 1.0
        else:
            wb = w
        z = hs[-1] @ wb
        z += params[f"b{l + 1}"]
        ws.append(wb)
        zs.append(z)
        hs.append(net.activations[l].forward(z))
    yhat = hs[-1]
    loss = net.loss.forward(yhat, y)
    grad_a = net.loss.backward(yhat, y)
    signs = net.sign_layers()
    for l in range(n - 1, -1, -1):
        act = net.activations[l]
        if isinstance(act, SignSTE):
            mask = act.mask(zs[l])
            if saturation is not None:
                saturation[signs.index(l)] += 1.0 - np.count_nonzero(mask) / mask.size
            grad_z = grad_a * mask
        else:
            grad_z = act.backward(zs[l], hs[l + 1], grad_a)
        # the three rules of Linear.backward / BinaryLinear.backward (ws holds sign(W) for a
        # binary layer: dL/dH = G sign(W)^T, and dL/dW = H^T G straight through the sign)
        if l > 0:
            grad_a = grad_z @ ws[l].T
        w = params[f"W{l + 1}"]
        grad_w = np.matmul(hs[l].T, grad_z, out=_buffer(work, f"grad{l}", w.shape))
        grad_w *= lr
        w -= grad_w
        if net.kinds[l] == "binary_linear":  # ClippedGradientDescent, in place
            np.clip(w, -net.clip, net.clip, out=w)
        params[f"b{l + 1}"] -= lr * grad_z.sum(axis=0)
    return loss


def _buffer(work: dict, key: str, shape: tuple) -> np.ndarray:
    buf = work.get(key)
    if buf is None or buf.shape != shape:
        buf = work[key] = np.empty(shape)
    return buf


def train_epochs(net: Net, params: dict[str, np.ndarray], x_train: np.ndarray, y_train: np.ndarray,
                 labels_train: np.ndarray, x_test: np.ndarray, labels_test: np.ndarray, *,
                 lr: float, batch_size: int, epochs: int, seed: int = 0,
                 progress: Callable[[int, int, EpochRecord | None], None] | None = None) -> EpochResult:
    """Shuffle each epoch (fixed seed), train batch by batch, record each epoch."""
    params = {k: np.array(v, dtype=float, copy=True) for k, v in params.items()}
    rng = np.random.default_rng(seed)
    m = x_train.shape[0]
    n_batches = max(1, -(-m // batch_size))
    result = EpochResult(params=params)
    n_sign = len(net.sign_layers())
    work: dict = {}
    for epoch in range(1, epochs + 1):
        order = rng.permutation(m)
        losses, sat = [], [0.0] * n_sign
        for k in range(n_batches):
            idx = order[k * batch_size:(k + 1) * batch_size]
            losses.append(train_batch(net, params, x_train[idx], y_train[idx], lr, sat, work))
            if progress is not None:
                progress(epoch, k + 1, None)
        record = EpochRecord(epoch=epoch, loss=float(np.mean(losses)),
                             train_accuracy=accuracy(net, params, x_train, labels_train),
                             test_accuracy=accuracy(net, params, x_test, labels_test),
                             saturation=[float(v / n_batches) for v in sat])
        result.epochs.append(record)
        if progress is not None:
            progress(epoch, n_batches, record)
    return result


def net_of(scenario) -> Net:
    return Net(kinds=[layer.kind for layer in scenario.layers],
               activations=[layer.activation for layer in scenario.layers],
               loss=scenario.loss, clip=scenario.training.clip)


def prepared(scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train and test inputs after the scenario's preprocessing (fitted on the train part)."""
    x, xt = scenario.inputs, scenario.test_inputs
    if xt is None:
        xt = np.zeros((0, x.shape[1]))
    method = scenario.preprocess.get("inputs")
    if method is not None:
        stats = method.fit(x)
        x, xt = method.forward(x, stats), method.forward(xt, stats)
    yt = scenario.test_targets if scenario.test_targets is not None else np.zeros((0, scenario.targets.shape[1]))
    return x, scenario.targets, xt, yt


def train_scenario(scenario, epochs: int | None = None,
                   progress: Callable[[int, int, EpochRecord | None], None] | None = None) -> EpochResult:
    """Minibatch training of a scenario with `training.batch: N` for its epochs."""
    t = scenario.training
    x, y, xt, yt = prepared(scenario)
    return train_epochs(net_of(scenario), scenario.parameters, x, y, labels_of(y), xt, labels_of(yt),
                        lr=t.learning_rate, batch_size=t.batch_size, epochs=epochs or t.epochs, seed=t.seed,
                        progress=progress)


def batches_per_epoch(scenario) -> int:
    return max(1, -(-scenario.inputs.shape[0] // scenario.training.batch_size))
