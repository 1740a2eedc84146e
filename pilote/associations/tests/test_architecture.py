"""Associations sit above the ledger: they may import core, lib, contacts, ledger and the sales helpers for PDF and
e-mail; nothing below imports associations (only the API and dashboards may, later)."""

from __future__ import annotations

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]
ALLOWED_USERS = {"associations", "api", "dashboards"}


def test_no_lower_app_imports_associations():
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name not in ALLOWED_USERS:
            assert "associations" not in _imports(package), package.name


def test_associations_import_only_what_lies_below():
    assert _imports(ROOT / "associations") <= {"core", "lib", "contacts", "ledger", "sales", "associations"}
