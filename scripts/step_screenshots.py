"""SVG screenshots of step mode's app for the docs (run: python scripts/step_screenshots.py).

Writes docs/img/step-explain.svg (logistic-4x2, step 12 with the derivation of ∂J/∂w₁₃⁽¹⁾
open beside it), docs/img/step-projector-dark.svg and docs/img/step-projector-light.svg
(height-weight, step 14, the projector theme on each background, the derivation of
∂L/∂a₁⁽¹⁾ open), and prints the WCAG
contrast ratio of every colour pair of the two projector themes.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from rich.style import Style

from backprop_tutor.engine import Engine
from backprop_tutor.render.theme import PROJECTOR, PROJECTOR_LIGHT, THEMES, contrast, pairs
from backprop_tutor.scenario import load
from backprop_tutor.stepper.app import StepApp
from backprop_tutor.stepper.lesson import Lesson

OUT = Path(__file__).resolve().parent.parent / "docs" / "img"
SHOTS = {
    "step-explain": ("logistic-4x2", "normal", "dark", ["g", "1", "2", "enter", "tab", "tab", "tab", "e"], (150, 42)),
    "step-projector-dark": ("height-weight", "projector", "dark", ["g", "1", "4", "enter", "tab", "e"], (140, 40)),
    "step-projector-light": ("height-weight", "projector", "light", ["g", "1", "4", "enter", "tab", "e"], (140, 40)),
}


async def shoot(name: str, theme: str, tone: str, keys: list[str], size: tuple[int, int]) -> str:
    model = load(name, [], up_close=True)
    lesson = Lesson(model, list(Engine(model).steps()), THEMES[theme])
    app = StepApp(lesson, tone=tone)
    async with app.run_test(size=size) as pilot:
        await pilot.press(*keys)
        for _ in range(600):
            ready = all(lesson.ready(i) for i in range(lesson.total))
            if ready and (app.explaining is None or app.derivation):
                break
            await pilot.pause(0.05)
        await pilot.pause()
        return app.export_screenshot(title=f"tutor run {name} --step" + (" --projector" if theme != "normal" else ""))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for file, (name, theme, tone, keys, size) in SHOTS.items():
        (OUT / f"{file}.svg").write_text(asyncio.run(shoot(name, theme, tone, keys, size)), encoding="utf-8")
        print(f"wrote docs/img/{file}.svg")
    for theme in (PROJECTOR, PROJECTOR_LIGHT):
        print(f"{theme.name} (background {theme.background}):")
        for part, style in pairs(theme).items():
            parsed = Style.parse(style)
            fg, bg = parsed.color.triplet.hex, parsed.bgcolor.triplet.hex
            print(f"  {part:18s} {fg} on {bg}  {contrast(fg, bg):5.2f}:1")


if __name__ == "__main__":
    main()
