"""Handouts: the worked solution of one iteration written to a file, its format chosen by
the file's extension (.md, .tex, .html).

    handout = build(model, steps, digits=6, span=(5, 12))
    text = render(handout, "html")
    save(text, "hw.html")            # atomically: the file is whole or not there
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..i18n import _
from ..errors import TutorError
from .handout import Handout, StepRangeError, build, parse_steps

FORMATS = {".md": "markdown", ".markdown": "markdown", ".tex": "latex", ".html": "html", ".htm": "html"}

__all__ = ["FORMATS", "ExportError", "Handout", "StepRangeError", "build", "format_of", "parse_steps",
           "render", "save"]


class ExportError(TutorError):
    """The output file's extension names no format, or the file cannot be written."""


def format_of(path: str | os.PathLike) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(_("{path}: the extension chooses the format; expected .md, .tex or .html, got "
                            "{value}").format(path=path, value=repr(suffix or 'none')))
    return FORMATS[suffix]


def render(handout: Handout, fmt: str) -> str:
    """The handout as the text of one format: markdown, latex or html."""
    if fmt == "markdown":
        from .markdown import write
    elif fmt == "latex":
        from .latex import write
    elif fmt == "html":
        from .html import write
    else:
        raise ExportError(_("unknown format {fmt}; expected markdown, latex or html").format(fmt=repr(fmt)))
    return write(handout)


def save(text: str, path: str | os.PathLike) -> None:
    """Write `text` to `path` atomically: a temporary file beside it, renamed over it."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise ExportError(_("{path}: cannot write the handout ({value})").format(path=path, value=exc.strerror or exc)) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.chmod(temp, 0o644)
        os.replace(temp, target)
    except BaseException as exc:  # a full disk, Ctrl-C: no half-written file, no temporary left
        try:
            os.unlink(temp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise ExportError(_("{path}: cannot write the handout ({value})").format(path=path, value=exc.strerror or exc)) from None
        raise
