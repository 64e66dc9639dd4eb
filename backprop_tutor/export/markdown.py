"""The handout as Markdown with `$...$` math (sympy's LaTeX printer), readable on GitHub
and in Jupyter. Every text from the scenario is escaped (escape.md)."""

from __future__ import annotations

from . import texmath
from .escape import md, md_code
from .handout import Handout, Item


def _display(math: str) -> str:
    return f"$$\n{math}\n$$"


def write(h: Handout) -> str:
    out = [f"# {md(h.title)}", "",
           f"**{md(h.name)}**: {md(h.network)}; loss: {md(h.loss)}.", ""]
    if h.source:
        out += [f"Source: {md(h.source)}", ""]
    if h.description:
        out += [md(h.description), ""]
    first, last = h.items[0].number, h.items[-1].number
    out += [md(f"One iteration, steps {first} to {last} of {h.total}, numbers to {h.digits} significant digits."),
            ""]
    for item in h.items:
        out += _item(item, h.total, h.digits)
    return "\n".join(out).rstrip() + "\n"


def _item(item: Item, total: int, digits: int) -> list[str]:
    st = item.step
    layer = f", layer {st.layer}" if st.layer else ""
    out = [f"## Step {item.number}/{total} · {st.phase}: ${texmath.symbol(st.symbol)}${md(layer)}", "",
           f"*{md(item.title)}*", ""]
    formula = texmath.formula(st)
    if formula:
        out += [_display(formula), ""]
    if item.elements:
        out += [md_code(item.elements + ([f"… {item.omitted} more entries"] if item.omitted else [])), ""]
    out += [f"- {md(line)}" for line in item.constants] + ([""] if item.constants else [])
    out += [_display(f"{texmath.symbol(st.symbol)} = {texmath.matrix(st.value, digits)}"), ""]
    if st.inputs:
        out += [md("from:"), ""]
        out += [_display(", \\quad ".join(f"{texmath.symbol(name)} = {texmath.matrix(v, digits)}"
                                           for name, v in st.inputs.items())), ""]
    if item.derivative:
        out += [md("where"), "", _display(texmath.chain(item.derivative)), ""]
    out += [f"> ⚠ {md(w)}" + "\n" for w in item.warnings]
    if item.reuses:
        out += [md("chain rule: reuses " + ", ".join(item.reuses)), ""]
    if item.explanation is not None:
        out += _derivation(item.explanation, digits)
    elif item.why_not:
        out += [md(f"No derivation: {item.why_not}"), ""]
    return out


def _derivation(ex, digits: int) -> list[str]:
    from ..printing.latex import latex_numbers, latex_rows

    out = ["<details><summary>" + md("derivation by the chain rule") + "</summary>", "",
           md("path: " + " ← ".join(ex.path)), ""]
    rows = latex_rows(ex) + [r for r in [latex_numbers(ex)] if r]
    out += [_display(r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"), ""]
    for st in ex.matrix:
        out += [f"- {md(st.why)}"]
    out += [""] if ex.matrix else []
    for note in (ex.bias_note, ex.assumption, "; ".join(f"{i} runs over {what}" for i, what in ex.sums)):
        if note:
            out += [md(note), ""]
    out += _checks(ex, digits)
    out += ["</details>", ""]
    return out


def _checks(ex, digits: int) -> list[str]:
    value = [f"\\text{{derived}} = {texmath.matrix(ex.value, digits)}",
             f"\\text{{engine}} = {texmath.matrix(ex.engine_value, digits)}"]
    if ex.finite_difference is not None:
        value.append(f"\\text{{central finite difference}} = {texmath.matrix(ex.finite_difference, digits)}")
    out = [_display(r", \quad ".join(value)), ""]
    if ex.finite_difference is None:
        out += [md("central finite difference: does not apply through " + ", ".join(ex.surrogates)
                   + " (a straight-through surrogate gradient)."), ""]
    out += [f"> ⚠ {md(w)}" + "\n" for w in ex.warnings]
    return out
