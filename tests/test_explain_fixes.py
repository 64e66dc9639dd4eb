"""Review fixes of `tutor explain`: the L2 term in every form, formulas that fit the
console's width, whole matrices with their numbers, the target forms the tutor prints."""

import io
import re

import numpy as np
import pytest
from rich.console import Console
from typer.testing import CliRunner

from backprop_tutor.cli import app
from backprop_tutor.scenario import load
from backprop_tutor.symbolic import derive
from backprop_tutor.symbolic.targets import Target, TargetError, parse

runner = CliRunner()


@pytest.fixture(scope="module")
def lg():
    return load("logistic-4x2")


# 4. the target forms a student copies from the tutor's own output ----------------------

@pytest.mark.parametrize("text, expected", [
    ("dL/dw11⁽¹⁾", Target("W", 1, (0, 0))), ("∂L/∂w₁₁⁽¹⁾", Target("W", 1, (0, 0))),
    ("∂J/∂w₂₁⁽²⁾", Target("W", 2, (1, 0))), ("dL/db₃⁽¹⁾", Target("b", 1, (2,))),
    ("dL/dW₁", Target("W", 1)), ("dL/dW1[0][1]", Target("W", 1, (0, 1))),
    ("dL/dZ1[3][0]", Target("Z", 1, (3, 0))),
])
def test_printed_and_nested_index_forms(lg, text, expected):
    assert parse(text, lg) == expected


def test_weight_without_layer_says_the_layer_is_missing(lg):
    with pytest.raises(TargetError) as err:
        parse("dL/dw12", lg)
    text = str(err.value)
    assert "layer is missing" in text and "dL/dw12^(1)" in text
    assert "layers 1 to" not in text
