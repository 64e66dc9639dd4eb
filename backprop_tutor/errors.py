"""The library's one error type: a mistake the user can fix, reported without a traceback.

Every error the tutor means a user to read derives from `TutorError`; the command
line turns it into one clean message on stderr and exit status 2, in one place
(`cli.app.main`). Anything else escaping is a bug in the tutor.
"""

from __future__ import annotations


class TutorError(Exception):
    """A clear message for the user; the command line exits with status 2."""

    exit_status = 2


class UnsupportedError(TutorError):
    """The tutor cannot do this (yet) for this scenario: the message says what and why."""


class MissingRuleError(TutorError, NotImplementedError):
    """An operation was asked for a rule it does not define; the message names the op."""
