"""Headless chromium for the tests of the HTML pages: the browser, axe-core, print to PDF.

Debian's chromium and chromium-driver (``apt-get install -y chromium chromium-driver``) are
driven through selenium (the ``dev`` extra); axe-core comes from npm into ``tests/tools``
(``npm ci --prefix tests/tools``). :func:`skip_reason` says what is missing, so a test can be
skipped with the reason instead of failing on a machine without them. Selenium Manager is
never asked to download a driver: the Debian driver is passed explicitly.
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / "tests" / "tools" / "node_modules" /
                          "axe-core" / "axe.min.js"))


def first(paths: tuple[str, ...]) -> str | None:
    return next((p for p in paths if Path(p).is_file()), None)


def skip_reason(axe: bool = False) -> str | None:
    """Why the browser tests cannot run here (None when they can)."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if first(BROWSERS) is None:
        return "no chromium browser (apt-get install -y chromium chromium-driver)"
    if first(DRIVERS) is None and shutil.which("chromedriver") is None:
        return "no chromedriver (apt-get install -y chromium-driver)"
    if axe and not AXE.is_file():
        return (f"axe-core is not installed at {AXE} (npm ci --prefix tests/tools, or set "
                "AXE_CORE_JS to axe.min.js)")
    return None


def start_browser(width: int = 1400, height: int = 1000) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = first(BROWSERS) or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run"):
        options.add_argument(arg)
    driver_path = first(DRIVERS) or shutil.which("chromedriver") or ""
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_window_size(width, height)
    driver.set_script_timeout(300)
    return driver


def axe_violations(driver: Any, open_details: bool = False) -> list[dict[str, Any]]:
    """axe-core's violations on the page loaded in ``driver`` (WCAG 2.x A and AA rules and
    axe's best practices), each with its id, impact and the first nodes it names.

    ``open_details``: open every collapsed section first, so that what it holds is checked.
    """
    if open_details:
        driver.execute_script(
            "document.querySelectorAll('details').forEach(function (d) { d.open = true; });")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    return driver.execute_async_script("""
        var done = arguments[arguments.length - 1];
        axe.run(document, {resultTypes: ['violations']}).then(function (r) {
          done(r.violations.map(function (v) {
            return {id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(
              function (n) { return n.target.join(' '); })};
          }));
        }, function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e),
                                 nodes: []}]); });""")


def print_pdf(driver: Any, page: Path) -> bytes:
    """``page`` printed to PDF by chromium (A4, the page's print style)."""
    from selenium.webdriver.common.print_page_options import PrintOptions

    driver.get(page.resolve().as_uri())
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    return base64.b64decode(driver.print_page(options))


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """The number of pages and the text of a PDF (pypdfium2), whitespace collapsed."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(pdf)
    text = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return len(doc), " ".join(text.split())
