"""Step mode's statistics pane: `s` opens, beside the step, the statistics of each layer (what
`tutor run --stats` prints after the steps: engine/layerstats.py drawn by render/layerstats.py)
in the derivation's pane; `s` again or Esc closes it. They are of the whole pass, so they stay
the same whichever step is shown."""

from __future__ import annotations

from .explaining import Explaining
from .panes import Lines, console

#: what the derivation pane holds while it shows the statistics (not an explain target)
STATS = "\x00layer statistics"


class StatsPane(Explaining):
    """The explain actions, and the statistics in the same pane (a mixin of StepApp)."""

    def toggle_stats(self) -> None:
        if self.explaining == STATS:
            self.close_explain()
        else:
            self.explain(STATS)

    def explain(self, target: str) -> None:
        if target != STATS:
            super().explain(target)
            return
        from ..engine.layerstats import layer_stats
        from ..render.layerstats import LayerStatsView

        self.explaining = STATS
        pane = self.query_one("#explain")
        pane.display = True
        width = self.size.width // 2
        pane.styles.width = width
        les = self.lesson
        if getattr(self, "_layer_stats", None) is None:
            self._layer_stats = layer_stats(les.steps)
        view = LayerStatsView(self._layer_stats, les.model.notation.loss)
        found = Lines(console(max(20, width - 3), 100).render_lines(view, pad=False))
        self._show_explanation(STATS, found)
