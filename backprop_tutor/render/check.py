"""A marked answer sheet drawn: one row per value, then the score and the first mistake;
a class's summary; quiz mode's lines. Draws records, computes nothing."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..check.marking import BLANK, CREDITED, RIGHT, Marking
from ..check.marks import shown
from ..textsafe import literal

#: how each verdict is written (a mark that reads under NO_COLOR too)
VERDICTS = {RIGHT: ("✓ right", "green"), CREDITED: ("✓ carried", "cyan"),
            BLANK: ("– blank", "dim"), "wrong": ("✗ wrong", "bold red")}


def sheet_view(mk: Marking, title: str):
    table = Table(title=literal(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("step", justify="right", no_wrap=True)
    table.add_column("value", no_wrap=True)
    table.add_column("written", justify="right", no_wrap=True)
    table.add_column("expected", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("note", overflow="fold", min_width=24)
    for m in mk.marks:
        label, style = VERDICTS[m.verdict]
        table.add_row(str(m.step), literal(m.entry.name), literal(m.entry.text or ""), shown(m.expected),
                      Text(label, style=style), _note(m))
    return Group(table, _footer(mk))


def _note(m) -> Text:
    if m.verdict == CREDITED:
        return literal(f"= {shown(m.computed)} from your {', '.join(m.uses) or 'earlier values'}")
    if m.verdict == RIGHT:
        return Text("")
    text = literal(m.diagnosis, "bold")
    if m.diagnosis:
        text.append("\n")
    text.append(literal(m.revisit, "dim"))
    return text


def _footer(mk: Marking) -> Text:
    text = Text.assemble(("score ", "bold"), (f"{mk.score}/{mk.max_score}", "bold"))
    credited = sum(m.verdict == CREDITED for m in mk.marks)
    if credited:
        text.append(f" ({credited} by follow-through: right from your own earlier numbers)")
    first = mk.first_mistake
    if first is not None:
        text.append("\nfirst mistake: ", style="bold")
        text.append(literal(f"{first.entry.name} at step {first.step}"
                            + (f" ({first.diagnosis})" if first.diagnosis else "") + f"; revisit: {first.revisit}"))
    elif mk.all_right:
        text.append("\nevery value is right")
    return text


def summary_view(summary: dict):
    parts = [Text(f"{summary['sheets']} sheets, {summary['all_right']} all right", style="bold")]
    for key, title, what in (("mistakes", "most common mistakes", "mistake"),
                             ("first_mistakes", "most common first mistakes", "value"),
                             ("missed", "values most often wrong", "value")):
        if summary[key]:
            parts.append(Text(f"\n{title}", style="bold"))
            table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
            table.add_column(what, overflow="fold")
            table.add_column("sheets", justify="right")
            for name, count in summary[key]:
                table.add_row(literal(name), str(count))
            parts.append(table)
    return Group(*parts)


def attempt_text(attempt) -> Text:
    """What quiz mode says after an answer."""
    label, style = VERDICTS.get(attempt.verdict, ("?", ""))
    if attempt.verdict == "invalid":
        return literal(attempt.message)
    text = Text()
    text.append(label, style=style)
    if attempt.verdict == CREDITED:
        text.append(literal(f": {shown(attempt.computed)} from your own earlier answers "
                            f"(the exact value is {shown(attempt.question.expected)})"))
    if attempt.diagnosis:
        text.append(literal(f" (looks like: {attempt.diagnosis})"))
    if attempt.hint:
        text.append("\nhint: ", style="bold")
        text.append(literal(attempt.hint))
        text.append(literal("\ntry once more (s skips)"))
    if attempt.revealed is not None:
        text.append(literal(f"\nthe value is {shown(attempt.revealed)}"))
    return text


def score_text(score) -> Text:
    text = Text()
    text.append(f"score {score.points}/{score.total}", style="bold")
    text.append(f"  ({score.right} right, {score.credited} by follow-through, {score.wrong} wrong, "
                f"{score.skipped} skipped)")
    return text
