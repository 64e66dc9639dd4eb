"""`tutor compare`: run a scenario once per value of one field, curves side by side.

    tutor compare bnn-saturation --vary ste.threshold=1,25

Each run is the scenario with `--set FIELD=VALUE` (validated like a file) trained
by epochs; the panels show test/train accuracy and each sign layer's saturated ratio
per epoch on the same 0..1 scale. Also home of the epoch-training helper that
`tutor train` uses for scenarios with `training.batch: N`.
"""

from __future__ import annotations

from typing import Optional

import typer

from ..scenario.limits import MAX_COMPARE_VALUES
from ..textsafe import literal, visible
from .app import app, console, fail, load, print_json

VARY_HELP = "FIELD=V1,V2,...: the field to change and its values, e.g. ste.threshold=1,25."


def run_epochs(model, epochs: int | None = None, label: str = ""):
    """Train a minibatch scenario by epochs, with a progress bar on a terminal."""
    from ..engine.epochs import batches_per_epoch, train_scenario

    total_epochs = epochs or model.training.epochs
    per_epoch = batches_per_epoch(model)
    err = console(stderr=True)
    if not err.is_terminal:
        return train_scenario(model, epochs)
    from rich.progress import Progress

    with Progress(transient=True, console=err) as bar:
        from rich.markup import escape

        task = bar.add_task(escape(visible(f"training {label or model.name}", newlines=False)),
                            total=total_epochs * per_epoch)

        def progress(epoch: int, batch: int, record) -> None:
            bar.update(task, completed=(epoch - 1) * per_epoch + batch)
            if record is not None:
                from ..render.epochs import epoch_line

                bar.console.print(epoch_line(record), highlight=False)

        return train_scenario(model, epochs, progress)


def print_epochs(model, result, as_json: bool) -> None:
    """`tutor train` output for an epoch-trained scenario."""
    if as_json:
        print_json(result.as_json())
        return
    from ..render.epochs import EpochTable

    title = f"trained {model.name}: {model.shape_text()}"
    if model.ste_threshold is not None:
        title += f"; straight-through window |z| <= {model.ste_threshold:g}"
    console().print(EpochTable(result.epochs, literal(title, newlines=False)))


def parse_vary(option: str) -> tuple[str, list[str]]:
    field, sep, values = option.partition("=")
    items = [v.strip() for v in values.split(",") if v.strip()]
    if not sep or not field.strip() or not items:
        fail(f"--vary {option}: expected FIELD=V1,V2,..., e.g. --vary ste.threshold=1,25")
    if len(items) > MAX_COMPARE_VALUES:
        fail(f"--vary {option}: {len(items)} values; compare trains once per value and shows at most "
             f"{MAX_COMPARE_VALUES} side by side")
    return field.strip(), items


@app.command()
def compare(
    scenario: str = typer.Argument(..., help="A built-in scenario name or a .yaml file trained by epochs."),
    vary: str = typer.Option(..., "--vary", help=VARY_HELP),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1, help="Epochs per run (default: the scenario's)."),
    settings: list[str] = typer.Option([], "--set", help="Override another field for every run (repeatable)."),
    as_json: bool = typer.Option(False, "--json", help="Print {\"runs\": [{\"value\", \"epochs\": [...]}, ...]}."),
) -> None:
    """Train a scenario once per value of one field and show the curves side by side."""
    field, values = parse_vary(vary)
    runs = []
    for value in values:
        model = load(scenario, list(settings) + [(f"--vary {vary}", f"{field}={value}")], trainable=True)
        if model.training.batch != "minibatch":
            fail(f"{scenario}: compare needs a scenario trained by epochs (training.batch: N, training.epochs: E)")
        runs.append((f"{field} = {value}", value, run_epochs(model, epochs, f"{field}={value}")))
    if as_json:
        print_json({"field": field, "runs": [{"value": v, **r.as_json()} for _, v, r in runs]})
        return
    from ..render.epochs import SideBySide

    console().print(SideBySide([(literal(label, newlines=False), r.epochs) for label, _, r in runs]))
