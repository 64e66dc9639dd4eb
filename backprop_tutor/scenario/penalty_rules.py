"""`loss.penalty: {type, lambda, convention, beta}`: L1, L2 or elastic net on the weights."""

from __future__ import annotations

from typing import Any

from ..i18n import N_, _
from ..ops.penalty import CONVENTIONS, PENALTIES, Penalty
from .checker import Checker
from .yamlsource import Path

FIELDS = ("type", "lambda", "convention", "beta")


def penalty(c: Checker, raw: dict, path: Path) -> tuple[float, Penalty | None]:
    """(λ, the penalty op) of a loss section; `l2: λ` and `penalty:` exclude each other."""
    if "penalty" not in raw:
        return c.attempt(lambda: c.number(raw.get("l2", 0.0), path + ("l2",), low=0)), None
    if "l2" in raw:
        c.fail(path + ("penalty",), _("both `l2` and `penalty` are given; allowed: one of them "
                                      "(`l2: LAMBDA` is `penalty: {type: l2, lambda: LAMBDA}`)"))
    p, spec = path + ("penalty",), raw["penalty"]
    if not isinstance(spec, dict) or "type" not in spec:
        c.fail(p, _("expected `{type: l1 | l2 | elastic_net, lambda: LAMBDA}`, optionally with "
                    "`convention: half | plain` and `beta: BETA` (elastic net)"))
    c.mapping(spec, p, FIELDS, ("type", "lambda"))
    name = c.attempt(c.choice, spec["type"], p + ("type",), tuple(PENALTIES), N_("penalty"))
    lam = c.attempt(lambda: c.number(spec["lambda"], p + ("lambda",), low=0))
    convention = c.attempt(c.choice, spec.get("convention", "half"), p + ("convention",), CONVENTIONS,
                           N_("convention"))
    beta = c.attempt(lambda: c.number(spec.get("beta", 1.0), p + ("beta",), low=0))
    if "beta" in spec and name and not PENALTIES[name].uses_beta:
        c.fail(p + ("beta",), _("`beta` belongs to the elastic net; allowed with `type: elastic_net` only"))
    if None in (name, lam, convention, beta):
        return None, None
    return lam, PENALTIES[name](convention, beta)


