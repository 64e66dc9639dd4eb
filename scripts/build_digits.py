"""Rebuild backprop_tutor/data/digits.npz from scikit-learn's copy of the UCI digits.

The shipped file holds the 1,797 8x8 images of the UCI "Optical Recognition of
Handwritten Digits" data set (the test part of it, the same data scikit-learn's
`load_digits` returns): pixels are whole numbers 0..16, labels 0..9.

    pip install scikit-learn      # only to run this script; the tutor never needs it
    python scripts/build_digits.py

Source: E. Alpaydin and C. Kaynak, UCI Machine Learning Repository,
https://doi.org/10.24432/C50P49 , licence CC BY 4.0.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "backprop_tutor" / "data" / "digits.npz"


def main() -> None:
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = bunch.images.astype(np.uint8)  # 1797 x 8 x 8, values 0..16
    labels = bunch.target.astype(np.uint8)
    assert images.shape == (1797, 8, 8) and images.max() == 16 and labels.max() == 9
    np.savez_compressed(OUT, images=images, labels=labels)
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes): {images.shape[0]} images, labels {np.bincount(labels)}")


if __name__ == "__main__":
    main()
