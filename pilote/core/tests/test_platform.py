"""Platform guarantees: production settings pass check --deploy, the import graph points one way,
the demo loads deterministically, errors show French pages."""

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
APPS_BELOW_CORE = ["contacts"]


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 60 + "-production-secret-for-the-test",
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


def test_production_refuses_to_start_without_a_secret(tmp_path):
    env = {**os.environ, "DJANGO_ENV": "production", "DJANGO_ALLOWED_HOSTS": "x.fr"}
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


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


def test_demo_loads_the_same_data_every_time(db):
    from pilote.contacts.models import Contact, Interaction, Tag
    from pilote.core.models import User

    call_command("load_demo")
    first = list(Contact.objects.order_by("pk").values_list("name", "siret", "city"))
    assert len(first) == 200
    assert Interaction.objects.count() > 300
    assert sorted(User.objects.values_list("username", flat=True)) == sorted(
        ["direction", "comptable", "commercial", "rh", "assistant", "salarie", "auditeur"]
    )
    assert User.objects.get(username="salarie").check_password("demo")
    call_command("load_demo", "--if-empty")  # a second run keeps the data
    assert Contact.objects.count() == 200
    digest = hash(tuple(first))
    Contact.objects.all().delete()
    Interaction.objects.all().delete()
    Tag.objects.all().delete()
    from pilote.core.models import AuditEvent, Structure

    AuditEvent.objects.all().delete()
    Structure.objects.all().delete()
    User.objects.all().delete()
    call_command("load_demo")
    assert hash(tuple(Contact.objects.order_by("pk").values_list("name", "siret", "city"))) == digest


def test_unknown_page_is_french_404(client_as):
    response = client_as("direction").get("/nulle-part/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()


def test_english_browser_still_gets_french_messages(client_as):
    from django.urls import reverse

    response = client_as("commercial").post(
        reverse("contacts:create"), {"kind": "organisation"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9"
    )
    assert "Ce champ est obligatoire" in response.content.decode()
