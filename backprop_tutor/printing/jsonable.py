"""An explanation as plain data for JSON: every formula as text and as LaTeX."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..symbolic.names import row_symbols
from .printers import latex, pretty

if TYPE_CHECKING:
    from ..symbolic.records import Explanation


def as_json(ex: Explanation) -> dict:
    names = ex.latex_names
    return {
        "target": {"kind": ex.target.kind, "layer": ex.target.layer,
                   "index": list(ex.target.index) if ex.target.index is not None else None,
                   "key": ex.target.key},
        "path": ex.path,
        "chain": {"text": pretty(ex.chain.rhs), "latex": latex(ex.chain.rhs, names)},
        "factors": [{"derivative": pretty(f.leibniz), "op": f.op, "derived": str(f.derived),
                     "output_form": str(f.output_form) if f.output_form is not None else None,
                     "local": {"text": pretty(f.local), "latex": latex(f.local, names)}} for f in ex.factors],
        "simplified": {"text": pretty(ex.simplified.rhs), "latex": latex(ex.simplified.rhs, names)},
        "sums": [{"index": i, "over": what} for i, what in ex.sums],
        "matrix": [{"text": pretty(st.equation), "latex": latex(st.equation), "shapes": st.shapes, "why": st.why}
                   for st in ex.matrix],
        "bias_note": ex.bias_note or None,
        # a wide layer's lazily computed matrix is written a block of rows at a time
        "value": ex.value if hasattr(ex.value, "take_rows") else np.asarray(ex.value, dtype=float).tolist(),
        "engine_value": (ex.engine_value if hasattr(ex.engine_value, "take_rows")
                         else np.asarray(ex.engine_value, dtype=float).tolist()),
        "warnings": list(ex.warnings),
        "finite_difference": (None if ex.finite_difference is None else
                              ex.finite_difference.as_json() if hasattr(ex.finite_difference, "as_json")
                              else np.asarray(ex.finite_difference, dtype=float).tolist()),
        "straight_through": ex.surrogates,
        "assumption": ex.assumption or None,
        "other_form": (None if ex.other_form is None
                       else {"text": pretty(ex.other_form.rhs), "latex": latex(ex.other_form.rhs, names)}),
        "jacobian_cases": [{"factor": pretty(f.leibniz), "cases": [
            {"case": c.label, "derived": str(c.derived),
             "output_form": str(c.output_form) if c.output_form is not None else None} for c in f.cases],
            "joined": str(row_symbols(f.output_form))} for f in ex.factors if f.cases],
    }
