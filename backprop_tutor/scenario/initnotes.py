"""How each drawn weight matrix was drawn: the method, its variance formula and the numbers
(shown by `tutor run`, its JSON, step mode's first frame and `explain`)."""

from __future__ import annotations

import math

from ..i18n import _
from .network import draw_scale, layer_init

#: each method's law, in n_in and n_out (text; the numbers follow it)
LAWS = {
    "normal": "N(0, σ²)",
    "xavier": "N(0, 2/(n_in + n_out))",
    "he": "N(0, 2/n_in)",
    "uniform": "U(−a, +a)",
    "xavier_uniform": "U(−√(6/(n_in + n_out)), +√(6/(n_in + n_out)))",
    "he_uniform": "U(−√(6/n_in), +√(6/n_in))",
    "zeros": "0",
    "constant": "c",
}
UNIFORM = ("uniform", "xavier_uniform", "he_uniform")


def notes(init: dict, widths: list[int]) -> list[dict]:
    """One record per drawn W: {param, method, law, n_in, n_out, variance, sigma, limit, bias, seed}."""
    if not init:
        return []
    out = []
    for l in range(1, len(widths)):
        name = f"W{l}"
        if name not in init.get("drawn", ()):
            continue
        spec = layer_init(init, l)
        n_in, n_out = widths[l - 1], widths[l]
        scale = draw_scale(spec, n_in, n_out)
        method = spec["method"]
        # U(-a, a) has variance a²/3: 2/(n_in + n_out) for both Xavier draws, 2/n_in for both He draws
        exact = {"xavier": 2.0 / (n_in + n_out), "xavier_uniform": 2.0 / (n_in + n_out), "he": 2.0 / n_in,
                 "he_uniform": 2.0 / n_in, "uniform": scale * scale / 3.0, "normal": scale * scale}
        variance = exact.get(method, 0.0)
        limit = scale if method in UNIFORM else None
        out.append({"param": name, "method": method, "law": LAWS[method], "n_in": n_in, "n_out": n_out,
                    "variance": variance, "sigma": math.sqrt(variance), "limit": limit,
                    "value": scale if method in ("zeros", "constant") else None,
                    "bias": None if l in init.get("no_bias", ()) else float(spec.get("bias", 0.0)),
                    "seed": init.get("seed", 0)})
    return out


def line(note: dict) -> str:
    """`W1 ~ N(0, 2/(n_in + n_out)) = N(0, 2/(4096 + 4096)) = N(0, 0.000244), σ = 0.0156 (xavier,
    4096 x 4096, seed 0); b1 = 0`: the law, the law with the layer's sizes, the numbers."""
    g = lambda v: format(v, ".3g")  # noqa: E731
    name, n_in, n_out = note["param"], note["n_in"], note["n_out"]
    bias = _("b{layer} = {bias}").format(layer=name[1:], bias=g(note["bias"])) if note["bias"] is not None else \
        _("no b{layer} (bias: none)").format(layer=name[1:])
    method = note["method"]
    if method in ("zeros", "constant"):
        return _("{name} = {value} in every entry (nothing drawn: every unit of the layer starts the same); "
                 "{bias}").format(name=name, value=g(note["value"]), bias=bias)
    law = note["law"]
    if method == "normal":
        sized = f"N(0, {g(note['sigma'])}²)"
    elif method == "uniform":
        sized = f"U(−{g(note['limit'])}, +{g(note['limit'])})"
    else:
        sized = law.replace("n_in", str(n_in)).replace("n_out", str(n_out))
    if method in UNIFORM:
        numbers = "U(−{a}, +{a})".format(a=g(note["limit"]))
    else:
        numbers = "N(0, {v})".format(v=g(note["variance"]))
    shown = " = ".join(dict.fromkeys((law, sized, numbers)))  # each form once
    return _("{name} ~ {law}, variance {variance}, σ = {sigma} ({method}, {n_in} x {n_out}, seed {seed}); "
             "{bias}").format(name=name, law=shown, variance=g(note["variance"]), sigma=g(note["sigma"]),
                              method=method, n_in=n_in, n_out=n_out, seed=note["seed"], bias=bias)
