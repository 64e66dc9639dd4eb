"""Step mode (the Textual app) walks every frame of the layer lessons: dropout's mask,
batch normalisation's six backward steps, a shared bias, a frozen update."""

from __future__ import annotations

import pytest
from appkit import drive, make_app, settle


@pytest.mark.parametrize("name, wanted", [
    ("dropout", ("M1", "1/(1 − p) = 2", "∂L/∂D1")),
    ("batch-norm", ("σ²1", "X̂1", "∂L/∂γ1", "∂L/∂σ²1", "∂L/∂μ1")),
    ("two-two-two", ("b⁽²⁾′ = b⁽²⁾ = 0.6", "frozen")),
    ("bias-gradient-sum", ("∂L/∂b1",)),
])
def test_step_mode_walks_every_frame(name, wanted):
    async def script(app, pilot):
        seen = []
        for _ in range(app.lesson.total):
            await settle(app, pilot)
            seen.append("\n".join(app.shown))
            await pilot.press("right")
            await pilot.pause()
        return "\n".join(seen)

    text = drive(make_app(name), script, size=(110, 60))
    for word in wanted:
        assert word in text, word
