"""A command line starts fast: Django's start-up (settings, `django.setup()`, every app's `ready()`) imports none
of the heavy libraries — they load where they are used (PDF, e-invoices, spreadsheets, images, calendars, XML) —
nor the API framework (django-ninja and pydantic: loaded with the URLs, which a command does not read), nor the
apps' views, demo loaders, contact panels or bank matching: ready() registers those by dotted name
(`core.registry.lazy`), imported at their first call."""

import subprocess
import sys

HEAVY = (
    "weasyprint", "facturx", "openpyxl", "pypdf", "PIL", "icalendar", "requests", "lxml", "ninja", "pydantic",
    "schwifty", "feedparser", "holidays", "tarfile",
)  # fmt: skip
# Registered by dotted name (core.registry.lazy): scheduled works, search providers, to-do lists, calendar layers,
# queries read by other apps — and the services, public holidays and archive libraries they import.
LAZY = (
    "pilote.core.backup", "pilote.dashboards.alerts", "pilote.finance.services", "pilote.quality.services",
    "pilote.office.services", "pilote.office.queries", "pilote.operations.queries", "pilote.hr.queries",
    "pilote.sales.queries", "pilote.contacts.search", "pilote.complaints.search", "pilote.complaints.todo",
    "pilote.pipeline.search", "pilote.pipeline.todo", "pilote.pipeline.calendar",
)  # fmt: skip

PROBE = (
    "import os, sys; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'pilote.settings'); import django; "
    "django.setup(); import pilote.ledger.management.commands.trial_balance; "
    f"print(','.join(name for name in {HEAVY!r} if name in sys.modules)); "
    "parts = [name.split('.') for name in sys.modules if name.startswith('pilote.')]; "
    "print(','.join(sorted('.'.join(p) for p in parts if {'views', 'demo', 'panels', 'bank_matching'} & set(p) "
    "or p[-1].endswith('_demo')))); "
    f"print(','.join(name for name in sys.modules if name.startswith({LAZY!r})))"
)


def test_django_setup_imports_no_heavy_library_nor_views_and_demos():
    completed = subprocess.run(  # noqa: S603 - our own interpreter, a constant program
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=True
    )
    heavy, registered, lazy = completed.stdout.splitlines()
    assert heavy == "", f"imported at start-up: {heavy}"
    assert registered == "", f"views, demos or panels imported at start-up (register them with lazy): {registered}"
    assert lazy == "", f"imported at start-up (register what they offer with lazy): {lazy}"


def test_manage_py_freezes_what_start_up_made_out_of_the_garbage_collector(tmp_path):
    """manage.py runs django.setup() with the cyclic collector off, then freezes the objects it made (gc.freeze):
    the collector no longer walks them during the command nor frees them at exit (a third of a short command's
    CPU); it is on again for the command's own objects."""
    import os
    from pathlib import Path

    manage = Path(__file__).resolve().parents[3] / "manage.py"
    program = "import gc; print(gc.isenabled(), gc.get_freeze_count())"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    completed = subprocess.run(  # noqa: S603 - our own interpreter and manage.py, a constant program
        [sys.executable, str(manage), "shell", "--no-imports", "-c", program],
        capture_output=True, text=True, timeout=120, check=True, env=env,
    )  # fmt: skip
    enabled, frozen = completed.stdout.split()
    assert enabled == "True" and int(frozen) > 50_000


def test_lazy_calls_the_named_function_once_imported():
    from pilote.core.registry import lazy

    format_eur = lazy("pilote.lib.formats.format_eur")
    assert format_eur == lazy("pilote.lib.formats.format_eur")  # a registration made twice is made once
    assert format_eur not in [lazy("pilote.lib.formats.format_date")]
    from decimal import Decimal

    assert format_eur(Decimal("1234.5")) == "1\u202f234,50\u202f€"
