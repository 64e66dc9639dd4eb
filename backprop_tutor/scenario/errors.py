"""The one error type of scenario loading: where, which field, what is wrong."""

from __future__ import annotations

from ..errors import TutorError
from ..i18n import _


class ScenarioError(TutorError):
    """A mistake in a scenario, reported as `file:line: field: message`.

    `where` is `path:line` for a file, or the `--set ...` option that caused it.
    """

    def __init__(self, where: str, field: str, message: str) -> None:
        self.where = where
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        field = f"{self.field}: " if self.field else ""
        return f"{self.where}: {field}{self.message}"


class ScenarioErrors(ScenarioError):
    """Several mistakes in one scenario, one `file:line: field: message` line each.

    `where`, `field` and `message` are the first mistake's."""

    def __init__(self, errors: list[ScenarioError]) -> None:
        self.errors = sorted(_unique(errors), key=_place)
        first = self.errors[0]
        super().__init__(first.where, first.field, first.message)

    def __str__(self) -> str:
        from .limits import MAX_ERRORS

        shown = [ScenarioError.__str__(e) for e in self.errors[:MAX_ERRORS]]
        if len(self.errors) > MAX_ERRORS:
            shown.append(_("... and {count} more mistakes").format(count=len(self.errors) - MAX_ERRORS))
        return "\n".join(shown)


def _place(err: ScenarioError) -> tuple:
    """Errors in file order: by file, then line; an option's after the file's."""
    name, _sep, line = err.where.rpartition(":")
    return (0, name, int(line)) if line.isdigit() else (1, err.where, 0)


def _unique(errors: list[ScenarioError]) -> list[ScenarioError]:
    flat, seen = [], set()
    for err in errors:
        for one in getattr(err, "errors", [err]):
            text = ScenarioError.__str__(one)
            if text not in seen:
                seen.add(text)
                flat.append(one)
    return flat


def combined(errors: list[ScenarioError]) -> ScenarioError:
    """One error as itself, several as a ScenarioErrors."""
    errors = _unique(errors)
    return errors[0] if len(errors) == 1 else ScenarioErrors(errors)
