"""`tutor plot`: an activation and its derivative over a range."""

from __future__ import annotations

import typer

from ..i18n import _
from .app import app, console, print_json
from .words import command_help


@app.command(help=command_help("plot"))
def plot(
    activation: str = typer.Argument(..., help=_("An element-wise activation: sigmoid, tanh, relu, relu6, "
                                                 "softplus, mish, gelu, swish, ...")),
    lo: float = typer.Option(-10.0, "--from", metavar="Z", help=_("The left end of the range.")),
    hi: float = typer.Option(10.0, "--to", metavar="Z", help=_("The right end of the range.")),
    settings: list[str] = typer.Option([], "--set", metavar=_("NAME=VALUE"), help=_("A parameter of the activation, e.g. --set beta=0 "
                                                           "for swish, --set slope=0.1 for leaky_relu (repeatable).")),
    at: list[float] = typer.Option([], "--at", metavar="Z", help=_("Also tabulate f and f′ at this z (repeatable).")),
    as_json: bool = typer.Option(False, "--json", help=_("Print the sampled values as one JSON object, nothing else.")),
) -> None:
    from ..curve import sample

    curve = sample(activation, lo, hi, settings, at)  # a TutorError: cli.main prints it, exit 2
    if as_json:
        print_json(curve.as_json())
        return
    from ..render.plot import plot as draw

    out = console()
    out.print(draw(curve, out.width))
