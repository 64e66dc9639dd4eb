"""`tutor --help` as it was drawn, replayed when nothing it depends on has changed.

The help is drawn by cli/tophelp.py (typer's drawing, without typer) or by typer with rich's
helpers (typer.rich_utils, which import rich's Markdown, Traceback and Syntax), either of
which costs more than replaying it. The text written for `tutor --help` is kept in the
cache (backprop_tutor.cache: data, sealed, written whole) under a key of everything the drawing reads: the tutor's code (each
module's size and time) and version, typer's and rich's, Python's, the command line and
program name, the whole environment (NO_COLOR, FORCE_COLOR, TERM, COLUMNS, ...) but for the
shell's own bookkeeping (`SHELL_BOOKKEEPING`: the folder, the last folder, the nesting level,
the last command, and what is new in each terminal window or login: none is read in drawing
help, and each changes with every `cd` or window), which of
stdin, stdout and stderr are terminals and their sizes, and stdout's encoding. Any change
gives another key, and the help is drawn again.
"""

from __future__ import annotations

import os
import sys

KIND = "help"
#: set by the shell as it goes (`cd`, a nested shell, the command just run), or new in each
#: terminal window and login (the window's id, the terminal's session, the SSH connection and
#: its agent), read by none of typer, click, rich or the tutor in drawing the help: a teacher's
#: new terminal window finds the help kept by the last one
SHELL_BOOKKEEPING = frozenset({"PWD", "OLDPWD", "SHLVL", "_",
                               "WINDOWID", "WINDOWPATH", "TERM_SESSION_ID", "ITERM_SESSION_ID",
                               "GNOME_TERMINAL_SCREEN", "KONSOLE_DBUS_SESSION", "KONSOLE_DBUS_WINDOW",
                               "TMUX_PANE", "XDG_SESSION_ID", "SSH_CLIENT", "SSH_CONNECTION", "SSH_AUTH_SOCK"})


def entry_key(kind: str = KIND, extra=()) -> str | None:
    """The key of the help (or, with `kind` and `extra`, of another text drawn the same way:
    `tutor list`) for this setting, or None when the cache is off."""
    from .. import cache

    if cache.directory() is None:
        return None
    from importlib.util import find_spec

    libraries = []
    for name in ("typer", "rich", "click"):
        try:
            spec = find_spec(name)
            st = os.stat(spec.origin) if spec is not None and spec.origin else None
        except (ImportError, ValueError, OSError):
            st = None
        libraries.append([name, None if st is None else [spec.origin, st.st_size, st.st_mtime_ns]])
    terminals = []
    for fd in (0, 1, 2):
        try:
            size = list(os.get_terminal_size(fd)) if os.isatty(fd) else None
            terminals.append([os.isatty(fd), size])
        except OSError:
            terminals.append([False, None])
    main = sys.modules.get("__main__")
    stream = [getattr(sys.stdout, "encoding", None), getattr(sys.stdout, "errors", None),
              sys.stdout.isatty() if hasattr(sys.stdout, "isatty") else None]
    return cache.key(kind, sys.argv, getattr(main, "__package__", None), sorted(item for item in os.environ.items() if item[0] not in SHELL_BOOKKEEPING),
                     terminals, stream, libraries, list(extra))


def replay(key: str, kind: str = KIND) -> bool:
    """Write the help (or the `kind` of text) kept under `key`; False when there is none."""
    from .. import cache

    entry = cache.read(kind, key)
    if not (isinstance(entry, dict) and isinstance(entry.get("text"), str) and entry["text"]):
        return False
    sys.stdout.write(entry["text"])
    sys.stdout.flush()
    return True


class Recorder:
    """sys.stdout while typer draws the help: everything passes through, and is noted."""

    def __init__(self, stream) -> None:
        self._stream = stream
        self.written: list[str] = []
        self.failed = False  # a write or flush failed (a closed pipe): nothing is kept

    def write(self, text: str) -> int:
        try:
            done = self._stream.write(text)
        except OSError:  # a closed pipe, a full disk: what the reader got is not the help
            self.failed = True
            raise
        self.written.append(text)
        return done

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError:  # a closed pipe, a full disk: what the reader got is not the help
            self.failed = True
            raise

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def recording() -> Recorder:
    """Start noting what is written to stdout (until `stop`)."""
    recorder = Recorder(sys.stdout)
    sys.stdout = recorder
    return recorder


def stop(recorder: Recorder, key: str | None = None, kind: str = KIND) -> None:
    """Stop noting; with `key` (typer drew the help and ended with status 0), keep it."""
    from .. import cache

    sys.stdout = recorder._stream
    text = "".join(recorder.written)
    if key is not None and text and not recorder.failed:
        cache.write(kind, key, {"text": text})
