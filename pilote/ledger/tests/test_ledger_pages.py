import csv
import datetime as dt
import html
import io
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pilote.ledger.models import Entry
from pilote.ledger.tests.conftest import sale


def _grid(books, lines, **extra):
    data = {
        "journal": books["j"]["OD"].pk,
        "date": "2026-06-30",
        "label": "Loyer juin",
        "piece_ref": "L06",
        "lignes-TOTAL_FORMS": len(lines),
        "lignes-INITIAL_FORMS": 0,
        "lignes-MIN_NUM_FORMS": 2,
        "lignes-MAX_NUM_FORMS": 500,
        **extra,
    }
    for i, (account, aux, debit, credit) in enumerate(lines):
        data.update(
            {
                f"lignes-{i}-account": account,
                f"lignes-{i}-auxiliary": aux,
                f"lignes-{i}-label": "",
                f"lignes-{i}-debit": debit,
                f"lignes-{i}-credit": credit,
            }
        )
    return data


def test_accountant_enters_a_draft_then_posts_it(client_as, books):
    client = client_as("comptable")
    unbalanced = _grid(books, [("606", "", "800,00", ""), ("512", "", "", "799,99")], valider="1")
    response = client.post(reverse("ledger:entry-create"), unbalanced)
    assert "pas équilibrée" in html.unescape(response.content.decode())
    assert not Entry.objects.exists()  # posting failed: the whole save rolled back
    draft_only = {k: v for k, v in unbalanced.items() if k != "valider"}
    client.post(reverse("ledger:entry-create"), {**draft_only, "brouillard": "1"})
    draft = Entry.objects.get()
    assert draft.status == "draft"
    edit = _grid(books, [("606", "", "800,00", ""), ("512", "", "", "800,00")], valider="1", version=draft.version)
    client.post(reverse("ledger:entry-edit", args=[draft.pk]), edit)
    draft.refresh_from_db()
    assert draft.is_posted and draft.number == 1


def test_unknown_account_is_named(client_as, books):
    response = client_as("comptable").post(
        reverse("ledger:entry-create"), _grid(books, [("6061", "", "10", ""), ("512", "", "", "10")])
    )
    assert "Compte 6061 inconnu du plan comptable" in response.content.decode()


def test_reverse_from_the_page(client_as, books):
    entry = sale(books)
    client = client_as("comptable")
    client.post(reverse("ledger:entry-reverse", args=[entry.pk]))
    assert Entry.objects.filter(reversal_of=entry, status="posted").exists()
    page = client.get(reverse("ledger:entry-detail", args=[entry.pk])).content.decode()
    assert "Contre-passée par" in page


def test_trial_balance_page_and_csv(client_as, books):
    sale(books)
    sale(books, amount="1234.50", vat="246.90", day=dt.date(2026, 5, 2))
    client = client_as("auditeur")
    response = client.get(reverse("ledger:trial-balance"))
    assert response.context["totals"]["debit"] == response.context["totals"]["credit"] == Decimal("1601.40")
    export = client.get(reverse("ledger:trial-balance"), {"export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == [
        "compte",
        "libelle",
        "ouverture_debit",
        "ouverture_credit",
        "mouvements_debit",
        "mouvements_credit",
        "solde_debit",
        "solde_credit",
    ]
    assert rows[1] == ["411", "Clients", "0,00", "0,00", "1601,40", "0,00", "1601,40", "0,00"]


def test_trial_balance_query_count_does_not_depend_on_volume(client_as, books):
    client = client_as("comptable")
    sale(books)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("ledger:trial-balance"))
    for i in range(30):
        sale(books, day=dt.date(2026, 1 + i % 12, 5))
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("ledger:trial-balance"))
    assert len(large) == len(small)


def test_lock_refuses_later_postings(client_as, books):
    client = client_as("comptable")
    client.post(reverse("ledger:fiscal-year-lock", args=[books["year"].pk]), {"locked_until": "2026-03-31"})
    books["year"].refresh_from_db()
    assert books["year"].locked_until == dt.date(2026, 3, 31)
    response = client.post(
        reverse("ledger:entry-create"),
        _grid(books, [("606", "", "5", ""), ("512", "", "", "5")], date="2026-02-01", valider="1"),
    )
    assert "verrouillée jusqu&#x27;au 31/03/2026" in response.content.decode()


def test_verification_page(client_as, books):
    sale(books)
    page = client_as("direction").get(reverse("ledger:verify")).content.decode()
    from pilote.ledger.verify import verify_all

    assert page.count("Aucune anomalie") == len(verify_all())  # the ledger's checks and those apps register


def test_opening_entries_fill_the_opening_columns(client_as, books):
    from pilote.ledger import services
    from pilote.ledger.verify import verify_all

    a = books["a"]
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["AN"],
        date=dt.date(2026, 1, 1),
        label="À-nouveaux",
        post=True,
        lines=[
            services.LineInput(a["512"], debit=Decimal("500.00")),
            services.LineInput(a["101"], credit=Decimal("500.00")),
        ],
    )
    services.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=dt.date(2026, 1, 20),
        label="Frais",
        post=True,
        lines=[
            services.LineInput(a["606"], debit=Decimal("20.00")),
            services.LineInput(a["512"], credit=Decimal("20.00")),
        ],
    )
    rows = {r.code: r for r in client_as("comptable").get(reverse("ledger:trial-balance")).context["rows"]}
    bank = rows["512"]
    assert (bank.opening_debit, bank.opening_credit, bank.debit, bank.credit) == (
        Decimal("500.00"),
        0,
        0,
        Decimal("20.00"),
    )
    assert bank.closing_debit == Decimal("480.00")
    assert all(not problems for problems in verify_all().values())


def test_general_ledger_running_balance_across_pages(client_as, books, monkeypatch):
    from pilote.ledger import queries

    monkeypatch.setattr(queries, "GL_PAGE", 4)
    for i in range(10):
        sale(books, amount="10.00", vat="2.00", day=dt.date(2026, 1 + i, 10), label=f"Facture F-{i}")
    client = client_as("comptable")
    page1 = client.get(reverse("ledger:general-ledger"), {"compte": "707"}).context["ledger"]
    assert page1.total == 10 and page1.opening == 0
    assert [line.running_balance for line in page1.lines] == [Decimal(f"-{10 * n}.00") for n in range(1, 5)]
    page3 = client.get(reverse("ledger:general-ledger"), {"compte": "707", "page": 3}).context["ledger"]
    assert page3.opening == Decimal("-80.00")  # 8 lines before, from the monthly aggregates
    assert [line.running_balance for line in page3.lines] == [Decimal("-90.00"), Decimal("-100.00")]
    by_customer = client.get(reverse("ledger:general-ledger"), {"compte": "411", "auxiliaire": "C000001"})
    assert by_customer.context["ledger"].total == 10


def test_lettering_page_letters_the_selection(client_as, books):
    from pilote.ledger import services as s

    invoice = sale(books)
    a = books["a"]
    payment = s.create_entry(
        actor=books["actor"],
        journal=books["j"]["BQ"],
        date=dt.date(2026, 4, 1),
        label="Règlement",
        post=True,
        lines=[
            s.LineInput(a["512"], debit=Decimal("120.00")),
            s.LineInput(a["411"], credit=Decimal("120.00"), auxiliary=books["customer"]),
        ],
    )
    client = client_as("comptable")
    url = reverse("ledger:lettering", args=[books["customer"].pk])
    assert len(client.get(url).context["page"].rows) == 2
    ids = [invoice.lines.get(account__code="411").pk, payment.lines.get(account__code="411").pk]
    client.post(reverse("ledger:lettering-letter", args=[books["customer"].pk]), {"lignes": ids})
    assert client.get(url).context["page"].rows == []


def test_trial_balance_command_csv(books, capsys):
    from django.core.management import CommandError, call_command

    sale(books)
    call_command("trial_balance", "--year", "2026", "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == "compte;libelle;ouverture_debit;ouverture_credit;mouvements_debit;mouvements_credit;solde_debit;solde_credit"
    )
    assert "44571;TVA collectée;0,00;0,00;0,00;20,00;0,00;20,00" in lines
    import pytest

    with pytest.raises(CommandError, match="Aucun exercice ne se clôt en 2031"):
        call_command("trial_balance", "--year", "2031")


def test_fec_download_from_the_setup_page(client_as, books, structure):
    sale(books)
    response = client_as("auditeur").get(reverse("ledger:fec-download", args=[books["year"].pk]))
    assert response["Content-Disposition"] == 'attachment; filename="912345675FEC20261231.txt"'
    text = b"".join(response.streaming_content).decode("iso-8859-15")
    assert text.startswith("JournalCode|JournalLib|EcritureNum|")
    assert text.count("\r\n") == 4  # header + 3 lines


def test_custom_journal_and_auxiliary_account_from_the_pages(client_as, books):
    from pilote.contacts.models import Contact
    from pilote.ledger.models import AuxiliaryAccount, Journal

    client = client_as("comptable")
    client.post(reverse("ledger:journal-create"), {"code": "ca", "label": "Caisse", "kind": "cash", "account": "530"})
    assert Journal.objects.get(code="CA").account.code == "530"
    response = client.post(
        reverse("ledger:journal-create"), {"code": "BQ9", "label": "Banque", "kind": "bank"}, follow=True
    )
    assert "compte de trésorerie" in response.content.decode()
    contact = Contact.objects.create(name="Atelier Martin", is_customer=True)
    client.post(reverse("ledger:auxiliary-create"), {"contact": contact.pk, "control": "411"})
    aux = AuxiliaryAccount.objects.get(contact=contact)
    assert aux.code.startswith(f"C{contact.pk:06d}") and aux.control_account.code == "411"


def test_general_ledger_page_starting_inside_a_month(client_as, books, monkeypatch):
    from pilote.ledger import queries

    monkeypatch.setattr(queries, "GL_PAGE", 4)
    for i in range(10):
        sale(books, amount="10.00", vat="2.00", day=dt.date(2026, 5, 1 + i), label=f"Facture F-{i}")
    page2 = client_as("comptable").get(reverse("ledger:general-ledger"), {"compte": "707", "page": 2}).context["ledger"]
    assert page2.opening == Decimal("-40.00")  # 4 lines of the same month before the page
    assert [line.running_balance for line in page2.lines] == [Decimal(f"-{10 * n}.00") for n in range(5, 9)]


def test_every_general_ledger_page_matches_a_full_scan(books, monkeypatch):
    """Pages starting at a month's first line, nearer its start, nearer its end, on a crowded day, across
    months, for an account and an auxiliary account: the lines and the balance brought forward equal a
    scan of every line, in a bounded number of queries."""
    from pilote.ledger import queries
    from pilote.ledger.models import EntryLine

    monkeypatch.setattr(queries, "GL_PAGE", 3)
    days = [dt.date(2026, 1, 5)] * 7 + [dt.date(2026, 1, 20), dt.date(2026, 2, 3)] + [dt.date(2026, 3, 9)] * 6
    for n, day in enumerate(days, start=1):
        sale(books, amount=f"{n}.00", vat="1.00", day=day, label=f"Facture F-{n}")
    a = books["a"]
    for account, auxiliary in ((a["707"], None), (a["411"], books["customer"])):
        lines = EntryLine.objects.filter(account=account, fiscal_year=books["year"], is_posted=True)
        expected = list(lines.order_by("date", "id").values_list("id", "debit", "credit"))
        assert len(expected) == len(days)
        for page in range(1, 7):
            with CaptureQueriesContext(connection) as queries_run:
                result = queries.general_ledger(books["year"], account, auxiliary, page)
            assert len(queries_run) <= 5
            assert result.page == min(page, 5)  # past the end: the last page
            start = (result.page - 1) * 3
            assert result.opening == sum((d - c for _, d, c in expected[:start]), Decimal(0))
            assert [line.pk for line in result.lines] == [pk for pk, _, _ in expected[start : start + 3]]
            running = result.opening
            for line, (_, debit, credit) in zip(result.lines, expected[start : start + 3], strict=True):
                running += debit - credit
                assert line.running_balance == running
            assert (result.has_previous, result.has_next) == (result.page > 1, result.page < 5)
