"""Marking one written number against a value: the tolerance respects the digits written.

A student who writes 0.0215 for 0.021553 has given the value to four decimal places,
by truncation; 0.022 gives it to three (rounded). Either is right. 0.03 is not: at two
decimal places the value is 0.02. So a written number is right when it is the value
rounded, or cut off (truncated), at the last place the student wrote; and it must
carry at least one significant digit of the value (0 is not 0.0216 "to one place"; `--digits N` asks for N).

The written text is kept as it was typed (YAML's 0.50 stays 0.50), and compared in
decimal arithmetic, so no binary rounding decides a mark.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from ..i18n import _

#: a number as a student writes it: 0.0215, -0.009, .5, 2.155e-2, 1E3, −0.5 (a unicode minus)
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
ALLOWED = _("a decimal number such as 0.0215, -0.009 or 2.155e-2")


def written(text: object) -> Decimal | None:
    """The number a student wrote, exactly as written, or None if it is not one."""
    plain = str(text).strip().replace("\u2212", "-").replace("_", "")
    if not NUMBER.match(plain):
        return None
    try:
        return Decimal(plain)
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        return None


def place(number: Decimal) -> Decimal:
    """The last place written: 0.0215 -> 0.0001, 12 -> 1, 2.155e-2 -> 0.00001."""
    return Decimal(1).scaleb(number.as_tuple().exponent)


def agrees(text: str, value: float, digits: int = 1) -> bool:
    """Whether `text` is `value` rounded or truncated at the last place written, with at
    least `digits` significant digits of the value written (a teacher may ask for more)."""
    w = written(text)
    if w is None or value is None:
        return False
    if not math.isfinite(value):
        return False
    v = Decimal(repr(float(value)))
    unit = place(w)
    if w == v:
        return True  # exact (0.5 for 0.5 carries every digit there is)
    if v != 0 and unit > _leading(v).scaleb(1 - digits):
        return False  # fewer significant digits of the value than asked for
    if abs(w - v) <= unit / 2 + abs(v) * Decimal("1e-12"):
        return True  # rounded (a little float noise in the value is forgiven)
    return v.quantize(unit, rounding=ROUND_DOWN) == w  # cut off


def _leading(v: Decimal) -> Decimal:
    """The place of the value's first significant digit: 0.0216 -> 0.01."""
    return Decimal(1).scaleb(v.adjusted())


def shown(value: float, digits: int = 6) -> str:
    """A value as the report prints it."""
    if value is None or not math.isfinite(value):
        return str(value)
    return f"{value:.{digits}g}"
