"""`tutor quiz`'s loop on a terminal or a pipe: reads lines, drives `check.quiz.Quiz`."""

from __future__ import annotations

import sys

import typer

from ..i18n import _
from .app import console, print_json

COMMANDS = _("a number and Enter; Enter alone or s skips, b goes back, q ends")


def run_quiz(q, model, as_json: bool) -> None:
    """Ask until the quiz is finished or the input ends; then the score (or the JSON record).
    Ctrl-C ends with status 130 after the score so far."""
    from rich.text import Text

    from ..render.check import attempt_text, score_text
    from ..textsafe import literal

    out = console(stderr=as_json)  # with --json, stdout holds the record only
    out.print(Text.assemble(literal(_(model.title) if model.title else "", "bold"), "\n",
                            literal(_("{len} values to predict: {commands}").format(len=len(q.questions), commands=COMMANDS), "dim")))
    try:
        _ask(q, out, attempt_text)
    except KeyboardInterrupt:
        out.print()
        _finish(q, out, as_json, score_text)
        raise typer.Exit(130) from None
    _finish(q, out, as_json, score_text)


def _ask(q, out, attempt_text) -> None:
    from ..render.steps import phase_name
    from ..textsafe import literal

    phase = None
    while not q.finished:
        question = q.current()
        step = q.truth.steps[question.step]
        if step.phase != phase:
            phase = step.phase
            out.print(literal("\n" + phase_name(phase), "bold"))
        out.print(literal(_("[{position}/{total}] step {step}: {name} = ").format(
            position=q.position + 1, total=len(q.questions), step=question.step + 1, name=question.name)), end="")
        line = _read()
        if line is None:  # end of input: the quiz ends there
            out.print()
            return
        command = line.strip()
        if not sys.stdin.isatty():  # a piped answer is not echoed: the transcript shows it
            out.print(literal(command))
        if command in ("", "s"):
            q.skip()
            out.print(literal(_("skipped"), "dim"))
        elif command == "b":
            q.back()
        elif command == "q":
            return
        else:
            out.print(attempt_text(q.answer(command)))


def _read() -> str | None:
    line = sys.stdin.readline()
    return line or None


def _finish(q, out, as_json: bool, score_text) -> None:
    out.print(score_text(q.score()))
    if as_json:
        print_json(q.record())
