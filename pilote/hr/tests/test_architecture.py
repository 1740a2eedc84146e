"""hr reads and writes through the shell and posts the payroll entry through the ledger's services; nothing
below it imports hr (only the project's settings and URLs mount it)."""

from __future__ import annotations

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_USERS = {"hr", "dashboards", "api", "takeover"}


def test_hr_uses_only_the_shell_and_the_ledger():
    assert _imports(ROOT / "hr") <= {"core", "lib", "ledger", "hr"}


def test_no_lower_app_imports_hr():
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name not in ALLOWED_USERS:
            assert "hr" not in _imports(package), package.name
