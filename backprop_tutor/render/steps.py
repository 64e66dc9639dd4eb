"""What a step is called in its header. A step is drawn by `render.frame.Frame`, the one
view of a step that step mode and the printed `tutor run` share."""

from __future__ import annotations

from ..i18n import N_, _

#: a phase as the header names it (the phase itself stays the JSON value)
PHASES = {
    "preprocess": N_("preprocess"),
    "forward": N_("forward"),
    "loss": N_("loss"),
    "backward": N_("backward"),
    "update": N_("update"),
}

#: the data tables a preprocessing step scales
TABLES = {"inputs": N_("the inputs"), "targets": N_("the targets")}


def phase_name(phase: str) -> str:
    return _(PHASES[phase]) if phase in PHASES else phase


#: what a step of each role is called; `{operation}` is the op's title
TITLES = {
    "preprocess": N_("{operation} of {table}"),
    "select": N_("record {record} of the table"),
    "forward": "{operation}",
    "loss": "{loss}",
    "loss_grad": N_("gradient of the loss with respect to the prediction"),
    "backward": N_("back through {operation}"),
    "weight_grad": N_("gradient of the weights"),
    "bias_grad": N_("gradient of the biases (a sum over the batch)"),
    "input_grad": N_("gradient passed back to the previous layer"),
    "param_grad": N_("gradient of the {operation} parameter {slot}"),
    "update": N_("gradient-descent update"),
}


def title_of(step) -> str:
    title = getattr(step.op, "title", "") or ""
    table = step.extra.get("table", "")
    template = step.extra.get("title", "") or TITLES.get(step.role, "")
    return (_(template) if template else "").format(
        operation=_(title) if title else "", table=_(TABLES[table]) if table in TABLES else table,
        record=step.extra.get("record"), slot=step.extra.get("slot", ""),
        loss=getattr(step.op, "describe", lambda: "")())
