"""What a step is called in its header. A step is drawn by `render.frame.Frame`, the one
view of a step that step mode and the printed `tutor run` share."""

from __future__ import annotations



def title_of(step) -> str:
    what = {
        "preprocess": f"{getattr(step.op, 'title', '')} of the {step.extra.get('table', '')}",
        "select": f"record {step.extra.get('record')} of the table",
        "forward": f"{getattr(step.op, 'title', '')}",
        "loss": getattr(step.op, "describe", lambda: "")(),
        "loss_grad": "gradient of the loss with respect to the prediction",
        "backward": f"back through {getattr(step.op, 'title', '')}",
        "weight_grad": "gradient of the weights",
        "bias_grad": "gradient of the biases (a sum over the batch)",
        "input_grad": "gradient passed back to the previous layer",
        "param_grad": f"gradient of the {getattr(step.op, 'title', '')} parameter {step.extra.get('slot', '')}",
        "update": "gradient-descent update",
    }.get(step.role, "")
    return what
