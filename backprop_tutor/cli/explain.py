"""`tutor explain TARGET`: where each factor of a gradient and each transpose comes from."""

from __future__ import annotations

from typing import Optional

import typer

from ..i18n import _
from .app import app, console, fail, load, print_json
from .words import command_help
from .commands import SET_HELP

DEFAULT_SCENARIO = "logistic-4x2"


@app.command(help=command_help("explain"))
def explain(
    target: str = typer.Argument(..., help=_("The gradient to explain, as you would write it: dL/dW1, "
                                             "dJ/dW^(1), "
                                             "∂L/∂b2, dL/dZ1, dL/dA1, dL/dw12^(1), dL/dW1[0,1] (0-based) ...")),
    scenario: str = typer.Option(DEFAULT_SCENARIO, "--scenario", "-s", metavar=_("NAME|FILE"),
                                 help=_("A built-in scenario name (see `tutor list`) or a .yaml file.")),
    sample: Optional[int] = typer.Option(None, "--sample", "-k", metavar="N", min=0,
                                         help=_("Use this one record (0-based) instead of the scenario's "
                                                "batch.")),
    settings: list[str] = typer.Option([], "--set", metavar=_("KEY=VALUE"), help=SET_HELP),
    as_latex: bool = typer.Option(False, "--latex", help=_("Print the derivation as LaTeX (an align* block).")),
    as_json: bool = typer.Option(False, "--json", help=_("Print the factors, the simplified expression and "
                                                         "the value as JSON.")),
) -> None:
    from ..errors import UnsupportedError
    from ..symbolic.targets import TargetError, parse

    model = load(scenario, settings, sample, up_close=True, shown=True)
    try:
        parsed = parse(target, model)
    except TargetError as err:
        fail(f"{model.name}: {err}")
    try:
        from ..symbolic.reach import refuse_unreached

        refuse_unreached(model, parsed)
        if not (as_json or as_latex):  # the printed formulas from the cache, when they are there
            from ..cache import file_digest
            from ..printing.kept import explained
            from ..render.explain import ExplainView

            out = console()  # the view fits its formulas to the console's width: the terminal's, or 80
            width = out.width - ExplainView.FRAME
            printed = explained(model, parsed, width, (file_digest(model.path), settings, sample, target))
            out.print(ExplainView(None, model.name, printed))
            return
        from .. import api

        derived = api.explain(target, model)
    except (UnsupportedError, NotImplementedError) as err:  # or an op without a symbolic form
        fail(f"{model.name}: {target}: {err}")
    if as_json:
        print_json(derived.json())
    else:
        typer.echo(derived.latex())
