"""Fixtures for browser tests (marked `browser`): Playwright driving Debian's Chromium.

Run them with `make test-browser` (`pytest -m browser pilote`). Pages are served by pytest-django's
`live_server` on the test database (in-memory SQLite shared with the server thread, or PostgreSQL), so
every browser test is transactional: the data a test creates is visible to the server and flushed after.

- `page` opens on the live server (`page.goto("/contacts/")`), in French, at Paris time; it fails the test
  if a static file (CSS, htmx, pilote.js) does not load, a script raises or the Content-Security-Policy
  refuses something (an inline script or style, an eval).
- `sign_in(page, "commercial")` signs in through the real login form (django-axes is active).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "demo"  # every persona's password (pilote/conftest.py)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium instead of a downloaded browser; `--headed` and `--slowmo` still apply."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": browser_type_launch_args.get("headless", True),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_context_args(browser_context_args, transactional_db, live_server):
    """Every context talks to the live server, as a French user would see it.

    `transactional_db` comes first so the test database exists before the server thread starts.
    """
    return {
        **browser_context_args,
        "base_url": live_server.url,
        "locale": "fr-FR",
        "timezone_id": "Europe/Paris",
        "accept_downloads": True,
    }


@pytest.fixture
def page(page, live_server):
    """The pytest-playwright page, failing the test on a broken static file or a JavaScript error."""
    problems: list[str] = []
    static_prefix = f"{live_server.url}/static/"

    def on_response(response):
        if response.url.startswith(static_prefix) and response.status >= 400:
            problems.append(f"{response.status} {response.url}")

    def on_request_failed(request):
        # ERR_ABORTED is the browser cancelling a fetch because the page navigated away (a favicon or a
        # script still loading when a test clicks on): not a broken file, which answers 4xx (on_response).
        if request.url.startswith(static_prefix) and request.failure != "net::ERR_ABORTED":
            problems.append(f"failed {request.url}: {request.failure}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

    def on_console(message):
        # Chromium reports what the Content-Security-Policy refused (an inline script or style, an eval).
        if message.type == "error" and "Content Security Policy" in message.text:
            problems.append(f"CSP: {message.text}")

    page.on("console", on_console)
    page.set_default_timeout(10_000)
    yield page
    assert not problems, "Problems while loading pages:\n" + "\n".join(problems)


@pytest.fixture
def sign_in(personas):
    """sign_in(page, "commercial") signs in through the login form, then waits to leave it."""

    def _sign_in(page, username: str, password: str = PASSWORD):
        assert username in personas, f"no persona {username!r}"
        page.goto("/connexion/")
        page.get_by_label("Identifiant").fill(username)
        page.get_by_label("Mot de passe").fill(password)
        page.get_by_role("button", name="Se connecter").click()
        expect(page).not_to_have_url(re.compile(r"/connexion/"))
        return page

    return _sign_in


@pytest.fixture
def screenshots(tmp_path):
    """Where a browser test saves the screenshots a person looks at: PILOTE_SCREENSHOTS if set (kept after
    the run), else the test's temporary folder."""
    import os
    from pathlib import Path

    folder = Path(os.environ.get("PILOTE_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def pick(box, typed: str, option: str, *, keyboard: bool = False) -> None:
    """Choose `option` in a search-as-you-type picker (core.pickers.SearchSelect) as a user does: type part
    of it, then click the row — or, with keyboard=True, go down to it with ↓ and press Entrée."""
    box.fill(typed)
    listbox = box.locator("xpath=following-sibling::ul[@role='listbox']")
    wanted = listbox.get_by_role("option", name=re.compile("^" + re.escape(option)))
    expect(wanted).to_be_visible()
    if keyboard:
        for _ in range(20):
            if wanted.get_attribute("aria-selected") == "true":
                break
            box.press("ArrowDown")
        box.press("Enter")
    else:
        wanted.click()
    expect(box).to_have_value(option)
    expect(listbox).to_be_hidden()
