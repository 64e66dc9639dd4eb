"""The views over a recorded pass that `run` adds: the statistics of each layer (`--stats`
after the steps, and "layers" in `--json`)."""

from __future__ import annotations

from ..i18n import _
from .app import fail


def check_stats(stats: bool, step: bool) -> None:
    if stats and step:
        fail(_("--stats and --stats-only print the statistics; in step mode press s instead"))


def run_json(model, steps) -> dict:
    """`run --json`: how each drawn W was drawn, every step, and the statistics of each layer."""
    from ..engine.layerstats import layer_stats
    from ..scenario.initnotes import notes

    drawn = {"init": notes(model.init, model.widths())} if model.init else {}
    return {"scenario": model.name, **drawn,
            "steps": [{"key": s.key, "phase": s.phase, "value": s.value,
                       **getattr(s.op, "json_extra", lambda step: {})(s)} for s in steps],
            "layers": [lay.as_json() for lay in layer_stats(steps)]}


def print_stats(out, model, steps) -> None:
    from ..engine.layerstats import layer_stats
    from ..render.layerstats import LayerStatsView

    out.print(LayerStatsView(layer_stats(steps), model.notation.loss))


def params_json(params: dict) -> dict:
    """The parameters after training: a small one's values, a large one's statistics."""
    from ..engine.summary import stats
    from ..render.trainviews import SHOWN_WHOLE

    out = {}
    for name, value in params.items():
        if value.size <= SHOWN_WHOLE:
            out[name] = {"shape": list(value.shape), "values": value.tolist()}
        else:
            st = stats(value)
            out[name] = {"shape": list(value.shape), "mean": st.mean, "std": st.std, "min": st.min, "max": st.max}
    return out


def epochs_json(result) -> dict:
    return {**result.as_json(), "parameters": params_json(result.params)}


def print_epoch_views(out, model, result, total: int) -> None:
    """Under the epoch table: the loss curves, the units, early stopping, the parameters."""
    from ..engine.summary import stats
    from ..render.trainviews import LossChart, ParamsView, UnitsTable, stopping_line

    rs = result.epochs
    out.print(LossChart([(_("train"), [r.train_loss for r in rs]), (_("validation"), [r.validation_loss for r in rs]),
                         (_("test"), [r.test_loss for r in rs])], _("epoch")))
    out.print(UnitsTable([(r.epoch, r.dead_units, r.saturated_units) for r in rs],
                         _("dead / saturated units of each layer, at the end of each epoch"), _("epoch"),
                         every=max(1, -(-len(rs) // 20))))
    line = stopping_line(result, total)
    if line.plain:
        out.print(line)
    out.print(ParamsView(result.params, stats))


def trained_json(result) -> dict:
    return {"iterations": result.iterations, "loss": result.loss,
            "final": {"L": result.final_loss, "grad_norms": result.grad_norms},
            "units": [{"iteration": n, "dead_units": d, "saturated_units": s} for n, d, s in result.units],
            "parameters": params_json(result.params)}


def print_trained(model, result) -> None:
    """`tutor train` by iterations: the run, its loss curve on axes, the parameters."""
    from ..engine.summary import stats
    from ..render.train import TrainView
    from ..render.trainviews import LossChart, ParamsView, UnitsTable
    from .app import console

    out = console()
    out.print(TrainView(model, result, model.notation.loss))
    out.print(LossChart([(model.notation.loss, result.loss)], _("iteration")))
    out.print(UnitsTable(result.units, _("dead / saturated units of each layer, on the whole data set, "
                                         "after this many iterations"), _("iteration")))
    out.print(ParamsView(result.params, stats))
