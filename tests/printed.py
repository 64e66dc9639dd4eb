"""Compare a computed number with a number as a source document prints it."""

from __future__ import annotations

from decimal import Decimal


def last_place(text: str) -> float:
    """The value of one unit in the last printed digit: '0.0215' -> 1e-4, '6.69285e-3' -> 1e-8."""
    d = Decimal(text)
    return float(Decimal(1).scaleb(d.as_tuple().exponent))


def agrees(value: float, text: str, units: float = 0.5) -> bool:
    """True when value, printed at the source's precision, gives the source's digits.

    units=0.5: the source rounds correctly (the value is within half a unit of the
    last printed place). units=1: the source may truncate instead of rounding.
    """
    return abs(value - float(text)) <= units * last_place(text) * (1 + 1e-9)


def assert_printed(value: float, text: str, units: float = 0.5, what: str = "") -> None:
    assert agrees(value, text, units), (
        f"{what}: computed {value!r} does not print as the source's {text} "
        f"(allowed difference {units} unit of {last_place(text):g})"
    )
