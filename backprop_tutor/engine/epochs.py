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
    #: at the end of the epoch (engine/epochviews.py): the loss on the training rows, the
    #: validation rows and the test set (None: no such rows), and per layer the units dead or
    #: saturated on every training row
    train_loss: float | None = None
    validation_loss: float | None = None
    test_loss: float | None = None
    dead_units: list[int] = field(default_factory=list)
    saturated_units: list[int] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"epoch": self.epoch, "loss": self.loss, "train_accuracy": self.train_accuracy,
                "test_accuracy": self.test_accuracy, "saturation": list(self.saturation),
                "train_loss": self.train_loss, "validation_loss": self.validation_loss,
                "test_loss": self.test_loss, "dead_units": list(self.dead_units),
                "saturated_units": list(self.saturated_units)}


@dataclass
class EpochResult:
    epochs: list[EpochRecord] = field(default_factory=list)
    params: dict[str, np.ndarray] = field(default_factory=dict)
    samples_per_second: float = 0.0
    #: early stopping: the epoch whose parameters were kept (0: no validation set) and whether
    #: training stopped before its last epoch
    best_epoch: int = 0
    stopped_early: bool = False
    validation_rows: int = 0

    def as_json(self) -> dict:
        return {"epochs": [e.as_json() for e in self.epochs], "best_epoch": self.best_epoch or None,
                "stopped_early": self.stopped_early, "validation_rows": self.validation_rows}


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
    return share_right(predict(net, params, x), labels)


def share_right(out: np.ndarray, labels: np.ndarray) -> float | None:
    """accuracy() of outputs already computed."""
    if out.shape[0] == 0:
        return None
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
    draw = work["passes"] = work.get("passes", -1) + 1  # dropout's mask: a new one every batch
    result = run_pass(net, params, x, y, work=work, fold_lr=fold, draw=draw)
    if saturation is not None:
        for i, ratio in enumerate(result.saturation):
            saturation[i] += ratio
    update(net, params, result.grads, lr, inplace=True, work=work, folded=result.folded, running=result.running)
    return result.loss


def train_epochs(net: Net, params: dict[str, np.ndarray], x_train: np.ndarray, y_train: np.ndarray,
                 labels_train: np.ndarray, x_test: np.ndarray, labels_test: np.ndarray, *,
                 lr: float, batch_size: int, epochs: int, seed: int = 0,
                 progress: Callable[[int, int, EpochRecord | None], None] | None = None,
                 dtype: str = "float64", y_test: np.ndarray | None = None, validation: float = 0.0,
                 patience: int = 0) -> EpochResult:
    """Shuffle each epoch (fixed seed), train batch by batch, record each epoch.

    `dtype` is the floating type of the parameters, the data and every array of the
    pass ("float32" halves the memory traffic and about doubles the speed of the matrix
    products); the reported loss, accuracies and saturations are Python floats.
    `validation` holds out that share of the training rows and `patience` stops early on their
    loss (engine/epochviews.py)."""
    from .epochviews import EarlyStop, split

    params = {k: np.array(v, dtype=dtype, copy=True) for k, v in params.items()}
    x_train, y_train, x_test = (np.asarray(a, dtype=dtype) for a in (x_train, y_train, x_test))
    y_test = None if y_test is None else np.asarray(y_test, dtype=dtype)  # None: accuracy only
    (x_train, y_train, labels_train), held = split(x_train, y_train, labels_train, validation, seed)
    rng = np.random.default_rng(seed)
    m = x_train.shape[0]
    n_batches = max(1, -(-m // batch_size))
    result = EpochResult(params=params, validation_rows=0 if held is None else held[0].shape[0])
    sets = {"train": (x_train, y_train, labels_train), "validation": held, "test": (x_test, y_test, labels_test)}
    stop = EarlyStop(patience if held is not None else 0)
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
        record = epoch_record(net, params, epoch, float(np.mean(losses)), [float(v / n_batches) for v in sat], sets)
        result.epochs.append(record)
        if progress is not None:
            progress(epoch, n_batches, record)
        if stop.see(epoch, record.validation_loss, params):
            result.stopped_early = epoch < epochs
            break
    if held is not None:
        stop.restore(params)
        result.best_epoch = stop.best_epoch
    return result


def epoch_record(net, params, epoch: int, loss: float, saturation: list[float], sets: dict) -> EpochRecord:
    """The end of an epoch: accuracies, the loss of each set, the dead and saturated units."""
    from .epochviews import evaluate

    x, y, labels = sets["train"]
    train = evaluate(net, params, x, y, units=True)
    xt, yt, lt = sets["test"]
    test = evaluate(net, params, xt, yt) if yt is not None else None
    held = sets["validation"]
    val = evaluate(net, params, *held[:2]) if held is not None else None
    return EpochRecord(epoch=epoch, loss=loss, train_accuracy=share_right(train.outputs, labels),
                       test_accuracy=share_right(test.outputs, lt) if test is not None else accuracy(net, params, xt, lt),
                       saturation=saturation, train_loss=train.loss,
                       validation_loss=None if val is None else val.loss,
                       test_loss=None if test is None else test.loss, dead_units=train.dead,
                       saturated_units=train.saturated)


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
                        epochs=epochs or t.epochs, seed=t.seed, progress=progress, dtype=t.dtype,
                        y_test=yt, validation=t.validation, patience=t.patience)


def batches_per_epoch(scenario) -> int:
    return max(1, -(-scenario.inputs.shape[0] // scenario.training.batch_size))
