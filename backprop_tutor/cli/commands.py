"""The foundation commands: list, run, train, validate."""

from __future__ import annotations

from typing import Optional

import typer

from ..scenario.limits import MAX_ITERATIONS, MAX_LIST_ROWS
from ..textsafe import literal, visible
from .app import EXIT_BAD_INPUT, app, console, fail, load, print_json

SET_HELP = "Override a scenario field for a what-if, e.g. --set training.learning_rate=0.5 (repeatable)."


@app.command("list")
def list_scenarios() -> None:
    """List the built-in scenarios with their network, loss and source."""
    from rich.table import Table

    from ..scenario import catalog

    table = Table(title="built-in scenarios (run one with: tutor run NAME)", title_justify="left",
                  show_lines=True)
    table.add_column("name and title", ratio=3)
    table.add_column("network", ratio=2)
    table.add_column("loss", ratio=2)
    table.add_column("source", ratio=2, overflow="fold")
    names = catalog.builtin_names()
    for name in names[:MAX_LIST_ROWS]:
        table.add_row(*_list_row(name, catalog.summary(catalog.resolve(name))))
    if len(names) > MAX_LIST_ROWS:
        table.add_row(f"... and {len(names) - MAX_LIST_ROWS} more", "", "", "")
    console().print(table)


def _list_row(name: str, raw: dict) -> tuple:
    """One row of `tutor list`, from a file's raw fields: every text printed as it is."""
    from rich.text import Text

    net = raw.get("network") if isinstance(raw.get("network"), dict) else {}
    widths = [str(net.get("inputs", "?"))]
    layers = net.get("layers") if isinstance(net.get("layers"), list) else []
    for layer in layers[:MAX_LIST_ROWS]:
        if isinstance(layer, dict):
            act = layer.get("activation")
            act = act.get("name") if isinstance(act, dict) else act
            widths.append(f"{layer.get('units')} {act or layer.get('type', '')}".strip())
    loss = raw.get("loss")
    loss = loss.get("type") if isinstance(loss, dict) else loss
    src = raw.get("source")
    src = src.get("document", "") if isinstance(src, dict) else (src or "")
    title = Text.assemble(literal(name, "bold"), "\n", literal(raw.get("title", ""), "dim", newlines=False))
    return (title, literal(" → ".join(widths)), literal(str(loss or "").replace("_", " ")), literal(str(src)))


def _step_options(step: bool, as_json: bool, projector: bool, auto, view: str) -> None:
    """--projector and --auto belong to step mode; --view also shapes the printed run."""
    if view not in ("auto", "element", "matrix"):
        fail(f"--view: expected element, matrix or auto, got {view!r}")
    if step and as_json:
        fail("--step and --json: choose one; --json prints every step as one JSON object")
    for given, option in ((projector, "--projector"), (auto is not None, "--auto")):
        if given and not step:
            fail(f"{option} only applies to step mode; add --step")
    if as_json and view != "auto":
        fail("--view shapes the printed steps; --json always holds whole matrices")


@app.command()
def run(
    scenario: str = typer.Argument(..., help="A built-in scenario name (see `tutor list`) or a .yaml file."),
    sample: Optional[int] = typer.Option(None, "--sample", "-k", min=0,
                                         help="Train on this one record (0-based) instead of the scenario's batch."),
    settings: list[str] = typer.Option([], "--set", help=SET_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with every step, nothing else."),
    step: bool = typer.Option(False, "--step", help="One operation per screen, moved through with the keys "
                              "(→ next, ← back, g N go to, f/r forward/backward, ? keys, q quit)."),
    projector: bool = typer.Option(False, "--projector", help="With --step: high contrast, fewer digits, "
                                   "more space, for a classroom projector."),
    digits: Optional[int] = typer.Option(None, "--digits", min=1, max=15,
                                         help="Significant digits shown (default 6, or 3 with --projector)."),
    view: str = typer.Option("auto", "--view", help="How each step is shown, printed or with --step: element (entry by "
                             "entry, numbers put in), matrix (whole matrices) or auto (element for small layers)."),
    auto: Optional[float] = typer.Option(None, "--auto", min=0.1,
                                         help="With --step: play the steps by themselves, SECONDS apart "
                                              "(any key pauses)."),
) -> None:
    """Run one iteration (forward, loss, backward, update), printing every operation."""
    from ..engine import Engine

    _step_options(step, as_json, projector, auto, view)
    model = load(scenario, settings, sample, up_close=True, shown=not as_json)
    steps = list(Engine(model).steps())
    if step and not as_json:
        from ..render.theme import NORMAL, PROJECTOR
        from ..stepper.loop import run as step_mode

        step_mode(model, steps, (PROJECTOR if projector else NORMAL).with_digits(digits), view, auto)
        return
    if as_json:
        print_json({"scenario": model.name,
                    "steps": [{"key": s.key, "phase": s.phase, "value": s.value} for s in steps]})
        return
    from rich.text import Text

    from ..render.theme import NORMAL
    from ..stepper.lesson import Lesson

    out = console()
    out.print(Text.assemble(literal(model.title, "bold"), "\n", literal(model.source, "dim"), "\n",
                            literal(f"{model.shape_text()}, loss: {model.loss.describe()}")))
    lesson = Lesson(model, steps, NORMAL.with_digits(digits), view)
    for i in range(lesson.total):  # the same view of each step as step mode draws
        out.print(lesson.printed(i))


@app.command()
def train(
    scenario: str = typer.Argument(..., help="A built-in scenario name or a .yaml file."),
    iterations: Optional[int] = typer.Option(None, "--iterations", "-n", min=1, max=MAX_ITERATIONS,
                                             help="Number of iterations (default: the scenario's max_iterations)."),
    settings: list[str] = typer.Option([], "--set", help=SET_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the losses and final norms."),
    epochs: Optional[int] = typer.Option(None, "--epochs", min=1,
                                         help="Epochs, for a scenario trained by minibatch (training.batch: N)."),
) -> None:
    """Train until the stopping rule holds, then show the loss curve and gradient norms.

    A scenario with `training.batch: N` trains by epochs instead: per epoch the loss,
    train and test accuracy and the saturated ratio of each sign layer."""
    from ..engine import train as run_training

    model = load(scenario, settings, trainable=True)
    if model.training.batch == "minibatch":
        if iterations is not None:
            fail(f"--iterations: {model.name} trains by epochs (training.batch: {model.training.batch_size}); "
                 f"use --epochs N")
        from .compare import print_epochs, run_epochs

        print_epochs(model, run_epochs(model, epochs), as_json)
        return
    if epochs is not None:
        fail(f"--epochs: {model.name} trains by iterations (training.batch: {model.training.batch}); "
             f"use --iterations N")
    total = iterations or model.training.max_iterations
    err = console(stderr=True)
    if err.is_terminal:
        from rich.progress import Progress

        with Progress(transient=True, console=err) as bar:
            from rich.markup import escape

            task = bar.add_task(escape(f"training {model.name}"), total=total)
            result = run_training(model, iterations, lambda i, loss: bar.update(task, completed=i))
    else:
        result = run_training(model, iterations)
    if as_json:
        print_json({"iterations": result.iterations, "loss": result.loss,
                    "final": {"L": result.final_loss, "grad_norms": result.grad_norms}})
        return
    from ..render.train import TrainView

    console().print(TrainView(model, result, model.notation.loss))


@app.command()
def validate(
    files: list[str] = typer.Argument(..., help="Scenario .yaml files (or built-in names) to check."),
) -> None:
    """Check scenario files without running them: every mistake of every file is reported
    (exit status 2 if any file has one)."""
    from ..scenario import ScenarioError, catalog, load_file
    from ..scenario.errors import combined

    out = console()
    failed = 0
    for name in files:
        try:
            path = catalog.resolve(name)
        except ScenarioError as err:
            failed += 1
            typer.echo(visible(err), err=True)
            continue
        found, summary, up_close = [], "", True
        try:
            model = load_file(path)
            summary = f"{path}: ok — {model.name}: {model.shape_text()}, {model.loss.describe()}"
            up_close = model.run_section
            del model  # one scenario's data in memory at a time
        except ScenarioError as err:
            found.append(err)
            up_close = getattr(err, "run_section", False)  # a file YAML cannot read fails the same way twice
        try:
            if up_close:  # the `run:` overrides must give a valid scenario too
                load_file(path, up_close=True)
        except ScenarioError as err:
            found.append(err)
        if found:
            failed += 1
            typer.echo(visible(combined(found)), err=True)
        else:
            out.print(literal(summary))
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)
