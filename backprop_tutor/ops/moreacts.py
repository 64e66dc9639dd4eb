"""More element-wise activations: ReLU6, softplus, Mish and GELU.

Each is one class with its numeric forward (`forward`), its derivative (`derivative`,
from which `grads` gives dL/dZ = dL/dA ⊙ f'(Z)) and its sympy form (`symbolic`); the
generic presentation rules draw their steps, and the derivative a student reads is
derived by sympy from `symbolic`.

    relu6(z)    = min(max(0, z), 6)             f'(z) = 1 for 0 < z < 6, else 0
    softplus(z) = log(1 + e^z)                  f'(z) = σ(z)
    mish(z)     = z · tanh(softplus(z))         f'(z) = tanh(sp(z)) + z (1 − tanh²(sp(z))) σ(z)
    gelu(z)     = z · Φ(z), Φ(z) = (1 + erf(z/√2))/2
                                                f'(z) = Φ(z) + z φ(z), φ the normal density

softplus is computed as log(1 + e^z) = max(z, 0) + log1p(e^(−|z|)), which never
overflows (e^z for z = 1000 would).
"""

from __future__ import annotations

import math

from ..lazy import numpy as np

from .activations import Activation, _sigmoid, real, register
from .diagnostics import dead_units, saturated_units


def softplus(z):
    """log(1 + e^z) without overflow: max(z, 0) + log1p(e^(-|z|))."""
    z = np.asarray(z, dtype=real(z))
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def erf(z):
    """The error function, entry by entry (numpy has none; math.erf is exact to the last bit)."""
    z = np.asarray(z)
    return np.vectorize(math.erf, otypes=[real(z)])(z) if z.size else np.zeros_like(z, dtype=real(z))


@register
class ReLU6(Activation):
    name = "relu6"
    title = "ReLU6"
    kinks = (0.0, 6.0)

    def forward(self, z):
        return np.clip(z, 0.0, 6.0).astype(real(z), copy=False)

    def derivative(self, z, a):
        # the subgradient at the two kinks (z = 0 and z = 6) is taken as 0, as in frameworks
        return ((z > 0) & (z < 6)).astype(real(z))

    def symbolic(self, sp, z):
        return sp.Piecewise((0, z <= 0), (z, z < 6), (6, True))

    def unit_warnings(self, z, a, layer):
        return dead_units(z, layer)


@register
class Softplus(Activation):
    name = "softplus"
    title = "softplus"

    def forward(self, z):
        return softplus(z)

    def derivative(self, z, a):
        return _sigmoid(z).astype(real(z), copy=False)

    def symbolic(self, sp, z):
        return sp.log(1 + sp.exp(z))

    def unit_warnings(self, z, a, layer):
        return saturated_units(self, z, a, 1.0, layer)


@register
class Mish(Activation):
    name = "mish"
    title = "mish"

    def forward(self, z):
        return z * np.tanh(softplus(z))

    def derivative(self, z, a):
        s = softplus(z)
        t = np.tanh(s)
        with np.errstate(over="ignore"):
            sech2 = 1.0 / np.cosh(s) ** 2  # 1 - tanh^2 without the cancellation where tanh rounds to 1
        return t + z * sech2 * _sigmoid(z)

    def symbolic(self, sp, z):
        return z * sp.tanh(sp.log(1 + sp.exp(z)))


def erfc(z):
    """1 - erf(z), entry by entry, without the cancellation of 1 - erf(z) for large z."""
    z = np.asarray(z)
    return np.vectorize(math.erfc, otypes=[real(z)])(z) if z.size else np.zeros_like(z, dtype=real(z))


@register
class GELU(Activation):
    """GELU: the exact z Φ(z), with Φ(z) = (1 + erf(z/√2))/2 computed as erfc(-z/√2)/2 (the
    same number, without losing the digits of a tiny Φ far left: GELU(-10) = -7.62e-23, not -0)."""

    name = "gelu"
    title = "GELU"

    def forward(self, z):
        return 0.5 * z * erfc(-z / math.sqrt(2.0))

    def derivative(self, z, a):
        phi = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        return 0.5 * erfc(-z / math.sqrt(2.0)) + z * phi

    def symbolic(self, sp, z):
        from .sigmafn import erf_function

        return z / 2 * (1 + erf_function(sp)(z / sp.sqrt(2)))

