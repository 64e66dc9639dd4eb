"""The runs of `tutor compare`: each value of the varied field trained the way its scenario
trains (by epochs, or by iterations on one record or the full batch), then drawn side by side."""

from __future__ import annotations

from dataclasses import dataclass

from ..i18n import _
from .app import console, fail


@dataclass
class Run:
    label: str  # "training.learning_rate = 0.5": what the panel is for
    value: str
    layer: str = ""  # "layer 1" when the field is one layer's
    epochs: object = None  # EpochResult, for a scenario trained by epochs
    trained: object = None  # TrainResult, for one trained by iterations

    def as_json(self) -> dict:
        if self.epochs is not None:
            return {"value": self.value, "label": self.label, **self.epochs.as_json()}
        r = self.trained
        return {"value": self.value, "label": self.label, "iterations": r.iterations, "loss": r.loss,
                "stopped_by": r.stopped_by, "final": {"L": r.final_loss, "grad_norms": r.grad_norms}}


def label_of(field: str, value: str) -> str:
    """The panel's title: `field = value` (training.learning_rate = 0.5); a field of one layer
    by its own name (activation = relu, units = 8), the layer said under the panel."""
    parts = field.split(".")
    if len(parts) > 3 and parts[:2] == ["network", "layers"] and parts[2].isdigit():
        return f"{'.'.join(parts[3:])} = {value}"
    return f"{field} = {value}"


def layer_of(field: str) -> str:
    parts = field.split(".")
    if len(parts) > 3 and parts[:2] == ["network", "layers"] and parts[2].isdigit():
        return _("layer {layer}").format(layer=int(parts[2]) + 1)
    return ""


def train_run(model, field: str, value: str, epochs: int | None, iterations: int | None) -> Run:
    from ..textsafe import visible

    label = visible(label_of(field, value), newlines=False)
    if model.training.batch == "minibatch":
        if iterations is not None:
            fail(_("--iterations: {name} trains by epochs (training.batch: {batch}); use --epochs N").format(
                name=model.name, batch=model.training.batch_size))
        from .compare import run_epochs

        return Run(label, value, layer_of(field), epochs=run_epochs(model, epochs, label))
    if epochs is not None:
        fail(_("--epochs: {name} trains by iterations (training.batch: {batch}); use --iterations N").format(
            name=model.name, batch=model.training.batch))
    from ..engine import train

    return Run(label, value, layer_of(field), trained=train(model, iterations))


def print_runs(runs: list[Run]) -> None:
    from rich.text import Text

    from ..render.compare import SideBySideRuns

    console().print(SideBySideRuns([(Text(run.label), run.epochs.epochs if run.epochs is not None else None,
                                     run.trained, run.layer) for run in runs]))
