"""The one error type of scenario loading: where, which field, what is wrong."""

from __future__ import annotations

from ..errors import TutorError


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
