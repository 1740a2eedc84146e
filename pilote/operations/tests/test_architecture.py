"""Operations sit on top: they read the shell, contacts, the catalogue, the ledger (the year-end stock entry),
purchases and sales (their receipts and deliveries move the stock, through post_save signals connected from
operations); nothing imports operations."""

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]


def test_operations_read_only_the_apps_below():
    assert _imports(ROOT / "operations") <= {
        "core", "lib", "contacts", "catalog", "ledger", "sales", "purchases", "operations",
    }  # fmt: skip


def test_no_other_app_imports_operations():
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name not in {"operations", "api"}:
            assert "operations" not in _imports(package), package.name
