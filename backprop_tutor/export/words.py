"""The handout's own sentences and labels, each whole, with named fields: one place for a
message catalog to take them over (`say(SCOPE, first=5, ...)` stays as it is when SCOPE
becomes a translated message). Formulas and symbols are not words and stay out of here."""

from __future__ import annotations

from ..i18n import N_, _

SOURCE = N_("Source: {source}")
SUMMARY = N_("{name}: {network}; loss: {loss}.")
SCOPE = N_("One iteration, steps {first} to {last} of {total}, numbers to {digits} significant digits.")
STEP = N_("Step {number}/{total}")
LAYER = N_(", layer {layer}")
STEP_OF = N_("step {number} of {total}")
KEYS = N_("← / → step through, Home / End first / last")
PREVIOUS, NEXT = N_("previous step (←)"), N_("next step (→)")
MORE = N_("… {count} more entries")
FROM = N_("from:")
WHERE = N_("where")
REUSES = N_("chain rule: reuses {steps}")
NO_DERIVATION = N_("No derivation: {why}")
DERIVATION = N_("derivation by the chain rule")
PATH = N_("path: {path}")
RUNS_OVER = N_("{index} runs over {what}")
DERIVED = N_("derived")
ENGINE = N_("engine (tutor run)")
FINITE_DIFFERENCE = N_("central finite difference")
NO_FINITE_DIFFERENCE = N_("central finite difference: does not apply through {ops} (a straight-through "
                          "surrogate gradient).")
WARNING = N_("⚠ {warning}")


def say(template: str, **fields) -> str:
    """The message in the chosen language, its fields put in."""
    return _(template).format(**fields)


def path(ex) -> str:
    return say(PATH, path=" ← ".join(ex.path))


def notes(ex) -> list[str]:
    """An explanation's prose below its formulas: why each matrix rule, the bias sum, the
    assumption of a softmax output, what each index runs over."""
    out = [st.why for st in ex.matrix]
    out += [note for note in (ex.bias_note, ex.assumption) if note]
    if ex.sums:
        out.append("; ".join(say(RUNS_OVER, index=i, what=what) for i, what in ex.sums))
    return out


def no_finite_difference(ex) -> str:
    return say(NO_FINITE_DIFFERENCE, ops=", ".join(ex.surrogates))


def checks(ex) -> list[tuple[str, object]]:
    """(label, value): the derived value, the engine's and the central finite difference."""
    out = [(say(DERIVED), ex.value), (say(ENGINE), ex.engine_value)]
    if ex.finite_difference is not None:
        out.append((say(FINITE_DIFFERENCE), ex.finite_difference))
    return out
