"""Finance reads the ledger; nothing below it imports finance (only dashboards and the API may)."""

from __future__ import annotations

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_USERS = {"finance", "dashboards", "api"}


def test_no_lower_app_imports_finance():
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name not in ALLOWED_USERS:
            assert "finance" not in _imports(package), package.name


def test_finance_reads_only_the_ledger_and_the_shell():
    assert _imports(ROOT / "finance") <= {"core", "lib", "ledger", "finance"}
