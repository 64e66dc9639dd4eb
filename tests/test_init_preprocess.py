"""Initialisers (zeros, constant, normal, xavier, xavier_uniform, he, he_uniform, per-layer
overrides, how each W was drawn), data.random, the new preprocessing methods and the pixel
recipe stage by stage, `tutor list` grouped by document, and the `compare` field's checks."""

from __future__ import annotations

import json
import math
import mmap

import numpy as np
import pytest
from typer.testing import CliRunner

import backprop_tutor as bt
from backprop_tutor.cli import app
from backprop_tutor.scenario import ScenarioError, load_file
from backprop_tutor.scenario.initnotes import line, notes

runner = CliRunner()

BASE = """name: t
data: {inputs: [[0, 128, 255], [51, 204, 17]], targets: [[1], [0]]PRE}
network: {inputs: 3, layers: [{units: 4, activation: tanh}, {units: 2, activation: tanh}, {units: 1, activation: sigmoid}]}
parameters: {init: INIT}
loss: {type: binary_cross_entropy}
"""


def scenario(tmp_path, init: str, pre: str = "", name: str = "t.yaml"):
    path = tmp_path / name
    path.write_text(BASE.replace("INIT", init).replace("PRE", pre), encoding="utf-8")
    return path


def test_existing_methods_draw_the_same_numbers_as_before(tmp_path):
    widths = [3, 4, 2, 1]
    for init, scale in (("{method: xavier, seed: 3}", lambda i, o: math.sqrt(2 / (i + o))),
                        ("{method: he, seed: 3}", lambda i, o: math.sqrt(2 / i)),
                        ("{method: normal, sigma: 0.05, seed: 3}", lambda i, o: 0.05)):
        model = load_file(scenario(tmp_path, init))
        rng = np.random.default_rng(3)
        for l in range(1, 4):
            expected = rng.standard_normal((widths[l - 1], widths[l])) * scale(widths[l - 1], widths[l])
            assert np.array_equal(model.parameters[f"W{l}"], expected), init
            assert not model.parameters[f"b{l}"].any()


def test_a_normal_draw_made_in_blocks_of_rows_is_the_one_draw_of_the_whole(monkeypatch):
    """Rows drawn and scaled a block at a time (the last block short), into pages mapped at
    once for a large layer: the numbers of scale * standard_normal((n_in, n_out)), and the
    generator left where one draw of the whole leaves it."""
    from backprop_tutor.scenario import network

    monkeypatch.setattr(network, "POPULATE_BYTES", 8 * 70 * 50)  # this 70x50 layer gets mapped pages
    for n_in, n_out, init, scale in ((70, 50, {"method": "normal", "sigma": 0.01}, 0.01),
                                     (33, 7, {"method": "he"}, math.sqrt(2 / 33)),
                                     (2, 3, {"method": "xavier"}, math.sqrt(2 / 5))):
        rng, ref = np.random.default_rng(7), np.random.default_rng(7)
        drawn = network._draw(init, rng, n_in, n_out)
        assert np.array_equal(drawn, ref.standard_normal((n_in, n_out)) * scale)
        assert rng.standard_normal() == ref.standard_normal()
        assert drawn.dtype == np.float64 and drawn.flags.writeable and drawn.flags.c_contiguous
    big = network.pages((70, 50))
    big[:] = 1.5
    assert big.shape == (70, 50) and big.sum() == 1.5 * 3500
    base = big
    while getattr(base, "base", None) is not None:
        base = base.base
    if hasattr(mmap, "MAP_POPULATE"):  # Linux: the pages were mapped at once
        assert isinstance(getattr(base, "obj", None), mmap.mmap)


def test_new_methods_and_a_per_layer_override_and_a_bias(tmp_path):
    model = load_file(scenario(tmp_path, "{method: xavier_uniform, seed: 1, bias: 0.01, layers: "
                                         "{2: {method: he_uniform}, 3: {method: constant, value: 0.5}}}"))
    rng = np.random.default_rng(1)
    a1, a2 = math.sqrt(6 / (3 + 4)), math.sqrt(6 / 4)
    assert np.array_equal(model.parameters["W1"], rng.uniform(-a1, a1, (3, 4)))
    assert np.array_equal(model.parameters["W2"], rng.uniform(-a2, a2, (4, 2)))  # drawn in its turn
    assert model.parameters["W3"].tolist() == [[0.5], [0.5]]
    assert all(set(model.parameters[f"b{l}"]) == {0.01} for l in (1, 2, 3))
    zeros = load_file(scenario(tmp_path, "{method: zeros}"))
    assert all(not v.any() for v in zeros.parameters.values())


def test_a_run_shows_how_each_w_was_drawn(tmp_path):
    model = load_file(scenario(tmp_path, "{method: xavier, seed: 0, layers: {3: {method: normal, sigma: 0.1}}}"))
    drawn = notes(model.init, model.widths())
    assert [n["param"] for n in drawn] == ["W1", "W2", "W3"]
    assert drawn[0]["variance"] == 2 / 7 and drawn[2]["variance"] == pytest.approx(0.01)
    wide = notes({"method": "xavier", "seed": 0, "drawn": ("W1",)}, [4096, 4096])[0]
    assert wide["variance"] == 0.000244140625 and wide["sigma"] == 0.015625
    text = line(wide)
    assert "N(0, 2/(n_in + n_out))" in text and "N(0, 2/(4096 + 4096))" in text and "N(0, 0.000244)" in text
    assert "σ = 0.0156" in text and "seed 0" in text
    uniform = notes({"method": "xavier_uniform", "seed": 0, "drawn": ("W1",)}, [2, 4])[0]
    assert uniform["limit"] == 1.0 and uniform["variance"] == 1 / 3
    result = runner.invoke(app, ["run", str(tmp_path / "t.yaml"), "--json"])
    assert [n["method"] for n in json.loads(result.stdout)["init"]] == ["xavier", "xavier", "normal"]
    printed = runner.invoke(app, ["run", str(tmp_path / "t.yaml")]).stdout
    assert "W1 ~ N(0, 2/(n_in + n_out)) = N(0, 2/(3 + 4)) = N(0, 0.286)" in printed
    given = bt.run("logistic-4x2")  # every parameter given: nothing drawn, nothing shown
    assert notes(given.model.init, given.model.widths()) == []


@pytest.mark.parametrize("init, found", [
    ("{method: glorot}", "initialiser"),
    ("{method: xavier, layers: {4: {method: he}}}", "layer number from 1 to 3"),
    ("{method: xavier, layers: {2: {method: he, seed: 1}}}", "unknown field"),
    ("{method: constant, value: big}", "expected a number"),
])
def test_initialiser_mistakes_are_reported_at_their_field(tmp_path, init, found):
    with pytest.raises(ScenarioError) as err:
        load_file(scenario(tmp_path, init))
    assert found in str(err.value) and "parameters.init" in str(err.value)


def test_random_data_draws_the_slides_table_from_its_seed(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("name: r\ndata: {random: {rows: 16, columns: 5, seed: 0, classes: 3}}\n"
                    "network: {inputs: 5, layers: [{units: 3, activation: softmax}]}\n"
                    "parameters: {init: he}\nloss: {type: cross_entropy}\n", encoding="utf-8")
    model = load_file(path)
    rng = np.random.default_rng(0)
    assert np.array_equal(model.inputs, rng.standard_normal((16, 5)))
    assert model.targets.argmax(axis=1).tolist() == rng.integers(0, 3, 16).tolist()
    assert load_file(path, arrays=False).inputs.shape == (16, 5)
    path.write_text(path.read_text().replace("classes: 3}", "classes: 3}, targets: [1]"), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    assert "data.targets: data.random draws the inputs and targets" in str(err.value)


def test_pixel_stages_are_three_steps_with_the_pixels_numbers_to_the_bit(tmp_path):
    path = scenario(tmp_path, "{method: xavier}", ", preprocess: pixels_stages")
    staged = bt.run(str(path))
    pre = [s for s in staged.records if s.phase == "preprocess"]
    assert [s.key for s in pre] == ["X:1", "X:2", "X"]
    assert [s.op.name for s in pre] == ["scale255", "minus_half", "over_half"]
    assert pre[0].value[0].tolist() == [0.0, 128 / 255, 1.0]
    assert pre[1].value[0].tolist() == [-0.5, 128 / 255 - 0.5, 0.5]
    one = bt.run(str(path), set={"data.preprocess": "pixels"})
    assert np.array_equal(pre[2].value, one["X"].value) and pre[2].value[0, 0] == -1.0
    assert [s.key for s in staged.records[3:]] == [s.key for s in one.records[1:]]  # the same pass after
    text = runner.invoke(app, ["run", str(path)]).stdout
    assert "division by 255 of the inputs" in text and "x′ = x - 0.5" in text and "1/" in text


def test_center_scale255_and_per_channel_statistics(tmp_path):
    path = scenario(tmp_path, "{method: xavier}")
    x = np.array([[0, 128, 255], [51, 204, 17]], dtype=float)
    center = bt.run(str(path), set={"data.preprocess": "center"})["X"].value
    assert center.tolist() == (x - x.mean(axis=0)).tolist() and center.sum(axis=0).tolist() == [0, 0, 0]
    assert bt.run(str(path), set={"data.preprocess": "scale255"})["X"].value.tolist() == (x / 255).tolist()
    channel = bt.run(str(path), set={"data.preprocess": "channel_center"})["X"].value
    assert channel.tolist() == (x - 655 / 6).tolist()  # one mean for the whole (one-channel) table
    step = bt.run(str(path), set={"data.preprocess": "channel_standardize"})["X"]
    assert np.allclose(step.value, (x - x.mean()) / x.std(), rtol=0, atol=1e-15)
    assert step.step.extra["stats"]["std"].tolist() == [x.std()] * 3


def test_list_groups_the_built_ins_under_their_documents_titles():
    result = runner.invoke(app, ["list"], env={"COLUMNS": "120"})
    out = result.stdout
    headings = ["000 Notes on a binarized network", "001 Neural network calculated by hand",
                "002 Training neural networks, part 1 (slides)",
                "003 Textbook chapter 18", "004 Multilayer perceptrons"]
    places = [out.index(h) for h in headings]
    assert places == sorted(places)
    slides = out[places[2]:places[3]]
    assert "init-small-collapse" in slides and "dead-relu" in slides and "mlp-digits" not in slides
    assert "mlp-digits" in out[places[4]:] and "logistic-4x2" in out[places[3]:places[4]]


@pytest.mark.parametrize("compare, found", [
    ("{vary: training.learning_rate}", "missing required field 'values'"),
    ("{vary: training.learning_rate, values: []}", "1 to 8 values"),
    ("{vary: '', values: [1]}", "written with dots"),
])
def test_compare_field_mistakes(tmp_path, compare, found):
    path = scenario(tmp_path, "{method: xavier}")
    path.write_text(path.read_text() + f"compare: {compare}\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_file(path)
    assert found in str(err.value)


def test_step_mode_shows_how_w_was_drawn_on_the_layers_forward_step(tmp_path):
    it = bt.run(str(scenario(tmp_path, "{method: he, seed: 2, layers: {2: {method: zeros}}}")))
    lesson = it.lesson()
    shown = {lesson.steps[i].key: lesson.quick(i).notes for i in range(lesson.total)}
    assert shown["Z1"] == ["W1 ~ N(0, 2/n_in) = N(0, 2/3) = N(0, 0.667), variance 0.667, σ = 0.816 "
                           "(he, 3 x 4, seed 2); b1 = 0"]
    assert shown["Z2"] == ["W2 = 0 in every entry (nothing drawn: every unit of the layer starts the same); b2 = 0"]
    assert shown["A1"] == [] and shown["dL/dZ1"] == []
    assert lesson.content(0).notes == shown["Z1"]
