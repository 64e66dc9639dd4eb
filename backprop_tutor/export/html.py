"""The handout as one self-contained HTML file: formulas as MathML (sympy's presentation
printer), the network as inline SVG, ← / → to step through as in step mode, every
derivation folded under its gradient, and a stylesheet for paper. Nothing is loaded from
anywhere (a Content-Security-Policy forbids it); every text is escaped (escape.web)."""

from __future__ import annotations

from importlib import resources

import numpy as np

from ..i18n import language
from ..render.steps import phase_name
from . import svg
from .escape import web
from .handout import Handout, Item
from . import words
from .words import say
from .texmath import MAX_COLS, MAX_ROWS, cut

_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def write(h: Handout) -> str:
    from ..render.matrix import number

    fmt = (lambda x: number(x, h.digits))
    head = [f'<h1>{web(h.title)}</h1>',
            f'<p class="summary">{web(say(words.SUMMARY, name=h.name, network=h.network, loss=h.loss))}</p>']
    if h.source:
        head.append(f'<p class="source">{web(say(words.SOURCE, source=h.source))}</p>')
    if h.description:
        head.append(f'<p class="description">{web(h.description)}</p>')
    first, last = h.items[0].number, h.items[-1].number
    scope = say(words.SCOPE, first=first, last=last, total=h.total, digits=h.digits)
    head.append(f'<p class="scope">{web(scope)}</p>')
    nav = (f'<nav id="nav"><button id="prev" type="button" title="{web(say(words.PREVIOUS))}">←</button> '
           f'<span id="where"></span> <button id="next" type="button" title="{web(say(words.NEXT))}">→</button> '
           f'<span class="keys">{web(say(words.KEYS))}</span></nav>')
    picture = svg.network(h.layers, _loss_symbol(h))
    sections = [section(item, h, fmt) for item in h.items]
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{language()}">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{web(h.title)}</title>",
        "<style>", _asset("parts.css"), _asset("handout.css"), svg.highlight_css(len(h.layers) - 1), "</style>", "</head>",
        '<body class="bt-page">', "<header>", *head, "</header>", nav,
        f'<figure class="picture">{picture}</figure>' if picture else "",
        '<main class="bt-tutor">', *sections, "</main>", "<script>", _asset("handout.js"), "</script>", "</body>", "</html>", ""])


def _loss_symbol(h: Handout) -> str:
    for item in h.items:
        if item.step.phase == "loss":
            return item.step.symbol
    return "L"


def _layer(item: Item, depth: int) -> int:
    """Which column of the picture the step is about (0: the inputs, depth + 1: the loss)."""
    st = item.step
    if st.phase == "preprocess":
        return 0
    if st.phase == "loss":
        return depth + 1
    return st.layer or 0


def matrix(value, fmt) -> str:
    """A value as a bracketed table of numbers (cut to its edges when large), with its shape."""
    from ..render.matrix import shape_text

    if np.ndim(value) == 0:
        return f'<span class="scalar">{web(fmt(float(value)))}</span>'
    m = np.asarray(value, dtype=float)
    m = m.reshape(1, -1) if m.ndim == 1 else m.reshape(m.shape[0], -1)
    rows = []
    for r in cut(m.shape[0], MAX_ROWS):
        cells = ["⋮" if r is None else ("⋯" if c is None else fmt(m[r, c])) for c in cut(m.shape[1], MAX_COLS)]
        rows.append("<tr>" + "".join(f"<td>{web(x)}</td>" for x in cells) + "</tr>")
    return (f'<table class="matrix"><tbody>{"".join(rows)}</tbody>'
            f'<caption>{web(shape_text(value))}</caption></table>')


def _named(name: str, value, fmt) -> str:
    from ..printing.mathml import block, symbol

    return f'<div class="named">{block(symbol(name) + "<mo>=</mo>", display=False)} {matrix(value, fmt)}</div>'


def section(item: Item, h: Handout, fmt) -> str:
    from ..printing.mathml import block, equal, symbol
    from ..symbolic import formulas

    st = item.step
    layer = say(words.LAYER, layer=st.layer) if st.layer else ""
    label = say(words.STEP_OF, number=item.number, total=h.total)
    out = [f'<section class="step" id="step-{item.number}" data-number="{item.number}" '
           f'data-layer="{_layer(item, len(h.layers) - 1)}" data-label="{web(label)}" data-phase="{web(st.phase)}">',
           f'<h2><span class="phase">{web(phase_name(st.phase))}</span> {web(say(words.STEP, number=item.number, total=h.total))} '
           f'{block(symbol(st.symbol), display=False)}{web(layer)}</h2>',
           f'<p class="what">{web(item.title)}</p>']
    eq = formulas.equation(st)
    if eq is not None:
        out.append(f'<div class="formula">{block(equal(eq.lhs, eq.rhs))}</div>')
    if item.elements:
        more = [say(words.MORE, count=item.omitted)] if item.omitted else []
        out.append('<pre class="elements">' + "\n".join(web(line) for line in item.elements + more) + "</pre>")
    out += [f'<p class="constant">{web(line)}</p>' for line in item.constants]
    out.append(f'<div class="result">{_named(st.symbol, st.value, fmt)}</div>')
    if st.inputs:
        out.append(f'<div class="inputs"><span class="from">{web(say(words.FROM))}</span>'
                   + "".join(_named(name, v, fmt) for name, v in st.inputs.items()) + "</div>")
    if item.derivative:
        out.append(f'<div class="derivative">{web(say(words.WHERE))} {block(equal(*item.derivative))}</div>')
    out += [f'<p class="warning">{web(say(words.WARNING, warning=w))}</p>' for w in item.warnings]
    if item.reuses:
        out.append(f'<p class="reuses">{web(say(words.REUSES, steps=", ".join(item.reuses)))}</p>')
    if item.explanation is not None:
        out.append(derivation(item.explanation, fmt))
    elif item.why_not:
        out.append(f'<p class="note">{web(say(words.NO_DERIVATION, why=item.why_not))}</p>')
    out.append("</section>")
    return "\n".join(out)


def derivation(ex, fmt, unfolded: bool = False) -> str:
    from ..printing.mathml import block, explanation_rows

    out = [f'<details class="derivation"{" open" if unfolded else ""}><summary>{web(say(words.DERIVATION))}</summary>',
           f'<p class="path">{web(words.path(ex))}</p>']
    for row, shapes in explanation_rows(ex):
        out.append(block(row) + (f'<p class="shapes">({web(shapes)})</p>' if shapes else ""))
    out += [f'<p class="note">{web(note)}</p>' for note in words.notes(ex)]
    out.append('<div class="checks">' + "".join(f'<div class="named"><span>{web(label)}</span> {matrix(v, fmt)}</div>'
                                               for label, v in words.checks(ex)) + "</div>")
    if ex.finite_difference is None:
        out.append(f'<p class="note">{web(words.no_finite_difference(ex))}</p>')
    out += [f'<p class="warning">{web(say(words.WARNING, warning=w))}</p>' for w in ex.warnings]
    out.append("</details>")
    return "\n".join(out)
