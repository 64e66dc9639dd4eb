"""What step mode's app shows, drawn once and kept: the step pane's lines for each
(step, size, pick, theme), and the frames worked out ahead of the keys.

`Lines` hands rich segment lines to a Textual widget as they are (nothing is drawn
twice). `Drawing` draws a step pane with the frames of render/frame.py; `Prepare`
is the worker thread that works out every frame's formulas (sympy) and draws the
neighbours of the step shown while the app waits for a key.
"""

from __future__ import annotations

import gc
import io
import threading
from dataclasses import replace

from rich.console import Console
from rich.measure import Measurement
from rich.segment import Segment

from ..i18n import _
from ..render.frame import Frame
from ..render.network import MAX_UNITS
from ..textsafe import visible
from .loop import arrange

#: one lock for every sympy derivation (formulas and explanations run in worker threads)
SYMPY = threading.Lock()


def unicode_formulas() -> None:
    """sympy decides at import whether its printer may use unicode by trying standard
    output, which Textual captures while the app runs; the tutor always prints unicode."""
    from sympy.printing.pretty.pretty_symbology import pretty_use_unicode

    pretty_use_unicode(True)
#: a matrix's own lines besides its rows: title, two borders, caption
MATRIX_FRAME = 4
#: step panes kept drawn (every step at a few sizes and picks)
MAX_DRAWN = 1000


class Lines:
    """Segment lines, already drawn, as a renderable."""

    def __init__(self, lines) -> None:
        self.lines = lines

    def __rich_console__(self, console, options):
        for k, line in enumerate(self.lines):
            yield from line
            if k < len(self.lines) - 1:
                yield Segment.line()

    def __rich_measure__(self, console, options):
        width = max((Segment.get_line_length(line) for line in self.lines), default=0)
        return Measurement(width, width)


def console(width: int, height: int) -> Console:
    """A console that draws segments for Textual (truecolor; NO_COLOR is honoured)."""
    return Console(file=io.StringIO(), width=width, height=height, color_system="truecolor",
                   force_terminal=True, legacy_windows=False, highlight=False)


class Drawing:
    """The step pane of each step, drawn at most once per (step, size, pick, theme)."""

    def __init__(self, lesson) -> None:
        self.lesson = lesson
        self.cache: dict[tuple, list] = {}

    def room(self, width: int, room: int) -> tuple[int, int]:
        """Matrix rows and columns a window of this size can hold: a matrix is cut only
        when it does not fit (a column takes at least 4 characters)."""
        return max(3, room - MATRIX_FRAME), max(2, width // 4)

    def units(self, room: int) -> int:
        return max(MAX_UNITS, min(12, room - 4))

    def frame(self, i: int, width: int, room: int, selected: str | None) -> Frame:
        les = self.lesson
        content = les.content(i) if les.ready(i) else les.quick(i)
        own = selected if selected in self.own_picks(i, width, room) else None
        picture = les.network(i, selected=selected, max_units=self.units(room), pick=les.target)
        return Frame(replace(content, network=picture), les.theme, room=self.room(width, room),
                     pick=lambda *index: les.step_target(i, index), selected=own)

    def body(self, i: int, width: int, room: int, selected: str | None, help: bool, out: Console) -> list:
        key = (i, width, room, selected, help, self.lesson.ready(i), self.lesson.theme.name)
        found = self.cache.get(key)
        if found is None:
            if len(self.cache) > MAX_DRAWN:  # many sizes or picks: start afresh
                self.cache.clear()
            frame = self.frame(i, width, room, selected)
            found = self.cache[key] = arrange(frame, out, width, room, self.lesson.theme, help)
        return found

    # what Tab steps through ---------------------------------------------------------

    def own_picks(self, i: int, width: int, room: int) -> list[str]:
        """The entries of step i's value that a window of this size shows, as explain targets."""
        import numpy as np

        les = self.lesson
        value = les.steps[i].value
        if les.step_target(i) is None or np.ndim(value) == 0:
            return []
        rows_max, cols_max = self.room(width, room)
        if np.ndim(value) == 1:
            return [les.step_target(i, (c,)) for c in range(min(len(value), cols_max))]
        rows, cols = np.shape(value)
        return [les.step_target(i, (r, c)) for r in range(min(rows, rows_max)) for c in range(min(cols, cols_max))]

    def picks(self, i: int, width: int, room: int) -> list[str]:
        """Every value Tab can pick on step i: its own entries, then the picture's units,
        weights and biases."""
        les = self.lesson
        found = self.own_picks(i, width, room)
        if les.network(i) is None:
            return found
        layers = les._layers()
        n = self.units(room)
        for l in range(1, len(layers)):
            for j in range(min(layers[l][1], n)):
                found.append(les.target("Z", l, (0, j)))
                found += [les.target("W", l, (k, j)) for k in range(min(layers[l - 1][1], 3))]
                found.append(les.target("b", l, (j,)))
        return [p for p in found if p is not None]


class Prepare(threading.Thread):
    """Works out every frame's formulas, nearest the step shown first, and draws the
    step panes around it, so that a key finds its frame ready. `want(i, size)` says
    where the app is; `done(i)` is called (from this thread) when step i's formulas
    are ready."""

    def __init__(self, drawing: Drawing, done) -> None:
        super().__init__(daemon=True, name="step-mode-prepare")
        self.drawing = drawing
        self.done = done
        self.wake = threading.Event()
        self.stopped = False
        self.where = (0, (80, 20), None)

    def want(self, i: int, width: int, room: int, selected: str | None) -> None:
        self.where = (i, (width, room), selected)
        self.wake.set()

    def stop(self) -> None:
        self.stopped = True
        self.wake.set()

    def _order(self, i: int) -> list[int]:
        """Nearest first, then where the jump keys go (Home, End, f, r), then the rest."""
        les = self.drawing.lesson
        total = les.total
        near = [i, i + 1, i - 1, i + 2, i - 2, 0, total - 1, *les.phase_starts().values()]
        rest = sorted(range(total), key=lambda k: abs(k - i))
        return list(dict.fromkeys(k for k in near + rest if 0 <= k < total))

    def run(self) -> None:
        les = self.drawing.lesson
        out = None
        while not self.stopped:
            self.wake.clear()
            i, (width, room), selected = self.where
            if out is None or out.width != width:
                out = console(width, room)
            for k in self._order(i):
                if self.stopped or self.wake.is_set():
                    break
                if not les.ready(k) and k not in les.failed:
                    with SYMPY:
                        unicode_formulas()
                        try:
                            les.content(k)
                        except Exception as err:  # noqa: BLE001 - shown on the step, the lesson goes on
                            les.failed[k] = visible(_("the formula could not be worked out ({name}: {err})").format(name=type(err).__name__, err=err))
                    self.done(k)
                if selected is None or abs(k - i) <= 2:  # a pick is drawn ahead near the step only
                    self.drawing.body(k, width, room, selected, False, out)
            else:
                self.drawing.body(i, width, room, selected, True, out)  # the keys (?)
                les.save()  # every formula is worked out: kept for the next start
                settle()
                self.wake.wait()


def settle() -> None:
    """Collect now, while the student reads, and set what is left aside: sympy's objects
    make a full collection take 50-100 ms, which would otherwise fall on a key."""
    gc.collect()
    gc.freeze()
