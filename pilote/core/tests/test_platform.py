"""Platform guarantees: production settings pass check --deploy, the import graph points one way,
the demo loads deterministically, errors show French pages."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from pilote.core.demo import FIRST_YEAR

ROOT = Path(__file__).resolve().parents[3]
APPS_BELOW_CORE = ["contacts"]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60 + "-production-secret-for-the-test",
        "PILOTE_CHAIN_KEY": "k" * 48,
        "DJANGO_ALLOWED_HOSTS": "pilote.example.fr",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "PILOTE_STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DJANGO_DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the test suite for Playwright only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "PILOTE_CHAIN_KEY", "DATABASE_URL"])
def test_production_refuses_to_start_without_a_secret(tmp_path, missing):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_ALLOWED_HOSTS": "x.fr",
        "DJANGO_SECRET_KEY": "x" * 60,
        "PILOTE_CHAIN_KEY": "k" * 48,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    env.pop(missing)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and missing in result.stderr


def _imports(package: Path) -> set[str]:
    found = set()
    for path in package.rglob("*.py"):
        if "tests" in path.parts:
            continue  # tests may cross app boundaries to build fixtures
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pilote."):
                found.add(node.module.split(".")[1])
            elif isinstance(node, ast.Import):
                found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("pilote."))
    return found


def test_core_imports_no_domain_app():
    assert _imports(ROOT / "pilote" / "core") <= {"core", "lib"}
    assert _imports(ROOT / "pilote" / "lib") <= {"lib"}


@pytest.mark.parametrize("app", APPS_BELOW_CORE)
def test_base_apps_import_only_core_and_lib(app):
    assert _imports(ROOT / "pilote" / app) <= {"core", "lib", app}


class _Rollback(Exception):
    pass


def _demo_digest() -> tuple:
    """Load the demo inside a transaction, summarise it (no ids: PostgreSQL sequences are not rolled
    back), then roll everything back."""
    from django.db import transaction

    from pilote.contacts.models import Contact, Interaction
    from pilote.core.models import User
    from pilote.ledger.models import EntryLine
    from pilote.ledger.verify import verify_all

    try:
        with transaction.atomic():
            call_command("load_demo")
            summary = (
                tuple(Contact.objects.order_by("name", "first_name").values_list("name", "siret", "city")),
                Interaction.objects.count(),
                tuple(sorted(User.objects.values_list("username", flat=True))),
                tuple(
                    EntryLine.objects.order_by(
                        "entry__journal__code", "entry__fiscal_year__start_date", "entry__number", "position"
                    ).values_list(
                        "entry__journal__code", "entry__number", "entry__date", "account__code", "debit", "credit"
                    )
                ),
                all(not problems for problems in verify_all().values()),
                User.objects.get(username="salarie").check_password("demo"),
            )
            call_command("load_demo", "--if-empty")  # a second run keeps the data
            assert Contact.objects.count() == DEMO_CONTACTS
            raise _Rollback(summary)
    except _Rollback as done:
        return done.args[0]


DEMO_CONTACTS = 202  # the contacts demo's 200, and two local authorities on the office's stakeholder map


def test_demo_loads_the_same_data_every_time(db):
    first = _demo_digest()
    contacts, interactions, users, lines, ledger_ok, demo_password = first
    assert len(contacts) == DEMO_CONTACTS and interactions > 300
    assert users == ("assistant", "auditeur", "commercial", "comptable", "direction", "rh", "salarie")
    first_year = [line for line in lines if line[2].year == FIRST_YEAR]  # a whole year, whatever today's date
    assert len(first_year) > 1200 and ledger_ok and demo_password  # 1 511 lines in 2025, loaded on 6 Dec 2026
    assert _demo_digest() == first


def test_unknown_page_is_french_404(client_as):
    response = client_as("direction").get("/nulle-part/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_english_browser_still_gets_french_messages(client_as):
    from django.urls import reverse

    response = client_as("commercial").post(
        reverse("contacts:create"), {"kind": "organisation"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert "Ce champ est obligatoire" in response.content.decode()


def test_every_data_migration_seed_is_restored_after_a_flush():
    """Migrations that write rows (not triggers) are listed in conftest.SEEDS, so transactional tests' flush
    does not leave the next tests without them."""
    import re

    from pilote.conftest import SEEDS

    seeding = set()
    for path in (ROOT / "pilote").glob("*/migrations/*.py"):
        text = path.read_text()
        for function in re.findall(r"RunPython\((\w+)", text):
            body = text.split(f"def {function}(", 1)[1].split("\ndef ", 1)[0] if f"def {function}(" in text else ""
            if re.search(r"\.objects\.(create|get_or_create|bulk_create)|create_default_levels", body):
                seeding.add((f"pilote.{path.parent.parent.name}.migrations.{path.stem}", function))
    assert seeding <= set(SEEDS), seeding - set(SEEDS)


@pytest.mark.django_db
def test_the_seeds_come_back_after_a_flush():
    from pilote.conftest import _reseed
    from pilote.ledger.models import ChainHead
    from pilote.purchases.models import ApprovalLimit
    from pilote.receivables.models import DunningLevel

    DunningLevel.objects.all().delete()
    ApprovalLimit.objects.all().delete()
    ChainHead.objects.all().delete()
    _reseed()
    assert DunningLevel.objects.filter(rank=3).exists() and ApprovalLimit.objects.count() == 3
    assert ChainHead.objects.filter(pk=1).exists()
