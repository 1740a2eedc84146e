"""A command line starts fast: Django's start-up (settings, `django.setup()`, every app's `ready()`) imports none
of the heavy libraries — they load where they are used (PDF, e-invoices, spreadsheets, images, calendars, XML) —
nor the API framework (django-ninja and pydantic: loaded with the URLs, which a command does not read)."""

import subprocess
import sys

HEAVY = (
    "weasyprint", "facturx", "openpyxl", "pypdf", "PIL", "icalendar", "requests", "lxml", "ninja", "pydantic",
    "schwifty", "feedparser",
)  # fmt: skip

PROBE = (
    "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pilote.settings'); import django; "
    "django.setup(); import pilote.ledger.management.commands.trial_balance; "
    f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))"
)


def test_django_setup_imports_no_heavy_library():
    completed = subprocess.run(  # noqa: S603 - our own interpreter, a constant program
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    assert completed.stdout.strip() == "", f"imported at start-up: {completed.stdout.strip()}"
