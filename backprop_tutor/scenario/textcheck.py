"""Characters that YAML cannot read, or that look like the ones it expects.

A control character, or a no-break space or full-width colon typed where YAML wants
a space or a colon, is reported at its own line and column, by name, so a teacher
can find a character that the editor does not show.
"""

from __future__ import annotations

import re
import unicodedata

from ..i18n import _
from .yamlwords import problem

#: what YAML 1.1 allows in a file: tab, newlines, printable ASCII, NEL and most of Unicode
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: characters that look like the space, colon, comma, dash or brackets YAML expects
LOOKALIKES = {
    "\u00a0": _("a no-break space"), "\u2007": _("a figure space"), "\u202f": _("a narrow no-break space"),
    "\u2000": _("an en quad"), "\u2001": _("an em quad"), "\u2002": _("an en space"), "\u2003": _("an em space"),
    "\u2009": _("a thin space"), "\u200b": _("a zero-width space"), "\u3000": _("an ideographic space"),
    "\ufeff": _("a zero-width no-break space"),
    "\uff1a": _("a full-width colon"), "\uff0c": _("a full-width comma"), "\uff3b": _("a full-width bracket"),
    "\uff3d": _("a full-width bracket"), "\uff5b": _("a full-width brace"), "\uff5d": _("a full-width brace"),
    "\u2013": _("an en dash"), "\u2014": _("an em dash"), "\u2212": _("a minus sign"),
}
_LOOKALIKE = re.compile("[" + "".join(LOOKALIKES) + "]")
#: characters YAML counts as line breaks but editors (and the tutor's line numbers) do not
_HIDDEN_BREAKS = re.compile("[\x85\u2028\u2029]")


def char_name(ch: str) -> str:
    """U+001B ESCAPE: a character named so a reader can find it."""
    name = unicodedata.name(ch, "") or {"\x1b": "ESCAPE", "\x7f": "DELETE", "\x85": "NEXT LINE"}.get(ch, _("a control character"))
    return f"U+{ord(ch):04X} {name}"


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def unreadable_character(text: str) -> tuple[int, str] | None:
    """(line, message) of the first character YAML refuses (a control character), or of one
    it reads as a line break that editors do not show (U+2028, U+2029, U+0085), else None."""
    hidden = _HIDDEN_BREAKS.search(text)
    found = _UNREADABLE.search(text)
    if hidden and (not found or hidden.start() < found.start()):
        line, column = _position(text, hidden.start())
        return line, (_("{char_name} at column {column} is a line break to YAML but not to most editors "
                        "(every later line number would be off); replace it with a newline or a space").format(
                          char_name=char_name(hidden.group()), column=column))
    if not found:
        return None
    line, column = _position(text, found.start())
    return line, (_("the character {char_name} at column {column} is not allowed in a scenario; remove it "
                    "(write only printable text)").format(char_name=char_name(found.group()), column=column))


def syntax_location(exc) -> tuple[int, str]:
    """The line a YAML syntax error should be reported at, and its problem."""
    # inside [..] or {..} the parser notices a mistake only on a later line; the
    # bracket that was left open is where the student should look
    # likewise a key missing its colon is noticed on the line after it ("while scanning a
    # simple key ... could not find expected ':'"): the key's own line is reported
    context = exc.context or ""
    at_context = context.startswith("while parsing a flow") or context.startswith("while scanning a simple key")
    mark = (exc.context_mark if at_context else None) or exc.problem_mark or exc.context_mark
    return (mark.line + 1 if mark else 1), (problem(exc.problem) if exc.problem else _("invalid YAML"))


def lookalike_near(text: str, line: int) -> tuple[int, str] | None:
    """A look-alike character on the error's line or the two before it: (its line, problem)."""
    lines = text.split("\n")
    for number in range(min(line, len(lines)), max(0, line - 3), -1):
        found = _LOOKALIKE.search(lines[number - 1])
        if found:
            ch = found.group()
            return number, (_("{value} ({char_name}) at column {value2} where YAML expects a plain ASCII "
                              "character; retype it").format(
                                value=LOOKALIKES[ch], char_name=char_name(ch), value2=found.start() + 1))
    return None
