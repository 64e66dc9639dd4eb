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

from .network import Network, forward, run_pass, update
from .tables import scaled



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


def Net(kinds: list[str], activations: list, loss, clip: float = 1.0, l2: float = 0.0) -> Network:
    """A network given by its layer kinds ("linear" / "binary_linear"), activations and loss."""
    return Network(kinds, activations, loss, l2, clip)


def predict(net: Network, params: dict[str, np.ndarray], x: np.ndarray, chunk: int = 4096) -> np.ndarray:
    """Output of the network for every row of x (the pass's forward, in chunks)."""
    net = net.for_inference()  # no dropout; batch normalisation from its running statistics
    out = [forward(net, params, x[start:start + chunk])[0][-1] for start in range(0, x.shape[0], chunk)]
    return np.concatenate(out) if out else np.zeros((0, 0))


def accuracy(net: Network, params, x: np.ndarray, labels: np.ndarray) -> float | None:
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


def train_batch(net: Network, params: dict[str, np.ndarray], x: np.ndarray, y: np.ndarray, lr: float,
                saturation: list[float] | None = None, work: dict | None = None) -> float:
    """One forward pass, backward pass and update on one batch (the network pass with
    recording off); returns the batch loss, penalty included.

    `work` (a dict the caller keeps between batches) holds one weight-sized array per
    layer: a binary layer's sign(W) for the forward pass, then dL/dW, are written into
    it every batch instead of into fresh megabyte-sized arrays, which the allocator would
    otherwise hand back to the system and fault in again each batch (that alone made
    training ~1.5x slower), and one array instead of two keeps more of a batch in cache.
    The update writes the next batch's sign(W) into it (see `update`): `work` belongs to one
    set of parameters changed only by train_batch (a fresh dict after changing them otherwise).
    """
    work = {} if work is None else work
    # float32: eta multiplies G before dL/dW = H^T G (not the product after), one pass over
    # the weights fewer; float64 keeps eta (H^T G), the unbuffered pass's numbers bit for bit
    fold = lr if x.dtype == np.float32 and not net.l2 else None
    result = run_pass(net, params, x, y, work=work, fold_lr=fold)
    if saturation is not None:
        for i, ratio in enumerate(result.saturation):
            saturation[i] += ratio
    update(net, params, result.grads, lr, inplace=True, work=work, folded=result.folded, running=result.running)
    return result.loss


def train_epochs(net: Net, params: dict[str, np.ndarray], x_train: np.ndarray, y_train: np.ndarray,
                 labels_train: np.ndarray, x_test: np.ndarray, labels_test: np.ndarray, *,
                 lr: float, batch_size: int, epochs: int, seed: int = 0,
                 progress: Callable[[int, int, EpochRecord | None], None] | None = None,
                 dtype: str = "float64") -> EpochResult:
    """Shuffle each epoch (fixed seed), train batch by batch, record each epoch.

    `dtype` is the floating type of the parameters, the data and every array of the
    pass ("float32" halves the memory traffic and about doubles the speed of the matrix
    products); the reported loss, accuracies and saturations are Python floats."""
    params = {k: np.array(v, dtype=dtype, copy=True) for k, v in params.items()}
    x_train, y_train, x_test = (np.asarray(a, dtype=dtype) for a in (x_train, y_train, x_test))
    rng = np.random.default_rng(seed)
    m = x_train.shape[0]
    n_batches = max(1, -(-m // batch_size))
    result = EpochResult(params=params)
    n_sign = sum(lay.act.blocked_ratio(np.zeros(1)) is not None for lay in net.layers)
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


def net_of(scenario) -> Network:
    return Network.of(scenario)


def prepared(scenario) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Train and test tables after the scenario's preprocessing of inputs and targets, each
    method fitted on the training part (the same preprocessing `tutor run` applies)."""
    t = scaled(scenario)
    return t.x, t.y, t.x_test, t.y_test


def train_scenario(scenario, epochs: int | None = None,
                   progress: Callable[[int, int, EpochRecord | None], None] | None = None) -> EpochResult:
    """Minibatch training of a scenario with `training.batch: N` for its epochs, in its
    `training.dtype`."""
    t = scenario.training
    x, y, xt, yt = prepared(scenario)
    net = Network.of(scenario)
    raw_test = scenario.test_targets if scenario.test_targets is not None else np.zeros((0, y.shape[1]))
    return train_epochs(net, net.initial(scenario.parameters), x, y, labels_of(scenario.targets), xt,
                        labels_of(raw_test), lr=t.learning_rate, batch_size=t.batch_size,
                        epochs=epochs or t.epochs, seed=t.seed, progress=progress, dtype=t.dtype)


def batches_per_epoch(scenario) -> int:
    return max(1, -(-scenario.inputs.shape[0] // scenario.training.batch_size))
