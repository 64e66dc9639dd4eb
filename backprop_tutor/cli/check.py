"""`tutor check SCENARIO ANSWERS...` and `tutor quiz SCENARIO`: the student does the work."""

from __future__ import annotations

from typing import Optional

import typer

from ..i18n import _
from ..textsafe import visible
from .app import EXIT_BAD_INPUT, app, console, fail, load, print_json, scenario_errors
from .words import command_help
from .commands import SET_HELP

FORMATS = ("table", "json", "gradescope")
DIGITS_HELP = _("The fewest significant digits a right number carries (default 1: 0.09 for 0.0903 "
                "is right, as the notes write it; 3 asks for 0.0903).")


def _options(sample: Optional[int], settings: list[str]) -> tuple[str, ...]:
    """The scenario options again, for the commands the report suggests."""
    out: list[str] = [] if sample is None else ["--sample", str(sample)]
    for s in settings:
        out += ["--set", s]
    return tuple(out)


@app.command(help=command_help("check"))
def check(
    scenario: str = typer.Argument(..., help=_("A built-in scenario name (see `tutor list`) or a .yaml "
                                               "file.")),
    answers: list[str] = typer.Argument(None, help=_("Answer sheets (.yaml, or .csv): name: number per line, "
                                                   "e.g. `dL/dw12^(1): 0.0215`. Several mark a class.")),
    template: bool = typer.Option(False, "--template", help=_("Print the blank answer sheet of the scenario "
                                                            "(every value, in step order) instead.")),
    sample: Optional[int] = typer.Option(None, "--sample", "-k", metavar="N", min=0,
                                         help=_("Use this one record (0-based) instead of the scenario's "
                                                "batch.")),
    settings: list[str] = typer.Option([], "--set", metavar=_("KEY=VALUE"), help=SET_HELP),
    as_json: bool = typer.Option(False, "--json", help=_("Print the marks as one JSON object (as --format "
                                                         "json).")),
    fmt: str = typer.Option("table", "--format", metavar="table|json|gradescope", help=_("table, json, or gradescope (the results.json of "
                                                      "Gradescope's autograder; one sheet).")),
    digits: int = typer.Option(1, "--digits", metavar="N", min=1, max=15, help=DIGITS_HELP),
) -> None:
    from ..check.world import Truth

    fmt = "json" if as_json else fmt
    if fmt not in FORMATS:
        fail(_("--format: expected table, json or gradescope, got {value}").format(value=repr(fmt)))
    model = load(scenario, settings, sample, up_close=True)
    truth = Truth.of(model)
    if template:
        if answers:
            fail(_("--template prints a blank sheet; give no answer files with it"))
        from ..check.sheet import template as blank

        import shlex

        typer.echo(blank(truth, " ".join(shlex.quote(a) for a in [scenario, *_options(sample, settings)])), nl=False)
        return
    if not answers:
        fail(_("give one or more answer files (tutor check --template SCENARIO writes a blank one)"))
    _limits(answers, fmt)
    markings, bad = _mark_all(truth, answers, scenario, _options(sample, settings), digits)
    _print(model.name, markings, fmt)
    status = EXIT_BAD_INPUT if bad else (0 if all(mk.all_right for mk in markings) else 1)
    raise typer.Exit(status)


def _limits(answers: list[str], fmt: str) -> None:
    from ..scenario.limits import MAX_ANSWER_FILES

    if len(answers) > MAX_ANSWER_FILES:
        fail(_("{count} answer files; one call marks at most {most}").format(
            count=f"{len(answers):,}", most=f"{MAX_ANSWER_FILES:,}"))
    if fmt == "gradescope" and len(answers) != 1:
        fail(_("--format gradescope writes the results.json of one submission: give one answer file"))


def _mark_all(truth, answers: list[str], scenario: str, options: tuple[str, ...], digits: int):
    """Every readable sheet marked; a bad one reported on stderr (the rest are still marked)."""
    from ..check.answers import read
    from ..check.marking import mark
    from ..scenario import ScenarioError

    markings, bad = [], 0
    for path in answers:
        try:
            sheet = read(path, truth)
        except ScenarioError as err:
            bad += 1
            typer.echo(visible(err), err=True)
            continue
        markings.append(mark(truth, sheet, scenario, options, digits))
    return markings, bad


def _print(name: str, markings: list, fmt: str) -> None:
    from ..check import report
    from ..check.marking import summary

    several = len(markings) > 1
    if fmt == "gradescope":
        if markings:
            print_json(report.gradescope(markings[0]))
        return
    if fmt == "json":
        print_json(report.as_json(name, markings, summary(markings) if several else None))
        return
    from ..render.check import sheet_view, summary_view

    out = console()
    for mk in markings:
        out.print(sheet_view(mk, f"{mk.file} ({name})"))
        out.print()
    if several:
        out.print(summary_view(summary(markings)))


@app.command(help=command_help("quiz"))
def quiz(
    scenario: str = typer.Argument(..., help=_("A built-in scenario name (see `tutor list`) or a .yaml "
                                               "file.")),
    sample: Optional[int] = typer.Option(None, "--sample", "-k", metavar="N", min=0,
                                         help=_("Use this one record (0-based) instead of the scenario's "
                                                "batch.")),
    settings: list[str] = typer.Option([], "--set", metavar=_("KEY=VALUE"), help=SET_HELP),
    only: Optional[str] = typer.Option(None, "--only", metavar=_("PHASES"), help=_("Ask these phases only, e.g. forward,loss "
                                                            "(forward, loss, backward, update).")),
    as_json: bool = typer.Option(False, "--json", help=_("At the end, print the record (every question, "
                                                       "attempt and the score) as JSON; the quiz itself "
                                                       "goes to stderr.")),
    digits: int = typer.Option(1, "--digits", metavar="N", min=1, max=15, help=DIGITS_HELP),
) -> None:
    from ..check.quiz import Quiz
    from ..check.sheet import PHASES

    phases = None
    if only:
        phases = tuple(p.strip() for p in only.split(",") if p.strip())
        wrong = [p for p in phases if p not in PHASES]
        if wrong or not phases:
            fail(_("--only: {given} is not a phase; choose from {phases}").format(
                given=", ".join(wrong) or repr(only), phases=", ".join(PHASES)))
    model = load(scenario, settings, sample, up_close=True)
    with scenario_errors():
        q = Quiz(model, phases, digits)
    from .quizloop import run_quiz

    run_quiz(q, model, as_json)
