"""`manage.py import_purchase_invoices`: a folder fed by the platform."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from pilote.contacts.models import Contact
from pilote.purchases.models import SupplierInvoice
from pilote.purchases.tests import factories


def test_a_folder_is_received_unknown_suppliers_wait_and_bad_files_fail_the_run(buy, tmp_path):
    stranger = factories.replace(factories.samples.SELLER, name="Inconnu SA", siren="732829320", siret="",
                                 vat_number="FR44732829320")  # fmt: skip
    (tmp_path / "a.pdf").write_bytes(factories.facturx(factories.supplier_invoice()))
    (tmp_path / "b.xml").write_bytes(factories.ubl(factories.supplier_invoice(number="FA-2026-0043")))
    (tmp_path / "c.xml").write_bytes(factories.cii(factories.supplier_invoice(number="X-1", seller=stranger)))
    (tmp_path / "d.xml").write_bytes(b"<pas une facture/>")
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit) as exit_status:
        call_command("import_purchase_invoices", str(tmp_path), stdout=out, stderr=err)
    assert exit_status.value.code == 1
    assert "2 reçue(s), 1 refusée(s), 1 en attente d'un fournisseur." in out.getvalue()
    assert "d.xml : refusée" in err.getvalue()
    assert set(SupplierInvoice.objects.values_list("number", flat=True)) == {"FA-2026-0042", "FA-2026-0043"}
    out = StringIO()
    call_command("import_purchase_invoices", str(tmp_path / "c.xml"), "--create-suppliers", stdout=out)
    assert Contact.objects.get(siren="732829320").is_supplier
    assert SupplierInvoice.objects.filter(number="X-1").exists()
