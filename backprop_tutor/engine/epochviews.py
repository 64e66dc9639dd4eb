"""What training by epochs shows besides the loss and accuracies: the loss on the validation and
test sets, the dead and saturated units of each layer at the end of each epoch, and early stopping
on the validation loss.

- A unit is dead or saturated as its activation reports it (`unit_warnings`, ops/diagnostics.py),
  over every row of the training set at the end of the epoch: dead, a ReLU unit with z <= 0 on
  every row; saturated, |f'(z)| < 0.01 x its largest f' on every row (sigmoid, tanh, and a sign
  unit outside its straight-through window, where f' = 0).
- `training.validation: v` holds out round(v x m) training rows, picked by training.seed; with
  `training.patience: p` training stops once the validation loss has not fallen for p epochs,
  and the parameters of the epoch with the lowest validation loss are restored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .network import forward, loss_of

#: rows of a forward pass at a time when a whole set is evaluated
CHUNK = 4096


@dataclass
class Evaluation:
    loss: float | None  # None: no rows
    outputs: np.ndarray  # the network's output for every row
    dead: list[int]
    saturated: list[int]


def evaluate(net, params, x: np.ndarray, y: np.ndarray, units: bool = False) -> Evaluation:
    """Loss (penalty included) and output over every row, a chunk at a time, as the network
    infers (no dropout; batch normalisation from its running statistics); with `units`, the
    units of each layer dead or saturated on every row."""
    net = net.for_inference()
    m = x.shape[0]
    if m == 0:
        return Evaluation(None, np.zeros((0, y.shape[1] if y.ndim == 2 else 0)), [], [])
    k = y.shape[1]
    total, penalty, outs = 0.0, 0.0, []
    dead_sets = sat_sets = None
    for start in range(0, m, CHUNK):
        xc, yc = x[start:start + CHUNK], y[start:start + CHUNK]
        hs, zs, _ws, acts, _normed = forward(net, params, xc)
        _loss, data, penalty, _one = loss_of(net, params, hs[-1], zs[-1], yc)
        total += float(data) / net.loss.scale(xc.shape[0], k)
        outs.append(hs[-1])
        if units:
            found = unit_sets(net, acts, zs)
            dead_sets = found[0] if dead_sets is None else [a & b for a, b in zip(dead_sets, found[0])]
            sat_sets = found[1] if sat_sets is None else [a & b for a, b in zip(sat_sets, found[1])]
    loss = total * net.loss.scale(m, k) + float(penalty)
    dead = [len(s) for s in dead_sets] if dead_sets is not None else []
    sat = [len(s) for s in sat_sets] if sat_sets is not None else []
    return Evaluation(loss, np.concatenate(outs), dead, sat)


def unit_sets(net, acts, zs) -> tuple[list[set], list[set]]:
    """The dead and the saturated units of each layer on these rows, as sets of unit indices
    (`acts`: each layer's activations, `zs`: their inputs)."""
    dead, sat = [], []
    for l, lay in enumerate(net.layers):
        warned = lay.act.unit_warnings(zs[l], acts[l], l + 1)
        dead.append({u for d in warned if d.kind == "dead" for u in d.units})
        sat.append({u for d in warned if d.kind == "saturated" for u in d.units})
    return dead, sat


def split(x: np.ndarray, y: np.ndarray, labels: np.ndarray, share: float, seed: int):
    """(train rows, validation rows) of x, y and labels: round(share x m) rows held out, picked
    by a generator of its own seeded from training.seed (the shuffles are left as they were)."""
    m = x.shape[0]
    n_val = int(round(share * m)) if share else 0
    if not n_val:
        return (x, y, labels), None
    order = np.random.default_rng([seed, 1]).permutation(m)
    keep, held = np.sort(order[n_val:]), np.sort(order[:n_val])
    return (x[keep], y[keep], labels[keep]), (x[held], y[held], labels[held])


class EarlyStop:
    """The lowest validation loss so far, its epoch and a copy of its parameters."""

    def __init__(self, patience: int) -> None:
        self.patience = patience
        self.best_loss, self.best_epoch, self.best_params = np.inf, 0, None

    def see(self, epoch: int, loss: float | None, params: dict) -> bool:
        """Whether training should stop after this epoch."""
        if loss is not None and loss < self.best_loss:
            self.best_loss, self.best_epoch = loss, epoch
            self.best_params = {k: v.copy() for k, v in params.items()}
        return bool(self.patience) and epoch - self.best_epoch >= self.patience

    def restore(self, params: dict) -> None:
        if self.best_params is not None:
            for k, v in self.best_params.items():
                params[k][...] = v
