"""The language the tutor speaks: English (the messages as written) or Vietnamese.

Every user-visible message is written in English inside `_()` (or `N_()` where it is
kept in a table and translated where it is shown) and looked up in a gettext catalog,
`locale/vi/LC_MESSAGES/backprop_tutor.mo`, compiled from the `.po` beside it and shipped
in the wheel (scripts/i18n.sh extracts and compiles; nothing is compiled at run time).

The language is chosen once, at start (`cli.main`): `--lang en|vi`, else `TUTOR_LANG`,
else a `vi_*` locale in LC_ALL / LC_MESSAGES / LANG, else English. Formulas, symbols and
numbers are the same in both languages (a number keeps its decimal point).

This module imports only the standard library: the light commands stay light.
"""

from __future__ import annotations

import gettext
import os

DOMAIN = "backprop_tutor"
LOCALE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locale")
LANGUAGES = ("en", "vi")
DEFAULT = "en"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = DEFAULT


class LanguageError(ValueError):
    """A language the tutor does not speak."""


def _(message: str) -> str:
    """The message in the chosen language."""
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for `n`, in the chosen language."""
    return _translations.ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for the catalog where it is defined; `_()` translates it where shown."""
    return message


def language() -> str:
    """The chosen language: "en" or "vi"."""
    return _language


def set_language(lang: str) -> str:
    """Speak `lang` from now on ("en" or "vi"); returns it."""
    global _translations, _language
    lang = normalise(lang)
    if lang == DEFAULT:
        _translations = gettext.NullTranslations()
    else:  # a missing catalog is a broken install: say so, do not fall back quietly
        _translations = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
    _language = lang
    return lang


def normalise(lang: str) -> str:
    """"vi", "VI", "vi_VN.UTF-8" -> "vi"; an unknown language raises LanguageError."""
    code = (lang or "").strip().split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    if code not in LANGUAGES:
        raise LanguageError(lang)
    return code


def from_argv(argv: list[str]) -> str | None:
    """The value of `--lang X` or `--lang=X` in a command line, if given."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def from_environment(environ=None) -> str:
    """TUTOR_LANG, else the first of LC_ALL, LC_MESSAGES, LANG that is set: a vi_* locale
    means Vietnamese, anything else English."""
    env = os.environ if environ is None else environ
    chosen = env.get("TUTOR_LANG")
    if chosen:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name)
        if value:
            return "vi" if value.lower().startswith("vi") else DEFAULT
    return DEFAULT


def choose(argv: list[str], environ=None) -> str:
    """The language for this run (the command line before the environment); an unknown
    TUTOR_LANG or locale is English, an unknown --lang is left for the option to refuse."""
    given = from_argv(argv)
    for candidate in (given, from_environment(environ)):
        if candidate:
            try:
                return set_language(candidate)
            except LanguageError:
                continue
    return set_language(DEFAULT)


def _pattern(msgid: str):
    """A regular expression matching the English `msgid` (a str.format template: {{ and }}
    are braces) with any text in its {fields}."""
    import re

    pieces = []
    for piece in re.split(r"(\{\{|\}\}|\{\w+\})", msgid):
        if piece in ("{{", "}}"):
            pieces.append(re.escape(piece[0]))
        elif piece.startswith("{") and piece.endswith("}") and len(piece) > 2:
            pieces.append(f"(?P<{piece[1:-1]}>.+?)")
        else:
            pieces.append(re.escape(piece))
    return re.compile("".join(pieces), re.S)


def translate_known(text: str, msgids, inner=("message",)) -> str:
    """Another library's English `text` in the chosen language when it is one of `msgids`
    (English templates with {fields}, marked with N_ and translated in the catalog), the
    fields named in `inner` translated the same way; any other text is returned as it is."""
    if _language == DEFAULT or not text:
        return text
    for msgid in msgids:
        found = _pattern(msgid).fullmatch(text)
        if found:
            fields = {k: translate_known(v, msgids, inner) if k in inner else v
                      for k, v in found.groupdict().items()}
            return _(msgid).format(**fields)
    return text
