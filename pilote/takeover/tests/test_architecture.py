"""takeover is a top app: it reads the apps whose data it takes over and writes through their services; nothing
imports it (only the project's settings and URLs mount it)."""

from __future__ import annotations

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]


def test_takeover_reads_only_the_apps_it_fills():
    assert _imports(ROOT / "takeover") <= {"core", "lib", "contacts", "catalog", "ledger", "sales", "purchases",
                                          "hr", "takeover"}  # fmt: skip


def test_nothing_imports_takeover():
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name != "takeover":
            assert "takeover" not in _imports(package), package.name
