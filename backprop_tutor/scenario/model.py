"""The validated scenario the engine receives. Everything here is checked data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..ops import Activation, Loss, Preprocess

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Layer:
    units: int
    activation: Activation
    #: "linear" (Z = H W + b) or "binary_linear" (Z = H sign(W) + b, latent W)
    kind: str = "linear"
    #: "own" (one bias per unit), "shared" (one bias b for every unit: `bias: shared`)
    bias: str = "own"
    #: the drop probability p of inverted dropout on the layer's activations (0: none)
    dropout: float = 0.0
    #: the layer's batch normalisation (ops.batchnorm.BatchNorm, in train mode) or None
    norm: object = None


@dataclass(frozen=True)
class Notation:
    """The symbols a scenario prints, so it reads like its source document."""

    activation: str = "A"  # A or H (the chapter 18 document writes H)
    loss: str = "L"  # L or J
    inputs: str = "X"
    targets: str = "Y"
    preactivation: str = "Z"
    #: what the last activation is called (e.g. "Ŷ"); empty keeps A<n>
    output: str = ""

    def act(self, layer: int, n_layers: int) -> str:
        if layer == n_layers and self.output:
            return self.output
        return f"{self.activation}{layer}"

    def pre(self, layer: int) -> str:
        return f"{self.preactivation}{layer}"


#: the floating-point types training by epochs may run in (the first is the default)
DTYPES = ("float64", "float32")


@dataclass(frozen=True)
class Training:
    learning_rate: float = 0.1
    batch: str = "full"  # "full" or "record"
    record: int = 0  # which record (0-based) when batch == "record"
    max_iterations: int = 1000
    epsilon: float = 0.0  # stop when every gradient norm is below this (0: never)
    # minibatch training by epochs (batch == "minibatch"; the binarized-network scenario)
    batch_size: int = 0  # samples per batch
    epochs: int = 0  # 0: train by iterations as above
    seed: int = 0  # shuffling of the batches
    clip: float = 1.0  # latent weights of binary layers are clipped to [-clip, clip]
    step_batch: int = 4  # `tutor run` shows one iteration on this many samples
    #: the floating-point type of training by epochs ("float64" or "float32"); a worked
    #: example (`run`, `explain`, step mode, training by iterations) is always float64
    dtype: str = "float64"
    #: parameters that keep their value (their gradients are shown, never applied)
    frozen: tuple = ()
    #: "train" or "inference": dropout is the identity at inference
    mode: str = "train"
    #: training by epochs: the share of training rows held out to validate (0: none), and the
    #: epochs without a lower validation loss after which training stops (0: never)
    validation: float = 0.0
    patience: int = 0


@dataclass(frozen=True)
class Source:
    document: str = ""
    section: str = ""

    def __str__(self) -> str:
        from ..i18n import _

        return ", ".join(p for p in (self.document, _(self.section) if self.section else "") if p)


@dataclass
class Scenario:
    name: str
    title: str
    description: str
    source: Source
    inputs: np.ndarray  # m x n, as printed in the source
    targets: np.ndarray  # m x k
    preprocess: dict[str, Preprocess]  # "inputs" / "targets" -> method
    n_inputs: int
    layers: list[Layer]
    parameters: dict[str, np.ndarray]  # W1 (n_in x n_out), b1 (n_out,), ...
    loss: Loss
    l2: float
    training: Training
    notation: Notation
    path: str = ""
    init: dict = field(default_factory=dict)  # how parameters not given were drawn
    #: the window t of every sign layer's straight-through estimator (None: no sign layer)
    ste_threshold: float | None = None
    #: a data set (digits, or MNIST by path): its test part, and what it is
    test_inputs: np.ndarray | None = None
    test_targets: np.ndarray | None = None
    dataset: str = ""
    #: `file:line` (or the option) a field's value came from, by its path
    where: Callable[[tuple], str] | None = field(default=None, repr=False, compare=False)
    #: the file has a `run:` section (what `tutor run` shows differs from what `train` uses)
    run_section: bool = False
    #: `loss.penalty`'s op (None: `loss.l2`, λ/2 ‖W‖², when l2 is not 0)
    penalty: Any = None

    @property
    def depth(self) -> int:
        return len(self.layers)

    def widths(self) -> list[int]:
        return [self.n_inputs] + [layer.units for layer in self.layers]

    def shape_text(self) -> str:
        parts = [str(self.n_inputs)]
        for layer in self.layers:
            kind = layer.kind.removesuffix("linear").replace("_", " ")  # binary_linear -> "binary "
            marks = "".join((" +bn" if layer.norm is not None else "",
                             f" dropout {layer.dropout:g}" if layer.dropout else "",
                             " shared b" if layer.bias == "shared" else ""))
            parts.append(f"{kind}{layer.units}{marks} {layer.activation!r}")
        return " -> ".join(parts)
