"""`tutor explain TARGET`: where each factor of a gradient and each transpose comes from."""

from __future__ import annotations

from typing import Optional

import typer

from .app import app, console, fail, load, print_json
from .commands import SET_HELP

DEFAULT_SCENARIO = "logistic-4x2"


@app.command()
def explain(
    target: str = typer.Argument(..., help="The gradient to explain, as you would write it: dL/dW1, dJ/dW^(1), "
                                           "∂L/∂b2, dL/dZ1, dL/dA1, dL/dw12^(1), dL/dW1[0,1] (0-based) ..."),
    scenario: str = typer.Option(DEFAULT_SCENARIO, "--scenario", "-s",
                                 help="A built-in scenario name (see `tutor list`) or a .yaml file."),
    sample: Optional[int] = typer.Option(None, "--sample", "-k", min=0,
                                         help="Use this one record (0-based) instead of the scenario's batch."),
    settings: list[str] = typer.Option([], "--set", help=SET_HELP),
    as_latex: bool = typer.Option(False, "--latex", help="Print the derivation as LaTeX (an align* block)."),
    as_json: bool = typer.Option(False, "--json", help="Print the factors, the simplified expression and the value as JSON."),
) -> None:
    """Derive one gradient with the chain rule: path, local derivatives (by sympy), matrix form, numbers."""
    from ..symbolic.targets import TargetError, parse

    model = load(scenario, settings, sample, up_close=True)
    try:
        parsed = parse(target, model)
    except TargetError as err:
        fail(f"{model.name}: {err}")
    from ..symbolic import derive

    try:
        ex = derive.explain(model, parsed)
    except NotImplementedError as err:
        fail(f"{model.name}: {target}: {err}")
    except StopIteration:  # the sums ran out of index letters: too many layers above the target
        fail(f"{model.name}: {target}: the chain rule here sums over more layers than explain can name "
             f"(at most 8 layers of more than one unit above the target); explain a later layer's gradient")
    if as_json:
        print_json({"scenario": model.name, **derive.as_json(ex)})
    elif as_latex:
        typer.echo(derive.latex_document(ex))
    else:
        from ..render.explain import ExplainView

        out = console()  # its width is the terminal's, or 80 when the output is not a terminal
        out.print(ExplainView(ex.title, model.name, derive.text_sections(ex, out.width - ExplainView.FRAME)))
