"""A scenario's `run:` section: the field overrides `tutor run` and `tutor explain` apply
to show the network up close (the binarized scenario narrows its sign layers)."""

from __future__ import annotations

import io
import json

import numpy as np
from rich.console import Console
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.engine import Engine
from backprop_tutor.render.ste import SignMaskView
from backprop_tutor.scenario import catalog, load

runner = CliRunner()


def test_run_uses_the_narrow_network_and_train_the_full_one():
    up_close = load("bnn-saturation", up_close=True)
    full = load("bnn-saturation")
    assert [lay.units for lay in up_close.layers] == [6, 4, 10]
    assert [lay.units for lay in full.layers] == [128, 8, 10]
    data = json.loads(runner.invoke(app, ["run", "bnn-saturation", "--json"]).stdout)
    shapes = {s["key"]: np.shape(s["value"]) for s in data["steps"]}
    assert shapes["A1"] == (4, 6) and shapes["A2"] == (4, 4)


def test_set_options_win_over_the_run_section():
    data = json.loads(runner.invoke(app, ["run", "bnn-saturation", "--set", "network.layers.0.units=3",
                                          "--json"]).stdout)
    assert np.shape({s["key"]: s["value"] for s in data["steps"]}["A1"]) == (4, 3)


def test_sign_step_carries_and_shows_mask_and_saturated_ratio():
    steps = {s.key: s for s in Engine(load("bnn-saturation", up_close=True)).steps()}
    a1 = steps["A1"]
    z1 = steps["Z1"].value
    np.testing.assert_array_equal(a1.extra["mask"], np.abs(z1) <= 1)
    assert a1.extra["saturated"] == np.mean(np.abs(z1) > 1)
    out = io.StringIO()
    Console(file=out, width=80, color_system=None).print(SignMaskView(a1.extra))
    text = out.getvalue()
    blocked = int((np.abs(z1) > 1).sum())
    assert "mask 1{|z| ≤ 1}" in text
    assert f"saturated ratio {blocked}/{z1.size} = {100 * blocked / z1.size:.1f}%" in text


def test_run_section_mistake_is_reported_at_its_line(tmp_path):
    text = catalog.resolve("bnn-saturation").read_text(encoding="utf-8")
    text = text.replace("network.layers.1.units: 4", "network.layers.1.units: four")
    path = tmp_path / "b.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "units: four" in s)
    for args in (["validate", str(path)], ["run", str(path), "--json"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2
        assert f"{path}:{line}: network.layers[1].units: expected a whole number, got text 'four'" in result.output


def test_binary_layer_gradient_links_to_the_signed_weights_it_used():
    steps = {s.key: s for s in Engine(load("bnn-saturation", up_close=True)).steps()}
    back = steps["dL/dA1"]
    assert "Wb2" in back.reuses and "W2" not in back.reuses
    np.testing.assert_array_equal(back.inputs["sign(W2)"], steps["Wb2"].value)
