"""Step mode reads and keeps the printed formulas in the same cache as `tutor run`: on a
warm cache its first frame is whole (formula included) before sympy is imported, and
the same, to the character, as with the cache off or cold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = r"""
import asyncio, json, sys
sys.path.insert(0, sys.argv[3])
from appkit import make_app, settle
from backprop_tutor.cache import file_digest
from backprop_tutor.symbolic.printed import Kept

name, mode = sys.argv[1], sys.argv[2]
app = make_app(name)
les = app.lesson
if mode != "plain":
    les.keep(Kept((file_digest(les.model.path), (), None, None, "auto"), les.steps))
if mode == "warm":
    app.prepare = None  # nothing is worked out but the first frame itself

async def main():
    async with app.run_test(size=(110, 34)) as pilot:
        await pilot.pause()
        first = {"shown": list(app.shown), "sympy": "sympy" in sys.modules, "ready": les.ready(0)}
        if mode != "warm":
            await settle(app, pilot)
            app.redraw()
            await pilot.pause()
            first["shown"] = list(app.shown)
        return first

first = asyncio.run(main())
les.save()
print(json.dumps(first))
"""


def first_frame(name: str, mode: str, cache: Path) -> dict:
    env = {"TUTOR_CACHE_DIR": str(cache), "TUTOR_CACHE": "off" if mode == "plain" else "on"}
    import os

    done = subprocess.run([sys.executable, "-c", SCRIPT, name, mode, str(Path(__file__).parent)],
                          capture_output=True, text=True, env={**os.environ, **env}, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ["height-weight", "logistic-4x2"])
def test_a_warm_first_frame_is_whole_without_sympy_and_the_same(tmp_path, name):
    plain = first_frame(name, "plain", tmp_path)
    assert not any(tmp_path.iterdir())  # the cache off keeps nothing
    cold = first_frame(name, "cold", tmp_path)
    warm = first_frame(name, "warm", tmp_path)
    assert cold["sympy"] and not warm["sympy"]
    assert warm["ready"] and "working out the formula" not in warm["shown"][1]
    assert "working out the formula" not in plain["shown"][1]
    assert plain["shown"] == cold["shown"] == warm["shown"]
