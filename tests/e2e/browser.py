"""What the browser tests share: Debian chromium driven by Playwright, one person at a time, a screenshot per
step at 1366 and 390 px wide.

Runs wherever /usr/bin/chromium exists; .ci/run installs it and sets E2E_REQUIRED=1 so that a missing browser
fails instead of skipping.
"""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

from tests.scenarios import PASSWORD

CHROMIUM = "/usr/bin/chromium"
OUTPUT_ROOT = Path(settings.BASE_DIR) / "test-output"
WIDTHS = (1366, 390)

if not Path(CHROMIUM).exists() and os.environ.get("E2E_REQUIRED") == "1":
    raise RuntimeError("E2E_REQUIRED=1 but /usr/bin/chromium is missing (apt-get install chromium)")
pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian chromium is not installed (.ci/run installs it)"
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


class Browser:
    """One person at a time in a real browser, with a screenshot per step at both widths."""

    def __init__(self, page, base, output: Path):
        self.page, self.base, self.step, self.output = page, base, 0, output
        self.shots = []
        self.too_wide = []  # pages wider than the screen: a sideways scroll on a phone

    def go(self, path):
        self.page.goto(self.base + path)

    def shot(self, name):
        self.step += 1
        for width in WIDTHS:
            self.page.set_viewport_size({"width": width, "height": 900})
            path = self.output / f"{self.step:02d}-{name}-{width}.png"
            self.page.screenshot(path=path, full_page=True)
            self.shots.append(path.name)
            page_width = self.page.evaluate("document.documentElement.scrollWidth")
            if page_width > width:
                self.too_wide.append(f"{path.name}: {page_width} px")
        self.page.set_viewport_size({"width": WIDTHS[0], "height": 900})

    def login(self, username, password=PASSWORD):
        from playwright.sync_api import expect

        self.page.context.clear_cookies()  # a fresh session for the next person
        self.go("/quan-tri/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("input[type=submit]")
        expect(self.page.locator("#content-main")).to_be_visible()

    def message(self, text):
        from playwright.sync_api import expect

        expect(self.page.locator(".messagelist")).to_contain_text(text)

    def open_from_queue(self, unit, period_title):
        """Follow the work-queue row of a unit in a period (the row leads to the page of the current phase)."""
        self.go("/quan-tri/")
        row = self.page.locator("#work-queues tr", has_text=period_title).filter(has_text=unit)
        row.locator("a").first.click()

    def select_containing(self, selector, text):
        """Choose the option of a select whose label contains `text`."""
        value = self.page.locator(f"{selector} option", has_text=text).first.get_attribute("value")
        self.page.select_option(selector, value)

    def confirm_step(self):
        self.page.check("#id_confirm")
        self.page.locator("#content-main form input.default[type=submit]").last.click()


@contextmanager
def browser_session(base_url: str, output: Path):
    """A Browser on a fresh chromium, its screenshots in `output` (emptied first); a last full-page screenshot
    is kept whatever happens."""
    import shutil

    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop in this thread
    )
    shutil.rmtree(output, ignore_errors=True)
    output.mkdir(parents=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--lang=vi",  # the browser's own widgets (a file input's button) in Vietnamese
            ],
        )
        page = browser.new_page(viewport={"width": WIDTHS[0], "height": 900}, locale="vi-VN")
        page.on("dialog", lambda dialog: dialog.accept())
        page.set_default_timeout(15000)
        try:
            yield Browser(page, base_url, output)
        finally:
            page.screenshot(path=output / "cuoi-cung.png", full_page=True)
            browser.close()
