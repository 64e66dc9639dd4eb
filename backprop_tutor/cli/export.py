"""`tutor export SCENARIO -o FILE`: the worked solution of one iteration as a handout."""

from __future__ import annotations

from typing import Optional

import typer

from ..i18n import _
from .app import app, console, fail, load
from .words import command_help
from .commands import SET_HELP


@app.command("export", help=command_help("export"))
def export_handout(
    scenario: str = typer.Argument(..., help=_("A built-in scenario name (see `tutor list`) or a .yaml "
                                               "file.")),
    output: str = typer.Option(..., "--output", "-o", metavar=_("FILE"), help=_("The file to write; its extension chooses the "
                                                             "format: "
                                 ".md (Markdown with $...$ math), .tex (a LaTeX document for pdflatex) or .html "
                                 "(one offline page: ← / → step through it).")),
    steps: Optional[str] = typer.Option(None, "--steps", metavar="FIRST-LAST", help=_("Only these steps, FIRST-LAST as step mode "
                                          "numbers them (e.g. 5-12, 5-, 7).")),
    sample: Optional[int] = typer.Option(None, "--sample", "-k", metavar="N", min=0,
                                         help=_("Train on this one record (0-based) instead of the "
                                                "scenario's batch.")),
    settings: list[str] = typer.Option([], "--set", metavar=_("KEY=VALUE"), help=SET_HELP),
    digits: Optional[int] = typer.Option(None, "--digits", metavar="N", min=1, max=15, help=_("Significant digits shown (default 6).")),
) -> None:
    from .. import api
    from ..export import ExportError, format_of
    from ..textsafe import literal

    try:
        fmt = format_of(output)
    except ExportError as err:
        fail(str(err))
    it = api.run(load(scenario, settings, sample, up_close=True, shown=True))
    written = it.export(output, steps=steps, digits=digits, fmt=fmt)
    console().print(literal(_("wrote steps {first} to {last} of {total} to {file}").format(
        first=written.items[0].number, last=written.items[-1].number, total=written.total, file=output)))
