"""Projects sit above contacts and sales: they read contacts, the catalogue and the shell, draft invoices of time
spent through the sales services and read their actual income and expenses in the ledger's analytic aggregates
(budget vs actual); no other app imports them (a dashboard
or the API would plug in through a registry or import them from above)."""

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]


def test_projects_read_only_contacts_sales_the_ledger_and_the_shell():
    assert _imports(ROOT / "projects") <= {"core", "lib", "contacts", "catalog", "ledger", "sales", "projects"}


def test_no_other_app_imports_projects():
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name not in {"projects", "api"}:
            assert "projects" not in _imports(package), package.name
