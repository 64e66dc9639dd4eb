"""The notebook API: bt.run, it.steps, it[target], bt.explain, each shown as HTML in a
notebook and by rich in a terminal; `import backprop_tutor` stays light."""

from __future__ import annotations

import io
import subprocess
import sys
from html.parser import HTMLParser

import numpy as np
import pytest
from rich.console import Console

import backprop_tutor as bt
from backprop_tutor.errors import TutorError


@pytest.fixture(scope="module")
def it():
    return bt.run("logistic-4x2")


def _text(renderable) -> str:
    out = io.StringIO()
    Console(width=100, file=out, color_system=None).print(renderable)
    return out.getvalue()


def test_importing_the_package_loads_neither_numpy_nor_sympy():
    light = subprocess.run([sys.executable, "-c", "import sys, backprop_tutor; "
                            "print([m for m in ('numpy', 'sympy') if m in sys.modules])"],
                           capture_output=True, text=True, check=True)
    assert light.stdout.strip() == "[]"
    assert bt.run is bt.api.run and bt.explain is bt.api.explain
    with pytest.raises(AttributeError):
        bt.no_such_name  # noqa: B018


def test_run_gives_the_engines_steps(it, run_steps):
    engine = run_steps("logistic-4x2")
    assert [s.key for s in it.steps] == list(engine)  # every key once in this scenario
    for view in it.steps:
        np.testing.assert_array_equal(np.asarray(view.value), np.asarray(engine[view.key].value))
    assert it.steps[0].key == "Z1" and it.steps[0].phase == "forward" and len(it) == 17


def test_a_step_by_explains_target_grammar(it, run_steps):
    engine = run_steps("logistic-4x2")
    whole = it["dL/dW1"]
    assert whole.key == "dL/dW1" and whole.step is it["∂J/∂W^(1)"].step is it["dJ/dW1"].step
    np.testing.assert_array_equal(np.asarray(whole), engine["dL/dW1"].value)
    assert it["dL/dw11^(1)"].value == engine["dL/dW1"].value[0, 0] == pytest.approx(0.00672659, abs=5e-9)
    assert it["dL/dW1[1,2]"].value == engine["dL/dW1"].value[1, 2]
    assert it["W1"].phase == "update" and it["Z1"].phase == "forward"  # plain keys: the step itself
    with pytest.raises(TutorError, match="this scenario offers"):
        it["dL/dQ7"]


def test_options_as_in_run():
    faster = bt.run("logistic-4x2", sample=1, set={"training.learning_rate": 1})
    start = bt.load("logistic-4x2", sample=1).parameters["W1"]
    np.testing.assert_allclose(faster["W1"].value, start - 1.0 * faster["dL/dW1"].value, rtol=1e-12)
    assert faster["x"].value.shape[0] == 1  # one record
    assert faster["W1"].step.extra["learning_rate"] == 1
    with pytest.raises(TutorError):
        bt.run("logistic-4x2", set={"training.learning_rate": -1})


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def _tags(html: str) -> list[str]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def test_notebook_and_terminal_displays(it):
    step = it["dL/dW1"]
    html = step._repr_html_()
    tags = _tags(html)
    assert "math" in tags and "table" in tags and "details" in tags and "script" not in tags
    assert "0.00672659" in html
    entry = it["dL/dw11^(1)"]._repr_html_()
    assert "[0, 0] = " in entry
    assert _tags(it.steps._repr_html_()).count("section") == 17
    assert _tags(it._repr_html_()).count("section") == 17
    assert "∂J/∂W1 = X" in _text(step).replace("\n", " ") or "∂J/∂W1" in _text(step)
    assert "0.00672659" in _text(step)
    assert _text(it.steps).count("logistic-4x2 ") >= 17


def test_explain(run_steps):
    d = bt.explain("dL/dW1", scenario="logistic-4x2")
    np.testing.assert_allclose(d.value, run_steps("logistic-4x2")["dL/dW1"].value, rtol=1e-9, atol=1e-15)
    html = d._repr_html_()
    assert "<details class=\"derivation\" open>" in html and "math" in _tags(html)
    assert "chain rule" in _text(d) and r"\begin{align*}" in d.latex()
    assert d.json()["scenario"] == "logistic-4x2"
    one = bt.explain("dL/dw11^(1)", scenario="height-weight")
    assert float(one.value) == pytest.approx(float(np.asarray(run_steps("height-weight")["dL/dW1"].value)[0, 0]))
