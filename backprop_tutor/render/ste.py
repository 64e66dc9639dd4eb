"""A sign layer's straight-through details: the mask 1{|z| <= t} and the saturated ratio.

Draws what the engine put in the step's `extra`; computes nothing.
"""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from ..i18n import _
from .matrix import MatrixView


class SignMaskView:
    def __init__(self, extra: dict, digits: int = 6, max_rows: int = 8, max_cols: int = 6, theme=None) -> None:
        self.theme = theme
        self.extra = extra
        self.digits = digits
        self.max_rows = max_rows
        self.max_cols = max_cols

    def __rich_console__(self, console, options):
        e = self.extra
        t = f"{e['threshold']:g}"
        mask = e["mask"]
        blocked = int(mask.size - mask.sum())
        strong, dim = (self.theme.strong, self.theme.dim) if self.theme is not None else ("bold", "dim")
        yield Group(
            MatrixView(mask.astype(float), f"mask 1{{|z| ≤ {t}}}", self.digits, self.max_rows, self.max_cols,
                       caption_style=dim),
            Text.assemble((_("saturated ratio "), strong),
                          f"{blocked}/{mask.size} = {100 * e['saturated']:.1f}% ",
                          (_("of the entries have |z| > {threshold}: their gradient is blocked").format(threshold=t), dim)),
        )
