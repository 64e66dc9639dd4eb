"""The handout as Markdown with `$...$` math (sympy's LaTeX printer), readable on GitHub
and in Jupyter. Every text from the scenario is escaped (escape.md)."""

from __future__ import annotations

from ..render.steps import phase_name
from . import texmath
from .escape import md, md_code
from .handout import Handout, Item
from .words import (SUMMARY, DERIVATION, FROM, LAYER, MORE, NO_DERIVATION, REUSES, SCOPE, SOURCE, STEP, WARNING,
                    WHERE, checks, no_finite_difference, notes, path, say)


def _display(math: str) -> str:
    return f"$$\n{math}\n$$"


def write(h: Handout) -> str:
    out = [f"# {md(h.title)}", "", md(say(SUMMARY, name=h.name, network=h.network, loss=h.loss)), ""]
    if h.source:
        out += [md(say(SOURCE, source=h.source)), ""]
    if h.description:
        out += [md(h.description), ""]
    first, last = h.items[0].number, h.items[-1].number
    out += [md(say(SCOPE, first=first, last=last, total=h.total, digits=h.digits)), ""]
    for item in h.items:
        out += _item(item, h.total, h.digits)
    return "\n".join(out).rstrip() + "\n"


def _item(item: Item, total: int, digits: int) -> list[str]:
    st = item.step
    layer = say(LAYER, layer=st.layer) if st.layer else ""
    out = [f"## {md(say(STEP, number=item.number, total=total))} · {md(phase_name(st.phase))}: "
           f"${texmath.symbol(st.symbol)}${md(layer)}", "",
           f"*{md(item.title)}*", ""]
    formula = texmath.formula(st)
    if formula:
        out += [_display(formula), ""]
    if item.elements:
        out += [md_code(item.elements + ([say(MORE, count=item.omitted)] if item.omitted else [])), ""]
    out += [f"- {md(line)}" for line in item.constants] + ([""] if item.constants else [])
    out += [_display(f"{texmath.symbol(st.symbol)} = {texmath.matrix(st.value, digits)}"), ""]
    if st.inputs:
        out += [md(say(FROM)), ""]
        out += [_display(", \\quad ".join(f"{texmath.symbol(name)} = {texmath.matrix(v, digits)}"
                                           for name, v in st.inputs.items())), ""]
    if item.derivative:
        out += [md(say(WHERE)), "", _display(texmath.chain(item.derivative)), ""]
    out += [f"> {md(say(WARNING, warning=w))}\n" for w in item.warnings]
    if item.reuses:
        out += [md(say(REUSES, steps=", ".join(item.reuses))), ""]
    if item.explanation is not None:
        out += _derivation(item.explanation, digits)
    elif item.why_not:
        out += [md(say(NO_DERIVATION, why=item.why_not)), ""]
    return out


def _derivation(ex, digits: int) -> list[str]:
    from ..printing.latex import latex_numbers, latex_rows

    out = [f"<details><summary>{md(say(DERIVATION))}</summary>", "", md(path(ex)), ""]
    rows = latex_rows(ex) + [r for r in [latex_numbers(ex)] if r]
    out += [_display(r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"), ""]
    out += [line for note in notes(ex) for line in (md(note), "")]
    values = [rf"\text{{{label}}} = {texmath.matrix(v, digits)}" for label, v in checks(ex)]
    out += [_display(r", \quad ".join(values)), ""]
    if ex.finite_difference is None:
        out += [md(no_finite_difference(ex)), ""]
    out += [f"> {md(say(WARNING, warning=w))}\n" for w in ex.warnings]
    out += ["</details>", ""]
    return out
