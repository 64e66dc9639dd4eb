"""A marked answer sheet drawn: one row per value, then the score and the first mistake;
a class's summary; quiz mode's lines. Draws records, computes nothing."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from ..i18n import N_, _
from ..check.marking import BLANK, CREDITED, RIGHT, Marking
from ..check.marks import shown
from ..textsafe import literal

#: how each verdict is written (a mark that reads under NO_COLOR too)
VERDICTS = {RIGHT: (N_("✓ right"), "green"), CREDITED: (N_("✓ carried"), "cyan"),
            BLANK: (N_("– blank"), "dim"), "wrong": (N_("✗ wrong"), "bold red")}


def sheet_view(mk: Marking, title: str):
    table = Table(title=literal(title), title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column(_("step"), justify="right", no_wrap=True)
    table.add_column(_("value"), no_wrap=True)
    table.add_column(_("written"), justify="right", no_wrap=True)
    table.add_column(_("expected"), justify="right", no_wrap=True)
    table.add_column(_("verdict"), no_wrap=True)
    table.add_column(_("note"), overflow="fold", min_width=24)
    for m in mk.marks:
        label, style = VERDICTS[m.verdict]
        table.add_row(str(m.step), literal(m.entry.name), literal(m.entry.text or ""), shown(m.expected),
                      Text(_(label), style=style), _note(m))
    return Group(table, _footer(mk))


def _note(m) -> Text:
    if m.verdict == CREDITED:
        return literal(_("= {value} from your {uses}").format(value=shown(m.computed),
                                                              uses=", ".join(m.uses) or _("earlier values")))
    if m.verdict == RIGHT:
        return Text("")
    text = literal(m.diagnosis, "bold")
    if m.diagnosis:
        text.append("\n")
    text.append(literal(m.revisit, "dim"))
    return text


def _footer(mk: Marking) -> Text:
    text = Text.assemble((_("score {points}/{total}").format(points=mk.score, total=mk.max_score), "bold"))
    credited = sum(m.verdict == CREDITED for m in mk.marks)
    if credited:
        text.append(_(" ({credited} by follow-through: right from your own earlier numbers)").format(credited=credited))
    first = mk.first_mistake
    if first is not None:
        text.append(_("\nfirst mistake: "), style="bold")
        text.append(literal(_("{name} at step {step}").format(name=first.entry.name, step=first.step)
                            + (f" ({first.diagnosis})" if first.diagnosis else "") + f"; revisit: {first.revisit}"))
    elif mk.all_right:
        text.append(_("\nevery value is right"))
    return text


def summary_view(summary: dict):
    parts = [Text(_("{value} sheets, {value2} all right").format(value=summary['sheets'], value2=summary['all_right']), style="bold")]
    for key, title, what in (("mistakes", _("most common mistakes"), "mistake"),
                             ("first_mistakes", _("most common first mistakes"), "value"),
                             ("missed", _("values most often wrong"), "value")):
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
    text.append(_(label) if label != "?" else label, style=style)
    if attempt.verdict == CREDITED:
        text.append(literal(_(": {shown} from your own earlier answers (the exact value is {shown2})").format(shown=shown(attempt.computed), shown2=shown(attempt.question.expected))))
    if attempt.diagnosis:
        text.append(literal(_(" (looks like: {diagnosis})").format(diagnosis=attempt.diagnosis)))
    if attempt.hint:
        text.append("\n" + _("hint: "), style="bold")
        text.append(literal(attempt.hint))
        text.append(literal(_("\ntry once more (s skips)")))
    if attempt.revealed is not None:
        text.append(literal(_("\nthe value is {shown}").format(shown=shown(attempt.revealed))))
    return text


def score_text(score) -> Text:
    text = Text()
    text.append(_("score {points}/{total}").format(points=score.points, total=score.total), style="bold")
    text.append(_("  ({right} right, {credited} by follow-through, {wrong} wrong, {skipped} skipped)").format(right=score.right, credited=score.credited, wrong=score.wrong, skipped=score.skipped))
    return text
