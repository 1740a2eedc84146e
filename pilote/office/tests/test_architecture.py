"""The office plugs into nothing: no other app imports it (they reach it only through core's registries), and it
imports only the shell, the pure helpers and contacts."""

from __future__ import annotations

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]


def test_no_other_app_imports_office():
    # The API is the mounting layer of every domain's routes (like the root urls.py): it reads office's queries.
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name not in ("office", "api"):
            assert "office" not in _imports(package), package.name


def test_office_imports_only_core_lib_and_contacts():
    assert _imports(ROOT / "office") <= {"core", "lib", "contacts", "office"}
