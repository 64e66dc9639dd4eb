"""The projector themes: every text and highlight colour pair at a WCAG contrast ratio of
7:1 or more, on the light and the dark background alike, and the app paints that
background itself (the terminal's own never shows through)."""

from __future__ import annotations

import pytest
from rich.style import Style

from appkit import drive, make_app
from backprop_tutor.render.theme import NORMAL, PROJECTOR, PROJECTOR_LIGHT, contrast, for_background, pairs


def colours(style: str) -> tuple[str, str]:
    parsed = Style.parse(style)
    return parsed.color.triplet.hex, parsed.bgcolor.triplet.hex


def test_contrast_formula_matches_wcag_reference_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # WCAG's classic grey
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize("theme", [PROJECTOR, PROJECTOR_LIGHT], ids=lambda t: t.name)
def test_every_pair_reaches_7_to_1(theme):
    ratios = {part: contrast(*colours(style)) for part, style in pairs(theme).items()}
    assert set(ratios) >= {"text", "dim", "strong", "highlight", "warning", "formula", "selected",
                           "phase forward", "phase backward", "phase update", "phase loss", "phase preprocess"}
    low = {part: round(r, 2) for part, r in ratios.items() if r < 7}
    assert not low, low


@pytest.mark.parametrize("theme", [PROJECTOR, PROJECTOR_LIGHT], ids=lambda t: t.name)
def test_every_style_names_its_own_background(theme):
    """No colour is left to the terminal: a light or a dark terminal shows the same pairs."""
    for part, style in pairs(theme).items():
        parsed = Style.parse(style)
        assert parsed.color.triplet is not None and parsed.bgcolor.triplet is not None, part
        assert "dim" not in style, part  # a dimmed colour is no longer the colour measured
    assert theme.background and colours(theme.text)[1] == theme.background


def test_the_background_follows_the_terminal_and_t_switches_it():
    assert for_background(PROJECTOR.with_digits(4), "light").name == "projector-light"
    assert for_background(PROJECTOR.with_digits(4), "light").digits == 4
    assert for_background(PROJECTOR_LIGHT, "dark") == PROJECTOR
    assert for_background(NORMAL, "light") is NORMAL

    async def script(app, pilot):
        first = (app.lesson.theme.name, app.screen.styles.background.hex)
        await pilot.press("t")
        await pilot.pause()
        return first, (app.lesson.theme.name, app.screen.styles.background.hex)

    dark, light = drive(make_app("height-weight", "projector", tone="dark"), script)
    assert dark == ("projector", "#000000") and light == ("projector-light", "#FFFFFF")


def test_colorfgbg_says_light_or_dark(monkeypatch):
    from backprop_tutor.stepper.app import tone_of_terminal

    monkeypatch.setenv("COLORFGBG", "0;15")
    assert tone_of_terminal() == "light"
    monkeypatch.setenv("COLORFGBG", "15;0")
    assert tone_of_terminal() == "dark"
    monkeypatch.delenv("COLORFGBG")
    assert tone_of_terminal() == "dark"
