"""Operations helper apiledger added: auxiliary accounts and their lettering, the CA3 return, fixed assets, the
year-end closing and the FEC, the SEPA creditor identifier — each through the page's form and service: the same
effect (entries posted, lines lettered), the same French refusals, nothing written on a refusal, the roles refused."""

from decimal import Decimal

import pytest

from pilote.api.tests.days import day

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(structure, personas):
    from pilote.contacts.models import Contact
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    return Contact.objects.create(name="Client Lettrage", is_customer=True)


def _pair(personas, aux, amount: str, *, reference: str = ""):
    """An invoice-like debit of the customer and a payment-like credit of the same amount, both posted."""
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Journal

    customers, cash = Account.objects.get(code="411"), Account.objects.get(code="530")
    made = []
    for debit in (True, False):
        side = {"debit": Decimal(amount)} if debit else {"credit": Decimal(amount)}
        other = {"credit": Decimal(amount)} if debit else {"debit": Decimal(amount)}
        lines = [ledger.LineInput(account=customers, auxiliary=aux, reference=reference, **side),
                 ledger.LineInput(account=cash, **other)]  # fmt: skip
        entry = ledger.create_entry(actor=personas["comptable"], journal=Journal.objects.get(code="OD"),
                                    date=day(3, 2), label="Pièce", lines=lines, post=True)  # fmt: skip
        made.append(entry.lines.get(account=customers).pk)
    return made


def test_an_auxiliary_account_is_made_from_a_contact_and_its_lines_lettered(call, personas, books):
    from pilote.ledger.models import AuxiliaryAccount, Matching

    url = "/api/v1/comptes-auxiliaires"
    assert call("direction", "post", url, {"contact": books.pk}).status_code == 403  # ledger.edit: the accountant's
    made = call("comptable", "post", url, {"contact": books.pk, "control": "411"})
    assert made.status_code == 201, made.content
    aux = made.json()
    assert aux["code"] == f"C{books.pk:06d}" and aux["control_account"] == "411" and aux["contact_id"] == books.pk
    again = call("comptable", "post", url, {"contact": books.pk, "control": "411"})
    assert again.status_code == 201 and again.json()["id"] == aux["id"]  # the one it has, as on the page
    assert AuxiliaryAccount.objects.filter(contact=books).count() == 1
    assert call("comptable", "post", url, {"contact": 999999}).status_code == 422
    listed = call("auditeur", "get", f"{url}?type=411&q=Lettrage").json()["results"]
    assert [row["id"] for row in listed] == [aux["id"]]

    auxiliary = AuxiliaryAccount.objects.get(pk=aux["id"])
    debit, credit = _pair(personas, auxiliary, "100")
    odd, odd_credit = _pair(personas, auxiliary, "30")
    lines = f"{url}/{aux['id']}/lignes"
    assert {row["id"] for row in call("auditeur", "get", lines).json()["results"]} == {debit, credit, odd, odd_credit}
    lettrages = f"{url}/{aux['id']}/lettrages"
    refused = call("comptable", "post", lettrages, {"lines": [debit, odd]})
    assert refused.status_code == 409 and "ne se soldent pas" in refused.json()["detail"]
    assert not Matching.objects.exists()
    assert call("auditeur", "post", lettrages, {"lines": [debit, credit]}).status_code == 403
    done = call("comptable", "post", lettrages, {"lines": [debit, credit]})
    assert done.status_code == 201, done.content
    assert done.json()["code"] == "A" and done.json()["line_ids"] == sorted([debit, credit])
    lettered = call("comptable", "get", f"{lines}?etat=lettrees").json()["results"]
    assert {row["id"]: row["lettering_code"] for row in lettered} == {debit: "A", credit: "A"}
    partial = call("comptable", "post", lettrages, {"lines": [odd, odd_credit, debit], "partial": True})
    assert partial.status_code == 409 and "déjà lettrée" in partial.json()["detail"]
    assert [m["id"] for m in call("auditeur", "get", lettrages).json()["results"]] == [done.json()["id"]]
    undone = call("comptable", "delete", f"/api/v1/lettrages/{done.json()['id']}")
    assert undone.status_code == 204 and not Matching.objects.exists()


def test_the_automatic_lettering_is_the_pages_for_one_third_party(call, personas, books):
    from pilote.contacts.models import Contact
    from pilote.ledger import services as ledger

    first = ledger.auxiliary_for_contact(actor=personas["comptable"], contact=books, control_code="411")
    other_contact = Contact.objects.create(name="Autre client", is_customer=True)
    other = ledger.auxiliary_for_contact(actor=personas["comptable"], contact=other_contact, control_code="411")
    _pair(personas, first, "50", reference="FA-1")
    _pair(personas, other, "60", reference="FA-2")
    run = call("comptable", "post", f"/api/v1/comptes-auxiliaires/{first.pk}/lettrage-automatique")
    assert run.status_code == 200 and run.json() == {"made": 1}
    left = call("comptable", "get", f"/api/v1/comptes-auxiliaires/{other.pk}/lignes").json()
    assert left["count"] == 2  # the other third party's lines are not lettered from this one's run


def test_a_vat_period_is_computed_then_declared_once(call, personas, books):
    from pilote.ledger import services as ledger
    from pilote.ledger.models import Account, Entry, Journal, VatReturn

    lines = [
        ledger.LineInput(account=Account.objects.get(code="530"), debit=Decimal("120")),
        ledger.LineInput(account=Account.objects.get(code="706"), credit=Decimal("100")),
        ledger.LineInput(account=Account.objects.get(code="44571"), credit=Decimal("20"), vat_rate=Decimal("20"),
                         vat_base=Decimal("100")),
    ]  # fmt: skip
    ledger.create_entry(actor=personas["comptable"], journal=Journal.objects.get(code="OD"), date=day(1, 10),
                        label="Vente", lines=lines, post=True)  # fmt: skip
    figures = call("auditeur", "get", "/api/v1/tva/ca3")
    assert figures.status_code == 200, figures.content
    shown = figures.json()
    assert (shown["period_start"], shown["period_end"], shown["declared"]) == (str(day(1, 1)), str(day(1, 31)), False)
    assert {box["box"]: Decimal(box["amount"]) for box in shown["boxes"]}["16"] == Decimal("20")
    later = call("comptable", "get", f"/api/v1/tva/ca3?du={day(3, 1)}&au={day(3, 31)}")
    assert later.status_code == 409 and "se suivent" in later.json()["detail"]
    backwards = call("comptable", "post", "/api/v1/tva/declarations", {"du": str(day(1, 31)), "au": str(day(1, 1))})
    assert backwards.status_code == 422 and not VatReturn.objects.exists()
    assert call("auditeur", "post", "/api/v1/tva/declarations", {"du": str(day(1, 1)), "au": str(day(1, 31))}
                ).status_code == 403  # fmt: skip
    done = call("comptable", "post", "/api/v1/tva/declarations", {"du": str(day(1, 1)), "au": str(day(1, 31))})
    assert done.status_code == 201, done.content
    entry = Entry.objects.get(pk=done.json()["entry"]["entry_id"])
    assert entry.status == "posted" and entry.lines.get(account__code="44551").credit == Decimal("20")
    twice = call("comptable", "post", "/api/v1/tva/declarations", {"du": str(day(1, 1)), "au": str(day(1, 31))})
    assert twice.status_code == 409 and VatReturn.objects.count() == 1
    declared = call("auditeur", "get", f"/api/v1/tva/ca3?du={day(1, 1)}&au={day(1, 31)}").json()
    assert declared["declared"] and declared["vat_return_id"] == done.json()["id"]
    assert call("auditeur", "get", "/api/v1/tva/declarations").json()["count"] == 1


def test_an_asset_is_registered_depreciated_and_disposed_of(call, personas, books):
    from pilote.ledger.models import FiscalYear, FixedAsset

    url = "/api/v1/immobilisations"
    body = {"reference": "INV-9", "label": "Serveur", "account": "2183", "acquisition_date": str(day(3, 2)),
            "cost": "3000.00", "method": "linear", "years": 3}  # fmt: skip
    unknown = call("comptable", "post", url, {**body, "account": "2999"})
    assert unknown.status_code == 409 and unknown.json()["detail"] == "Compte inconnu du plan comptable."
    expense = call("comptable", "post", url, {**body, "account": "6061"})
    assert expense.status_code == 409 and "classe 2" in expense.json()["detail"]
    assert call("comptable", "post", url, {**body, "years": 0}).status_code == 422
    assert not FixedAsset.objects.exists()
    made = call("comptable", "post", url, body)
    assert made.status_code == 201, made.content
    asset = made.json()
    assert asset["depreciation_account"] == "28183" and asset["schedule"] and asset["postings"] == []
    assert sum(Decimal(row["amount"]) for row in asset["schedule"]) == Decimal("3000.00")
    twin = call("comptable", "post", url, body)
    assert twin.status_code == 409 and "existe déjà" in twin.json()["detail"]
    longer = call("comptable", "patch", f"{url}/{asset['id']}", {"years": 4, "supplier": "Dell"})
    assert longer.status_code == 200, longer.content
    assert (longer.json()["years"], longer.json()["label"], longer.json()["supplier"]) == (4, "Serveur", "Dell")
    assert call("comptable", "patch", f"{url}/{asset['id']}", {"account": "6061"}).status_code == 409
    year = FiscalYear.objects.get(start_date=day(1, 1))
    posted = call("comptable", "post", "/api/v1/dotations-amortissements", {"fiscal_year": year.pk})
    assert posted.status_code == 201, posted.content
    assert call("comptable", "get", f"{url}/{asset['id']}").json()["postings"][0]["entry"]["entry_id"] == posted.json()[
        "entry_id"]  # fmt: skip
    fixed = call("comptable", "patch", f"{url}/{asset['id']}", {"cost": "3500.00"})
    assert fixed.status_code == 409 and "Des dotations sont passées" in fixed.json()["detail"]
    renamed = call("comptable", "patch", f"{url}/{asset['id']}", {"label": "Serveur de fichiers"})
    assert renamed.status_code == 200 and renamed.json()["cost"] == "3000.00"
    again = call("comptable", "post", "/api/v1/dotations-amortissements", {"fiscal_year": year.pk})
    assert again.status_code == 409 and "Aucune dotation" in again.json()["detail"]
    gone = call("comptable", "post", f"{url}/{asset['id']}/sortie", {"date": str(day(12, 31)), "price": "500.00"})
    assert gone.status_code == 200, gone.content
    assert gone.json()["asset"]["disposal_date"] == str(day(12, 31)) and gone.json()["entry"]["journal"] == "OD"
    twice = call("comptable", "post", f"{url}/{asset['id']}/sortie", {"date": str(day(12, 31))})
    assert twice.status_code == 409 and "déjà sortie" in twice.json()["detail"]
    assert [a["id"] for a in call("auditeur", "get", f"{url}?etat=sorties").json()["results"]] == [asset["id"]]


def test_the_closing_checks_refusals_and_the_fec(call, personas, books):
    from pilote.ledger.models import FiscalYear

    year = FiscalYear.objects.get(start_date=day(1, 1))
    url = f"/api/v1/exercices/{year.pk}/cloture"
    state = call("auditeur", "get", url)
    assert state.status_code == 200 and state.json()["status"] == "open" and state.json()["checks"]
    assert call("direction", "post", url, {"confirmation": "CLÔTURER"}).status_code == 403  # ledger.admin
    typo = call("comptable", "post", url, {"confirmation": "oui"})
    assert typo.status_code == 422 and "Confirmation incorrecte" in typo.json()["erreurs"]["confirmation"][0]
    if not state.json()["can_close"]:
        refused = call("comptable", "post", url, {"confirmation": "CLÔTURER"})
        assert refused.status_code == 409 and refused.json()["detail"].startswith("Clôture impossible")
        year.refresh_from_db()
        assert year.status == "open"
    fec = call("auditeur", "get", f"/api/v1/exercices/{year.pk}/fec")
    assert fec.status_code == 200 and fec["Content-Type"].startswith("text/plain")
    assert "FEC" in fec["Content-Disposition"]
    assert b"".join(fec.streaming_content).decode("iso-8859-15").startswith("JournalCode")
    manifest = call("auditeur", "get", f"/api/v1/exercices/{year.pk}/fec/manifeste")
    assert manifest.status_code == 200 and "SHA-256" in manifest.content.decode()


def test_the_sepa_creditor_identifier_is_read_and_set(call, books):
    from pilote.receivables import direct_debit

    url = "/api/v1/prelevements-ics"
    assert call("commercial", "get", url).json() == {"creditor_id": ""}
    assert call("commercial", "put", url, {"creditor_id": "FR72ZZZ123456"}).status_code == 403  # sales.payments
    wrong = call("comptable", "put", url, {"creditor_id": "FR00ZZZ123456"})
    assert wrong.status_code == 409 and "ICS invalide" in wrong.json()["detail"]
    assert direct_debit.creditor_id() == ""
    done = call("comptable", "put", url, {"creditor_id": "fr72 zzz 123456"})
    assert done.status_code == 200 and done.json() == {"creditor_id": "FR72ZZZ123456"}
    assert call("direction", "get", url).json() == {"creditor_id": "FR72ZZZ123456"}
