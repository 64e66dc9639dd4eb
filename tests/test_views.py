"""The views over what the engine records: the statistics of each layer (run --stats, run
--json "layers", step mode's s key), checked against numpy on the engine's own arrays."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from backprop_tutor.engine import Engine
from backprop_tutor.engine.layerstats import BINS, layer_stats
from backprop_tutor.scenario import load

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
import wide_scenarios  # noqa: E402

RELU = ["network.layers.0.activation=relu"]  # unit 3 of logistic-4x2 then has z < 0 on all 4 samples


def tutor(*args, env=None):
    environ = {k: v for k, v in os.environ.items() if k not in ("TUTOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG",
                                                                  "FORCE_COLOR", "NO_COLOR")}
    environ.update({"NO_COLOR": "1", "COLUMNS": "80", "TERM": "dumb"}, **(env or {}))
    return subprocess.run([sys.executable, "-m", "backprop_tutor", *args], capture_output=True, text=True,
                          env=environ, timeout=300)


def steps_of(name, settings=()):
    model = load(name, list(settings), up_close=True)
    return model, list(Engine(model).steps())


def by_key(steps):
    return {s.key: s for s in steps if s.phase in ("forward", "backward")}


def test_mean_std_and_histogram_are_numpys_over_the_engines_arrays():
    _, steps = steps_of("logistic-4x2")
    kept = by_key(steps)
    layers = layer_stats(steps)
    assert [lay.layer for lay in layers] == [1, 2]
    for lay in layers:
        for name, key in (("A", f"A{lay.layer}"), ("dL/dZ", f"dL/dZ{lay.layer}"), ("dL/dW", f"dL/dW{lay.layer}")):
            a = np.asarray(kept[key].value, dtype=float)
            v = lay.values[name]
            assert v.key == key and v.stats.count == a.size
            assert v.stats.mean == pytest.approx(a.mean(), rel=1e-12, abs=1e-15)
            assert v.stats.std == pytest.approx(a.std(), rel=1e-12, abs=1e-15)
            counts, _ = np.histogram(a, BINS, (a.min(), a.max()))
            assert list(v.histogram.counts) == counts.tolist() and sum(v.histogram.counts) == a.size


def test_dead_and_saturated_units_are_counted_from_z():
    _, steps = steps_of("logistic-4x2", RELU)
    z1 = np.asarray(by_key(steps)["Z1"].value)
    dead = int((z1 <= 0).all(axis=0).sum())
    assert dead == 1  # unit 3: z = -1, -5, -7, -5
    first = layer_stats(steps)[0]
    assert first.dead == dead and first.saturated == 0
    _, steps = steps_of("logistic-4x2")
    z1 = np.asarray(by_key(steps)["Z1"].value)
    s = 1 / (1 + np.exp(-z1))
    assert layer_stats(steps)[0].saturated == int(((s * (1 - s)) < 0.01 * 0.25).all(axis=0).sum()) == 1


@pytest.fixture(scope="module")
def deep_tanh(tmp_path_factory):
    """The slides' demo, narrowed to 7 layers of 64 tanh units (16 samples, W = 0.01 randn)."""
    return wide_scenarios.slides_demo(tmp_path_factory.mktemp("deep"), width=64, depth=6)


def test_the_std_of_deep_tanh_activations_collapses_layer_by_layer(deep_tanh):
    _, steps = steps_of(str(deep_tanh))
    layers = layer_stats(steps)
    stds = [lay.values["A"].stats.std for lay in layers[:-1]]  # the six tanh layers
    kept = by_key(steps)
    assert stds == pytest.approx([np.asarray(kept[f"A{l}"].value).std() for l in range(1, 7)], rel=1e-12)
    assert all(b < a for a, b in zip(stds, stds[1:]))
    assert stds[-1] < 0.01 * stds[0]


def test_run_json_carries_the_layers(deep_tanh):
    out = tutor("run", str(deep_tanh), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    layers = data["layers"]
    assert [lay["layer"] for lay in layers] == list(range(1, 8))
    for lay in layers:
        assert {"units", "activation", "dead_units", "saturated_units", "A", "dL/dZ", "dL/dW"} <= set(lay)
        for name in ("A", "dL/dZ", "dL/dW"):
            assert {"key", "shape", "count", "mean", "std", "min", "max", "histogram"} <= set(lay[name])
            hist = lay[name]["histogram"]
            assert len(hist["edges"]) == len(hist["counts"]) + 1 == BINS + 1
            assert sum(hist["counts"]) == lay[name]["count"]
    steps = {s["key"]: s["value"] for s in data["steps"]}
    for lay in layers:
        a = np.asarray(steps[lay["A"]["key"]])
        assert lay["A"]["std"] == pytest.approx(a.std(), rel=1e-12)
        assert lay["A"]["mean"] == pytest.approx(a.mean(), rel=1e-9, abs=1e-15)


@pytest.mark.parametrize("columns", [60, 120])
def test_run_stats_fits_the_width_without_colour(columns, deep_tanh):
    out = tutor("run", str(deep_tanh), "--stats", env={"COLUMNS": str(columns)})
    assert out.returncode == 0, out.stderr
    text = out.stdout
    section = text[text.index("statistics of each layer"):]
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()) <= columns
    assert "A6" in section and "∂L/∂W7" in section
    assert "layer 1, tanh × 64: dead units 0" in re.sub(r"\s+", " ", section.replace("│", " "))


def test_run_stats_in_vietnamese():
    out = tutor("run", "logistic-4x2", "--stats", "--lang", "vi", env={"COLUMNS": "120"})
    assert out.returncode == 0, out.stderr
    for english in ("statistics of each layer", "histogram", "dead units", "saturated", "mean"):
        assert english not in out.stdout
    assert "độ lệch chuẩn" in out.stdout


def test_stats_and_step_are_refused_together():
    out = tutor("run", "logistic-4x2", "--stats", "--step")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    out = tutor("run", "logistic-4x2", "--stats-only", "--step")
    assert out.returncode == 2 and "--stats-only" in out.stderr and "Traceback" not in out.stderr


def test_stats_only_is_the_statistics_without_the_steps(deep_tanh):
    """The same section as after the steps, and the head, but no step."""
    both = tutor("run", str(deep_tanh), "--stats", env={"COLUMNS": "100"}).stdout
    only = tutor("run", str(deep_tanh), "--stats-only", env={"COLUMNS": "100"})
    assert only.returncode == 0, only.stderr
    section = both[both.index("statistics of each layer"):]
    assert only.stdout.endswith(section) and "statistics of each layer" in only.stdout
    assert "forward" not in only.stdout and "forward" in both
    head = only.stdout[:only.stdout.index("╭")]
    assert both.startswith(head) and len(head.splitlines()) >= 3


def test_stats_only_json_is_the_statistics_without_the_steps(deep_tanh):
    full = json.loads(tutor("run", str(deep_tanh), "--json").stdout)
    only = tutor("run", str(deep_tanh), "--stats-only", "--json")
    assert only.returncode == 0, only.stderr
    data = json.loads(only.stdout)
    assert "steps" not in data and data["layers"] == full["layers"] and data["scenario"] == full["scenario"]


def test_step_mode_s_shows_the_statistics_beside_the_step_and_closes():
    sys.path.insert(0, str(Path(__file__).parent))
    from appkit import drive, make_app

    async def script(app, pilot):
        await pilot.press("s")
        await pilot.pause()
        opened = app.text()
        await pilot.press("right", "right")
        await pilot.pause()
        kept = app.text()
        await pilot.press("s")
        await pilot.pause()
        return opened, kept, app.explaining, app.text()

    opened, kept, explaining, closed = drive(make_app("logistic-4x2"), script, size=(140, 40))
    for text in (opened, kept):
        assert "statistics of each layer" in text and "∂J/∂W2" in text
        assert "layer 1, σ × 3: dead units 0, saturated units 1" in text
    assert explaining is None and "statistics of each layer" not in closed


def test_a_histogram_leaves_out_nan_and_inf_and_widens_a_single_value_as_numpy_does():
    from backprop_tutor.engine import summary
    from backprop_tutor.engine.layerstats import histogram

    a = np.array([[1.0, np.inf, 3.0, np.nan, 2.0]])
    h = histogram(a, summary.stats(a))
    assert list(h.counts) == np.histogram([1.0, 3.0, 2.0], BINS, (1.0, 3.0))[0].tolist()
    same = np.array([[2.0, 2.0]])
    h = histogram(same, summary.stats(same))
    counts, edges = np.histogram(same, BINS)
    assert list(h.counts) == counts.tolist() and (h.lo, h.hi) == (edges[0], edges[-1])
    assert h.as_json()["edges"] == pytest.approx(edges.tolist())


@pytest.mark.parametrize("values", [[-1e308, 1e308, 0.0], [1e16, 1e16 + 2, 1e16]])
def test_a_histogram_over_a_range_numpy_cannot_cut_counts_every_entry(values):
    import numpy as np

    from backprop_tutor.engine import layerstats, summary

    v = np.array([values])
    h = layerstats.histogram(v, summary.stats(v))
    assert sum(h.counts) == 3 and h.counts[0] >= 1 and h.counts[-1] >= 1  # the min first, the max last


def test_a_histogram_of_one_huge_value_counts_it_once():
    import numpy as np

    from backprop_tutor.engine import layerstats, summary

    v = np.array([[1e300, 1e300]])
    assert sum(layerstats.histogram(v, summary.stats(v)).counts) == 2
