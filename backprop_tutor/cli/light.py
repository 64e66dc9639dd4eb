"""The light commands' work, without typer: `tutor list` and `tutor validate FILE...`.

Their typer commands (cli/commands.py) call these functions; `cli.main` calls them itself,
without building the typer application, when the command line is exactly `tutor list` or
`tutor validate FILE...` with no option (see `simple`): the same functions write the same
output. Any other command line, a bad one included, goes through typer as before.
"""

from __future__ import annotations

import sys

from ..i18n import _

EXIT_BAD_INPUT = 2


def simple(argv: list[str]):
    """The light command `argv` is, as a function giving the exit status, or None when typer
    must read it (an option, a missing argument, any other command)."""
    import os

    if any(name.startswith("_TUTOR_COMPLETE") for name in os.environ):  # click's shell completion
        return None
    if argv == ["list"]:
        return lambda: list_scenarios() or 0
    if len(argv) >= 2 and argv[0] == "validate" and not any(a.startswith("-") for a in argv[1:]):
        return lambda: validate(argv[1:])
    return None


def list_scenarios() -> None:
    """List the built-in scenarios with their network, loss and source, grouped by source
    document (a heading per document, in the documents' order); at most MAX_LIST_ROWS rows.
    The list as drawn is kept, as `--help` is (cli/helptext.py), under a key that also holds
    each built-in file's size and time: drawing its tables costs more than starting up."""
    from . import helptext

    key = helptext.entry_key("list", _builtin_files())
    if key is not None and helptext.replay(key, "list"):
        return
    recorder, drawn = helptext.recording(), False
    try:
        _draw_list()
        drawn = True
    finally:
        helptext.stop(recorder, key if drawn else None, "list")


def _builtin_files() -> list:
    from ..scenario import catalog

    out = []
    for path in sorted(catalog.builtin_dir().glob("*.yaml")):
        try:
            st = path.stat()
        except OSError:
            continue
        out.append([path.name, st.st_size, st.st_mtime_ns])
    return out


def _draw_list() -> None:
    from rich.text import Text

    from ..output import console
    from ..scenario import catalog
    from ..scenario.documents import heading
    from ..scenario.limits import MAX_LIST_ROWS
    from ..scenario.listing import listed
    from .listdraw import Drawn

    names = catalog.builtin_names()
    groups: dict[str, list] = {}
    for name in names[:MAX_LIST_ROWS]:
        raw = listed(catalog.resolve(name))
        groups.setdefault(_document(raw), []).append(_list_row(name, raw))
    out = console()
    out.print(Text(_("built-in scenarios (run one with: tutor run NAME)"), style="bold"))
    for document in sorted(groups, key=lambda d: (d == "", d)):
        # a name is what the student types: never cut (the longest fits its column)
        table = _list_table(Text(heading(document), style="bold"), max(len(name) for name in names))
        for row in groups[document]:
            table.add_row(*row)
        out.print(Drawn(table), crop=False)  # as rich draws the table, line by line (cli/listdraw.py)
    if len(names) > MAX_LIST_ROWS:
        out.print(_("... and {count} more").format(count=len(names) - MAX_LIST_ROWS))


def _document(raw: dict) -> str:
    src = raw.get("source")
    document = src.get("document", "") if isinstance(src, dict) else ""
    return document if isinstance(document, str) else ""


def _list_table(title, name_width: int):
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=True)
    table.add_column(_("name and title"), ratio=3, min_width=name_width, overflow="fold")
    table.add_column(_("network"), ratio=2, overflow="fold")  # nothing cut with "…" in a narrow terminal
    table.add_column(_("loss"), ratio=2, overflow="fold")
    table.add_column(_("source"), ratio=2, overflow="fold")
    return table


def _list_row(name: str, raw: dict) -> tuple:
    """One row of `tutor list`, from a file's raw fields: every text printed as it is."""
    from rich.text import Text

    from ..scenario.limits import MAX_LIST_ROWS
    from ..textsafe import literal

    net = raw.get("network") if isinstance(raw.get("network"), dict) else {}
    widths = [str(net.get("inputs", "?"))]
    layers = net.get("layers") if isinstance(net.get("layers"), list) else []
    for layer in layers[:MAX_LIST_ROWS]:
        if isinstance(layer, dict):
            act = layer.get("activation")
            act = act.get("name") if isinstance(act, dict) else act
            widths.append(f"{layer.get('units')} {act or layer.get('type', '')}".strip())
    loss = raw.get("loss")
    loss = loss.get("type") if isinstance(loss, dict) else loss
    src = raw.get("source")
    src = src.get("document", "") if isinstance(src, dict) else (src or "")
    shown = raw.get("title", "")
    shown = _(shown) if isinstance(shown, str) and shown else shown  # a built-in's title is in the catalog
    title = Text.assemble(literal(name, "bold"), "\n", literal(shown, "dim", newlines=False))
    return (title, literal(" → ".join(widths)), literal(str(loss or "").replace("_", " ")), literal(str(src)))


def _say(text: str) -> None:
    """A message on stderr, as typer.echo(..., err=True) writes it."""
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def validate(files: list[str]) -> int:
    """Check scenario files without running them: every mistake of every file is reported;
    the exit status (2 if any file has one)."""
    from ..output import console
    from ..scenario import ScenarioError, catalog
    from ..textsafe import literal, visible

    out = console()
    failed = 0
    for name in files:
        try:
            path = catalog.resolve(name)
        except ScenarioError as err:
            failed += 1
            _say(visible(err))
            continue
        summary, found = _checked(path)
        if found:
            failed += 1
            _say(visible(found))
        else:
            out.print(literal(summary))
    return EXIT_BAD_INPUT if failed else 0


def _checked(path) -> tuple[str, str | None]:
    """(the summary of a file found right, the mistakes found or None); a file checked right
    before, with the same bytes and the same tutor, is not read by YAML again (see `_verdict`)."""
    before = _bytes(path)
    entry_key = _verdict(path, before)
    if entry_key is not None:
        from .. import cache

        kept = cache.read("validate", entry_key)
        if kept is not None and isinstance(kept.get("summary"), str):
            return kept["summary"], None
    summary, found = _validated(path)
    if found is None and entry_key is not None and _bytes(path) == before:
        from .. import cache

        cache.write("validate", entry_key, {"summary": summary})
    return summary, found


def _bytes(path) -> bytes | None:
    from ..scenario import limits

    try:
        with open(path, "rb") as f:
            return f.read(limits.MAX_FILE_BYTES + 1)
    except OSError:
        return None


def _verdict(path, raw: bytes | None) -> str | None:
    """The key of a file's verdict: its path and bytes, and the tutor (cache.key). None for
    a file whose verdict may depend on anything else: one that names a data set (a file or
    folder looked up on disk), or that cannot be read."""
    from .. import cache

    if raw is None or b"dataset" in raw or cache.directory() is None:
        return None
    return cache.key("validate", str(path), cache.blake2b(raw, digest_size=20).hexdigest())


def _sweep_errors(path) -> list:
    """The values of the file's own `compare` sweep that the scenario refuses."""
    from ..scenario import ScenarioError
    from ..scenario.comparespec import sweep_errors
    from ..scenario.yamlsource import decode, load_text

    try:
        raw = open(path, "rb").read()
        source = load_text(decode(raw, str(path)), str(path))
    except (OSError, ScenarioError):  # read and refused as the file itself was: nothing more to say
        return []
    return sweep_errors(path, source)


def _validated(path) -> tuple[str, str | None]:
    """Every check of the file, as validate has always made them."""
    from ..scenario import ScenarioError, load_file
    from ..scenario.errors import combined

    found, summary, up_close = [], "", True
    try:
        model = load_file(path, arrays=False)  # checked, nothing computed (no numpy)
        summary = _("{path}: ok — {name}: {network}, {loss}").format(
            path=path, name=model.name, network=model.shape_text(), loss=model.loss.describe())
        up_close = model.run_section
        del model  # one scenario's data in memory at a time
        found += _sweep_errors(path)
    except ScenarioError as err:
        found.append(err)
        up_close = getattr(err, "run_section", False)  # a file YAML cannot read fails the same way twice
    try:
        if up_close:  # the `run:` overrides must give a valid scenario too
            load_file(path, up_close=True, arrays=False)
    except ScenarioError as err:
        found.append(err)
    return summary, (str(combined(found)) if found else None)
