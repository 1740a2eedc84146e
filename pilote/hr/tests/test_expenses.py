"""Expense reports: VAT deductible only where the rules allow, the mileage scale by band, the report from the
employee's entry to its approval, posting (expense accounts, 44566, 421 sub-account) and reimbursement; who sees
what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilote.core.exceptions import DomainError
from pilote.hr import expenses
from pilote.hr.models import ExpenseStatus
from pilote.hr.services import expenses as services
from pilote.lib.dates import local_today

d, D = dt.date, Decimal
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.4\n%fake receipt\n"


def receipt(name="ticket.png", data=PNG):
    return SimpleUploadedFile(name, data, content_type="image/png")


def test_vat_is_deductible_only_where_the_rules_allow():
    def vat(category, amount="60.00", tax="10.00", receipt=True, liable=True):
        return expenses.deductible_vat(category, D(amount), D(tax), has_receipt=receipt, liable=liable).deductible

    assert vat("repas") == D("10.00") and vat("peage") == D("10.00")
    assert vat("hebergement") == vat("transport") == vat("stationnement") == 0  # 206 IV-2-2°, 5°, 6°
    assert vat("carburant") == D("8.00")  # 80 % for a passenger car (CGI 298, 4-1°)
    assert vat("cadeau", amount="73.00") == D("10.00") and vat("cadeau", amount="73.01") == 0
    assert vat("repas", receipt=False) == 0 and vat("repas", liable=False) == 0
    assert "206 IV-2-5°" in expenses.deductible_vat("transport", D(50), D(5), has_receipt=True, liable=True).reason
    assert expenses.check_line("repas", D("10.00"), D("10.00")) == ["La TVA est positive et inférieure au montant TTC."]
    assert expenses.check_line("kilometrique", D("10.00"), D("1.00"))


def test_mileage_follows_the_yearly_scale_band_by_band():
    # 5 CV, 8 000 km in the year: 8 000 × 0,357 + 1 395 = 4 251 € (arrêté du 27 mars 2023)
    assert expenses.yearly_allowance(2026, "voiture", 5, D(8000)) == D("4251.000")
    assert expenses.yearly_allowance(2025, "voiture", 5, D(5000)) == D("3180.000")  # first band up to 5 000 km
    assert expenses.yearly_allowance(2025, "voiture", 5, D(5001)) == D("3180.357")
    assert expenses.yearly_allowance(2025, "voiture", 9, D(100)) == D("69.700")  # 7 CV and more
    assert expenses.yearly_allowance(2025, "voiture", 2, D(100)) == D("52.900")  # 3 CV and less
    assert expenses.yearly_allowance(2025, "moto", 4, D(4000)) == D("1486.000")  # 4 000 × 0,082 + 1 158
    assert expenses.yearly_allowance(2025, "cyclomoteur", 0, D(1000)) == D("315.000")
    # trips add up to the scale of the year's distance whatever their split
    first = expenses.trip_allowance(2026, "voiture", 5, D(3000))
    second = expenses.trip_allowance(2026, "voiture", 5, D(5000), before=D(3000))
    assert first == D("1908.00") and first + second == D("4251.00")
    assert expenses.trip_allowance(2026, "voiture", 5, D(100), electric=True) == D("76.32")  # +20 %


@pytest.mark.django_db
def test_a_report_from_the_employee_to_the_bank(staff, personas, books, client_as):
    thomas, me = staff["thomas"], personas["salarie"]
    report = services.create_report(actor=me, employee=thomas, title="Déplacement Grenoble")
    services.add_line(actor=me, report=report, spent_on=d(2026, 11, 3), category="repas", description="Déjeuner",
                      amount=D("24.20"), vat=D("2.20"), receipt=receipt())  # fmt: skip
    services.add_line(actor=me, report=report, spent_on=d(2026, 11, 3), category="hebergement", description="Hôtel",
                      amount=D("98.00"), vat=D("8.91"), receipt=receipt("hotel.pdf", PDF))  # fmt: skip
    line = services.add_line(actor=me, report=report, spent_on=d(2026, 11, 3), category="kilometrique",
                             description="Lyon – Grenoble aller-retour", vehicle="voiture", horsepower=5,
                             distance=D(220))  # fmt: skip
    assert line.amount == D("139.92") and line.deductible_vat == 0  # 220 × 0,636
    with pytest.raises(DomainError, match="JPEG, PNG"):
        services.add_line(actor=me, report=report, spent_on=d(2026, 11, 3), category="repas", description="x",
                          amount=D(10), receipt=receipt("virus.png", b"MZ\x90\0"))  # fmt: skip
    report.refresh_from_db()
    assert report.total == D("262.12") and report.deductible_vat == D("2.20")
    with pytest.raises(DomainError, match="pas décider"):
        services.decide_report(actor=me, report=services.submit_report(actor=me, report=report), approve=True)
    with pytest.raises(DomainError, match="motif"):
        services.decide_report(actor=personas["direction"], report=report, approve=False)
    services.decide_report(actor=personas["direction"], report=report, approve=True)  # the manager
    report = services.post_report(actor=personas["comptable"], report=report, on=d(2026, 11, 30))
    lines = {(x.account.code, x.auxiliary.code if x.auxiliary else ""): (x.debit, x.credit)
             for x in report.entry.lines.select_related("account", "auxiliary")}  # fmt: skip
    code = f"S{thomas.register_number:06d}"
    assert lines == {("6256", ""): (D("120.00"), 0), ("6251", ""): (D("139.92"), 0), ("44566", ""): (D("2.20"), 0),
                     ("421", code): (0, D("262.12"))}  # fmt: skip
    assert report.status == ExpenseStatus.POSTED and report.entry.is_posted
    report = services.reimburse_report(actor=personas["comptable"], report=report, bank_account=books,
                                       on=d(2026, 12, 1))  # fmt: skip
    assert report.status == ExpenseStatus.PAID and report.payment_entry.journal.code == "BQ"
    owed = report.payment_entry.lines.get(account__code="421")
    assert owed.debit == D("262.12") and not owed.match.matching.is_partial
    from pilote.ledger import open_items

    assert open_items.stored() == open_items.recompute()  # lettering 421 moves no customer or supplier open item


@pytest.mark.django_db
def test_pages_employee_manager_accountant_and_others(staff, personas, books, client_as):
    client = client_as("salarie")
    response = client.post(reverse("hr:expenses-mine"), {"title": "Salon Eurexpo"})
    report = staff["thomas"].expense_reports.get()
    assert response.status_code == 302
    url = reverse("hr:expense-detail", args=[report.pk])
    bad = client.post(url, {"spent_on": "2026-11-05", "category": "repas", "amount": "abc"})
    assert bad.status_code == 200 and not report.lines.exists()
    ok = client.post(url, {"spent_on": "2026-11-05", "category": "repas", "description": "Déjeuner client",
                           "amount": "31,50", "vat": "2,86", "receipt": receipt()})  # fmt: skip
    assert ok.status_code == 302 and report.lines.get().deductible_vat == D("2.86")
    line = report.lines.get()
    assert client.get(reverse("hr:expense-receipt", args=[line.pk])).status_code == 200
    client.post(reverse("hr:expense-submit", args=[report.pk]))
    for role in ("commercial", "assistant"):  # not theirs, not their team's: not found
        assert client_as(role).get(url).status_code == 404
        assert client_as(role).get(reverse("hr:expense-receipt", args=[line.pk])).status_code == 404
    for role in ("commercial", "assistant", "salarie", "auditeur"):
        assert client_as(role).get(reverse("hr:expense-list")).status_code == 403
    manager = client_as("direction")
    assert "Salon Eurexpo" in manager.get(reverse("hr:expenses-mine")).content.decode()  # waiting for them
    manager.post(reverse("hr:expense-decide", args=[report.pk]), {"decision": "accepter"})
    accountant = client_as("comptable")
    assert "Salon Eurexpo" in accountant.get(reverse("hr:expense-list")).content.decode()
    accountant.post(reverse("hr:expense-post", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == ExpenseStatus.POSTED
    assert client_as("rh").post(reverse("hr:expense-pay", args=[report.pk])).status_code == 403
    accountant = client_as("comptable")  # one test client: signed in again
    accountant.post(
        reverse("hr:expense-pay", args=[report.pk]), {"on": local_today().isoformat(), "bank_account": books.pk}
    )
    report.refresh_from_db()
    assert report.status == ExpenseStatus.PAID
    export = accountant.get(reverse("hr:expense-export", args=["csv"]))
    assert "31,50" in b"".join(export.streaming_content).decode("utf-8-sig")


@pytest.mark.django_db
def test_the_list_reads_a_fixed_number_of_queries(staff, personas, books, client_as, django_assert_max_num_queries):
    def add(count):
        for i in range(count):
            report = services.create_report(actor=personas["rh"], employee=staff["thomas"], title=f"Mission {i}")
            services.add_line(actor=personas["rh"], report=report, spent_on=d(2026, 11, 2), category="repas",
                              description="Repas", amount=D("12.00"), receipt=receipt())  # fmt: skip
            services.submit_report(actor=personas["rh"], report=report)
            services.decide_report(actor=personas["rh"], report=report, approve=True)
            services.post_report(actor=personas["comptable"], report=report)

    add(2)
    client = client_as("comptable")
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("hr:expense-list"))
    add(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("hr:expense-list")).content.decode().count("Mission ") == 7
