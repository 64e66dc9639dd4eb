"""Text from a file or the command line, made safe to print: it stays text.

A scenario's name, title or description, a data set path or a field name may hold
terminal escape sequences or other control characters (which would move the
cursor, clear the screen or set the window title) and rich markup (`[bold]`,
`[/]`). `visible` writes each control character as an escape a reader can see
(`\\x1b`, `\\u202e`); `literal` is a rich Text, whose brackets are never markup.
"""

from __future__ import annotations

import re

#: C0 and C1 controls, DEL, and the invisible marks that reorder or hide text
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]")
_HIDDEN_OR_NEWLINE = re.compile(_HIDDEN.pattern[:-1] + "\n\t]")


def _escape(found: re.Match) -> str:
    ch = found.group()
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: object, newlines: bool = True) -> str:
    """`text` with every control character written as an escape (newlines and tabs kept
    unless `newlines` is False)."""
    text = str(text)
    return (_HIDDEN if newlines else _HIDDEN_OR_NEWLINE).sub(_escape, text)


def literal(text: object, style: str = "", newlines: bool = True):
    """A rich Text of `visible(text)`: printed as it is, brackets and all."""
    from rich.text import Text

    return Text(visible(text, newlines), style=style)
