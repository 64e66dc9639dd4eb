"""`g NAME`: the step a student names, by number, by symbol, or in explain's grammar.

    g 12          step 12 (1-based, as the header counts)
    g L   g ∂J/∂W1   g dL/dZ2        a step's key or the symbol its header shows
    g dL/dW1   g dJ/dw12^(1)         a gradient (one entry: that step, the entry picked)
    g z1^(1)   g A2   g w12^(1)      a quantity: the step that computes it (an entry picked)

Names are read by symbolic/targets.py (the grammar `tutor explain` reads); nothing is
evaluated.
"""

from __future__ import annotations

from ..i18n import _
from ..symbolic.targets import TargetError, parse


def _plain(text: str) -> str:
    return "".join(text.split())


def locate(lesson, name: str) -> tuple[int, str | None]:
    """(0-based step, the picked entry's explain target or None); ValueError if none."""
    text = _plain(name)
    total = lesson.total
    if text.isdigit():
        number = int(text)
        if not 1 <= number <= total:
            raise ValueError(_("there is no step {number}: steps are 1 to {total}").format(number=number, total=total))
        return number - 1, None
    for i, st in enumerate(lesson.steps):
        if text in (_plain(st.key), _plain(st.symbol)):
            return i, None
    gradient = "/" in text
    written = text if gradient else f"d{lesson.model.notation.loss}/d{text}"
    try:
        target = parse(written, lesson.model)
    except TargetError as err:
        why = str(err).split("; this scenario offers")[0]
        raise ValueError(_("no step called {why}: give a step number (1 to {total}), a name such as {key} or z1^(1), or a gradient ({value})").format(why=why, total=total, key=lesson.steps[-1].key, value=err.offered[0])) from None
    for i, st in enumerate(lesson.steps):
        if st.quantity == target.kind and st.grad == gradient and lesson.layer_of(i) == target.layer:
            picked = lesson.target(target.kind, target.layer, target.index) if target.index is not None else None
            return i, picked
    raise ValueError(_("no step computes {strip} in this scenario").format(strip=name.strip()))


def find(lesson, name: str) -> int:
    return locate(lesson, name)[0]
