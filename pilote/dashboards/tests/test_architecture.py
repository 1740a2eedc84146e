"""Dashboards is the top app: it reads finance, the ledger and sales; no domain app imports it (other apps offer
their indicators through core.registry.register_kpi). The API, like the project's URLs, is the outer layer that
serves every app (its KPI thresholds call dashboards' services)."""

from __future__ import annotations

from pathlib import Path

from pilote.core.tests.test_platform import _imports

ROOT = Path(__file__).resolve().parents[2]


def test_no_app_imports_dashboards():
    for package in ROOT.iterdir():
        if package.is_dir() and (package / "__init__.py").exists() and package.name not in ("dashboards", "api"):
            assert "dashboards" not in _imports(package), package.name


def test_dashboards_reads_the_apps_below_it():
    assert _imports(ROOT / "dashboards") <= {"core", "lib", "ledger", "finance", "sales", "receivables", "dashboards"}
