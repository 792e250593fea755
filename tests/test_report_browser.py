"""The HTML reports in a real browser: filters, counts, sorting, the copy button, narrow screens.

Runs Debian's chromium headless through chromium-driver and selenium
(``apt-get install -y chromium chromium-driver``; selenium is in the ``dev`` extra). Where the
browser, the driver or selenium is missing the tests are skipped with the reason (shown by
``pytest -ra``, the default here). Selenium Manager is never asked to download a driver: the
Debian driver is passed explicitly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trialrecon.stages.reconcile import FILE_NAMES, write_reconciliation
from trialrecon.stages.report import build_index

ROOT = Path(__file__).resolve().parents[1]
TALENT = ROOT / "data" / "raw" / "talent"
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
DRIVERS = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")


def _first(paths: tuple[str, ...]) -> str | None:
    return next((p for p in paths if Path(p).is_file()), None) or None


def _skip_reason() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[dev]')"
    if _first(BROWSERS) is None:
        return "no chromium browser (apt-get install -y chromium chromium-driver)"
    if _first(DRIVERS) is None and shutil.which("chromedriver") is None:
        return "no chromedriver (apt-get install -y chromium-driver)"
    return None


REASON = _skip_reason()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _first(BROWSERS) or ""
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--no-first-run"):
        options.add_argument(arg)
    driver_path = _first(DRIVERS) or shutil.which("chromedriver") or ""
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    driver.set_window_size(1400, 1000)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """TALENT's reconciliation report and an index page that shows it."""
    results = tmp_path_factory.mktemp("results")
    out = {fmt: results / "talent" / name for fmt, name in FILE_NAMES.items()}
    rec = write_reconciliation(TALENT, out)
    index = build_index(results, ROOT / "data" / "raw", ["talent"],
                        results / "report" / "index.html")
    return {"reconciliation": out["html"], "index": index, "rec": rec}


def _select(driver, element_id: str, value: str) -> None:
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element("id", element_id)).select_by_value(value)


def _showing(driver) -> str:
    return driver.find_element("id", "showing").text


def _visible_rows(driver) -> list:
    return [r for r in driver.find_elements("css selector", "#cause-table tbody tr")
            if r.is_displayed()]


def test_filters_count_and_empty_message(browser, pages):
    rec = pages["rec"]
    total = len(rec.causes)
    browser.set_window_size(1400, 1000)
    browser.get(pages["reconciliation"].as_uri())
    assert _showing(browser) == f"Showing {total} of {total} causes"
    questionable = sum(c.severity == "questionable" for c in rec.causes)
    _select(browser, "f-sev", "questionable")
    assert _showing(browser) == f"Showing {questionable} of {total} causes"
    assert len(_visible_rows(browser)) == questionable
    # cohort, source and location filter on what the causes' findings quote
    _select(browser, "f-sev", "")
    _select(browser, "f-location", "Discussion")
    in_discussion = [c for c in rec.causes
                     if any(v.location == "Discussion" for f in c.members for v in f.values)]
    assert _showing(browser) == f"Showing {len(in_discussion)} of {total} causes"
    both = [c for c in in_discussion
            if any(v.source == "registry" for f in c.members for v in f.values)]
    _select(browser, "f-source", "registry")
    assert _showing(browser) == f"Showing {len(both)} of {total} causes"
    assert not both, "the empty-filter check below needs an empty combination"
    assert browser.find_element("id", "empty").is_displayed()
    assert not browser.find_element("id", "cause-table").is_displayed()
    browser.find_element("id", "empty-clear").click()
    assert _showing(browser) == f"Showing {total} of {total} causes"
    assert not browser.find_element("id", "empty").is_displayed()
    _select(browser, "f-cohort", "GI-NET")
    gi = [c for c in rec.causes if any(v.cohort == "GI-NET" for f in c.members for v in f.values)]
    assert _showing(browser) == f"Showing {len(gi)} of {total} causes"
    cards = [a for a in browser.find_elements("css selector", "#cause-cards article")
             if a.is_displayed()]
    assert len(cards) == len(gi)


def test_summary_counts_filter_when_clicked(browser, pages):
    rec = pages["rec"]
    browser.get(pages["reconciliation"].as_uri())
    inconsistent = sum(c.severity == "inconsistent" for c in rec.causes)
    browser.find_element("css selector", 'button[data-set-sev="inconsistent"]'
                                         '[data-set-check=""]').click()
    assert _showing(browser) == f"Showing {inconsistent} of {len(rec.causes)} causes"
    button = browser.find_element("css selector", 'button[data-set-sev="inconsistent"]'
                                                  '[data-set-check="same-quantity"]')
    browser.execute_script("arguments[0].click()", button)
    same = [c for c in rec.causes if c.severity == "inconsistent" and
            "same-quantity" in c.checks]
    assert int(button.text) == len(same)
    assert _showing(browser) == f"Showing {len(same)} of {len(rec.causes)} causes"


def test_columns_sort_both_ways(browser, pages):
    browser.get(pages["reconciliation"].as_uri())

    def findings_column() -> list[int]:
        return [int(r.get_attribute("data-sort-members")) for r in _visible_rows(browser)]

    assert [int(r.get_attribute("data-sort-rank")) for r in _visible_rows(browser)] == \
        sorted(c.rank for c in pages["rec"].causes)
    header = browser.find_element("css selector", 'th[data-sort="members"] button')
    header.click()
    assert findings_column() == sorted(findings_column())
    assert header.find_element("xpath", "..").get_attribute("aria-sort") == "ascending"
    header.click()
    assert findings_column() == sorted(findings_column(), reverse=True)
    assert header.find_element("xpath", "..").get_attribute("aria-sort") == "descending"


def test_details_are_collapsed_and_the_letter_copies(browser, pages):
    browser.get(pages["reconciliation"].as_uri())
    details = browser.find_elements("css selector", "#cause-cards details")
    assert details and not any(d.get_attribute("open") for d in details)
    letter = browser.execute_script("return document.getElementById('letter-text').textContent")
    text = pages["reconciliation"].with_name("review_letter.txt").read_text("utf-8")
    assert letter == text  # the same letter as review_letter.txt, as text (it prints whole)
    button = browser.find_element("id", "copy-letter")
    browser.execute_script("arguments[0].scrollIntoView()", button)
    button.click()
    from selenium.webdriver.support.ui import WebDriverWait

    status = browser.find_element("id", "copy-status")
    WebDriverWait(browser, 5).until(lambda _: status.text)
    assert status.text in ("Copied.", "Selected: press Ctrl+C (Cmd+C) to copy.")


@pytest.mark.parametrize("width", [1400, 400])
@pytest.mark.parametrize("page", ["reconciliation", "index"])
def test_no_table_is_wider_than_the_window(browser, pages, page, width):
    """At 1400 and 400 px nothing scrolls sideways and no table is clipped by its box."""
    browser.set_window_size(width, 900)
    browser.get(pages[page].as_uri())
    clipped = browser.execute_script("""
        var vw = document.documentElement.clientWidth, out = [];
        document.querySelectorAll('table').forEach(function (t) {
          var r = t.getBoundingClientRect(), p = t.parentElement;
          if (r.width && (r.right > vw + 1 || p.scrollWidth > p.clientWidth + 1))
            out.push((t.querySelector('th') || t).textContent.trim().slice(0, 40));
        });
        return [document.documentElement.scrollWidth, vw, out];""")
    page_width, viewport, tables = clipped
    assert page_width <= viewport and tables == [], (page, width, clipped)
    browser.set_window_size(1400, 1000)
