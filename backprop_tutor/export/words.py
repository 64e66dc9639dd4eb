"""The handout's own sentences and labels, each whole, with named fields: one place for a
message catalog to take them over (`say(SCOPE, first=5, ...)` stays as it is when SCOPE
becomes a translated message). Formulas and symbols are not words and stay out of here."""

from __future__ import annotations

SOURCE = "Source: {source}"
SUMMARY = "{name}: {network}; loss: {loss}."
SCOPE = "One iteration, steps {first} to {last} of {total}, numbers to {digits} significant digits."
STEP = "Step {number}/{total}"
LAYER = ", layer {layer}"
STEP_OF = "step {number} of {total}"
KEYS = "← / → step through, Home / End first / last"
PREVIOUS, NEXT = "previous step (←)", "next step (→)"
MORE = "… {count} more entries"
FROM = "from:"
WHERE = "where"
REUSES = "chain rule: reuses {steps}"
NO_DERIVATION = "No derivation: {why}"
DERIVATION = "derivation by the chain rule"
PATH = "path: {path}"
RUNS_OVER = "{index} runs over {what}"
DERIVED = "derived"
ENGINE = "engine (tutor run)"
FINITE_DIFFERENCE = "central finite difference"
NO_FINITE_DIFFERENCE = ("central finite difference: does not apply through {ops} (a straight-through "
                        "surrogate gradient).")
WARNING = "⚠ {warning}"


def say(template: str, **fields) -> str:
    return template.format(**fields)


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
    out = [(DERIVED, ex.value), (ENGINE, ex.engine_value)]
    if ex.finite_difference is not None:
        out.append((FINITE_DIFFERENCE, ex.finite_difference))
    return out
