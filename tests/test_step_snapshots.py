"""Every frame of both worked examples, drawn at 80 columns, against stored snapshots.

Set UPDATE_SNAPSHOTS=1 to rewrite them after an intended change (then read the diff).
"""

import io
import os
from pathlib import Path

import pytest
from rich.console import Console

from backprop_tutor.engine import Engine
from backprop_tutor.render.theme import THEMES
from backprop_tutor.scenario import load
from backprop_tutor.stepper.keys import Navigator
from backprop_tutor.stepper.lesson import Lesson
from backprop_tutor.stepper.loop import print_all, screen_lines

SNAPSHOTS = Path(__file__).parent / "snapshots"
WIDTH, HEIGHT = 80, 24


def lesson(name, theme):
    model = load(name, [])
    return Lesson(model, list(Engine(model).steps()), THEMES[theme])


def console():
    return Console(file=io.StringIO(), width=WIDTH, color_system=None, force_terminal=False,
                   highlight=False, legacy_windows=False)


def compare(text: str, path: Path) -> None:
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("theme", ["normal", "projector"])
@pytest.mark.parametrize("name", ["height-weight", "logistic-4x2"])
def test_every_frame(name, theme):
    out = console()
    print_all(lesson(name, theme), out)
    compare(out.file.getvalue(), SNAPSHOTS / f"{name}-{theme}.txt")


@pytest.mark.parametrize("theme", ["normal", "projector"])
@pytest.mark.parametrize("name", ["height-weight", "logistic-4x2"])
def test_screens_fit_80_by_24(name, theme):
    """The interactive screen: never taller than the terminal, header and keys always shown."""
    les = lesson(name, theme)
    out = console()
    screens = []
    for i in range(les.total):
        nav = Navigator(les.total, les.phase_starts(), index=i)
        lines = screen_lines(les, nav, out, WIDTH, HEIGHT)
        text = ["".join(seg.text for seg in line).rstrip() for line in lines]
        assert len(text) <= HEIGHT
        assert f" {i + 1}/{les.total} " in text[0]
        assert "q quit" in text[-1]
        assert all(len(line) <= WIDTH for line in text)
        screens.append("\n".join(text))
    compare("\n\n".join(screens) + "\n", SNAPSHOTS / f"{name}-{theme}-screens.txt")
