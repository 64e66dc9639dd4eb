"""The handout as a complete LaTeX document for pdflatex (amsmath only), its formulas by
sympy's LaTeX printer. Every text from the scenario is escaped (escape.tex); every
non-ASCII character gets a declaration in the preamble."""

from __future__ import annotations

from . import texmath
from .escape import tex, unicode_setup
from .handout import Handout, Item

_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage{amsmath,amssymb}
\usepackage[margin=2cm]{geometry}
\setcounter{MaxMatrixCols}{20}
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
"""


def write(h: Handout) -> str:
    body = [r"\begin{document}", r"\section*{%s}" % tex(h.title),
            r"\textbf{%s}: %s; loss: %s.\par" % (tex(h.name), tex(h.network), tex(h.loss))]
    if h.source:
        body.append(r"Source: %s\par" % tex(h.source))
    if h.description:
        body.append(tex(h.description) + r"\par")
    first, last = h.items[0].number, h.items[-1].number
    body.append(tex(f"One iteration, steps {first} to {last} of {h.total}, numbers to {h.digits} "
                    f"significant digits.") + r"\par")
    for item in h.items:
        body += _item(item, h.total, h.digits)
    body.append(r"\end{document}")
    text = "\n".join(body)
    return _PREAMBLE + unicode_setup(text) + "\n" + text + "\n"


def _lines(lines: list[str]) -> str:
    """Lines of text (element lines), typewriter, each its own line, broken at spaces."""
    return r"{\small\ttfamily\raggedright " + r"\\ ".join(tex(line) for line in lines) + r"\par}"


def _display(math: str) -> str:
    return r"\begin{gather*}" + math + r"\end{gather*}"


def _item(item: Item, total: int, digits: int) -> list[str]:
    st = item.step
    layer = f", layer {st.layer}" if st.layer else ""
    out = [r"\subsection*{Step %d/%d: %s $%s$%s}" % (item.number, total, tex(st.phase),
                                                    texmath.symbol(st.symbol), tex(layer)),
           r"\emph{%s}\par" % tex(item.title)]
    formula = texmath.formula(st)
    if formula:
        out.append(_display(formula))
    if item.elements:
        out.append(_lines(item.elements + ([f"… {item.omitted} more entries"] if item.omitted else [])))
    out += [tex(line) + r"\par" for line in item.constants]
    out.append(_display(f"{texmath.symbol(st.symbol)} = {texmath.matrix(st.value, digits)}"))
    if st.inputs:
        out.append(r"from:" + _display(r", \quad ".join(f"{texmath.symbol(name)} = {texmath.matrix(v, digits)}"
                                                       for name, v in st.inputs.items())))
    if item.derivative:
        out.append("where" + _display(texmath.chain(item.derivative)))
    out += [r"\textbf{%s} %s\par" % (tex("⚠"), tex(w)) for w in item.warnings]
    if item.reuses:
        out.append(tex("chain rule: reuses " + ", ".join(item.reuses)) + r"\par")
    if item.explanation is not None:
        out += _derivation(item.explanation, digits)
    elif item.why_not:
        out.append(tex(f"No derivation: {item.why_not}") + r"\par")
    return out


def _derivation(ex, digits: int) -> list[str]:
    from ..printing.latex import latex_numbers, latex_rows

    rows = latex_rows(ex) + [r for r in [latex_numbers(ex)] if r]
    out = [r"\paragraph{%s}" % tex("Derivation by the chain rule."), tex("path: " + " ← ".join(ex.path)) + r"\par",
           r"\begin{align*}" + " \\\\\n".join(rows) + r"\end{align*}"]
    out += [tex(st.why) + r"\par" for st in ex.matrix]
    for note in (ex.bias_note, ex.assumption, "; ".join(f"{i} runs over {what}" for i, what in ex.sums)):
        if note:
            out.append(tex(note) + r"\par")
    value = [r"\text{derived} = " + texmath.matrix(ex.value, digits),
             r"\text{engine} = " + texmath.matrix(ex.engine_value, digits)]
    if ex.finite_difference is not None:
        value.append(r"\text{central finite difference} = " + texmath.matrix(ex.finite_difference, digits))
    out.append(_display(r", \quad ".join(value)))
    if ex.finite_difference is None:
        out.append(tex("central finite difference: does not apply through " + ", ".join(ex.surrogates)
                       + " (a straight-through surrogate gradient).") + r"\par")
    out += [r"\textbf{%s} %s\par" % (tex("⚠"), tex(w)) for w in ex.warnings]
    return out
