"""The views over a recorded pass that `run` adds: the statistics of each layer (`--stats`
after the steps, and "layers" in `--json`)."""

from __future__ import annotations

from ..i18n import _
from .app import fail


def check_stats(stats: bool, step: bool) -> None:
    if stats and step:
        fail(_("--stats prints the statistics after the steps; in step mode press s instead"))


def run_json(model, steps) -> dict:
    """`run --json`: every step, and the statistics of each layer."""
    from ..engine.layerstats import layer_stats

    return {"scenario": model.name,
            "steps": [{"key": s.key, "phase": s.phase, "value": s.value} for s in steps],
            "layers": [lay.as_json() for lay in layer_stats(steps)]}


def print_stats(out, model, steps) -> None:
    from ..engine.layerstats import layer_stats
    from ..render.layerstats import LayerStatsView

    out.print(LayerStatsView(layer_stats(steps), model.notation.loss))
