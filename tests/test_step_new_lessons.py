"""Step mode walks every frame of the lessons of the hinge loss and of the bias-free layer: the
network picture without a b for a layer that has none, each step's formula on its frame."""

from __future__ import annotations

import pytest
from appkit import walk


@pytest.mark.parametrize("name, words", [
    ("hinge-svm", ("ℓ[3] = Max(0", "= 12.9", "3 of 6 above 0")),
    ("bias-free", ("z1⁽¹⁾ = x1 * w11⁽¹⁾ + x2 * w21⁽¹⁾ + x3 * w31⁽¹⁾ = 1 * 0.2", "linear map, no bias",
                   "J = data loss + λ/2 ‖W‖²")),
])
def test_step_mode_walks_every_frame(name, words):
    text = walk(name, size=(120, 60))
    for word in words:
        assert word in text, word
    if name == "bias-free":  # the picture's weight columns name W only, and no unit's row shows a b
        assert "W1, b1" not in text and "W2, b2" not in text and " b " not in text
