"""What the help says of the tutor and of each of its commands, in one place: the typer
application reads it (cli/app.py, each command's module), and so does the top-level help
drawn without typer (cli/tophelp.py). Light: it imports only the catalog (i18n)."""

from __future__ import annotations

from ..i18n import _

#: the commands, in the order the application registers them (and the help lists them)
COMMANDS = ("list", "run", "train", "validate", "check", "quiz", "compare", "explain", "export", "plot")


def app_help() -> str:
    """The tutor's own help: its first paragraph, then the rest (dim)."""
    return _(
        "Teach neural-network backpropagation one operation at a time.\n\n"
        "Load a scenario (a small network with given weights and data), run it forward and "
        "backward step by step, and see every z, a, loss, gradient and update with its formula "
        "and numbers. Start with `tutor list`, then `tutor run logistic-4x2`."
    )


def version_help() -> str:
    return _("Show the version and exit.")


def lang_help() -> str:
    return _("The language of every message: en (English) or vi (Vietnamese), "
             "anywhere on the command line; also TUTOR_LANG or a vi_* locale.")


def command_help(name: str) -> str:
    """The help of command `name`, in the chosen language: its first paragraph is its line
    in `tutor --help`."""
    return _commands()[name]


def _commands() -> dict[str, str]:
    return {
        "list": _(
            "List the built-in scenarios, grouped by source document, with their network, loss "
            "and source."),
        "run": _(
            "Run one iteration (forward, loss, backward, update), printing every operation."),
        "train": _(
            "Train until the stopping rule holds, then show the loss curve, the gradient norms and "
            "the parameters.\n\n"
            "A scenario with `training.batch: N` trains by epochs instead: per epoch the loss, "
            "train and test accuracy, the saturated ratio of each sign layer, the loss of the "
            "train, validation and test sets and the dead and saturated units of each layer. "
            "`training.validation: 0.2` holds out a validation split; `training.patience: 5` "
            "stops early on its loss and keeps the best epoch's parameters."),
        "validate": _(
            "Check scenario files without running them: every mistake of every file is reported "
            "(exit status 2 if any file has one)."),
        "check": _(
            "Mark a hand calculation: each value right or wrong (the digits written decide), right "
            "from the student's own earlier numbers (follow-through), and the classic mistake behind "
            "a wrong one. Exit status 0: all right; 1: some wrong or blank; 2: a bad file."),
        "quiz": _(
            "Predict each value before it is revealed: a wrong answer gets a hint (the formula with "
            "the numbers put in), then the answer. Enter a number; empty line or s skips, b goes "
            "back, q ends. Without a terminal, answers are read line by line from standard input."),
        "compare": _(
            "Train a scenario once per value of one field and show the results side by side, each "
            "panel titled with its value. A scenario trained by epochs (training.batch: N) shows "
            "accuracy and saturation per epoch; one trained by iterations (record or full batch) "
            "its loss curve. Any field --set takes can vary: the learning rate, an activation, "
            "widths and depth (when the parameters are drawn by parameters.init, not given)."),
        "explain": _(
            "Derive one gradient with the chain rule: path, local derivatives (by sympy), matrix "
            "form, numbers."),
        "export": _(
            "Write the worked solution of one iteration (every step: formula, numbers put in, result, "
            "warnings, and the chain-rule derivation of every gradient) to a .md, .tex or .html file."),
        "plot": _(
            "Plot an activation and its derivative over a range, marking where it saturates "
            "(|f′| below 1% of its largest value over the range) or dies (f′ = 0), with f and f′ at "
            "z = −10, 0, 10 and at the --at points. f and f′ come from the op's own forward and "
            "backward rules. Example: tutor plot swish --set beta=0 (z/2)."),
    }
