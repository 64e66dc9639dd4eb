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

from ..scenario.limits import MAX_COMPARE_VALUES, MAX_ITERATIONS
from ..textsafe import literal, visible
from ..i18n import _
from .app import app, console, fail, load, print_json
from .words import command_help
from .commands import DTYPE_HELP, dtype_setting

VARY_HELP = _("FIELD=V1,V2,...: the field to change and its values, e.g. training.learning_rate=0.1,0.5 or "
              "network.layers.0.activation=relu,tanh; values that are YAML lists or mappings (a whole "
              "network.layers, to vary the depth) are separated by ; instead.")


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

        task = bar.add_task(escape(visible(_("training {name}").format(name=label or model.name), newlines=False)),
                            total=total_epochs * per_epoch)

        def progress(epoch: int, batch: int, record) -> None:
            bar.update(task, completed=(epoch - 1) * per_epoch + batch)
            if record is not None:
                from ..render.epochs import epoch_line

                bar.console.print(epoch_line(record), highlight=False)

        return train_scenario(model, epochs, progress)


def print_epochs(model, result, as_json: bool, epochs: int | None = None) -> None:
    """`tutor train` output for an epoch-trained scenario."""
    from .views import epochs_json, print_epoch_views

    if as_json:
        print_json(epochs_json(result))
        return
    from ..render.epochs import EpochTable

    title = _("trained {name}: {network}").format(name=model.name, network=model.shape_text())
    if model.ste_threshold is not None:
        title = _("trained {name}: {network}; straight-through window |z| <= {threshold}").format(
            name=model.name, network=model.shape_text(), threshold=f"{model.ste_threshold:g}")
    if model.training.dtype != "float64":
        title = _("{title}; computed in {dtype}").format(title=title, dtype=model.training.dtype)
    out = console()
    out.print(EpochTable(result.epochs, literal(title, newlines=False)))
    print_epoch_views(out, model, result, epochs or model.training.epochs)


def parse_vary(option: str) -> tuple[str, list[str]]:
    field, sep, values = option.partition("=")
    # a YAML list or mapping has commas of its own: such values are separated by ;
    items = [v.strip() for v in values.split(";" if any(c in values for c in "[{") else ",") if v.strip()]
    if not sep or not field.strip() or not items:
        fail(_("--vary {option}: expected FIELD=V1,V2,..., e.g. --vary ste.threshold=1,25").format(option=option))
    if len(items) > MAX_COMPARE_VALUES:
        fail(_("--vary {option}: {count} values; compare trains once per value and shows at most "
               "{most} side by side").format(option=option, count=len(items), most=MAX_COMPARE_VALUES))
    return field.strip(), items


@app.command(help=command_help("compare"))
def compare(
    scenario: str = typer.Argument(..., help=_("A built-in scenario name or a .yaml file.")),
    vary: Optional[str] = typer.Option(None, "--vary", metavar="FIELD=V1,V2,...", help=VARY_HELP + " " + _(
        "Without it, the sweep of the scenario's own compare field.")),
    epochs: Optional[int] = typer.Option(None, "--epochs", metavar="N", min=1, help=_("Epochs per run (default: the scenario's).")),
    iterations: Optional[int] = typer.Option(None, "--iterations", "-n", metavar="N", min=1, max=MAX_ITERATIONS,
                                             help=_("Iterations per run, for a scenario trained by iterations "
                                                    "(default: its max_iterations).")),
    settings: list[str] = typer.Option([], "--set", metavar=_("KEY=VALUE"), help=_("Override another field for every run "
                                                           "(repeatable).")),
    as_json: bool = typer.Option(False, "--json", help=_("Print one JSON object: {\"runs\": [...], ...}: "
                                                         "one run per value, each as `tutor train "
                                                         "--json` prints it, with its value.")),
    dtype: Optional[str] = typer.Option(None, "--dtype", metavar="float32|float64", help=DTYPE_HELP),
) -> None:
    from .comparing import print_runs, train_run

    field, planned = _planned(scenario, vary)
    runs = []
    for value, setting in planned:
        origin = f"--vary {vary}" if vary is not None else f"compare: {setting}"
        model = load(scenario, list(settings) + dtype_setting(dtype) + [(origin, setting)], trainable=True)
        runs.append(train_run(model, field, value, epochs, iterations))
    if as_json:
        print_json({"field": field, "runs": [run.as_json() for run in runs]})
        return
    print_runs(runs)


def _planned(scenario: str, vary: str | None) -> tuple[str, list[tuple[str, str]]]:
    """(field, [(value, FIELD=VALUE), ...]): from --vary, or else the file's `compare` field."""
    if vary is not None:
        field, values = parse_vary(vary)
        return field, [(value, f"{field}={value}") for value in values]
    from ..scenario import catalog
    from ..scenario.comparespec import sweep

    load(scenario)  # a file with a mistake (its `compare` included) is refused as every command refuses it
    planned = sweep(catalog.summary(catalog.resolve(scenario)))
    if planned is None:
        fail(_("{scenario}: give --vary FIELD=V1,V2,... (the scenario has no `compare: {{vary: FIELD, values: "
               "[...]}}` of its own)").format(scenario=scenario))
    return planned
