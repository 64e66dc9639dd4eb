"""What a notebook shows for the API's results: the HTML handout's parts, with their
stylesheet, without the page around them (no script: a notebook scrolls)."""

from __future__ import annotations

from importlib import resources


def _wrap(body: str) -> str:
    css = resources.files(__package__).joinpath("parts.css").read_text(encoding="utf-8")
    return f'<div class="bt-tutor"><style>{css}</style>{body}</div>'


def _sections(iteration, indexes) -> list[str]:
    from ..render.matrix import number
    from .handout import build
    from .html import section

    records = iteration.records
    sections = []
    for i in indexes:
        one = build(iteration.model, records, iteration.digits, (i + 1, i + 1))
        sections.append(section(one.items[0], one, lambda x: number(x, iteration.digits)))
    return sections


def step_html(view) -> str:
    from .escape import web

    body = _sections(view.iteration, [view.index])[0]
    if view.entry is not None:
        at = ", ".join(map(str, view.entry))
        body = f'<p><b>{web(f"{view.step.symbol}[{at}] = {view.value!r}")}</b> (0-based entry of:)</p>' + body
    return _wrap(body)


def steps_html(views) -> str:
    if not views:
        return _wrap("")
    return _wrap("\n".join(_sections(views[0].iteration, [v.index for v in views])))


def handout_html(handout) -> str:
    from ..render.matrix import number
    from .escape import web
    from .html import section

    head = f"<p><b>{web(handout.name)}</b>: {web(handout.network)}; loss: {web(handout.loss)}.</p>"
    return _wrap(head + "\n".join(section(item, handout, lambda x: number(x, handout.digits))
                                  for item in handout.items))


def derivation_html(derivation) -> str:
    from ..printing.explain_text import title
    from ..render.matrix import number
    from .escape import web
    from .html import derivation as folded

    ex = derivation.explanation
    head = f"<h3>{web(f'{derivation.model.name}: {title(ex)}')}</h3>"
    return _wrap(head + folded(ex, lambda x: number(x, 6), unfolded=True))
