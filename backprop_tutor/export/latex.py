"""The handout as a complete LaTeX document for pdflatex (amsmath only), its formulas by
sympy's LaTeX printer. Every text from the scenario is escaped (escape.tex); every
non-ASCII character gets a declaration in the preamble."""

from __future__ import annotations

from ..render.steps import phase_name
from . import texmath
from .escape import tex, unicode_setup
from .handout import Handout, Item
from .words import (DERIVATION, FROM, LAYER, MORE, NO_DERIVATION, REUSES, SCOPE, SOURCE, STEP, SUMMARY, WARNING,
                    WHERE, checks, no_finite_difference, notes, path, say)

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
            tex(say(SUMMARY, name=h.name, network=h.network, loss=h.loss)) + r"\par"]
    if h.source:
        body.append(tex(say(SOURCE, source=h.source)) + r"\par")
    if h.description:
        body.append(tex(h.description) + r"\par")
    first, last = h.items[0].number, h.items[-1].number
    body.append(tex(say(SCOPE, first=first, last=last, total=h.total, digits=h.digits)) + r"\par")
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
    layer = say(LAYER, layer=st.layer) if st.layer else ""
    out = [r"\subsection*{%s: %s $%s$%s}" % (tex(say(STEP, number=item.number, total=total)), tex(phase_name(st.phase)),
                                            texmath.symbol(st.symbol), tex(layer)),
           r"\emph{%s}\par" % tex(item.title)]
    formula = texmath.formula(st)
    if formula:
        out.append(_display(formula))
    if item.elements:
        out.append(_lines(item.elements + ([say(MORE, count=item.omitted)] if item.omitted else [])))
    out += [tex(line) + r"\par" for line in item.constants]
    out.append(_display(f"{texmath.symbol(st.symbol)} = {texmath.matrix(st.value, digits)}"))
    if st.inputs:
        out.append(tex(say(FROM)) + _display(r", \quad ".join(f"{texmath.symbol(name)} = {texmath.matrix(v, digits)}"
                                                       for name, v in st.inputs.items())))
    if item.derivative:
        out.append(tex(say(WHERE)) + _display(texmath.chain(item.derivative)))
    out += [r"\textbf{%s}\par" % tex(say(WARNING, warning=w)) for w in item.warnings]
    if item.reuses:
        out.append(tex(say(REUSES, steps=", ".join(item.reuses))) + r"\par")
    if item.explanation is not None:
        out += _derivation(item.explanation, digits)
    elif item.why_not:
        out.append(tex(say(NO_DERIVATION, why=item.why_not)) + r"\par")
    return out


def _derivation(ex, digits: int) -> list[str]:
    from ..printing.latex import latex_numbers, latex_rows

    rows = latex_rows(ex) + [r for r in [latex_numbers(ex)] if r]
    out = [r"\paragraph{%s.}" % tex(say(DERIVATION)), tex(path(ex)) + r"\par",
           r"\begin{align*}" + " \\\\\n".join(rows) + r"\end{align*}"]
    out += [tex(note) + r"\par" for note in notes(ex)]
    out.append(_display(r", \quad ".join(r"\text{%s} = %s" % (tex(label), texmath.matrix(v, digits))
                                          for label, v in checks(ex))))
    if ex.finite_difference is None:
        out.append(tex(no_finite_difference(ex)) + r"\par")
    out += [r"\textbf{%s}\par" % tex(say(WARNING, warning=w)) for w in ex.warnings]
    return out
