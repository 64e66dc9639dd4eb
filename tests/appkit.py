"""Step mode's app under Textual's own test harness (App.run_test and its Pilot)."""

from __future__ import annotations

import asyncio

from backprop_tutor.engine import Engine
from backprop_tutor.render.theme import THEMES
from backprop_tutor.scenario import load
from backprop_tutor.stepper.app import StepApp
from backprop_tutor.stepper.lesson import Lesson


def make_app(name: str, theme: str = "normal", tone: str = "dark", view: str = "auto", settings=()) -> StepApp:
    model = load(name, list(settings), up_close=True)
    return StepApp(Lesson(model, list(Engine(model).steps()), THEMES[theme], view), tone=tone)


async def settle(app, pilot) -> None:
    """Wait until every frame's formulas are worked out and any derivation is shown."""
    les = app.lesson
    for _ in range(600):
        ready = all(les.ready(i) for i in range(les.total))
        if ready and (app.explaining is None or app.derivation):
            break
        await pilot.pause(0.05)
    await pilot.pause()


def drive(app, script, size=(100, 30)):
    """Run `script(app, pilot)` (a coroutine function) in the app; its result."""
    async def main():
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            return await script(app, pilot)

    return asyncio.run(main())


def walk(name: str, size=(110, 60)) -> str:
    """Every frame of a built-in lesson as step mode shows it, pressing → from the first to the
    last, as one text."""
    async def script(app, pilot):
        seen = []
        for _ in range(app.lesson.total):
            await settle(app, pilot)
            seen.append("\n".join(app.shown))
            await pilot.press("right")
            await pilot.pause()
        return "\n".join(seen)

    return drive(make_app(name), script, size=size)
