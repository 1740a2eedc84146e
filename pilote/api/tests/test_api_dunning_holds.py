"""Invoices kept out of dunning over the API — Pilote's, and the previous tool's taken over into the ledger — through
the receivables services, with the pages' refusals (409 or 422 in French, nothing written) and roles."""

import pytest

from pilote.api.tests import dataset_holds
from pilote.api.tests.days import day
from pilote.api.tests.walks import matrix_walk, schema_walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def ids(structure, personas):
    from pilote.api.tests.dataset import small_dataset

    return small_dataset(structure, personas)


def test_a_pilote_invoice_is_held_and_dunned_again(call, ids):
    from pilote.receivables.models import DunningHold

    url = f"/api/v1/factures/{ids['invoice_id']}/exclusion-relance"
    count = DunningHold.objects.count()
    empty = call("comptable", "post", url, {"reason": "   "})
    assert empty.status_code == 422 and "reason" in empty.json()["erreurs"] and DunningHold.objects.count() == count
    assert call("auditeur", "post", url, {"reason": "Litige"}).status_code == 403
    made = call("commercial", "post", url, {"reason": "Litige sur la livraison"})
    assert made.status_code == 201, made.content
    hold = made.json()
    assert (hold["invoice_id"], hold["entry_line_id"], hold["customer_id"], hold["reason"]) == (
        ids["invoice_id"], None, ids["customer_id"], "Litige sur la livraison")  # fmt: skip
    again = call("comptable", "post", url, {"reason": "Encore"})
    assert again.status_code == 409 and "déjà exclue des relances" in str(again.json())
    listed = call("auditeur", "get", f"/api/v1/exclusions-relance?client={ids['customer_id']}").json()
    assert hold["id"] in [row["id"] for row in listed["results"]]
    assert call("comptable", "delete", url).status_code == 204
    assert not DunningHold.objects.filter(invoice_id=ids["invoice_id"]).exists()
    assert call("comptable", "delete", url).status_code == 409  # no longer held


def test_an_old_invoice_of_the_previous_tool_is_listed_held_and_released(call, ids):
    from pilote.receivables.models import DunningHold

    listed = call("commercial", "get", f"/api/v1/factures-reprises?client={ids['customer_id']}").json()
    rows = {row["number"]: row for row in listed["results"]}
    assert listed["count"] == 2 and rows["ANC-0412"]["balance_due"] == "840.00"
    assert (rows["ANC-0412"]["hold_reason"], rows["ANC-0450"]["hold_reason"]) == ("", "Litige")
    assert str(rows["ANC-0412"]["date"]).endswith("-12-15")  # read from its label, « Facture N du JJ/MM/AAAA »

    proposals = call("comptable", "get", "/api/v1/relances/propositions?taille=200")
    assert proposals.status_code == 200, proposals.content  # an old invoice has no Pilote invoice id
    chased = [item for row in proposals.json()["results"] for item in row["invoices"]]
    assert [(item["invoice_id"], item["invoice_number"]) for item in chased
            if item["old_invoice_line_id"] == ids["old_line_id"]] == [(None, "ANC-0412")]  # fmt: skip
    assert not [item for item in chased if item["invoice_number"] == "ANC-0450"]  # held

    url = f"/api/v1/factures-reprises/{ids['old_line_id']}/exclusion-relance"
    assert call("salarie", "post", url, {"reason": "x"}).status_code == 403
    made = call("comptable", "post", url, {"reason": "Médiation en cours"})
    assert made.status_code == 201, made.content
    assert (made.json()["entry_line_id"], made.json()["invoice_number"]) == (ids["old_line_id"], "ANC-0412")
    assert call("comptable", "get", "/api/v1/factures-reprises").json()["results"][0]["hold_reason"] in (
        "Médiation en cours", "Litige")  # fmt: skip
    # a line that is no old invoice (the counterpart on the suspense account) is refused, nothing written
    from pilote.ledger.models import EntryLine

    suspense = EntryLine.objects.filter(entry__lines__pk=ids["old_line_id"], auxiliary__isnull=True).first()
    count = DunningHold.objects.count()
    refused = call("comptable", "post", f"/api/v1/factures-reprises/{suspense.pk}/exclusion-relance", {"reason": "x"})
    assert refused.status_code == 409 and "n'est plus ouverte" in str(refused.json())
    assert call("comptable", "delete", f"/api/v1/factures-reprises/{suspense.pk}/exclusion-relance").status_code == 409
    assert DunningHold.objects.count() == count
    assert call("comptable", "delete", url).status_code == 204
    assert not DunningHold.objects.filter(entry_line_id=ids["old_line_id"]).exists()


def test_an_old_invoice_is_classed_doubtful_with_the_vat_the_old_tool_knew(call, ids):
    """840 TTC left of an invoice of 700 HT + 140 VAT: the whole VAT on the unpaid share, 411 → 416."""
    from pilote.receivables.models import DoubtfulDebt

    url = f"/api/v1/factures-reprises/{ids['old_line_id']}/creance-douteuse"
    body = {"day": day(3, 20).isoformat(), "net": "700.00", "vat_rate": "20"}
    refused = call("comptable", "post", url, body)
    assert refused.status_code == 409 and "régime de TVA" in str(refused.json())
    assert not DoubtfulDebt.objects.filter(entry_line_id=ids["old_line_id"]).exists()
    assert call("comptable", "post", url, {**body, "vat_rate": "7"}).status_code == 422
    assert call("commercial", "post", url, {**body, "vat_regime": "debits"}).status_code == 403
    made = call("comptable", "post", url, {**body, "vat_regime": "debits"})
    assert made.status_code == 201, made.content
    debt = made.json()
    assert (debt["invoice_id"], debt["entry_line_id"], debt["invoice_number"], debt["vat_regime"]) == (
        None, ids["old_line_id"], "ANC-0412", "debits")  # fmt: skip
    assert (debt["amount_gross"], debt["amount_vat"], debt["amount_net"]) == ("840.00", "140.00", "700.00")
    listed = call("comptable", "get", "/api/v1/factures-reprises").json()["results"]
    assert [row["doubtful_debt_id"] for row in listed if row["number"] == "ANC-0412"] == [debt["id"]]
    written = call("comptable", "post", f"/api/v1/creances-douteuses/{debt['id']}/perte",
                   {"day": day(4, 30).isoformat(), "proof": "Jugement de clôture"})  # fmt: skip
    assert written.status_code == 200 and written.json()["status"] == "written_off"


def test_an_old_invoice_mixing_rates_is_classed_with_one_line_per_rate(call, ids):
    """840 TTC left of 600 HT at 20 % (120) + 120 HT at 5,5 % (6,60) = 846,60 TTC: VAT of the open share
    126,60 × 840 / 846,60 = 125,6130 → 125,61 (split 120 : 6,60 into 119,06 + 6,55). The page's refusals, 422 in
    French, nothing written: a VAT beyond a cent of HT × rate, a rate twice, both ways of typing at once."""
    from pilote.receivables.models import DoubtfulDebt, OldInvoiceVatLine

    url = f"/api/v1/factures-reprises/{ids['old_line_id']}/creance-douteuse"
    rates = [{"net": "600.00", "vat_rate": "20"}, {"net": "120.00", "vat_rate": "5.5", "vat_amount": "6.60"}]
    body = {"day": day(3, 20).isoformat(), "vat_regime": "debits", "vat_lines": rates}
    off = {**body, "vat_lines": [{"net": "600.00", "vat_rate": "20", "vat_amount": "120.02"}, body["vat_lines"][1]]}
    refused = call("comptable", "post", url, off)
    assert refused.status_code == 422, refused.content
    assert ("La TVA saisie à 20 % (120,02 €) ne correspond pas à la base HT × taux (600,00 € × 20 % = 120,00 €)"
            in refused.json()["erreurs"]["__all__"][0].replace("\u202f", " ").replace("\xa0", " "))  # fmt: skip
    twice = {**body, "vat_lines": [body["vat_lines"][0], {"net": "120.00", "vat_rate": "20"}]}
    assert "saisi deux fois" in str(call("comptable", "post", url, twice).json()["erreurs"])
    both = call("comptable", "post", url, {**body, "net": "720.00", "vat_rate": "20"})
    assert both.status_code == 422 and "pas les deux" in str(both.json()["erreurs"]["vat_lines"])
    assert call("comptable", "post", url, {**body, "vat_lines": [{"net": "600", "vat_rate": "7"}]}).status_code == 422
    assert not DoubtfulDebt.objects.filter(entry_line_id=ids["old_line_id"]).exists()
    assert not OldInvoiceVatLine.objects.exists()
    made = call("comptable", "post", url, body)
    assert made.status_code == 201, made.content
    debt = made.json()
    assert (debt["amount_gross"], debt["amount_vat"], debt["amount_net"]) == ("840.00", "125.61", "714.39")
    assert debt["vat_lines"] == [{"rate": "20.00", "net": "600.00", "vat": "120.00"},
                                 {"rate": "5.50", "net": "120.00", "vat": "6.60"}]  # fmt: skip
    assert call("comptable", "get", f"/api/v1/creances-douteuses/{debt['id']}").json()["vat_lines"] == debt["vat_lines"]


def test_hold_operations_enforce_the_matrix(client, client_as, personas, structure):
    matrix_walk(client, client_as, personas, structure, dataset_holds.PATHS)


def test_hold_operations_keep_the_openapi_document(client, client_as, personas, structure):
    failures = schema_walk(client, client_as, personas, structure, dataset_holds.PATHS)
    assert not failures, "\n\n".join(failures)
