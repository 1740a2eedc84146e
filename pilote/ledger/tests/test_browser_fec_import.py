"""The FEC import page in a real browser: a refused file's report, then a valid file imported after
confirmation. Run with `pytest -m browser`."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from pilote.ledger.models import Entry, FiscalYear
from pilote.ledger.tests.test_fec_upload import _unbalanced

pytestmark = pytest.mark.browser

GOLDEN = Path(__file__).parent / "golden" / "fec_small.txt"


def test_accountant_imports_a_fec_from_the_menu(page, sign_in, personas, tmp_path, screenshots):
    bad, good = tmp_path / "912345675FEC20261231-faux.txt", tmp_path / "912345675FEC20261231.txt"
    bad.write_bytes(_unbalanced())
    good.write_bytes(GOLDEN.read_bytes())
    sign_in(page, "comptable")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Import FEC").click()
    page.get_by_label("Fichier FEC").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_text("Fichier refusé : 3 anomalie(s)")).to_be_visible()
    expect(page.get_by_role("cell", name="écriture déséquilibrée, Debit … ≠ Credit … (écart …).")).to_be_visible()
    expect(page.get_by_role("button", name="Importer")).to_have_count(0)
    page.screenshot(path=str(screenshots / "fec-refused.png"), full_page=True)
    assert not Entry.objects.exists()

    page.get_by_role("link", name="Déposer un fichier corrigé").click()
    page.get_by_label("Fichier FEC").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_text("Le fichier est conforme")).to_be_visible()
    # The new year's dates, proposed from the file, are confirmed (here corrected) before the import.
    expect(page.get_by_label("Début de l'exercice")).to_have_value("2026-01-01")
    expect(page.get_by_label("Fin de l'exercice (date de clôture)")).to_have_value("2026-12-31")
    page.get_by_label("Fin de l'exercice (date de clôture)").fill("2027-03-31")
    page.screenshot(path=str(screenshots / "fec-dates.png"), full_page=True)
    page.get_by_role("button", name="Importer 6 écritures").click()
    expect(page.get_by_text("6 écriture(s) et 18 ligne(s) importées et validées")).to_be_visible()
    page.screenshot(path=str(screenshots / "fec-imported.png"), full_page=True)
    assert Entry.objects.count() == 6
    year = FiscalYear.objects.get()
    assert (year.start_date.isoformat(), year.end_date.isoformat()) == ("2026-01-01", "2027-03-31")
