"""Demo books: two fiscal years (2025, 2026 to the demo's today) of sales, purchases, payroll, rent and
bank movements consistent with the demo contacts, à-nouveaux between the years."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from pilote.contacts.models import Contact
from pilote.core.demo import DEMO_TODAY
from pilote.core.registry import demo_timelines
from pilote.ledger import assets, closing, lettering, services
from pilote.ledger.models import Account, FiscalYear, Journal
from pilote.lib.dates import add_months
from pilote.lib.money import round_eur

L = services.LineInput
VAT = Decimal("0.20")
RATE = Decimal("20.00")


def _day(rng: random.Random, year: int, month: int) -> dt.date:
    return dt.date(year, month, rng.randint(1, 28))


def load(rng: random.Random, users: dict) -> None:
    actor = users["comptable"]
    a = {
        acc.code: acc
        for acc in Account.objects.filter(
            code__in=[
                "101",
                "164",
                "2183",
                "401",
                "411",
                "421",
                "431",
                "44551",
                "44566",
                "44571",
                "512",
                "606",
                "607",
                "613",
                "6226",
                "626",
                "641",
                "645",
                "706",
                "707",
                "120",
                "129",
            ]
        )
    }
    j = {journal.code: journal for journal in Journal.objects.all()}
    services.open_fiscal_year(actor=actor, start_date=dt.date(2026, 1, 1), end_date=dt.date(2026, 12, 31))
    customers = list(Contact.objects.filter(is_customer=True, kind="organisation").order_by("pk")[:60])
    suppliers = list(Contact.objects.filter(is_supplier=True).order_by("pk"))
    landlord = suppliers[0]
    aux = {c.pk: services.auxiliary_for_contact(actor=actor, contact=c, control_code="411") for c in customers}
    sup = {c.pk: services.auxiliary_for_contact(actor=actor, contact=c, control_code="401") for c in suppliers}

    plan: list[tuple[dt.date, str, str, str, list]] = [
        (
            dt.date(2025, 1, 1),
            "AN",
            "À-nouveaux à la création",
            "AN2025",
            [
                L(a["512"], debit=Decimal("62000.00")),
                L(a["2183"], debit=Decimal("18000.00")),
                L(a["101"], credit=Decimal("50000.00")),
                L(a["164"], credit=Decimal("30000.00")),
            ],
        ),
    ]
    invoice_no = 0
    social: dict[tuple[int, int], Decimal] = {}
    months = [(y, m) for y in (2025, 2026) for m in range(1, 13) if dt.date(y, m, 1) <= DEMO_TODAY]
    for year, month in months:
        # From 2026 the sales app issues the invoices (its demo timeline); 2025 was kept elsewhere.
        for _ in range(rng.randint(12, 18) if year < 2026 else 0):
            invoice_no += 1
            customer = rng.choice(customers)
            net = round_eur(Decimal(rng.randint(150_000, 2_000_000)) / 100)
            vat = round_eur(net * VAT)
            day = _day(rng, year, month)
            ref = f"F{year}-{invoice_no:04d}"
            revenue = a["706"] if rng.random() < 0.6 else a["707"]
            plan.append(
                (
                    day,
                    "VT",
                    f"Facture {ref} {customer.name}"[:200],
                    ref,
                    [
                        L(a["411"], debit=net + vat, auxiliary=aux[customer.pk]),
                        L(revenue, credit=net),
                        L(a["44571"], credit=vat, vat_rate=RATE, vat_base=net),
                    ],
                )
            )
            paid = day + dt.timedelta(days=rng.randint(20, 65))
            if rng.random() < 0.88 and paid <= DEMO_TODAY:
                plan.append(
                    (
                        paid,
                        "BQ",
                        f"Virement reçu {customer.name}"[:200],
                        ref,
                        [L(a["512"], debit=net + vat), L(a["411"], credit=net + vat, auxiliary=aux[customer.pk])],
                    )
                )
        for _ in range(rng.randint(4, 6)):
            supplier = rng.choice(suppliers[1:])
            net = round_eur(Decimal(rng.randint(300_000, 1_800_000)) / 100)
            vat = round_eur(net * VAT)
            day = _day(rng, year, month)
            ref = f"A{year}{month:02d}-{rng.randint(100, 999)}"
            expense = a[rng.choice(["606", "607", "6226", "626"])]
            plan.append(
                (
                    day,
                    "AC",
                    f"Facture {supplier.name}"[:200],
                    ref,
                    [
                        L(expense, debit=net),
                        L(a["44566"], debit=vat, vat_rate=RATE, vat_base=net),
                        L(a["401"], credit=net + vat, auxiliary=sup[supplier.pk]),
                    ],
                )
            )
            paid = day + dt.timedelta(days=30)
            if paid <= DEMO_TODAY:
                plan.append(
                    (
                        paid,
                        "BQ",
                        f"Règlement {supplier.name}"[:200],
                        ref,
                        [L(a["401"], debit=net + vat, auxiliary=sup[supplier.pk]), L(a["512"], credit=net + vat)],
                    )
                )
        rent_day = dt.date(year, month, 1)
        plan.append(
            (
                rent_day,
                "AC",
                f"Loyer {month:02d}/{year}",
                f"LOY{year}{month:02d}",
                [
                    L(a["613"], debit=Decimal("2500.00")),
                    L(a["44566"], debit=Decimal("500.00"), vat_rate=RATE, vat_base=Decimal("2500.00")),
                    L(a["401"], credit=Decimal("3000.00"), auxiliary=sup[landlord.pk]),
                ],
            )
        )
        plan.append(
            (
                rent_day + dt.timedelta(days=4),
                "BQ",
                f"Loyer {month:02d}/{year}",
                f"LOY{year}{month:02d}",
                [
                    L(a["401"], debit=Decimal("3000.00"), auxiliary=sup[landlord.pk]),
                    L(a["512"], credit=Decimal("3000.00")),
                ],
            )
        )
        gross = Decimal("52000.00") + Decimal(rng.randint(0, 300_000)) / 100
        employee_share = round_eur(gross * Decimal("0.22"))
        employer = round_eur(gross * Decimal("0.42"))
        last = dt.date(year, month, 28)
        social[(year, month)] = employee_share + employer
        plan.append(
            (
                last,
                "OD",
                f"Salaires {month:02d}/{year}",
                f"PAIE{year}{month:02d}",
                [
                    L(a["641"], debit=gross),
                    L(a["645"], debit=employer),
                    L(a["421"], credit=gross - employee_share),
                    L(a["431"], credit=employee_share + employer),
                ],
            )
        )
        if last + dt.timedelta(days=2) <= DEMO_TODAY:
            plan.append(
                (
                    last + dt.timedelta(days=2),
                    "BQ",
                    f"Virement des salaires {month:02d}/{year}",
                    f"PAIE{year}{month:02d}",
                    [L(a["421"], debit=gross - employee_share), L(a["512"], credit=gross - employee_share)],
                )
            )
    plan += _asset_purchases(a, sup[suppliers[2].pk])
    _register_assets(actor)
    from pilote.ledger import bank

    # The bank account behind journal BQ exists from the start (created with the books from the structure's
    # IBAN): other domains' payments land on it.
    from pilote.ledger.models_bank import BankAccount

    iban = "FR7630004000010001234567830"
    if not BankAccount.objects.filter(iban=iban).update(name="BNP Paribas Pro"):
        bank.create_bank_account(actor=actor, name="BNP Paribas Pro", iban=iban, journal_code="BQ")
    for build in demo_timelines():  # other domains' dated activity (quotes, invoices, payments…)
        plan += [(day, "~", label, "", action) for day, label, action in build(rng, users)]
    plan.sort(key=lambda item: (item[0], item[1] != "AN", item[1], item[3]))
    year_2025 = FiscalYear.objects.get(start_date=dt.date(2025, 1, 1))
    plan = [item for item in plan if item[0] <= DEMO_TODAY]
    month, closed = None, False
    for day, journal, label, ref, lines in plan:
        if (day.year, day.month) != month:
            if month is not None:
                _settle_month(actor, month, a, j, social.get(month, Decimal("0")))
            month = (day.year, day.month)
            if day.year == 2026 and not closed:
                # Year-end 2025: depreciation, lettering, then the real closing (detailed à-nouveaux).
                assets.post_depreciation(actor=actor, year=year_2025)
                for code in ("411", "401"):
                    lettering.auto_letter(actor=actor, account=a[code])
                closing.close_fiscal_year(actor=actor, year=year_2025)
                closed = True
        if journal == "~":
            lines()  # a timeline action: it posts its own entries
            continue
        services.create_entry(
            actor=actor,
            journal=j[journal],
            date=day,
            label=label,
            piece_ref=ref,
            piece_date=day,
            lines=lines,
            post=True,
        )
    for code in ("411", "401"):
        lettering.auto_letter(actor=actor, account=a[code])
    _load_bank(actor)


def _settle_month(actor, month: tuple[int, int], a: dict, j: dict, social: Decimal) -> None:
    """Month end: the CA3 return and its settlement entry, then VAT and social charges paid on the 15th."""
    from pilote.ledger import vat

    start = dt.date(month[0], month[1], 1)
    end = add_months(start, 1) - dt.timedelta(days=1)
    returned = vat.confirm_ca3(actor=actor, start=start, end=end)
    payday = end + dt.timedelta(days=15)
    if payday > DEMO_TODAY:
        return
    due = Decimal(returned.boxes["32"])
    if due:
        services.create_entry(
            actor=actor,
            journal=j["BQ"],
            date=payday,
            label=f"TVA {start:%m/%Y}",
            post=True,
            piece_ref=f"CA3-{end:%Y%m}",
            lines=[L(a["44551"], debit=due), L(a["512"], credit=due)],
        )
    if social:
        services.create_entry(
            actor=actor,
            journal=j["BQ"],
            date=payday,
            label=f"URSSAF {start:%m/%Y}",
            post=True,
            piece_ref=f"URSSAF{end:%Y%m}",
            lines=[L(a["431"], debit=social), L(a["512"], credit=social)],
        )


def _asset_purchases(a, supplier_aux) -> list:
    """The copier and the van bought on credit from the office-equipment supplier."""
    purchases = []
    for day, code, net, ref in (
        (dt.date(2025, 6, 15), "2183", Decimal("9600.00"), "INV-2025-02"),
        (dt.date(2026, 3, 1), "2182", Decimal("24500.00"), "INV-2026-01"),
    ):
        vat = round_eur(net * VAT)
        purchases.append(
            (
                day,
                "AC",
                f"Acquisition {ref}",
                ref,
                [
                    L(Account.objects.get(code=code), debit=net),
                    L(Account.objects.get(code="44562"), debit=vat, vat_rate=RATE, vat_base=net),
                    L(a["401"], credit=net + vat, auxiliary=supplier_aux),
                ],
            )
        )
    return purchases


def _register_assets(actor) -> None:
    def register(reference, label, code, day, cost, years, method="linear"):
        return assets.register_asset(
            actor=actor,
            reference=reference,
            label=label,
            account=Account.objects.get(code=code),
            acquisition_date=day,
            cost=Decimal(cost),
            years=years,
            method=method,
        )

    register("INV-2025-01", "Ordinateurs portables (8 postes)", "2183", dt.date(2025, 1, 1), "18000.00", 3)
    register("INV-2025-02", "Copieur couleur grand format", "2183", dt.date(2025, 6, 15), "9600.00", 5, "declining")
    register("INV-2026-01", "Véhicule utilitaire", "2182", dt.date(2026, 3, 1), "24500.00", 5)


def _load_bank(actor) -> None:
    """The bank account behind journal BQ, and the October 2026 statement to reconcile: the booked bank
    movements of the month plus a few the books do not have yet (fees, a direct debit, an unknown transfer)."""
    from pilote.ledger import bank, bank_statements
    from pilote.ledger.models import EntryLine, Journal

    account = bank.BankAccount.objects.get(journal__code="BQ")
    start, end = dt.date(2026, 10, 1), dt.date(2026, 10, 31)
    rows = ["Date;Libellé;Montant;Référence"]
    booked = (
        EntryLine.objects.filter(
            account=account.account, entry__journal=Journal.objects.get(code="BQ"), date__range=(start, end)
        )
        .select_related("entry")
        .order_by("date", "id")
    )
    for line in booked:
        amount = line.debit - line.credit
        label = line.entry.label.upper().replace(";", " ")
        rows.append(f"{line.date:%d/%m/%Y};{label};{str(amount).replace('.', ',')};{line.entry.piece_ref}")
    rows += [
        "15/10/2026;FRAIS TENUE DE COMPTE;-18,50;",
        "20/10/2026;PRLV SEPA ASSURANCE MULTIRISQUE;-312,40;ASS-2026-10",
        "27/10/2026;VIR RECU INCONNU ECOLE DES ALPES;1440,00;",
    ]
    mapping = bank_statements.CsvMapping(
        date_column="Date", label_column="Libellé", amount_column="Montant", reference_column="Référence"
    )
    bank.import_statement(
        actor=actor,
        bank_account=account,
        data="\n".join(rows).encode(),
        filename="releve-2026-10.csv",
        csv_mapping=mapping,
    )
    # The accountant already matched the first half of the month.
    for statement_line in account.statement_lines.filter(booking_date__lte=dt.date(2026, 10, 15)):
        best = next((s for s in bank.suggestions(statement_line) if s.kind == "book"), None)
        if best:
            bank.reconcile(actor=actor, statement_line=statement_line, entry_line=best.line)
