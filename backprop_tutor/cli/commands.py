"""The foundation commands: list, run, train, validate."""

from __future__ import annotations

from typing import Optional

import typer

from .app import app, console, fail, finite, load, print_json, scenario_errors

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
    for name in catalog.builtin_names():
        raw = catalog.summary(catalog.resolve(name))
        net = raw.get("network") or {}
        widths = [str(net.get("inputs", "?"))]
        for layer in net.get("layers") or []:
            if isinstance(layer, dict):
                act = layer.get("activation")
                act = act.get("name") if isinstance(act, dict) else act
                widths.append(f"{layer.get('units')} {act or layer.get('type', '')}".strip())
        loss = raw.get("loss")
        loss = loss.get("type") if isinstance(loss, dict) else loss
        src = raw.get("source")
        src = src.get("document", "") if isinstance(src, dict) else (src or "")
        table.add_row(f"[bold]{name}[/]\n[dim]{raw.get('title', '')}[/]", " → ".join(widths),
                      str(loss or "").replace("_", " "), str(src))
    console().print(table)


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
    view: str = typer.Option("auto", "--view", help="With --step: element (entry by entry, numbers put in), "
                             "matrix (whole matrices) or auto (element for small layers)."),
    auto: Optional[float] = typer.Option(None, "--auto", min=0.1,
                                         help="With --step: play the steps by themselves, SECONDS apart "
                                              "(any key pauses)."),
) -> None:
    """Run one iteration (forward, loss, backward, update), printing every operation."""
    from ..engine import Engine

    if view not in ("auto", "element", "matrix"):
        fail(f"--view: expected element, matrix or auto, got {view!r}")
    model = load(scenario, settings, sample, up_close=True)
    steps = list(Engine(model).steps())
    if step and not as_json:
        from ..render.theme import NORMAL, PROJECTOR
        from ..stepper.loop import run as step_mode

        step_mode(model, steps, (PROJECTOR if projector else NORMAL).with_digits(digits), view, auto)
        return
    if as_json:
        print_json({"scenario": model.name,
                    "steps": [{"key": s.key, "phase": s.phase, "value": finite(s.json_value())} for s in steps]})
        return
    from ..render.matrix import number
    from ..render.steps import StepView
    from ..symbolic import formulas, substitution

    out = console()
    out.print(f"[bold]{model.title}[/]\n[dim]{model.source}[/]\n{model.shape_text()}, loss: {model.loss.describe()}")
    for i, step in enumerate(steps, 1):
        found = None
        if substitution.wants_elements(step, view):
            found = substitution.element_lines(step, lambda x: number(x, digits or 6), limit=8)
        out.print(StepView(step, i, len(steps), model.name, formulas.text(step), formulas.derivative_text(step),
                           digits or 6, elements=found.lines if found else None,
                           omitted=found.omitted if found else 0))


@app.command()
def train(
    scenario: str = typer.Argument(..., help="A built-in scenario name or a .yaml file."),
    iterations: Optional[int] = typer.Option(None, "--iterations", "-n", min=1,
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

    model = load(scenario, settings)
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
            task = bar.add_task(f"training {model.name}", total=total)
            result = run_training(model, iterations, lambda i, loss: bar.update(task, completed=i))
    else:
        result = run_training(model, iterations)
    if as_json:
        print_json({"iterations": result.iterations, "loss": finite(result.loss),
                    "final": {"L": finite(result.final_loss), "grad_norms": result.grad_norms}})
        return
    from ..render.train import TrainView

    console().print(TrainView(model, result, model.notation.loss))


@app.command()
def validate(
    files: list[str] = typer.Argument(..., help="Scenario .yaml files (or built-in names) to check."),
) -> None:
    """Check scenario files without running them (exit status 2 on the first mistake)."""
    from ..scenario import catalog, load_file

    out = console()
    for name in files:
        with scenario_errors():
            path = catalog.resolve(name)
            model = load_file(path)
            load_file(path, up_close=True)  # the `run:` overrides must give a valid scenario too
        out.print(f"{path}: ok — {model.name}: {model.shape_text()}, {model.loss.describe()}")
