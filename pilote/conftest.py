"""Shared fixtures: the structure, and one persona per role (direction, accountant, HR, sales, employee…)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from pilote.core import services
from pilote.core.roles import Role

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's event loop beside live_server

pytest_plugins = ["pilote.browser_fixtures"]

# Property tests judge results, not speed: on a loaded machine (CI, two xdist workers on two cores) the
# « data generation is slow » health check and per-example deadlines fail runs whose results are right.
hypothesis_settings.register_profile("pilote", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("pilote")


def _select_sleep(seconds: float) -> None:
    """time.sleep through select's relative timeout (see below)."""
    import select

    if seconds > 0:
        select.select([], [], [], seconds)


# `make test-future` runs the suite under libfaketime 0.9.10 with --exclude-monotonic, whose clock_nanosleep
# fails every absolute monotonic deadline with EINVAL: Python's time.sleep (and so subprocess.wait(timeout),
# back-offs, polling loops) raised `OSError: [Errno 22]` in the tests that wait. select's relative timeout is not
# shifted by libfaketime: the same sleep, in the test processes only (the dates under test are not involved).
if os.environ.get("FAKETIME") and os.environ.get("FAKETIME_DONT_FAKE_MONOTONIC"):
    import time as _time

    _time.sleep = _select_sleep


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="module")
def demo_loaded(django_db_setup, django_db_blocker):
    """The whole demo (`load_demo`) loaded once for the test module, inside a transaction rolled back after
    the module's last test. Returns the demo users by username (sign in with `client.force_login`). Tests
    using it also ask for `db` (each test then runs in a savepoint inside that transaction) and must not
    commit; not for browser tests (their live server reads committed data only)."""
    from django.db import transaction
    from django.test.utils import override_settings

    from pilote.core import demo

    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS), transaction.atomic():
        users = demo.load_demo()
        yield users
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _no_server_side_cursor_left_open(request):
    """On PostgreSQL, a test that leaves a server-side cursor open (a `QuerySet.iterator()` generator not
    run to its end nor closed) fails: the garbage collector would close it later, inside another test's — or
    another request's — transaction, where CLOSE of a cursor that transaction never declared aborts it."""
    from django.db import connection

    if connection.vendor != "postgresql" or "_django_db_helper" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")  # set up first, so torn down after this check
    yield
    if connection.connection is None or not connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, statement FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
            open_cursors = cursor.fetchall()
    except Exception:  # noqa: BLE001 - an aborted test transaction has already failed its test
        return
    if open_cursors:
        pytest.fail(f"Curseur serveur laissé ouvert par le test : {open_cursors[0][1][:200]}", pytrace=False)


@pytest.fixture(autouse=True)
def _strict_audit_labels(settings):
    """Every audit event a test records must have its French label (core.audit.record refuses otherwise)."""
    settings.PILOTE_STRICT_AUDIT_LABELS = True


@pytest.fixture(autouse=True)
def _private_files_in_tmp(settings, tmp_path):
    """Private documents (tender files…) written by a test land in its temporary folder, not in var/."""
    settings.PILOTE_PRIVATE_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _jobs_at_once(settings):
    """Background jobs (core.jobs) run at once in the request, as Django's tasks do in tests."""
    settings.PILOTE_JOBS_SYNC = True


@pytest.fixture
def structure(db):
    return services.create_structure(
        actor=None,
        type="company",
        legal_name="Atelier Test SARL",
        legal_form="SARL",
        siren="912345675",
        fiscal_year_start=dt.date(2026, 1, 1),
        fiscal_year_end=dt.date(2026, 12, 31),
    )


@pytest.fixture
def personas(structure) -> dict[str, object]:
    """One active user per role, keyed by role value ('direction', 'comptable', …)."""
    return {
        role.value: services.create_user(
            actor=None,
            username=role.value,
            role=role,
            password="demo",
            validate=False,
            first_name=role.label.split()[0],
            last_name="Test",
        )
        for role in Role
    }


@pytest.fixture
def client_as(client, personas):
    """client_as('commercial') returns the test client signed in with that role."""

    def sign_in(role: str):
        client.force_login(personas[role])
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _flush_with_triggers_lifted(request):
    """Transactional tests (browser tests on a live server, concurrency tests) run on a real database that is
    emptied afterwards; that flush is a DELETE on SQLite and a TRUNCATE on PostgreSQL, both refused by the
    protection triggers (core.dbtriggers: posted entries, issued invoices…). Flush here with the triggers
    lifted, then put them back: pytest-django's own flush then finds empty tables, which the TRUNCATE
    triggers let go."""
    database = request.node.get_closest_marker("django_db")
    if request.node.get_closest_marker("browser") is not None:
        request.getfixturevalue("transactional_db")
    elif database is None or not database.kwargs.get("transaction"):
        yield
        return
    yield
    from django.core.management import call_command
    from django.db import connection

    from pilote.core import dbtriggers

    for trigger_set in dbtriggers.registered():
        trigger_set.uninstall(connection)
    try:
        call_command("flush", interactive=False, verbosity=0)
    finally:
        for trigger_set in dbtriggers.registered():
            trigger_set.install(connection)


# The rows data migrations write: a flush empties them, and the next test files on the same worker expect them
# (the ledger's chain head row, the default dunning ladder, the purchases approval limits and tolerances).
SEEDS = (
    ("pilote.ledger.migrations.0002_posted_entries_are_frozen", "create_chain_head"),
    # the kept aged balances' state row, empty (idempotent)
    ("pilote.ledger.migrations.0041_open_item_aging", "create_state"),
    ("pilote.receivables.migrations.0002_default_levels", "create_levels"),
    ("pilote.purchases.migrations.0003_purchase_orders", "seed_policy"),
    # writes rows only for CPOMs that exist (their yearly report dates): nothing after a flush, idempotent
    ("pilote.associations.migrations.0007_cpom_deadlines", "report_deadlines"),
    # writes rows only for old invoices classed doubtful before their VAT lines: nothing after a flush, idempotent
    ("pilote.receivables.migrations.0010_old_invoice_vat_lines", "one_line_per_old_invoice"),
)


def _reseed() -> None:
    from importlib import import_module

    from django.apps import apps

    for module, function in SEEDS:
        getattr(import_module(module), function)(apps, None)


def _reseed_after_flush(sender, **kwargs) -> None:
    """pytest-django's own flush after a transactional test (it runs after ours) ends with post_migrate: the
    seeds come back there, once per flush (the seeds are idempotent)."""
    if sender.name == "pilote.purchases":
        _reseed()


from django.db.models.signals import post_migrate  # noqa: E402

post_migrate.connect(_reseed_after_flush, dispatch_uid="pilote.tests.reseed")
