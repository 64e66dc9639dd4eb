"""`tutor plot ACTIVATION`: an activation and its derivative over a range (engine/curves.py)."""

from __future__ import annotations

from typing import Optional

import typer

from ..i18n import _
from .app import app, console, fail, print_json


@app.command(help=_("Plot an activation and its derivative over a range, marking where the unit dies "
                    "(f' = 0) or saturates (f' near 0), with f and f' at x = -10, 0, 10. The numbers are "
                    "the operation's own forward and backward, as the network computes them."))
def plot(
    activation: str = typer.Argument(..., help=_("An activation: sigmoid, tanh, relu, leaky_relu, elu, swish, "
                                                 "prelu, ... (a scenario's activation names).")),
    start: float = typer.Option(-10.0, "--from", help=_("Where the range starts.")),
    end: float = typer.Option(10.0, "--to", help=_("Where the range ends.")),
    settings: list[str] = typer.Option([], "--set", help=_("A parameter of the activation, as key=value: "
                                                           "--set beta=0 (swish), --set slope=0.1 "
                                                           "(leaky_relu), --set alpha=0.25 (prelu, elu).")),
    at: list[float] = typer.Option([], "--at", help=_("Also give f and f' at this x (repeatable).")),
    points: int = typer.Option(401, "--points", help=_("How many evenly spaced points are computed.")),
    as_json: bool = typer.Option(False, "--json", help=_("Print the sampled x, f(x), f'(x), the dead and "
                                                         "saturated ranges and the asked points as JSON.")),
) -> None:
    from ..engine.curves import PlotError, activation_of, sample

    try:
        act = activation_of(activation, settings)
        curve = sample(act, start, end, points, tuple(at))
    except PlotError as err:
        fail(str(err))
    if as_json:
        print_json(curve.as_json())
        return
    from ..render.plot import plot_view

    shown = ", ".join(f"{k} = {v:g}" for k, v in curve.params.items())
    title = _("{name}{params} from {start:g} to {end:g}").format(
        name=curve.name, params=f" ({shown})" if shown else "", start=start, end=end)
    console().print(plot_view(curve, title))
