"""The HTML handout in a real headless Chromium (Debian's `chromium`): it shows step 1, the
arrow keys step through it, and the page asks the network for nothing but its own file.
A screenshot of a step is kept in tests/artifacts/ (not committed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from browser import Browser, executable

from backprop_tutor.cli import app

ARTIFACTS = Path(__file__).parent / "artifacts"

pytestmark = pytest.mark.skipif(executable() is None,
                                reason="chromium is not installed (apt-get install chromium); .ci/run installs it")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    out = tmp_path_factory.mktemp("handout") / "hw.html"
    result = CliRunner().invoke(app, ["export", "height-weight", "-o", str(out)])
    assert result.exit_code == 0, result.output
    browser = Browser()  # one browser for the whole file
    try:
        browser.page("Network.enable")
        browser.page("Page.enable")
        browser.page("Page.navigate", url=out.as_uri())
        browser.wait_for("Page.loadEventFired")
        yield browser, out
    finally:
        browser.close()


def _current(browser) -> dict:
    return browser.evaluate("""(() => {
        const shown = Array.from(document.querySelectorAll('section.step'))
            .filter(s => getComputedStyle(s).display !== 'none');
        return {shown: shown.map(s => s.id), where: document.getElementById('where').textContent,
                layer: document.querySelector('svg.network').getAttribute('data-layer'),
                heading: shown.length ? shown[0].querySelector('h2').textContent : '',
                math: shown.length ? shown[0].querySelectorAll('math').length : 0};
    })()""")


def test_step_one_is_shown_and_the_arrow_keys_step(page):
    browser, out = page
    first = _current(browser)
    assert first["shown"] == ["step-1"] and first["where"] == "step 1 of 21"
    assert "Step 1/21" in first["heading"] and first["math"] >= 2 and first["layer"] == "0"
    browser.key("ArrowRight", 39)
    browser.key("ArrowRight", 39)
    assert _current(browser)["shown"] == ["step-3"]
    browser.key("ArrowLeft", 37)
    assert _current(browser)["shown"] == ["step-2"]
    for _ in range(10):
        browser.key("ArrowRight", 39)
    twelfth = _current(browser)
    assert twelfth["shown"] == ["step-12"] and twelfth["layer"] == "2"  # ∂L/∂W2: the output layer marked
    assert browser.evaluate("document.querySelector('#step-12 details') !== null")
    browser.evaluate("document.querySelector('#step-12 details').open = true")
    assert browser.evaluate("document.querySelector('#step-12 details math').getBoundingClientRect().height") > 10
    ARTIFACTS.mkdir(exist_ok=True)
    browser.screenshot(ARTIFACTS / "handout-step-12.png")
    assert (ARTIFACTS / "handout-step-12.png").stat().st_size > 10_000


def test_no_request_leaves_the_file(page):
    browser, out = page
    urls = [e["params"]["request"]["url"] for e in browser.events if e.get("method") == "Network.requestWillBeSent"]
    assert urls == [out.as_uri()]
    failed = [e for e in browser.events if e.get("method") == "Network.loadingFailed"]
    assert not failed
