"""σ as a sympy function of its own, so that sympy's chain rule writes derivatives with it.

    σ(x) = 1 / (1 + e^(−x)),   σ′(x) = σ(x)(1 − σ(x))

Differentiating z·σ(βz) with this σ gives σ(βz) + βzσ(βz)(1 − σ(βz)), the way the MLP
notebook writes swish's derivative, where differentiating z / (1 + e^(−βz)) gives a
fraction of exponentials. `rewrite(sp.exp)` turns σ back into 1 / (1 + e^(−x)), so a
test can check that both are the same function. The class is made when first asked for
(sympy is passed in, never imported by an op).
"""

from __future__ import annotations

_MADE: dict = {}


def sigmoid_function(sp):
    """The sympy function σ (one class per process)."""
    if "σ" not in _MADE:
        def eval_(cls, x):
            if x.is_Number:  # a number put in: σ's value
                return 1 / (1 + sp.exp(-x))
            return None

        def fdiff(self, argindex=1):
            s = self.func(self.args[0])
            return s * (1 - s)

        def rewrite_exp(self, x, **kwargs):
            return 1 / (1 + sp.exp(-x))

        def numpycode(self, printer):  # (1 + tanh(x/2))/2: σ without overflow, for lambdify
            tanh = printer._module_format(printer._module + ".tanh")
            return f"(1 + {tanh}(({printer._print(self.args[0])})/2))/2"

        _MADE["σ"] = type("σ", (sp.Function,), {
            "eval": classmethod(eval_), "fdiff": fdiff, "_eval_rewrite_as_exp": rewrite_exp,
            "_numpycode": numpycode, "_latex": lambda self, printer: r"\sigma\left(%s\right)" % printer._print(self.args[0]),
            "__module__": __name__})
    return _MADE["σ"]


def textbook_order(sp, expr, sigma):
    """The same sum with its terms and factors in the order a textbook writes them (the printers
    keep the order an expression was built in): the shortest term first, and in each product
    the numbers, then the symbols, then σ(...), then the differences, as in
    σ(βz) + βzσ(βz)(1 − σ(βz)). Only the order changes: the expression is equal to `expr`."""
    def rank(f):
        return (0 if f.is_Number else 1 if f.is_Symbol else 2 if isinstance(f, sigma) else 3)

    def factors(term):
        if not isinstance(term, sp.Mul):
            return term
        return sp.Mul(*sorted(term.args, key=rank), evaluate=False)

    if not isinstance(expr, sp.Add):
        return factors(expr)
    return sp.Add(*[factors(t) for t in sorted(expr.args, key=sp.count_ops)], evaluate=False)


def erf_function(sp):
    """sympy's erf, computed entry by entry when a formula is turned into a numpy function
    (numpy has no erf, and lambdify would call math.erf on a whole array)."""
    if "erf" not in _MADE:
        def numpycode(self, printer):
            vec, erf = printer._module_format("numpy.vectorize"), printer._module_format("math.erf")
            return f"{vec}({erf}, otypes=[float])({printer._print(self.args[0])})"

        _MADE["erf"] = type("erf", (sp.erf,), {"_numpycode": numpycode, "__module__": __name__})
    return _MADE["erf"]
