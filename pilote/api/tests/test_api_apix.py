"""Operations helper apix added: bank accounts listed, created and changed, an analysis section changed — each
through the page's form and service, the pages' refusals (422 in French, 409 for a rule, nothing written), the
roles refused; and the same services behind the new pages (a bank account's, a bank rule's and a section's edit
forms)."""

import pytest

pytestmark = pytest.mark.django_db

IBAN = "FR7630004000010009876543240"  # BNP Paribas (30004)
OTHER_IBAN = "FR7620041000010001112223312"


@pytest.fixture
def bank_account(structure, personas):
    from pilote.ledger import bank
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    return bank.create_bank_account(actor=personas["comptable"], name="Compte courant", iban=IBAN, journal_code="BQ9")


def test_bank_accounts_are_listed_created_and_changed(call, bank_account):
    from pilote.core.models import AuditEvent
    from pilote.ledger.models_bank import BankAccount

    url = "/api/v1/comptes-bancaires"
    before = BankAccount.objects.count()
    body = {"name": "Livret", "iban": "fr76 2004 1000 0100 0111 2223 312", "account_code": "512"}
    assert call("direction", "post", url, body).status_code == 403  # ledger.admin: the accountant's
    bad = call("comptable", "post", url, {**body, "iban": "FR7620041000010001112223399"})
    assert bad.status_code == 422 and "IBAN invalide" in bad.json()["erreurs"]["iban"][0]
    bad_bic = call("comptable", "post", url, {**body, "bic": "XX"})
    assert bad_bic.status_code == 422 and "BIC invalide" in bad_bic.json()["erreurs"]["bic"][0]
    twice = call("comptable", "post", url, {**body, "iban": IBAN})
    assert twice.status_code == 409 and twice.json()["detail"] == "Ce compte bancaire existe déjà."
    assert BankAccount.objects.count() == before
    made = call("comptable", "post", url, body)
    assert made.status_code == 201, made.content
    made = made.json()
    assert made["iban"] == OTHER_IBAN and made["bic"].startswith("PSST")  # La Banque Postale, from the IBAN
    assert made["account_code"] == "512" and made["journal_code"].startswith("BQ") and made["is_active"]
    listed = call("auditeur", "get", f"{url}?q=livret")
    assert listed.status_code == 200 and [a["id"] for a in listed.json()["results"]] == [made["id"]]
    changed = call("comptable", "patch", f"{url}/{made['id']}", {"name": "Livret A", "is_active": False})
    assert changed.status_code == 200, changed.content
    assert changed.json()["name"] == "Livret A" and not changed.json()["is_active"]
    assert changed.json()["iban"] == OTHER_IBAN
    assert [a["id"] for a in call("direction", "get", f"{url}?actif=false").json()["results"]] == [made["id"]]
    taken = call("comptable", "patch", f"{url}/{made['id']}", {"iban": IBAN})
    assert taken.status_code == 409 and "déjà cet IBAN" in taken.json()["detail"]
    empty = call("comptable", "patch", f"{url}/{made['id']}", {"name": ""})
    assert empty.status_code == 422 and "name" in empty.json()["erreurs"]
    assert BankAccount.objects.get(pk=made["id"]).name == "Livret A"
    assert AuditEvent.objects.filter(action="ledger.bank_account.changed").count() == 1


def test_the_iban_of_an_account_with_statements_is_fixed(call, client_as, personas, bank_account):
    from pilote.ledger import bank, bank_statements

    mapping = bank_statements.CsvMapping(date_column="Date", label_column="Libellé", amount_column="Montant")
    text = "Date;Libellé;Montant\n02/03/2026;Frais;-5,00\n"
    bank.import_statement(actor=personas["comptable"], bank_account=bank_account, filename="r.csv",
                          data=text.encode(), csv_mapping=mapping)  # fmt: skip
    moved = call("comptable", "patch", f"/api/v1/comptes-bancaires/{bank_account.pk}", {"iban": OTHER_IBAN})
    assert moved.status_code == 409 and "ne peut plus changer" in moved.json()["detail"]
    bank_account.refresh_from_db()
    assert bank_account.iban == IBAN
    page = client_as("comptable").post(f"/comptabilite/banques/{bank_account.pk}/modifier/",
                                       {"name": "Compte courant", "iban": OTHER_IBAN, "is_active": "on"})  # fmt: skip
    assert page.status_code == 200 and "ne peut plus changer" in page.content.decode()
    bank_account.refresh_from_db()
    assert bank_account.iban == IBAN
    renamed = client_as("comptable").post(f"/comptabilite/banques/{bank_account.pk}/modifier/",
                                          {"name": "Banque principale", "iban": IBAN, "bic": ""})  # fmt: skip
    assert renamed.status_code == 302
    bank_account.refresh_from_db()
    assert bank_account.name == "Banque principale" and not bank_account.is_active
    assert client_as("direction").get(f"/comptabilite/banques/{bank_account.pk}/modifier/").status_code == 403


def test_a_bank_rule_is_changed_on_the_rules_page(client_as, personas, bank_account):
    from pilote.ledger import bank
    from pilote.ledger.models import Account

    fees = Account.objects.get(code="6061")
    rule = bank.create_rule(actor=personas["comptable"], bank_account=bank_account, label_contains="FRAIS",
                            account=fees, entry_label="Frais")  # fmt: skip
    page = client_as("comptable")
    assert f"/comptabilite/banques/regles/{rule.pk}/" in page.get("/comptabilite/banques/regles/").content.decode()
    blank = page.post(f"/comptabilite/banques/regles/{rule.pk}/", {"label_contains": "", "account": fees.pk})
    assert blank.status_code == 200
    rule.refresh_from_db()
    assert rule.label_contains == "FRAIS"
    sent = {"label_contains": "COMMISSION", "account": fees.pk, "bank_account": "", "entry_label": "Commissions"}
    saved = page.post(f"/comptabilite/banques/regles/{rule.pk}/", sent)
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert (rule.label_contains, rule.bank_account, rule.entry_label) == ("COMMISSION", None, "Commissions")
    assert client_as("auditeur").get(f"/comptabilite/banques/regles/{rule.pk}/").status_code == 403


@pytest.fixture
def centres(structure, personas):
    from pilote.ledger import analytics
    from pilote.sales.tests.factories import make_books

    make_books(structure)
    owner = personas["direction"]
    axis = analytics.create_axis(actor=owner, code="CTR", label="Centres")
    workshop = analytics.create_section(actor=owner, axis=axis, code="ATELIER", label="Atelier", kind="main")
    spare = analytics.create_section(actor=owner, axis=axis, code="NEUF", label="Nouveau", kind="plain")
    return axis, workshop, spare


def test_a_section_is_changed_and_its_code_fixed_once_used(call, client_as, personas, centres):
    from pilote.finance.models import Budget
    from pilote.ledger.models import AnalyticSection

    axis, workshop, spare = centres
    url = f"/api/v1/sections-analytiques/{spare.pk}"
    assert call("comptable", "get", url).json()["uses"] == []
    assert call("commercial", "patch", url, {"label": "X"}).status_code == 403
    changed = call("comptable", "patch", url, {"code": "neuf-2", "label": "Logistique", "kind": "auxiliary"})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["code"], changed.json()["kind"]) == ("NEUF-2", "auxiliary")
    twin = call("comptable", "patch", url, {"code": "ATELIER"})
    assert twin.status_code == 409 and "existe déjà" in twin.json()["detail"]
    bad = call("comptable", "patch", url, {"kind": "centre"})
    assert bad.status_code == 422 and "kind" in bad.json()["erreurs"]
    Budget.objects.create(name="Atelier", fiscal_year=_year(), section=workshop, created_by=personas["direction"])
    used = f"/api/v1/sections-analytiques/{workshop.pk}"
    assert call("direction", "get", used).json()["uses"] == ["budgets"]
    fixed = call("direction", "patch", used, {"code": "ATL"})
    assert fixed.status_code == 409 and "ne peut plus changer" in fixed.json()["detail"]
    off = call("direction", "patch", used, {"label": "Atelier bois", "is_active": False})
    assert off.status_code == 200 and not off.json()["is_active"] and off.json()["code"] == "ATELIER"
    page = client_as("direction").post(f"/finances/analytique/sections/{workshop.pk}/",
                                       {"code": "ATL", "label": "Atelier", "kind": "main"})  # fmt: skip
    assert page.status_code == 200 and "ne peut plus changer" in page.content.decode()
    assert AnalyticSection.objects.get(pk=workshop.pk).code == "ATELIER"


def test_a_centre_named_by_the_full_costing_keeps_its_nature(call, personas, centres):
    from decimal import Decimal

    from pilote.finance import services as finance
    from pilote.ledger import analytics

    axis, workshop, _spare = centres
    products = analytics.create_axis(actor=personas["direction"], code="PRD", label="Produits")
    analytics.create_section(actor=personas["direction"], axis=products, code="TABLE", label="Tables")
    finance.save_costing_setup(actor=personas["direction"], fiscal_year=_year(), centres_axis=axis,
                               products_axis=products, keys={},
                               units={"ATELIER": ("Heure", Decimal(10), {"TABLE": Decimal(4)})})  # fmt: skip
    url = f"/api/v1/sections-analytiques/{workshop.pk}"
    refused = call("direction", "patch", url, {"kind": "auxiliary"})
    assert refused.status_code == 409 and "coûts complets" in refused.json()["detail"]
    workshop.refresh_from_db()
    assert workshop.kind == "main"
    assert "paramètres des coûts complets" in call("direction", "get", url).json()["uses"]


def _year():
    from pilote.ledger.models import FiscalYear

    return FiscalYear.objects.order_by("-start_date").first()


def _ics(uid: str, title: str) -> str:
    import base64

    text = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//FR\r\nBEGIN:VEVENT\r\n"
            f"UID:{uid}\r\nDTSTART:20260310T090000Z\r\nDTEND:20260310T100000Z\r\nSUMMARY:{title}\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n")  # fmt: skip
    return base64.b64encode(text.encode()).decode()


def test_shared_calendars_are_created_changed_and_fed_from_an_ics_file(call, client_as, personas):
    from pilote.core.models import AuditEvent
    from pilote.office.models import Calendar, Event
    from pilote.office.services import agenda

    url = "/api/v1/agendas"
    body = {"name": "Commercial", "members": [personas["commercial"].pk]}
    assert call("commercial", "post", url, body).status_code == 403  # office.manage: direction, assistant
    blank = call("assistant", "post", url, {"name": "", "members": []})
    assert blank.status_code == 422 and "name" in blank.json()["erreurs"]
    made = call("assistant", "post", url, body)
    assert made.status_code == 201, made.content
    team = made.json()
    assert team["kind"] == "team" and team["member_ids"] == [personas["commercial"].pk]
    seen = call("commercial", "get", f"{url}/{team['id']}").json()
    assert seen["writable"] and not seen["feed_active"]
    assert call("rh", "get", f"{url}/{team['id']}").status_code == 404  # not a member
    assert team["id"] in [c["id"] for c in call("commercial", "get", f"{url}?type=team").json()["results"]]
    members = [personas["commercial"].pk, personas["rh"].pk]
    changed = call("direction", "patch", f"{url}/{team['id']}", {"name": "Ventes", "members": members})
    assert changed.status_code == 200 and changed.json()["name"] == "Ventes"
    assert changed.json()["member_ids"] == sorted(members)
    assert AuditEvent.objects.filter(action="office.calendar.changed").count() == 1
    own = agenda.personal_calendar(personas["direction"])
    mine = call("direction", "patch", f"{url}/{own.pk}", {"name": "Perso"})
    assert mine.status_code == 409 and "agenda partagé" in mine.json()["detail"]
    assert Calendar.objects.get(pk=own.pk).name == own.name

    imported = f"{url}/{team['id']}/import"
    body = {"file_name": "salon.ics", "content_base64": _ics("salon@example.fr", "Salon")}
    assert call("comptable", "post", imported, body).status_code == 404  # not a member: unseen
    done = call("rh", "post", imported, body)
    assert done.status_code == 200 and done.json() == {"created": 1, "updated": 0}
    again = call("rh", "post", imported, {**body, "content_base64": _ics("salon@example.fr", "Salon pro")})
    assert again.json() == {"created": 0, "updated": 1}
    assert Event.objects.get(uid="salon@example.fr").title == "Salon pro"
    import base64

    junk = call("rh", "post", imported, {**body, "content_base64": base64.b64encode(b"pas un agenda").decode()})
    assert junk.status_code in (409, 422)
    notb64 = call("rh", "post", imported, {**body, "content_base64": "%%%"})
    assert notb64.status_code == 422 and "content_base64" in notb64.json()["erreurs"]
    assert Event.objects.filter(calendar_id=team["id"]).count() == 1
    assert call("auditeur", "post", imported, body).status_code == 403

    page = client_as("assistant").post(f"/bureau/agendas/{team['id']}/modifier/", {"name": "", "members": []})
    assert page.status_code == 200 and Calendar.objects.get(pk=team["id"]).name == "Ventes"
    sent = {"name": "Ventes et marketing", "members": [personas["commercial"].pk]}
    saved = client_as("assistant").post(f"/bureau/agendas/{team['id']}/modifier/", sent)
    assert saved.status_code == 302
    assert Calendar.objects.get(pk=team["id"]).name == "Ventes et marketing"
    assert client_as("commercial").get(f"/bureau/agendas/{team['id']}/modifier/").status_code == 403
