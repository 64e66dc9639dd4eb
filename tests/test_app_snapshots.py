"""SVG snapshots of step mode's app (Textual's own screenshots): the step with its picture,
the explain pane open beside it, and the projector theme on a dark and a light background.

Set UPDATE_SNAPSHOTS=1 to rewrite them after an intended change to the drawing, then look
at the SVG files (any browser shows them) and read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from appkit import drive, make_app, settle

SNAPSHOTS = Path(__file__).parent / "snapshots" / "app"


async def at_step(app, pilot, keys):
    await pilot.press(*keys)
    await settle(app, pilot)
    return app.export_screenshot(title=f"tutor run {app.lesson.model.name} --step")


CASES = {
    # name: (scenario, theme, tone, keys, size)
    "logistic-step-11": ("logistic-4x2", "normal", "dark", ["g", "1", "1", "enter"], (100, 30)),
    "logistic-explain-w13": ("logistic-4x2", "normal", "dark", ["g", "1", "2", "enter", "tab", "tab", "tab", "e"],
                             (150, 42)),
    "height-weight-projector-dark": ("height-weight", "projector", "dark", ["g", "1", "4", "enter"], (100, 30)),
    "height-weight-projector-light": ("height-weight", "projector", "light", ["g", "1", "4", "enter"], (100, 30)),
}


def screenshot(name: str) -> str:
    scenario, theme, tone, keys, size = CASES[name]
    return drive(make_app(scenario, theme, tone), lambda app, pilot: at_step(app, pilot, keys), size=size)


@pytest.mark.parametrize("name", list(CASES))
def test_svg_snapshot(name):
    svg = screenshot(name)
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        path.write_text(svg, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with UPDATE_SNAPSHOTS=1"
    assert svg == path.read_text(encoding="utf-8")


def test_projector_snapshots_paint_their_own_background():
    dark = (SNAPSHOTS / "height-weight-projector-dark.svg").read_text(encoding="utf-8")
    light = (SNAPSHOTS / "height-weight-projector-light.svg").read_text(encoding="utf-8")
    assert 'fill="#000000"' in dark and 'fill="#ffffff"' in light
    # the texts of the two are the same lesson, inked for each background
    assert re.findall(r">([^<]*14/21[^<]*)<", dark) == re.findall(r">([^<]*14/21[^<]*)<", light)
