"""Step mode (the Textual app) walks every frame of the layer lessons: dropout's mask,
batch normalisation's six backward steps, a shared bias, a frozen update."""

from __future__ import annotations

import pytest
from appkit import walk


@pytest.mark.parametrize("name, wanted", [
    ("dropout", ("M1", "1/(1 − p) = 2", "∂L/∂D1")),
    ("batch-norm", ("σ²1", "X̂1", "∂L/∂γ1", "∂L/∂σ²1", "∂L/∂μ1")),
    ("two-two-two", ("b⁽²⁾′ = b⁽²⁾ = 0.6", "frozen")),
    ("bias-gradient-sum", ("∂L/∂b1",)),
])
def test_step_mode_walks_every_frame(name, wanted):
    text = walk(name, size=(110, 60))
    for word in wanted:
        assert word in text, word
