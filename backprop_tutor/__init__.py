"""backprop-tutor: neural-network backpropagation, one operation at a time.

In a notebook or a script (see backprop_tutor.api):

    import backprop_tutor as bt
    it = bt.run("logistic-4x2")
    it["dL/dW1"]
    bt.explain("dL/dW1", scenario="logistic-4x2")
"""

__version__ = "0.1.0"

#: the API's names, imported on first use: `import backprop_tutor` (and `tutor --version`)
#: stays light, without numpy or sympy
_API = ("run", "explain", "load", "Iteration", "StepView", "Steps", "Derivation")

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + list(_API))
