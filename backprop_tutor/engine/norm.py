"""The pass through a batch-normalised layer: Z → (μ_B, σ²_B, X̂, Y) → activation, and back.

`network.run_pass` calls these for a layer whose `norm` op is set; the op (ops/batchnorm.py)
computes, the recorder names what it computed. The running statistics are kept beside the
parameters (running_mean1, running_var1): a training pass works out where the op's momentum
moves them (PassResult.running) and `update` puts them in place; inference reads them.
"""

from __future__ import annotations


def running_names(layer: int) -> tuple[str, str]:
    return f"running_mean{layer}", f"running_var{layer}"


def norm_forward(lay, params: dict, z, rec=None, given=None):
    """(y, parts): the layer's normalised, scaled and shifted pre-activations."""
    op, l = lay.norm, lay.layer
    mean_name, var_name = running_names(l)
    running = {"mean": params[mean_name], "var": params[var_name]}
    theta = {slot: params[name] for slot, name in lay.norm_names.items()}
    parts = op.forward(z, theta["gamma"], theta["beta"], running)
    if given is not None:
        parts["y"] = given(f"Y{l}", parts["y"])
    if op.training:  # where the running statistics move by the momentum: applied by the update
        nxt = op.next_running(running, parts["mu"], parts["var"])
        parts["running"] = {mean_name: nxt["mean"], var_name: nxt["var"]}
    if rec is not None:
        rec.norm_forward(lay, z, parts, theta, running)
    return parts["y"], parts


def norm_backward(lay, params: dict, g, z, parts: dict, result, rec=None, given=None):
    """dL/dZ of a batch-normalised layer from g = dL/dY; dL/dγ and dL/dβ go into `result`."""
    theta = {slot: params[name] for slot, name in lay.norm_names.items()}
    grads = lay.norm.backward(g, z, parts, theta["gamma"])
    for slot, name in lay.norm_names.items():
        if given is not None:
            grads[slot] = given(f"dL/d{name}", grads[slot])
        result.grads[name] = grads[slot]
    if rec is not None:
        rec.norm_grads(lay, g, z, parts, grads, theta)
    return grads["z"]
