"""The foundation commands: list, run, train, validate."""

from __future__ import annotations

from typing import Optional

import typer

from ..scenario.limits import MAX_ITERATIONS
from ..i18n import _
from ..textsafe import literal
from .app import app, console, fail, load, print_json
from .words import command_help
from .light import _list_row  # noqa: F401  (a row of `tutor list`, read by tests)

SET_HELP = _("Override a scenario field for a what-if, e.g. --set training.learning_rate=0.5 (repeatable).")
DTYPE_HELP = _("Floating type of training by epochs: float32 (about twice as fast) or float64; without it, "
               "the scenario's training.dtype (float64 unless it says otherwise).")


def dtype_setting(dtype: str | None) -> list:
    """--dtype as the change of training.dtype it stands for, validated like the field."""
    return [] if dtype is None else [(f"--dtype {dtype}", f"training.dtype={dtype}")]


@app.command("list", help=command_help("list"))
def list_scenarios() -> None:
    from .light import list_scenarios as listed

    listed()


def _step_options(step: bool, as_json: bool, projector: bool, auto, view: str, background: str = "auto") -> None:
    """--projector, --auto and --background belong to step mode; --view also shapes the printed run."""
    if view not in ("auto", "element", "matrix"):
        fail(_("--view: expected element, matrix or auto, got {view}").format(view=repr(view)))
    if background not in ("auto", "light", "dark"):
        fail(_("--background: expected light, dark or auto, got {background}").format(background=repr(background)))
    if step and as_json:
        fail(_("--step and --json: choose one; --json prints every step as one JSON object"))
    for given, option in ((projector, "--projector"), (auto is not None, "--auto"),
                          (background != "auto", "--background")):
        if given and not step:
            fail(_("{option} only applies to step mode; add --step").format(option=option))
    if as_json and view != "auto":
        fail(_("--view shapes the printed steps; --json always holds whole matrices"))


@app.command(help=command_help("run"))
def run(
    scenario: str = typer.Argument(..., help=_("A built-in scenario name (see `tutor list`) or a .yaml "
                                               "file.")),
    sample: Optional[int] = typer.Option(None, "--sample", "-k", metavar="N", min=0,
                                         help=_("Train on this one record (0-based) instead of the "
                                                "scenario's batch.")),
    settings: list[str] = typer.Option([], "--set", metavar=_("KEY=VALUE"), help=SET_HELP),
    as_json: bool = typer.Option(False, "--json", help=_("Print one JSON object with every step, nothing else.")),
    step: bool = typer.Option(False, "--step", help=_("One operation per screen, moved through with the keys (→ next, ← back, g N go to, f/r forward/backward, Tab pick and e explain a value, ? keys, q quit).")),
    projector: bool = typer.Option(False, "--projector", help=_("With --step: high contrast, fewer digits, more space, for a classroom projector.")),
    digits: Optional[int] = typer.Option(None, "--digits", metavar="N", min=1, max=15,
                                         help=_("Significant digits shown (default 6, or 3 with "
                                                "--projector).")),
    view: str = typer.Option("auto", "--view", metavar="element|matrix|auto", help=_("How each step is shown, printed or with --step: "
                                                      "element (entry by "
                             "entry, numbers put in), matrix (whole matrices) or auto (element for small layers).")),
    auto: Optional[float] = typer.Option(None, "--auto", metavar=_("SECONDS"), min=0.1,
                                         help=_("With --step: play the steps by themselves, SECONDS apart (any key pauses).")),
    background: str = typer.Option("auto", "--background", metavar="auto|light|dark", help=_("With --step: the colours for a light or a dark terminal (auto: the terminal's COLORFGBG, else dark; t switches).")),
    stats: bool = typer.Option(False, "--stats", help=_("After the steps, the statistics of each layer: mean, std and histogram of A, dL/dZ and dL/dW, dead and saturated units (in step mode: the s key; --json always carries them).")),
    stats_only: bool = typer.Option(False, "--stats-only", help=_("The statistics of each layer without the steps: a wide network's collapse or saturation at a glance.")),
) -> None:
    from .. import api
    from .views import check_stats, run_json

    _step_options(step, as_json, projector, auto, view, background)
    check_stats(stats or stats_only, step)
    it = api.run(load(scenario, settings, sample, up_close=True, shown=not as_json), digits=digits, view=view)
    model, steps = it.model, it.records
    if step and not as_json:
        from ..render.theme import NORMAL, PROJECTOR
        from ..stepper.loop import run as step_mode

        from ..cache import file_digest

        step_mode(model, steps, (PROJECTOR if projector else NORMAL).with_digits(digits), view, auto, background,
                  keep=(file_digest(model.path), settings, sample, digits, view))
        return
    if as_json:
        data = run_json(model, steps)
        # --stats-only: the statistics of each layer without the steps, in JSON as in print
        print_json({k: v for k, v in data.items() if k != "steps"} if stats_only else data)
        return
    _print_run(it, (settings, sample, digits, view), stats, stats_only)


def _print_run(it, options: tuple, stats: bool, stats_only: bool) -> None:
    """The printed run: the scenario's head, how each W was drawn, every step as step mode
    draws it (its formulas from the cache when they were printed before), the statistics."""
    from rich.text import Text

    from ..cache import file_digest
    from ..scenario.initnotes import line, notes
    from ..symbolic.printed import kept
    from .views import print_stats

    model, steps = it.model, it.records
    out = console()
    out.print(Text.assemble(literal(_(model.title), "bold"), "\n", literal(model.source, "dim"), "\n",
                            literal(_("{network}, loss: {loss}").format(network=model.shape_text(),
                                                                         loss=model.loss.describe()))))
    if model.description:  # what to look at (a lesson's figure, an erratum of its document)
        out.print(literal(_(model.description).strip(), "italic"))
    for note in notes(model.init, model.widths()):  # how each drawn W was drawn
        out.print(literal(line(note), "dim"))
    if not stats_only:
        lesson = it.lesson()
        # the printed formulas of this scenario, these options and these numbers, if already made
        with kept((file_digest(model.path), *options), steps):
            for i in range(lesson.total):  # the same view of each step as step mode draws
                out.print(lesson.printed(i))
    if stats or stats_only:
        print_stats(out, model, steps)


@app.command(help=command_help("train"))
def train(
    scenario: str = typer.Argument(..., help=_("A built-in scenario name or a .yaml file.")),
    iterations: Optional[int] = typer.Option(None, "--iterations", "-n", metavar="N", min=1, max=MAX_ITERATIONS,
                                             help=_("Number of iterations (default: the scenario's "
                                                    "max_iterations).")),
    settings: list[str] = typer.Option([], "--set", metavar=_("KEY=VALUE"), help=SET_HELP),
    as_json: bool = typer.Option(False, "--json", help=_("Print one JSON object with the losses and final "
                                                         "norms.")),
    epochs: Optional[int] = typer.Option(None, "--epochs", metavar="N", min=1,
                                         help=_("Epochs, for a scenario trained by minibatch "
                                                "(training.batch: N).")),
    dtype: Optional[str] = typer.Option(None, "--dtype", metavar="float32|float64", help=DTYPE_HELP),
) -> None:
    from ..engine import train as run_training

    model = load(scenario, list(settings) + dtype_setting(dtype), trainable=True)
    if model.training.batch == "minibatch":
        if iterations is not None:
            fail(_("--iterations: {name} trains by epochs (training.batch: {batch}); use --epochs N").format(
                name=model.name, batch=model.training.batch_size))
        from .compare import print_epochs, run_epochs

        print_epochs(model, run_epochs(model, epochs), as_json, epochs)
        return
    if epochs is not None:
        fail(_("--epochs: {name} trains by iterations (training.batch: {batch}); use --iterations N").format(
            name=model.name, batch=model.training.batch))
    total = iterations or model.training.max_iterations
    err = console(stderr=True)
    if err.is_terminal:
        from rich.progress import Progress

        with Progress(transient=True, console=err) as bar:
            from rich.markup import escape

            task = bar.add_task(escape(_("training {name}").format(name=model.name)), total=total)
            result = run_training(model, iterations, lambda i, loss: bar.update(task, completed=i))
    else:
        result = run_training(model, iterations)
    from ..engine.deadcount import dead_units
    from .views import print_trained, trained_json

    dead = dead_units(model, result.params)  # the units training left dead (only shown when there are)
    if as_json:
        data = trained_json(result)
        if dead:
            data["final"]["dead_units"] = {str(layer): n for layer, (n, _units) in dead.items()}
        print_json(data)
        return
    print_trained(model, result)
    if dead:
        console().print(_("dead units at the final parameters (z ≤ 0 for every record): {layers}").format(
            layers=", ".join(_("layer {layer}: {dead} of {units}").format(layer=layer, dead=n, units=units)
                             for layer, (n, units) in sorted(dead.items()))))


@app.command(help=command_help("validate"))
def validate(
    files: list[str] = typer.Argument(..., help=_("Scenario .yaml files (or built-in names) to check.")),
) -> None:
    from .light import validate as checked

    status = checked(files)
    if status:
        raise typer.Exit(status)
