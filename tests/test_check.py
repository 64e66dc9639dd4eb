"""`tutor check`: the height/weight notes as an answer sheet, and the same sheet with each
classic mistake injected by hand (the mistaken numbers computed by hand, as a student would)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from backprop_tutor.check.answers import read
from backprop_tutor.check.marking import mark
from backprop_tutor.check.marks import agrees
from backprop_tutor.check.world import Truth
from backprop_tutor.scenario import load

# the notes (seed 001), every value as printed there, under the names of the derivation
NOTES = """\
z1^(1): 0.25
z2^(1): 0.5
a1^(1): 0.562
a2^(1): 0.622
z1^(2): 1.873
a1^(2): 0.867
dL/db1^(2): 0.367
dL/dw11^(2): 0.206
dL/dw21^(2): 0.228
dL/db1^(1): 0.09
dL/db2^(1): 0.043
dL/dw11^(1): 0.045
dL/dw12^(1): 0.0215
w11^(1)': 0.4955
w12^(1)': 0.99785
b1^(1)': -0.009
b2^(1)': -0.0043
w11^(2)': 0.9794
w21^(2)': 0.4772
b1^(2)': 0.9633
"""


def with_values(text: str, **changes) -> str:
    """The sheet with some values replaced (names given as NAME -> value; ' written as _p)."""
    for name, value in changes.items():
        name = name.replace("_p", "'")
        text, n = re.subn(rf"^{re.escape(name)}: .*$", f"{name}: {value}", text, flags=re.M)
        assert n == 1, name
    return text


def marked(tmp_path, text, scenario="height-weight", settings=None, suffix=".yaml"):
    path = tmp_path / f"sheet{suffix}"
    path.write_text(text, encoding="utf-8")
    truth = Truth.of(load(scenario, settings, up_close=True))
    return {m.entry.name: m for m in mark(truth, read(path, truth), scenario).marks}


# the tolerance ------------------------------------------------------------------------------
@pytest.mark.parametrize("text, ok", [("0.0215", True), ("0.0216", True), ("0.022", True), ("0.02", True),
                                      ("0.03", False), ("0.0214", False), ("0", False), ("2.155e-2", True),
                                      ("0.021553", True), ("0.021552", True), ("0.021554", False)])
def test_tolerance_respects_the_digits_written(text, ok):
    assert agrees(text, 0.021552890027907723) is ok


def test_tolerance_of_exact_values_and_trailing_zeros():
    assert agrees("0.25", 0.25) and agrees("0.250", 0.25) and not agrees("0.251", 0.25)
    assert agrees("0", 0.0) and agrees("-0.009", -0.009029475777493532) and not agrees("0.009", -0.009029)


# the notes: all right --------------------------------------------------------------------------
def test_the_notes_as_an_answer_sheet_are_all_right(tmp_path):
    marks = marked(tmp_path, NOTES)
    assert len(marks) == 20
    assert all(m.points == 1 for m in marks.values()), {n: m.verdict for n, m in marks.items() if not m.points}
    w12 = marks["w12^(1)'"]  # 1 - 0.1 * 0.0215, from the notes' truncated 0.0215
    assert w12.verdict == "follow-through" and w12.computed == pytest.approx(0.99785, abs=1e-15)
    assert w12.expected == pytest.approx(0.9978447109972093, abs=1e-15)
    assert w12.uses == ("dL/dw12^(1) = 0.0215",)
    assert all(m.verdict == "right" for n, m in marks.items() if n != "w12^(1)'")


# each classic mistake, injected by hand ------------------------------------------------------
def assert_diagnosed(marks, wrong: dict[str, str]):
    """The named values are wrong with that diagnosis; every other value is right or carried."""
    for name, m in marks.items():
        if name in wrong:
            assert m.verdict == "wrong" and wrong[name] in m.diagnosis, (name, m.verdict, m.diagnosis)
        else:
            assert m.points == 1, (name, m.verdict, m.entry.text, m.expected, m.computed)


def carried(marks, *names):
    for name in names:
        assert marks[name].verdict == "follow-through", (name, marks[name].verdict)


def test_loss_derivative_sign_flipped(tmp_path):
    # dL/db1^(2) = -(ŷ - y) = -0.367; everything after computed honestly from it
    text = with_values(NOTES, **{"dL/db1^(2)": -0.367, "dL/dw11^(2)": -0.206, "dL/dw21^(2)": -0.228,
                                 "dL/db1^(1)": -0.09, "dL/db2^(1)": -0.043, "dL/dw11^(1)": -0.045,
                                 "dL/dw12^(1)": -0.0215, "w11^(1)_p": 0.5045, "w12^(1)_p": 1.00215,
                                 "b1^(1)_p": 0.009, "b2^(1)_p": 0.0043, "w11^(2)_p": 1.0206,
                                 "w21^(2)_p": 0.5228, "b1^(2)_p": 1.0367})
    marks = marked(tmp_path, text)
    assert_diagnosed(marks, {"dL/db1^(2)": "the loss derivative's sign flipped"})
    carried(marks, "dL/dw11^(2)", "dL/db1^(1)", "dL/dw12^(1)", "w11^(1)'", "b1^(2)'")
    assert marks["dL/dw11^(2)"].uses == ("dL/db1^(2) = -0.367",)


def test_activation_derivative_left_out(tmp_path):
    # dL/dz^(1) = dL/da^(1): 0.367 * 1 and 0.367 * 0.5, no a(1 - a)
    text = with_values(NOTES, **{"dL/db1^(1)": 0.367, "dL/db2^(1)": 0.1835, "dL/dw11^(1)": 0.1835,
                                 "dL/dw12^(1)": 0.09175, "w11^(1)_p": 0.48165, "w12^(1)_p": 0.990825,
                                 "b1^(1)_p": -0.0367, "b2^(1)_p": -0.01835})
    marks = marked(tmp_path, text)
    assert_diagnosed(marks, {"dL/db1^(1)": "activation derivative left out",
                             "dL/db2^(1)": "activation derivative left out"})
    carried(marks, "dL/dw11^(1)", "dL/dw12^(1)", "w11^(1)'", "w12^(1)'", "b1^(1)'", "b2^(1)'")


def test_sigma_prime_of_z_instead_of_a(tmp_path):
    # 0.367 * 1 * 0.25 * (1 - 0.25) = 0.0688125; 0.367 * 0.5 * 0.5 * (1 - 0.5) = 0.045875
    text = with_values(NOTES, **{"dL/db1^(1)": 0.0688, "dL/db2^(1)": 0.0459, "dL/dw11^(1)": 0.0344,
                                 "dL/dw12^(1)": 0.02295, "w11^(1)_p": 0.49656, "w12^(1)_p": 0.997705,
                                 "b1^(1)_p": -0.00688, "b2^(1)_p": -0.00459})
    marks = marked(tmp_path, text)
    assert_diagnosed(marks, {"dL/db1^(1)": "applied to z instead of a", "dL/db2^(1)": "applied to z instead of a"})
    carried(marks, "dL/dw11^(1)", "dL/dw12^(1)", "w11^(1)'", "b2^(1)'")


def test_updated_weights_used_in_the_backward_pass(tmp_path):
    # 0.367 * 0.9794 * 0.562 * (1 - 0.562) = 0.08848; 0.367 * 0.4772 * 0.622 * (1 - 0.622) = 0.04118
    text = with_values(NOTES, **{"dL/db1^(1)": 0.0885, "dL/db2^(1)": 0.0412, "dL/dw11^(1)": 0.04425,
                                 "dL/dw12^(1)": 0.0206, "w11^(1)_p": 0.495575, "w12^(1)_p": 0.99794,
                                 "b1^(1)_p": -0.00885, "b2^(1)_p": -0.00412})
    marks = marked(tmp_path, text)
    assert_diagnosed(marks, {"dL/db1^(1)": "the updated weights used in the backward pass",
                             "dL/db2^(1)": "the updated weights used in the backward pass"})
    carried(marks, "dL/dw11^(1)", "dL/dw12^(1)", "w11^(1)'", "w12^(1)'", "b1^(1)'", "b2^(1)'")


def test_update_sign_flipped(tmp_path):
    text = with_values(NOTES, **{"w11^(1)_p": 0.5045, "w12^(1)_p": 1.00215, "b1^(1)_p": 0.009,
                                 "b2^(1)_p": 0.0043, "w11^(2)_p": 1.0206, "w21^(2)_p": 0.5228,
                                 "b1^(2)_p": 1.0367})
    marks = marked(tmp_path, text)
    flipped = "the sign of the update flipped"
    assert_diagnosed(marks, {n: flipped for n in ("w11^(1)'", "w12^(1)'", "b1^(1)'", "b2^(1)'", "w11^(2)'",
                                                   "w21^(2)'", "b1^(2)'")})


def test_learning_rate_applied_twice(tmp_path):
    # 0.5 - 0.1 * 0.1 * 0.045 = 0.49955 ...
    text = with_values(NOTES, **{"w11^(1)_p": 0.49955, "w12^(1)_p": 0.999785, "b1^(1)_p": -0.0009,
                                 "b2^(1)_p": -0.00043, "w11^(2)_p": 0.99794, "w21^(2)_p": 0.49772,
                                 "b1^(2)_p": 0.99633})
    marks = marked(tmp_path, text)
    twice = "the learning rate applied twice"
    assert_diagnosed(marks, {n: twice for n in ("w11^(1)'", "w12^(1)'", "b1^(1)'", "b2^(1)'", "w11^(2)'",
                                                 "w21^(2)'", "b1^(2)'")})


def test_half_of_the_loss_dropped(tmp_path):
    # L = 1/2 (ŷ - y)^2 in this variant; without the 1/2: (0.867 - 0.5)^2 = 0.134689, dL/dŷ = 2 (0.867 - 0.5)
    sheet = ("a1^(2): 0.867\nL: 0.1347\ndL/da1^(2): 0.734\ndL/dz1^(2): 0.0846\ndL/dw11^(2): 0.0475\n"
             "w11^(2)': 0.99525\n")
    marks = marked(tmp_path, sheet, settings=["loss={type: mse, half: true}"])
    assert_diagnosed(marks, {"L": "the ½ of the loss dropped", "dL/da1^(2)": "the ½ of the loss dropped"})
    carried(marks, "dL/dz1^(2)", "dL/dw11^(2)", "w11^(2)'")


def _rows(matrix, digits=6) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{v:.{digits}g}" for v in row) + "]"
                           for row in np.atleast_2d(matrix)) + "]"


def test_the_1_over_m_dropped_over_a_batch(tmp_path):
    # logistic-4x2 averages over 4 samples; a student summing instead has every gradient 4 times
    steps = {st.key: st for st in Truth.of(load("logistic-4x2", up_close=True)).steps}
    summed = 4 * steps["dL/dA2"].value  # -y/ŷ + (1 - y)/(1 - ŷ), per sample, not divided by 4
    dw2 = np.array([[float(f"{v:.4g}")] for v in 4 * steps["dL/dW2"].value[:, 0]])  # to 4 digits
    w2_new = np.array([[2], [0], [-3]]) - 0.1 * dw2
    sheet = f"dJ/dŶ: {_rows(summed)}\ndJ/dW2: {_rows(dw2)}\nW2': {_rows(w2_new, 8)}\n"
    marks = marked(tmp_path, sheet, scenario="logistic-4x2")
    wrong = {n: "the 1/m of the mean over the batch dropped" for n in marks if n.startswith("dJ/dH2")
             or n.startswith("dJ/dŶ")}
    assert len(wrong) == 4
    assert_diagnosed(marks, wrong)
    carried(marks, "dJ/dw11^(2)", "dJ/dw31^(2)", "w11^(2)'")


TWO_INPUTS = """\
name: two-inputs
title: two inputs, so W1 is square
data:
  inputs: [[1, 2]]
  targets: [[1]]
network:
  inputs: 2
  layers:
    - {units: 2, activation: sigmoid}
    - {units: 1, activation: sigmoid}
parameters:
  W1: [[0.5, 1], [-1, 0.5]]
  b1: [0, 0]
  W2: [[1], [0.5]]
  b2: [1]
loss: {type: binary_cross_entropy}
training: {learning_rate: 0.1, batch: record, record: 0}
notation: {activation: a, loss: L}
"""


def test_a_transpose_missed(tmp_path):
    scenario = tmp_path / "two.yaml"
    scenario.write_text(TWO_INPUTS, encoding="utf-8")
    steps = {st.key: st for st in Truth.of(load(str(scenario), up_close=True)).steps}
    x, dz = steps["x"].value[0], steps["dL/dZ1"].value[0]
    # dL/dw_ij = x_i dL/dz_j; with the transpose missed the student writes x_j dL/dz_i
    w12, w21 = round(x[1] * dz[0], 6), round(x[0] * dz[1], 6)
    sheet = (f"dL/dw11^(1): {x[0] * dz[0]:.6g}\ndL/dw12^(1): {w12}\ndL/dw21^(1): {w21}\n"
             f"dL/dw22^(1): {x[1] * dz[1]:.6g}\nw12^(1)': {1 - 0.1 * w12:.8g}\nw21^(1)': {-1 - 0.1 * w21:.8g}\n")
    path = tmp_path / "sheet.yaml"
    path.write_text(sheet, encoding="utf-8")
    truth = Truth.of(load(str(scenario), up_close=True))
    marks = {m.entry.name: m for m in mark(truth, read(path, truth)).marks}
    assert_diagnosed(marks, {"dL/dw12^(1)": "a transpose missed", "dL/dw21^(1)": "a transpose missed"})
    carried(marks, "w12^(1)'", "w21^(1)'")


def test_a_mean_over_the_batch_where_the_loss_is_a_sum(tmp_path):
    # with samples: sum, a student who divides by m = 4 has every gradient a quarter of its value
    settings = ["loss.samples=sum"]
    steps = {st.key: st for st in Truth.of(load("logistic-4x2", settings, up_close=True)).steps}
    averaged = steps["dL/dA2"].value / 4
    sheet = f"dJ/dŶ: {_rows(averaged)}\n"
    marks = marked(tmp_path, sheet, scenario="logistic-4x2", settings=settings)
    assert len(marks) == 4
    assert_diagnosed(marks, {n: "a mean over the batch instead of the sum" for n in marks})


def test_revisit_commands_carry_the_scenario_options(tmp_path):
    path = tmp_path / "sheet.yaml"
    path.write_text("z1^(1): 0.3\ndL/dw12^(1): 0.03\n", encoding="utf-8")
    truth = Truth.of(load("height-weight", ["training.learning_rate=0.5"], up_close=True))
    marks = {m.entry.name: m for m in mark(truth, read(path, truth), "height-weight",
                                           ("--set", "training.learning_rate=0.5")).marks}
    assert marks["z1^(1)"].revisit == "tutor run height-weight --step --set training.learning_rate=0.5  (g 5)"
    assert marks["dL/dw12^(1)"].revisit == ("tutor explain 'dL/dw12^(1)' -s height-weight "
                                            "--set training.learning_rate=0.5")


def test_a_teacher_may_ask_for_more_significant_digits(tmp_path):
    assert agrees("0.4", 0.3668519075889131) and not agrees("0.4", 0.3668519075889131, digits=2)
    assert agrees("0.37", 0.3668519075889131, digits=2) and agrees("0.0215", 0.021552890027907723, digits=3)
    assert not agrees("0.09", 0.09029475777493531, digits=2)
    path = tmp_path / "sheet.yaml"
    path.write_text(NOTES, encoding="utf-8")
    truth = Truth.of(load("height-weight", up_close=True))
    marks = mark(truth, read(path, truth), digits=2).marks
    # 0.09 carries one digit; 0.25 and 0.5 are exact; -0.009 is exactly 0 - 0.1 * 0.09, carried
    assert [m.entry.name for m in marks if not m.points] == ["dL/db1^(1)"]
    assert next(m for m in marks if m.entry.name == "b1^(1)'").verdict == "follow-through"


def _models():
    from test_explain_softmax import softmax_scenario

    yield "softmax", softmax_scenario({"type": "cross_entropy", "samples": "mean"}, [3, 2])
    yield "softmax-mse", softmax_scenario({"type": "mse", "half": True}, [2])
    yield "bnn-saturation", load("bnn-saturation", up_close=True)
    yield "prelu", load("height-weight", ["network.layers.0.activation={name: prelu, alpha: 0.25}"], up_close=True)
    yield "logistic-4x2", load("logistic-4x2", up_close=True)


@pytest.mark.parametrize("label, model", list(_models()), ids=[m[0] for m in _models()])
def test_every_scenario_kind_the_exact_sheet_is_right_and_a_wrong_one_is_marked(label, model):
    from backprop_tutor.check.answers import sheet_of
    from backprop_tutor.check.sheet import sheet_entries

    truth = Truth.of(model)
    entries = sheet_entries(truth)
    assert entries and len({(e.key, e.index) for e in entries}) == len(entries)
    exact = [(e.name, repr(truth.value(e.key, e.index)), f"{label}:{i}") for i, e in enumerate(entries)]
    assert all(m.verdict == "right" for m in mark(truth, sheet_of(label, exact, truth)).marks)
    off = [(e.name, f"{truth.value(e.key, e.index) * 1.5 + 0.25:.6g}", f"{label}:{i}")
           for i, e in enumerate(entries)]
    marks = mark(truth, sheet_of(label, off, truth)).marks
    assert len(marks) == len(entries) and marks[0].verdict == "wrong"
