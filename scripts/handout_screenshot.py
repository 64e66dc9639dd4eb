"""Make docs/img/handout-height-weight.png: `tutor export height-weight -o hw.html` opened in
headless Chromium, at step 12 (∂L/∂W2) with its derivation unfolded.

    python scripts/handout_screenshot.py        # needs Debian's chromium
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from browser import Browser, executable  # noqa: E402


def main() -> None:
    if executable() is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    from backprop_tutor import api

    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "hw.html"
        api.run("height-weight").export(page)
        browser = Browser()
        try:
            browser.page("Page.enable")
            browser.page("Page.navigate", url=page.as_uri() + "#step-12")
            browser.wait_for("Page.loadEventFired")
            browser.evaluate("document.querySelector('#step-12 details').open = true")
            browser.page("Emulation.setDeviceMetricsOverride", width=1000, height=1250, deviceScaleFactor=1,
                         mobile=False)
            out = ROOT / "docs" / "img" / "handout-height-weight.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            browser.screenshot(out)
        finally:
            browser.close()
    print(out)


if __name__ == "__main__":
    main()
