"""The network picture as inline SVG: one column of units per layer, every connection, and
the loss. Each layer is a group `layer-N` (0: the inputs, depth + 1: the loss), so that the
page marks the layer of the step being read by setting `data-layer` on the <svg>."""

from __future__ import annotations

from ..i18n import _
from .escape import web

#: wider networks are described in words (the printed run shows no picture for them either)
MAX_UNITS = 12
_COL, _ROW, _R, _TOP = 150, 46, 16, 34


def network(layers: list[tuple[str, int, str]], loss: str) -> str:
    """`layers`: (label, units, unit letter) from the inputs to the output."""
    if max(units for _name, units, _base in layers) > MAX_UNITS:
        return ""
    tallest = max(units for _name, units, _base in layers)
    height = _TOP + tallest * _ROW + 30
    width = (len(layers) + 1) * _COL
    centres = [[(_COL // 2 + l * _COL, _TOP + (tallest - units) * _ROW / 2 + j * _ROW + _ROW / 2)
                for j in range(units)] for l, (_name, units, _base) in enumerate(layers)]
    parts = [f'<svg class="network" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="{web(_("the network"))}" data-layer="">']
    for l in range(1, len(layers)):
        parts.append(f'<g class="edges edges-{l}">')
        parts += [f'<line x1="{x0}" y1="{y0:g}" x2="{x1}" y2="{y1:g}"/>'
                  for x0, y0 in centres[l - 1] for x1, y1 in centres[l]]
        parts.append("</g>")
    for l, (label, units, letter) in enumerate(layers):
        parts.append(f'<g class="layer layer-{l}">')
        parts.append(f'<text class="label" x="{centres[l][0][0]}" y="16">{web(label)}</text>')
        for j, (x, y) in enumerate(centres[l]):
            parts.append(f'<circle cx="{x}" cy="{y:g}" r="{_R}"/>'
                         f'<text x="{x}" y="{y + 5:g}">{web(letter)}<tspan class="sub" dy="4">{j + 1}</tspan></text>')
        parts.append("</g>")
    x_out, y_out = centres[-1][0][0], _TOP + tallest * _ROW / 2
    x_loss = x_out + _COL
    parts.append(f'<g class="edges edges-{len(layers)}"><line x1="{x_out + _R}" y1="{y_out:g}" '
                 f'x2="{x_loss - 22}" y2="{y_out:g}"/></g>')
    parts.append(f'<g class="layer layer-{len(layers)}"><text class="label" x="{x_loss}" y="16">{web(_("loss"))}</text>'
                 f'<rect x="{x_loss - 22}" y="{y_out - 18:g}" width="44" height="36" rx="6"/>'
                 f'<text x="{x_loss}" y="{y_out + 5:g}">{web(loss)}</text></g>')
    parts.append("</svg>")
    return "\n".join(parts)


def highlight_css(depth: int) -> str:
    """The rules that mark layer N when the <svg> carries data-layer="N"."""
    rules = []
    for l in range(depth + 2):
        rules.append(f'svg.network[data-layer="{l}"] .layer-{l} circle, '
                     f'svg.network[data-layer="{l}"] .layer-{l} rect {{fill: #fde68a; stroke: #b45309; stroke-width: 3}}')
        rules.append(f'svg.network[data-layer="{l}"] .edges-{l} line {{stroke: #b45309; stroke-width: 2}}')
    return "\n".join(rules)
