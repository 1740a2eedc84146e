"""SEPA direct debit of customer invoices: the ICS and the mandate's IBAN/BIC checked with maintained libraries
(python-stdnum's ISO 7064 MOD 97-10, schwifty), a collection run of due invoices written as pain.008.001.08 valid
against the official ISO 20022 XSD — FRST for a mandate's first collection, RCUR after —, then collected: one
« Prélèvement » payment per invoice, lettered."""

import datetime as dt
from decimal import Decimal as D

import pytest
from lxml import etree

from pilote.core.exceptions import DomainError
from pilote.ledger.models import EntryLine, MatchedLine
from pilote.receivables import direct_debit as dd
from pilote.receivables.models import CollectionStatus, MandateStatus
from pilote.sales.models import Payment, PaymentMethod

NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}
TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize("typed", ["FR72ZZZ123456", "fr72 zzz 123456", "DE98ZZZ09999999999"])
def test_a_valid_creditor_identifier_is_kept_compact(typed):
    assert dd.clean_creditor_id(typed) == typed.replace(" ", "").upper()


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("FR73ZZZ123456", "clé de contrôle"), ("FR72", "deux lettres de pays"), ("123456", "deux lettres de pays")],
)
def test_a_wrong_creditor_identifier_says_why_in_french_and_writes_nothing(books, typed, problem):
    with pytest.raises(DomainError, match=problem):
        dd.set_creditor_id(actor=books["actor"], value=typed)
    assert dd.creditor_id() == ""


def test_mandate_input_is_checked(books):
    actor, martin = books["actor"], books["martin"]
    with pytest.raises(DomainError) as refused:
        dd.create_mandate(actor=actor, customer=martin, reference="RUM#1", signed_on=dt.date(2027, 1, 1),
                          iban="FR76 3000 6000 0112 3456 7890 188", bic="NOPE", today=TODAY)  # fmt: skip
    message = refused.value.message
    assert "RUM invalide" in message and "dans le futur" in message and "IBAN invalide" in message
    assert "BIC invalide" in message
    mandate = dd.create_mandate(actor=actor, customer=martin, reference="LUMEN-2026-0001", signed_on=TODAY,
                                iban="FR76 3000 6000 0112 3456 7890 189", bic="AGRIFRPP", today=TODAY)  # fmt: skip
    assert mandate.iban == "FR7630006000011234567890189" and mandate.sequence == "FRST"
    with pytest.raises(DomainError, match="déjà celle d'un autre mandat"):
        dd.create_mandate(actor=actor, customer=martin, reference="LUMEN-2026-0001", signed_on=TODAY,
                          iban="FR7630006000011234567890189", today=TODAY)  # fmt: skip


def test_collection_frst_then_rcur_xsd_valid_collected_and_lettered(books, issue):
    actor, martin, durand = books["actor"], books["martin"], books["durand"]
    first = issue(martin, dt.date(2026, 11, 2), "1000.00")  # 1 200 € incl. VAT
    second = issue(durand, dt.date(2026, 11, 3), "250.00")  # 300 € incl. VAT
    with pytest.raises(DomainError, match="ICS"):
        dd.create_run(actor=actor, bank_account=books["bank"], collection_date=dt.date(2026, 12, 5),
                      invoices=[first], today=TODAY)  # fmt: skip
    dd.set_creditor_id(actor=actor, value="FR72ZZZ123456")
    assert list(dd.collectable_invoices()) == []  # no mandate yet
    dd.create_mandate(actor=actor, customer=martin, reference="LUMEN-2026-0001", signed_on=dt.date(2026, 10, 20),
                      iban="FR7630006000011234567890189", bic="AGRIFRPP", today=TODAY)  # fmt: skip
    dd.create_mandate(actor=actor, customer=durand, reference="LUMEN-2026-0002", signed_on=dt.date(2026, 10, 21),
                      iban="DE89370400440532013000", today=TODAY)  # fmt: skip
    assert list(dd.collectable_invoices(due_by=dt.date(2026, 12, 31))) == [first, second]
    with pytest.raises(DomainError, match="postérieure à aujourd'hui"):
        dd.create_run(actor=actor, bank_account=books["bank"], collection_date=TODAY, invoices=[first], today=TODAY)

    run = dd.create_run(actor=actor, bank_account=books["bank"], collection_date=dt.date(2026, 12, 4),
                        invoices=[first, second], today=TODAY)  # fmt: skip
    assert run.total == D("1500.00") and [i.sequence for i in run.items.all()] == ["FRST", "FRST"]
    assert list(dd.collectable_invoices()) == []  # both in a live run
    xml = dd.collection_file(run)
    assert dd.check_xsd(xml) == []
    doc = etree.fromstring(xml)
    assert doc.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == run.message_id
    assert D(doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS)) == D("1500.00")
    assert doc.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == "FR72ZZZ123456"
    assert [n.text for n in doc.iterfind(".//p:PmtTpInf/p:SeqTp", namespaces=NS)] == ["FRST", "FRST"]
    assert [n.text for n in doc.iterfind(".//p:MndtRltdInf/p:MndtId", namespaces=NS)] == [
        "LUMEN-2026-0001",
        "LUMEN-2026-0002",
    ]
    assert doc.findtext(".//p:ReqdColltnDt", namespaces=NS) == "2026-12-04"
    assert doc.findtext(".//p:Dbtr/p:PstlAdr/p:TwnNm", namespaces=NS) == "Grenoble"  # structured (EPC, 11/2026)
    assert [n.text for n in doc.iterfind(".//p:RmtInf/p:Ustrd", namespaces=NS)] == [
        f"Facture {first.number}",
        f"Facture {second.number}",
    ]

    run = dd.execute_run(actor=actor, run=run)
    assert run.status == CollectionStatus.EXECUTED
    for invoice in (first, second):
        invoice.refresh_from_db()
        assert invoice.balance_due == 0 and invoice.paid_on == dt.date(2026, 12, 4)
        lines = EntryLine.objects.filter(account__code="411", reference=invoice.number)
        assert MatchedLine.objects.filter(line__in=lines).count() == 2
    assert set(Payment.objects.values_list("method", flat=True)) == {PaymentMethod.DIRECT_DEBIT}
    with pytest.raises(DomainError, match="ne s'encaisse plus"):
        dd.execute_run(actor=actor, run=run)

    # the next invoice of the same customer goes as RCUR; a revoked mandate collects nothing more
    third = issue(martin, dt.date(2026, 12, 2), "100.00")
    later = dd.create_run(actor=actor, bank_account=books["bank"], collection_date=dt.date(2027, 1, 4),
                          invoices=[third], today=TODAY)  # fmt: skip
    assert [i.sequence for i in later.items.all()] == ["RCUR"]
    seq = etree.fromstring(dd.collection_file(later)).findtext(".//p:PmtTpInf/p:SeqTp", namespaces=NS)
    assert seq == "RCUR"
    with pytest.raises(DomainError, match="dans un lot en préparation"):
        dd.revoke_mandate(actor=actor, mandate=later.items.get().mandate)
    dd.cancel_run(actor=actor, run=later)
    mandate = dd.revoke_mandate(actor=actor, mandate=later.items.get().mandate)
    assert mandate.status == MandateStatus.REVOKED and list(dd.collectable_invoices()) == []


def test_the_pages_take_the_ics_a_mandate_and_a_run_and_give_the_file(books, issue, client_as):
    from pilote.receivables.models import CollectionRun, Mandate

    martin = books["martin"]
    invoice = issue(martin, dt.date(2026, 11, 2), "1000.00")
    client = client_as("comptable")
    answer = client.post("/recouvrement/prelevements/ics/", {"creditor_id": "FR73ZZZ123456"}, follow=True)
    assert "clé de contrôle" in answer.content.decode() and dd.creditor_id() == ""
    client.post("/recouvrement/prelevements/ics/", {"creditor_id": "FR72 ZZZ 123456"})
    assert dd.creditor_id() == "FR72ZZZ123456"
    new_mandate = "/recouvrement/prelevements/mandats/nouveau/"
    wrong = {"customer": martin.pk, "reference": "R 1", "signed_on": "2099-01-01", "iban": "FR76"}
    page = client.post(new_mandate, wrong)
    assert page.status_code == 200 and "IBAN invalide" in page.content.decode() and not Mandate.objects.exists()
    right = {"customer": martin.pk, "reference": "LUMEN-1", "signed_on": "2026-10-20",
             "iban": "FR76 3000 6000 0112 3456 7890 189"}  # fmt: skip
    client.post(new_mandate, right)
    assert Mandate.objects.get().customer == martin
    listing = client.get("/recouvrement/prelevements/mandats/?q=lumen").content.decode()
    assert "LUMEN-1" in listing and "FRST (premier prélèvement)" in listing
    form = client.get("/recouvrement/prelevements/nouveau/").content.decode()
    assert f"n° {invoice.number}" in form
    answer = client.post("/recouvrement/prelevements/nouveau/", {"bank_account": books["bank"].pk,
                                                                 "collection_date": "2099-12-01",
                                                                 "invoices": [invoice.pk]})  # fmt: skip
    run = CollectionRun.objects.get()
    assert answer.url == f"/recouvrement/prelevements/{run.pk}/"
    assert "LUMEN-1" in client.get(answer.url).content.decode()
    xml = client.get(f"/recouvrement/prelevements/{run.pk}/fichier/").content
    assert dd.check_xsd(xml) == [] and b"<SeqTp>FRST</SeqTp>" in xml
    assert "Aucun lot" not in client.get("/recouvrement/prelevements/").content.decode()
    client_as("auditeur")
    assert client.get(f"/recouvrement/prelevements/{run.pk}/fichier/").status_code == 403


def test_a_mandate_is_personal_data_kept_14_months_after_the_last_debit(books, issue):
    from pilote.core import personal_data
    from pilote.receivables import personal_data as mandates_data

    actor, lea = books["actor"], books["lea"]
    mandate = dd.create_mandate(actor=actor, customer=lea, reference="LUMEN-9", signed_on=dt.date(2026, 10, 1),
                                iban="FR7630006000011234567890189", today=TODAY)  # fmt: skip
    (section,) = mandates_data.collect(lea)
    assert section.rows[0]["IBAN"] == "FR7630006000011234567890189"
    assert any(s.title == "Mandats de prélèvement SEPA" for s in personal_data.collect("contact", lea))
    assert mandates_data.retention(lea, TODAY) == ["un mandat de prélèvement SEPA est actif"]
    dd.set_creditor_id(actor=actor, value="FR72ZZZ123456")
    invoice = issue(lea, dt.date(2026, 11, 2), "100.00")
    run = dd.create_run(actor=actor, bank_account=books["bank"], collection_date=dt.date(2026, 12, 4),
                        invoices=[invoice], today=TODAY)  # fmt: skip
    dd.execute_run(actor=actor, run=run)
    dd.revoke_mandate(actor=actor, mandate=mandate)
    assert "14 mois après le dernier prélèvement" in mandates_data.retention(lea, dt.date(2028, 2, 4))[0]
    assert mandates_data.retention(lea, dt.date(2028, 2, 5)) == []
    mandates_data.anonymise(lea, actor)
    mandate.refresh_from_db()
    assert mandate.iban == mandate.bic == ""
