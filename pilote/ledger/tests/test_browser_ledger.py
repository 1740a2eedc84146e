"""The accountant's main journeys in a real browser: the entry grid driven from the keyboard (running balance,
refusal of an unbalanced entry, posting, reversal), the trial balance and its CSV export, lettering of a
customer, a bank CSV import with its column mapping and a suggestion, and the phone layout.
Run by `make test-browser`; fixtures in pilote/browser_fixtures.py and pilote/ledger/tests/conftest.py."""

import csv
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from pilote.ledger import bank, services
from pilote.ledger.models import Entry, MatchedLine, StatementLine
from pilote.ledger.tests.conftest import sale

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DANGER = "rgb(179, 38, 30)"  # --danger in pilote.css
IBAN = "FR7630004000010001234567830"


def type_date(page, date_field, day: dt.date) -> None:
    """Type a date from the keyboard into an <input type=date>. Its segments follow the browser's interface
    language, not the page's: Debian's Chromium without chromium-l10n only has en-US (mm/dd/yyyy), a French
    one shows jj/mm/aaaa. An unambiguous probe tells which, then the date is typed in that order."""
    date_field.focus()
    page.keyboard.type("11122000")
    month_first = date_field.input_value() == "2000-11-12"
    date_field.fill("")
    date_field.blur()  # back to the first segment
    date_field.focus()
    page.keyboard.type(day.strftime("%m%d%Y" if month_first else "%d%m%Y"))


def field(page, label: str):
    """The form field labelled exactly `label` (Django adds « : » after French labels)."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}\W*$"))


def sidebar_link(page, label: str):
    return page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name=label, exact=True)


def customer_payment(books, amount: str, day=dt.date(2026, 3, 28), label="Règlement Client A"):
    """A posted bank entry: 512 debit / 411 credit on the customer's sub-ledger account."""
    a = books["a"]
    return services.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=day,
        label=label,
        lines=[
            services.LineInput(a["512"], debit=Decimal(amount)),
            services.LineInput(a["411"], credit=Decimal(amount), auxiliary=books["customer"]),
        ],
        post=True,
    )


def test_accountant_enters_an_entry_from_the_keyboard_posts_and_reverses_it(page, sign_in, books, live_server):
    sign_in(page, "comptable")
    sidebar_link(page, "Écritures").click()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/ecritures/")
    expect(page.get_by_role("cell", name="Aucune écriture.")).to_be_visible()
    page.get_by_role("link", name="Nouvelle écriture").click()
    expect(page.get_by_role("heading", name="Nouvelle écriture")).to_be_visible()
    page.wait_for_load_state()  # entry_grid.js (deferred) listens to the keyboard

    # Header: the journal, then the date typed as a French user types it, Enter going from field to field.
    journal = field(page, "Journal")
    journal.select_option(label="OD — Opérations diverses")
    journal.focus()
    page.keyboard.press("Enter")
    date = field(page, "Date")
    expect(date).to_be_focused()
    type_date(page, date, dt.date(2026, 6, 30))
    expect(date).to_have_value("2026-06-30")
    page.keyboard.press("Enter")
    expect(field(page, "Libellé")).to_be_focused()  # Enter did not submit the form
    page.keyboard.type("Loyer juin")
    page.keyboard.press("Enter")
    expect(field(page, "N° de pièce")).to_be_focused()
    page.keyboard.type("L06")
    page.keyboard.press("Enter")
    expect(field(page, "Date de la pièce")).to_be_focused()
    page.keyboard.press("Enter")

    # Line 1: 606 at the debit; the running totals follow the typing.
    expect(page.get_by_label("Compte, ligne 1")).to_be_focused()
    page.keyboard.type("606")
    for name in ("Auxiliaire", "Libellé", "Débit"):
        page.keyboard.press("Enter")
        expect(page.get_by_label(f"{name}, ligne 1")).to_be_focused()
    page.keyboard.type("800,00")
    balance = page.locator("[data-balance]")
    expect(page.locator("[data-total=debit]")).to_have_text("800,00")
    expect(balance).to_have_text("800,00")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Crédit, ligne 1")).to_be_focused()
    page.keyboard.press("Enter")

    # Line 2: 512 at the credit, one cent short.
    expect(page.get_by_label("Compte, ligne 2")).to_be_focused()
    page.keyboard.type("512")
    for _ in range(4):
        page.keyboard.press("Enter")
    expect(page.get_by_label("Crédit, ligne 2")).to_be_focused()
    page.keyboard.type("799,99")
    expect(page.locator("[data-total=credit]")).to_have_text("799,99")
    expect(balance).to_have_text("0,01")
    expect(balance).to_have_class(re.compile(r"\bunbalanced\b"))
    expect(balance).to_have_css("color", DANGER)

    # Enter on the last field adds a line and puts the cursor in its account.
    page.keyboard.press("Enter")
    expect(page.get_by_label("Compte, ligne 3")).to_be_focused()
    expect(page.get_by_label("Compte, ligne 3")).to_have_value("")
    expect(page.locator("[data-lines] tr")).to_have_count(3)

    # Posting refuses the unbalanced entry, in French, and keeps what was typed.
    page.get_by_role("button", name="Valider l'écriture").click()
    expect(page.locator(".errorlist.nonfield")).to_contain_text("pas équilibrée")
    assert not Entry.objects.exists()
    expect(page.get_by_label("Compte, ligne 1")).to_have_value("606")
    expect(field(page, "Libellé")).to_have_value("Loyer juin")
    expect(balance).to_have_text("0,01")
    expect(balance).to_have_class(re.compile(r"\bunbalanced\b"))

    # Corrected, the gap goes back to zero, and the entry is posted with its number and its hash.
    page.get_by_label("Crédit, ligne 2").fill("800,00")
    expect(balance).to_have_text("0,00")
    expect(balance).not_to_have_class(re.compile(r"\bunbalanced\b"))
    expect(balance).not_to_have_css("color", DANGER)
    page.get_by_role("button", name="Valider l'écriture").click()

    entry = Entry.objects.get()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/ecritures/{entry.pk}/")
    expect(page.locator(".message-success")).to_have_text("Écriture validée sous le n° 1.")
    expect(page.get_by_role("heading", level=1)).to_have_text("OD n° 1 — Loyer juin")
    assert (entry.is_posted, entry.number, entry.date, entry.piece_ref) == (True, 1, dt.date(2026, 6, 30), "L06")
    assert [(line.account.code, line.debit, line.credit) for line in entry.lines.order_by("position")] == [
        ("606", Decimal("800.00"), Decimal("0.00")),
        ("512", Decimal("0.00"), Decimal("800.00")),
    ]
    expect(page.locator("dt", has_text="Empreinte")).to_be_visible()
    expect(page.locator("code.hash")).to_have_text(entry.hash)
    assert re.fullmatch(r"[0-9a-f]{64}", entry.hash)

    # Reversal, after the browser's confirmation.
    dialogs = []

    def accept(dialog):
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.get_by_role("button", name="Contre-passer").click()
    reversal = Entry.objects.get(reversal_of=entry)
    expect(page).to_have_url(f"{live_server.url}/comptabilite/ecritures/{reversal.pk}/")
    assert dialogs == ["Contre-passer cette écriture ?"]
    expect(page.locator(".message-success")).to_have_text("Contre-passation OD n° 2 validée.")
    expect(page.get_by_role("heading", level=1)).to_have_text("OD n° 2 — Contre-passation de OD n° 1")
    expect(page.locator("dt", has_text=re.compile(r"^Contre-passe$"))).to_be_visible()
    assert reversal.is_posted and reversal.previous_hash == entry.hash
    original_link = page.locator("dd").get_by_role("link", name="OD 1 — Loyer juin")
    original_link.click()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/ecritures/{entry.pk}/")
    expect(page.locator("dt", has_text="Contre-passée par")).to_be_visible()
    expect(page.get_by_role("button", name="Contre-passer")).to_have_count(0)  # reversed only once


def test_trial_balance_totals_and_csv_export(page, sign_in, books, live_server):
    sale(books)
    sale(books, amount="1234.50", vat="246.90", day=dt.date(2026, 5, 2), label="Facture F-2")
    sign_in(page, "comptable")
    sidebar_link(page, "Balance").click()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/balance/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Balance générale — Exercice 2026")

    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("411")
    expect(rows.first).to_contain_text("Clients")
    totals = page.locator("table tfoot th")
    expect(totals).to_have_text(["Totaux", "0,00 €", "0,00 €", "1 601,40 €", "1 601,40 €", "1 601,40 €", "1 601,40 €"])

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    assert re.fullmatch(r"balance-2026-\d{8}\.csv", download.suggested_filename)
    raw = download.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert text.splitlines()[0] == (
        "compte;libelle;ouverture_debit;ouverture_credit;mouvements_debit;mouvements_credit;solde_debit;solde_credit"
    )
    data = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    assert [row[0] for row in data] == ["411", "44571", "707"]
    assert data[0] == ["411", "Clients", "0,00", "0,00", "1601,40", "0,00", "1601,40", "0,00"]
    assert data[2] == ["707", "Ventes de marchandises", "0,00", "0,00", "0,00", "1334,50", "0,00", "1334,50"]


def test_lettering_a_customer_invoice_with_its_payment(page, sign_in, books, live_server):
    invoice = sale(books)  # 120,00 € at the debit of C000001
    customer_payment(books, "120.00")
    sign_in(page, "comptable")
    sidebar_link(page, "Clients et fournisseurs").click()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/tiers/")
    customer_row = page.get_by_role("row").filter(has_text="C000001")
    expect(customer_row).to_contain_text("Client A")
    customer_row.get_by_role("link", name="Lettrage").click()
    page.wait_for_load_state()  # the page's script sums the selection

    expect(page).to_have_url(f"{live_server.url}/comptabilite/tiers/{books['customer'].pk}/lettrage/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Lettrage — C000001 Client A")
    boxes = page.locator("input[name=lignes]")
    expect(boxes).to_have_count(2)
    selection = page.locator("[data-selection]")
    boxes.nth(0).check()
    expect(selection).to_have_text("120,00 €")
    boxes.nth(1).check()
    expect(selection).to_have_text("0,00 €")
    page.get_by_role("button", name="Lettrer la sélection").click()

    expect(page.locator(".message-success")).to_have_text("Lignes lettrées (code A).")
    expect(page.get_by_role("cell", name="Tout est lettré : aucune échéance ouverte.")).to_be_visible()
    expect(page.locator("input[name=lignes]")).to_have_count(0)
    assert MatchedLine.objects.filter(matching__code="A", line__entry=invoice).count() == 1
    assert MatchedLine.objects.filter(matching__code="A").count() == 2


STATEMENT = (
    "Date;Libellé;Montant;Référence\n"
    "02/04/2026;VIR CLIENT A FACTURE F-1;120,00;VIR-001\n"
    "05/04/2026;FRAIS TENUE DE COMPTE;-12,50;\n"
    "08/04/2026;PRLV ASSURANCE;-85,00;PRLV-77\n"
).encode()


def test_bank_csv_import_with_column_mapping_then_a_suggestion(page, sign_in, books, live_server):
    sale(books)  # an open 120,00 € invoice of Client A
    account = bank.create_bank_account(actor=books["actor"], name="Compte courant", iban=IBAN, journal_code="BQ")
    sign_in(page, "comptable")
    sidebar_link(page, "Banques et rapprochement").click()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/banques/")
    page.get_by_role("link", name="Compte courant").click()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/banques/{account.pk}/")

    page.get_by_label("Relevé (CAMT.053, OFX ou CSV)").set_input_files(
        {"name": "avril.csv", "mimeType": "text/csv", "buffer": STATEMENT}
    )
    page.get_by_role("button", name="Importer le relevé").click()

    # First CSV of this bank: the column-mapping screen, with the file's columns and a sample.
    # The file waits under a token named in the URL (core.pending), not in a session key a second tab would reuse.
    expect(page).to_have_url(
        re.compile(rf"{live_server.url}/comptabilite/banques/{account.pk}/colonnes/\?fichier=[\w-]+$")
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Colonnes du relevé CSV — avril.csv")
    # The line is shown twice: in the file's sample and in the preview read with the proposed columns.
    expect(page.get_by_role("cell", name="FRAIS TENUE DE COMPTE")).to_have_count(2)
    page.get_by_label(re.compile(r"^Colonne date\s*:?$")).select_option("Date")
    page.get_by_label("Colonne libellé").select_option("Libellé")
    page.get_by_label("Colonne montant").select_option("Montant")
    page.get_by_label("Colonne référence").select_option("Référence")
    page.get_by_label("Format de date").select_option(label="JJ/MM/AAAA")
    expect(page.get_by_label("Virgule décimale")).to_be_checked()
    page.get_by_role("button", name="Importer avec ces colonnes").click()

    expect(page).to_have_url(f"{live_server.url}/comptabilite/banques/{account.pk}/")
    expect(page.locator(".message-success")).to_have_text("3 lignes importées ; disposition des colonnes enregistrée.")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="FRAIS TENUE DE COMPTE")).to_contain_text("-12,50 €")
    payment = rows.filter(has_text="VIR CLIENT A FACTURE F-1")
    expect(payment).to_contain_text("120,00 €")
    expect(payment).to_contain_text("à rapprocher")
    expect(page.get_by_text("avril.csv (CSV) : 3 lignes")).to_be_visible()
    account.refresh_from_db()
    assert account.csv_mapping["amount_column"] == "Montant"

    # The customer's payment: its suggestion is the open invoice, settled and lettered in one click.
    payment.get_by_role("link", name="VIR CLIENT A FACTURE F-1").click()
    line = StatementLine.objects.get(reference="VIR-001")
    expect(page).to_have_url(f"{live_server.url}/comptabilite/releves/{line.pk}/")
    suggestion = page.locator("section", has=page.get_by_role("heading", name="Suggestions")).locator("li")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("Facture ouverte")
    expect(suggestion).to_contain_text("même montant")
    expect(suggestion).to_contain_text("Client A")
    suggestion.get_by_role("button", name="Enregistrer le règlement et lettrer").click()

    expect(page).to_have_url(f"{live_server.url}/comptabilite/banques/{account.pk}/")
    expect(page.locator(".message-success")).to_have_text("Ligne rapprochée.")
    expect(rows).to_have_count(2)  # the "à rapprocher" list no longer shows it
    expect(page.get_by_role("link", name="VIR CLIENT A FACTURE F-1")).to_have_count(0)
    line.refresh_from_db()
    assert line.is_reconciled
    booked = line.entry_line.entry
    assert (booked.journal.code, booked.is_posted) == ("BQ", True)
    page.get_by_role("link", name="Rapprochées").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text(f"BQ {booked.number}")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True)
def test_entries_and_trial_balance_on_a_phone(page, sign_in, books, live_server, screenshots):
    for i in range(3):
        sale(books, day=dt.date(2026, 3, 10 + i), label=f"Facture F-{i + 1} Établissements Vasseur & Fils, atelier")
    sign_in(page, "comptable")

    page.get_by_role("button", name="Menu").tap()
    sidebar_link(page, "Écritures").tap()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/ecritures/")
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("table thead a.sort").first).to_be_visible()  # a line of sort links above stacked rows
    expect(page.get_by_role("link", name="Nouvelle écriture")).to_be_visible()
    expect(rows.first.get_by_role("link")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The entry grid stacks each line's fields: the credit is reachable without scrolling sideways.
    page.get_by_role("link", name="Nouvelle écriture").tap()
    expect(page.get_by_label("Crédit, ligne 1")).to_be_visible()
    credit = page.get_by_label("Crédit, ligne 1").bounding_box()
    assert credit["x"] + credit["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    page.get_by_role("button", name="Menu").tap()
    sidebar_link(page, "Balance").tap()
    expect(page).to_have_url(f"{live_server.url}/comptabilite/balance/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Afficher")).to_be_visible()
    # Each account is stacked into label / value pairs: nothing to scroll sideways, not even in the frame.
    wrap = page.locator(".table-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    headers = page.locator("table thead th").filter(has=page.get_by_role("link", name="Crédit"))
    movements = headers.filter(has_text="Mouvements")  # « Mouvements Crédit », named as such on a phone
    expect(movements).to_be_visible()
    movements.get_by_role("link").tap()
    expect(page).to_have_url(re.compile(r"tri=credit"))
    movements.get_by_role("link").tap()  # again: the largest first
    expect(page).to_have_url(re.compile(r"tri=-credit"))
    expect(page.locator("table tbody tr").first.locator('td[data-label="Compte"]')).to_have_text("707")
    row = page.locator("table tbody tr").filter(has_text="707")
    expect(row.locator('td[data-label="Crédit"]')).to_have_text("300,00 €")
    expect(row.locator('td[data-label="Solde créditeur"]')).to_be_in_viewport()
    expect(page.locator("table tfoot th").last).to_have_attribute("data-label", "Solde créditeur")
    page.screenshot(path=str(screenshots / "trial-balance-phone.png"), full_page=True)
    # A long label (« Ouverture crédit ») wraps in its margin instead of running into an amount: the
    # amount cells do not wrap (.num), and the label written before them must not inherit that.
    assert page.evaluate(
        """() => [...document.querySelectorAll('table.responsive td[data-label], tfoot th[data-label]')]
            .every(cell => getComputedStyle(cell, '::before').whiteSpace === 'normal')"""
    )
    expect(page.locator("table tfoot th").last).to_have_text("360,00 €")
