"""`tutor --help` drawn without typer (cli/tophelp.py) is typer's drawing, byte for byte, in
every language, at every width, with and without colour; text that holds more markdown than
words and `code` is left to typer."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from backprop_tutor.cli import tophelp, words

#: the installed `tutor` script; TYPER_ONLY=1: the top-level help left to typer
LAUNCH = """
import json, os, sys
import backprop_tutor.cli.tophelp as tophelp
if os.environ.get("TYPER_ONLY"):
    tophelp.drawing = lambda: None
from backprop_tutor.cli import main
sys.argv[0] = "tutor"
try:
    main()
finally:
    sys.stderr.flush()
    os.write(2, b"\\x00" + json.dumps([m for m in ("typer", "rich.markdown") if m in sys.modules]).encode())
"""


def tutor_help(**env):
    done = subprocess.run([sys.executable, "-c", LAUNCH, "--help"], capture_output=True, timeout=120,
                          env={**os.environ, "TUTOR_CACHE": "off", **env})
    err, _, modules = done.stderr.rpartition(b"\x00")
    return (done.stdout, err, done.returncode), json.loads(modules)


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("columns", ["40", "150"])
@pytest.mark.parametrize("colour", ["NO_COLOR", "FORCE_COLOR"])
def test_the_top_level_help_is_typers_drawing(lang, columns, colour):
    setting = {"TUTOR_LANG": lang, "COLUMNS": columns, colour: "1"}
    light, imported = tutor_help(**setting)
    typed, typer_imported = tutor_help(TYPER_ONLY="1", **setting)
    assert imported == [] and typer_imported == ["typer", "rich.markdown"]
    assert light == typed
    assert light[2] == 0 and b"validate" in light[0] and (b"\x1b[" in light[0]) == (colour == "FORCE_COLOR")


def test_every_word_of_the_top_level_help_is_drawn_without_typer():
    """The tutor's help, its options' and each command's first paragraph are plain enough
    (words and `code`) in every language: a change that is not falls back to typer, and fails here."""
    from backprop_tutor.i18n import set_language

    try:
        for lang in ("en", "vi"):
            set_language(lang)
            assert tophelp.words_of_the_help("tutor") is not None, lang
    finally:
        set_language("en")
    assert words.COMMANDS == tuple(_registered_commands())


def _registered_commands() -> list[str]:
    import typer

    from backprop_tutor.cli import app

    return list(typer.main.get_command(app).commands)


@pytest.mark.parametrize("text", [
    "Plain words, `code` and more `code`.", "Two paragraphs.\n\nThe second, dim.", "a vi_* locale.",
    "TUTOR_LANG or LANG", "where |f′| is small", "snake_case_name", "2 * 3 = 6", "Exit status 0: all right; 1: wrong",
    "a locale vi_*.",
])
def test_plain_text_is_drawn_here(text):
    assert tophelp._plain(text)


@pytest.mark.parametrize("text", [
    "*emphasis*", "_emphasis_", "**strong**", "a [link](https://example.org)", "- a list", "1. a list",
    "# heading", "> quote", "an escape \\* here", "an &amp; entity", "<b>html</b>", ":smile: emoji",
    "unclosed `code", "`` double ``", "` spaced `", "~~struck~~", " leading space", "line one\n- line two",
    "a | b\n--|--", "word_ *x*", "tab\there",
])
def test_markdown_beyond_words_and_code_is_left_to_typer(text):
    assert not tophelp._plain(text)


def test_a_help_text_typer_must_draw_makes_it_draw_the_whole_help(monkeypatch):
    assert tophelp.words_of_the_help("tutor") is not None
    monkeypatch.setattr(words, "version_help", lambda: "Show the *version*.")
    assert tophelp.words_of_the_help("tutor") is None


def test_another_program_name_is_left_to_typer():
    done = subprocess.run([sys.executable, "-m", "backprop_tutor", "--help"], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "TUTOR_CACHE": "off", "COLUMNS": "100"})
    assert done.returncode == 0 and "Usage: python -m backprop_tutor [OPTIONS] COMMAND" in done.stdout
