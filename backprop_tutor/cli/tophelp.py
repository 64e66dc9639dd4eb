"""`tutor --help` drawn without typer, the same characters and styles as typer draws it.

typer draws help with its rich helpers (typer.rich_utils), which import rich's Markdown
(markdown-it), Syntax (pygments) and Traceback, and it first builds every command of the
application: a first `tutor --help` in a new setting cost twice the import of typer and
rich. The top-level help is small (the usage line, the tutor's help, three options, one
line per command), and its words are the application's own (cli/words.py, cli/app.py's
options, cli/clickwords.py): it is drawn here with rich's Panel and Table, laid out as
typer.rich_utils lays it out (its styles, highlighters and tables, helpfold's folding).

Help text is markdown in typer; here it is drawn as rich's Markdown draws a paragraph of
text and `code`. Any text that holds more of markdown than that (emphasis, a link, a list,
an escape, an emoji code), a program name other than the script's, or a usage line long
enough for click to wrap makes `drawing()` return None, and typer draws the help.
tests/test_tophelp.py compares the two drawings, byte for byte, in both languages, at many
widths, with and without colour.
"""

from __future__ import annotations

import os
import re
import sys

#: typer.rich_utils' styles of the top-level help
STYLES = {"option": "bold cyan", "switch": "bold green", "negative_option": "bold magenta",
          "negative_switch": "bold red", "types": "bold yellow", "types_sep": "dim", "usage": "yellow"}
#: a usage line at most this long is one line in click's formatter (at least 50 columns)
USAGE_ONE_LINE = 48
_EMOJI = re.compile(r":\S*?:")
_BLOCK_START = re.compile(r"\s*([-+*>#=]|```|~~~|\d+[.)])")
_RUN = re.compile(r"\*+|_+")


def drawing():
    """A function drawing the top-level help, or None when typer must draw it."""
    main = sys.modules.get("__main__")
    width = os.getenv("TERMINAL_WIDTH")
    if getattr(main, "__package__", None) not in (None, "") or (width and not width.isdigit()):
        return None  # `python -m ...` as the program's name, or a width typer cannot read
    content = words_of_the_help(os.path.basename(sys.argv[0]))
    if content is None:
        return None
    return lambda: _draw(*content, int(width) if width else None)


def words_of_the_help(prog: str):
    """(usage line, the tutor's help, its options, its commands) in the chosen language, or
    None when a text holds more of markdown than words and `code`, or the usage line would wrap."""
    from ..i18n import _
    from . import clickwords, words

    usage = f"{_(clickwords.USAGE_PREFIX)}{prog} {_(clickwords.USAGE_PIECES[0])} {_(clickwords.USAGE_PIECES[1])}"
    options = [("--version", None, words.version_help()), ("--lang", "en|vi", words.lang_help()),
               ("--help", None, _(clickwords.HELP_OPTION))]
    commands = [(name, words.command_help(name).split("\n\n")[0].replace("\n", " ").strip())
                for name in words.COMMANDS]
    texts = [words.app_help()] + [option[2] for option in options] + [command[1] for command in commands]
    if len(usage) > USAGE_ONE_LINE or not all(_plain(text) for text in texts):
        return None
    return usage, words.app_help(), options, commands


def _plain(text: str) -> bool:
    """Whether markdown reads `text` as paragraphs of plain words and `code` spans only."""
    if any(c in text for c in "\\<>&[]~\t\r") or _EMOJI.search(text) or text != text.strip():
        return False
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        if any(not line.strip() or _BLOCK_START.match(line) or line != line.strip() for line in lines):
            return False
        if "|" in paragraph and len(lines) > 1:  # a table needs a second line
            return False
        spans = paragraph.split("`")
        if len(spans) % 2 == 0 or any(not code or code != code.strip() for code in spans[1::2]):
            return False
        if any(_opens_emphasis(words) for words in spans[0::2]):
            return False
    return True


def _opens_emphasis(text: str) -> bool:
    """Whether runs of * or _ in `text` could make emphasis: a run that can open it (CommonMark:
    left-flanking; for _, not also right-flanking after a letter, so TUTOR_LANG does not)
    followed by a run of the same character that can close it (`vi_*.` cannot)."""
    openers = set()
    for run in _RUN.finditer(text):
        char = run.group()[0]
        before = text[run.start() - 1] if run.start() else " "
        after = text[run.end()] if run.end() < len(text) else " "
        left = not after.isspace() and (not _punctuation(after) or before.isspace() or _punctuation(before))
        right = not before.isspace() and (not _punctuation(before) or after.isspace() or _punctuation(after))
        if char == "*":
            can_open, can_close = left, right
        else:
            can_open, can_close = left and (not right or _punctuation(before)), right and (
                not left or _punctuation(after))
        if can_close and char in openers:
            return True
        if can_open:
            openers.add(char)
    return False


def _punctuation(char: str) -> bool:
    return not (char.isalnum() or char.isspace())


class _Prose:
    """Paragraphs of words and `code`, drawn as rich's Markdown draws them: a paragraph's
    lines joined by spaces, `code` in markdown.code, a line between paragraphs."""

    def __init__(self, text: str, style: str) -> None:
        self.paragraphs = [" ".join(line.strip() for line in p.split("\n")) for p in text.split("\n\n")]
        self.style = style

    def __rich_console__(self, console, options):
        from rich.segment import Segment
        from rich.text import Text

        paragraph = console.get_style(self.style, default="none") + console.get_style("markdown.paragraph",
                                                                                     default="none")
        code = paragraph + console.get_style("markdown.code", default="none")
        options = options.update(height=None)
        for i, words in enumerate(self.paragraphs):
            if i:
                yield Segment.line()
            text = Text(justify="left")
            for k, piece in enumerate(words.split("`")):
                if piece:
                    text.append(piece, code if k % 2 else paragraph)
            yield from console.render(text, options)


def _highlighters():
    from rich.highlighter import RegexHighlighter

    class Options(RegexHighlighter):
        highlights = [r"(^|\W)(?P<switch>\-\w+)(?![a-zA-Z0-9])", r"(^|\W)(?P<option>\-\-[\w\-]+)(?![a-zA-Z0-9])",
                      r"(?P<types>\<[^\>]+\>)", r"(?P<usage>Usage: )"]

    class Negative(RegexHighlighter):
        highlights = [r"(^|\W)(?P<negative_switch>\-\w+)(?![a-zA-Z0-9])",
                      r"(^|\W)(?P<negative_option>\-\-[\w\-]+)(?![a-zA-Z0-9])"]

    class Types(RegexHighlighter):
        highlights = [r"^(?P<types_sep>(\[|<))", r"(?P<types_sep>\|)", r"(?P<types_sep>(\]|>))(\.\.\.)?$"]

    return Options(), Negative(), Types()


def _console(highlighter, width):
    from rich.theme import Theme

    from ..output import TutorConsole

    force = True if os.getenv("GITHUB_ACTIONS") or os.getenv("FORCE_COLOR") or os.getenv("PY_COLORS") else None
    if os.getenv("_TYPER_FORCE_DISABLE_TERMINAL"):
        force = False
    return TutorConsole(theme=Theme(STYLES), highlighter=highlighter, color_system="auto", force_terminal=force,
                        width=width)


def _draw(usage: str, app_help: str, options: list, commands: list, width) -> None:
    from rich.align import Align
    from rich.console import Group
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.text import Text

    from ..i18n import _
    from . import clickwords
    from .helpfold import FoldingColumns, FoldingTable

    titles = {key: _(clickwords.HELP_WORDS[key]) for key in ("OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE")}
    highlighter, negative, types = _highlighters()
    console = _console(highlighter, width)
    console.print(Padding(highlighter(usage), 1), style="bold")
    first, *rest = app_help.split("\n\n")
    parts = [_Prose(first, "")] + ([Text(""), _Prose("\n\n".join(rest), "dim")] if rest else [])
    console.print(Padding(Align(Group(*parts, fit=True), pad=False), (0, 1, 1, 1)))
    table = dict(show_header=False, expand=True, box=None, show_lines=False, leading=0, border_style=None,
                 row_styles=None, pad_edge=False, padding=(0, 1))
    rows = FoldingTable(highlight=True, **table)
    for name, metavar, text in options:
        shown = Text(style=STYLES["types"], overflow="fold")
        if metavar:
            shown.append(metavar)
        rows.add_row(highlighter(name), highlighter(""), negative(""), negative(""), types(shown),
                     FoldingColumns([_Prose(text, "")]))
    console.print(Panel(rows, border_style="dim", title=titles["OPTIONS_PANEL_TITLE"],
                        title_align="left"))
    listed = FoldingTable(highlight=False, **table)
    listed.add_column(style="bold cyan", no_wrap=True, width=max(len(name) for name, _text in commands))
    listed.add_column("Description", justify="left", no_wrap=False, ratio=10)
    for name, text in commands:
        listed.add_row(Text(name), _Prose(text, ""))
    console.print(Panel(listed, border_style="dim", title=titles["COMMANDS_PANEL_TITLE"],
                        title_align="left"))
    sys.stdout.write("\n")  # click writes the help's text after typer drew it: nothing but its line end
    sys.stdout.flush()
