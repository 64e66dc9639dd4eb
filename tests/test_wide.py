"""Wide networks: a matrix larger than the screen says what it leaves out (its shape, the
rows and columns shown, min, max, mean and std of every entry), the numbers shown are the
engine's, element lines and finite differences stay where they are cheap and say so, and a
wide layer's lazily computed gradient and update hold the numbers a whole matrix would."""

import io
import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

from backprop_tutor.engine import Engine, lazy, network, summary
from backprop_tutor.render.matrix import MatrixView, number
from backprop_tutor.scenario import load
from backprop_tutor.stepper.lesson import Lesson
from backprop_tutor.symbolic import substitution

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
import wide_scenarios  # noqa: E402


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """The 784-256-10 net of benchmarks/wide.py on a batch of 64, and its steps."""
    path = wide_scenarios.mnist_like(tmp_path_factory.mktemp("wide"))
    model = load(str(path), [], up_close=True)
    return path, model, list(Engine(model).steps())


def text_of(renderable, width=100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False)
    console.print(renderable)
    return console.file.getvalue()


def test_a_cut_matrix_says_what_it_leaves_out_with_every_entrys_statistics():
    a = np.random.default_rng(3).standard_normal((300, 40))
    text = text_of(MatrixView(a, "M"))
    assert "300 x 40 (cut to fit)" in text
    assert re.search(r"8 of 300 rows, \d of 40 columns shown", text), text
    for label, value in (("min", a.min()), ("max", a.max()), ("mean", a.mean()), ("std", a.std())):
        assert f"{label} {number(value)}" in text, label


def test_a_small_matrix_is_drawn_whole_and_says_nothing_more():
    text = text_of(MatrixView(np.arange(6.0).reshape(2, 3), "M"))
    assert "2 x 3" in text and "cut" not in text and "min" not in text and "shown" not in text


def test_the_numbers_shown_are_the_engines(wide):
    _, model, steps = wide
    lesson = Lesson(model, steps)
    checked = 0
    for i, st in enumerate(steps):
        if np.ndim(st.value) != 2 or st.value.shape[0] < 9:
            continue
        text = text_of(lesson.printed(i), 120)
        v = np.asarray(st.value)
        first_row = [number(x) for x in v[0, :3]]
        last_row = [number(x) for x in v[-1, :3]]
        for cells in (first_row, last_row):
            assert re.search(r"[\s│]+".join(re.escape(c) for c in cells), text), (st.key, cells)
        stats = summary.stats(st.value)
        assert stats.min == v.min() and stats.max == v.max() and stats.mean == v.mean() and stats.std == v.std()
        assert f"min {number(v.min())}, max {number(v.max())}" in text, st.key
        checked += 1
    assert checked >= 6


@pytest.mark.parametrize("width", [80, 200])
def test_every_frame_of_the_wide_net_draws_and_says_what_it_cuts(wide, width):
    from backprop_tutor.stepper.keys import Navigator
    from backprop_tutor.stepper.loop import screen_lines

    _, model, steps = wide
    lesson = Lesson(model, steps, view="element")
    console = Console(file=io.StringIO(), width=width, color_system=None)
    for i in range(lesson.total):
        nav = Navigator(lesson.total, lesson.phase_starts())
        nav.index = i
        lines = screen_lines(lesson, nav, console, width, 60)
        assert lines
    notes = [lesson.frame(i).c.notes for i in range(lesson.total)]
    assert any(n and "at most 64 terms" in n[0] and "784" in n[0] for n in notes), notes


def test_element_lines_only_where_each_sums_few_terms(wide):
    _, _, steps = wide
    by = {st.key: st for st in steps}
    assert substitution.element_lines(by["Z1"]) is None  # z sums 784 inputs
    assert "sums 784" in substitution.too_wide(by["Z1"])
    assert not substitution.wants_elements(by["Z1"], "element")
    lines = substitution.element_lines(by["dL/dW2"], limit=2)  # a sum over the 64 samples
    assert lines is not None and len(lines.lines) == 2 and lines.omitted == 2558
    for from_sympy, from_engine in lines.checks:
        assert from_sympy == pytest.approx(from_engine, rel=1e-9, abs=1e-300)


def test_explain_differences_the_entries_shown_and_says_so(wide):
    from backprop_tutor.printing.explain_text import text_sections
    from backprop_tutor.symbolic.derive import explain
    from backprop_tutor.symbolic.records import Sampled
    from backprop_tutor.symbolic.targets import parse

    _, model, _ = wide
    ex = explain(model, parse("dL/dW1", model))
    fd = ex.finite_difference
    assert isinstance(fd, Sampled) and fd.count == 36 and fd.rows == [0, 1, 2, 781, 782, 783]
    assert fd.cols == [0, 1, 2, 253, 254, 255]
    np.testing.assert_allclose(fd.values, np.asarray(ex.engine_value)[np.ix_(fd.rows, fd.cols)],
                               rtol=1e-5, atol=1e-9)
    value = dict(text_sections(ex, 100))["value"]
    assert "the 36 entries shown (of 200,704)" in value and "rows 1-3 and 782-784" in value


def test_explain_json_gives_the_sampled_entries(wide):
    from backprop_tutor.printing.jsonable import as_json
    from backprop_tutor.symbolic.derive import explain
    from backprop_tutor.symbolic.targets import parse

    _, model, _ = wide
    data = as_json(explain(model, parse("dL/db1", model)))
    fd = data["finite_difference"]
    assert fd["computed"] == 6 and fd["of"] == 256 and fd["columns"] == [0, 1, 2, 253, 254, 255]
    assert np.allclose(np.array(fd["values"])[0], np.array(data["engine_value"])[[0, 1, 2, 253, 254, 255]],
                       rtol=1e-5, atol=1e-9)


def test_lazy_blocks_are_the_product_and_every_read_gives_the_same_numbers():
    """A block's matrix product may round its last bit differently from one product of the
    whole (BLAS tiles differently); every read of a lazy matrix goes through the same blocks,
    so its entries, rows, statistics and JSON agree exactly with each other."""
    rng = np.random.default_rng(0)
    h, g = rng.standard_normal((16, 1000)), rng.standard_normal((16, 700))
    p, whole = lazy.Product(h.T, g), h.T @ g
    full = np.asarray(p)
    np.testing.assert_allclose(full, whole, rtol=1e-12, atol=1e-14)
    assert np.array_equal(full, np.concatenate([h.T[r:r + lazy.BLOCK] @ g for r in range(0, 1000, lazy.BLOCK)]))
    assert np.array_equal(p.take_rows([0, 5, -1]), full[[0, 5, -1]]) and p[999, 3] == full[999, 3]
    assert p.tolist() == full.tolist()
    theta = rng.standard_normal((1000, 700))
    upd = lazy.Rowwise(lambda t, grad, lr: t - lr * grad, theta, p, 0.1)
    ref = theta - 0.1 * full
    assert np.array_equal(np.asarray(upd), ref)
    st = upd.stats()
    assert st.min == ref.min() and st.max == ref.max()
    assert st.mean == pytest.approx(ref.mean(), rel=1e-12) and st.std == pytest.approx(ref.std(), rel=1e-12)
    assert p._stats is not None  # the gradient's statistics came from the same sweep
    assert p.stats().min == full.min() and p.stats().std == pytest.approx(full.std(), rel=1e-12)


@pytest.mark.parametrize("name, settings", [("logistic-4x2", []), ("height-weight", []),
                                            ("logistic-4x2", ["loss.l2=0.1"])])
def test_a_lazy_pass_gives_the_numbers_and_json_of_a_whole_one(monkeypatch, name, settings):
    from backprop_tutor.cli.app import _write

    model = load(name, settings)
    whole = list(Engine(model).steps())
    monkeypatch.setattr(network, "wide", lambda shape: len(shape) == 2)  # every weight matrix lazy
    lazily = list(Engine(model).steps())
    assert [s.key for s in whole] == [s.key for s in lazily]
    kinds = 0
    for a, b in zip(whole, lazily):
        kinds += lazy.is_lazy(b.value)
        np.testing.assert_allclose(np.asarray(b.value, dtype=float), np.asarray(a.value, dtype=float),
                                   rtol=1e-12, atol=1e-15, err_msg=a.key)
        out_lazy, out_read = io.StringIO(), io.StringIO()
        _write(b.value, out_lazy, [0])
        _write(np.asarray(b.value, dtype=float), out_read, [0])
        assert out_lazy.getvalue() == out_read.getvalue(), a.key
    assert kinds == 2 * model.depth  # each dL/dW and each updated W


def test_the_slides_demo_fits_the_shown_limits_not_the_training_ones():
    from backprop_tutor.scenario import limits

    widths = [4096] * 7 + [10]
    params = sum(a * b + b for a, b in zip(widths, widths[1:]))
    assert limits.shown_bytes(widths, 16) <= limits.SHOWN_MEMORY_BUDGET
    assert params <= limits.MAX_SHOWN_PARAMETERS and 16 * params <= limits.MAX_SHOWN_WORK
    assert limits.network_bytes(widths, 16) > limits.MEMORY_BUDGET


def test_train_refuses_a_network_only_run_can_hold_before_drawing_it(tmp_path):
    """A network over the training budget (4 copies) but within the shown one (1 copy):
    train and compare refuse it when they read the file, before its weights are drawn."""
    from hostile import tutor

    from backprop_tutor.scenario import limits

    text = (Path(__file__).parent.parent / "scenarios" / "logistic-4x2.yaml").read_text(encoding="utf-8")
    text = text.replace("{units: 3, activation: sigmoid}", "{units: 9000, activation: sigmoid}\n"
                        "    - {units: 9000, activation: sigmoid}")
    text = text.replace("  W1: [[1, 0, -2], [-1, 3, 2]]\n  b1: [4, 5, -3]\n  W2: [[2], [0], [-3]]\n  b2: [1]\n",
                        "  init: {method: xavier, seed: 0}\n")
    widths = [2, 9000, 9000, 1]
    assert limits.network_bytes(widths, 4) > limits.MEMORY_BUDGET
    assert limits.shown_bytes(widths, 4) <= limits.SHOWN_MEMORY_BUDGET
    path = tmp_path / "wide.yaml"
    path.write_text(text, encoding="utf-8")
    for args in (["train", str(path)], ["compare", str(path), "--vary", "training.learning_rate=0.1,0.2"]):
        done = tutor(*args, timeout=60)
        assert done.returncode == 2 and "network.layers[0].units" in done.stderr, done.stderr
        assert "to train it (tutor run and tutor explain" in done.stderr, done.stderr
        assert done.peak_mb < 300, done.peak_mb  # refused before 81 million weights were drawn


def test_a_pass_of_too_much_work_is_refused_for_showing(tmp_path):
    from backprop_tutor.scenario.errors import ScenarioError
    from backprop_tutor.scenario.limits import MAX_SHOWN_WORK, check_shown

    path = wide_scenarios.mnist_like(tmp_path, rows=900, hidden=4096)
    model = load(str(path), [])
    assert 900 * 784 * 4096 > MAX_SHOWN_WORK
    with pytest.raises(ScenarioError, match="multiply-adds a pass"):
        check_shown(model)


def test_a_network_bigger_than_the_memory_allowed_is_refused_with_a_message():
    """The slides' 4096-wide demo where the process may map only 700 MB: the tutor says it ran
    out of memory, with status 2 and no traceback (its draws need 800 MB)."""
    from hostile import tutor

    done = tutor("run", "init-small-collapse", "--stats-only", address_bytes=700 * 2**20, timeout=60)
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr and "During handling" not in done.stderr
    assert done.stderr.startswith("tutor: not enough memory for this command (Unable to allocate "), done.stderr
    assert done.stderr.count("\n") == 1
