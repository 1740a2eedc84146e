import datetime as dt
from decimal import Decimal

import pytest

from pilote.core.exceptions import DomainError
from pilote.ledger import assets
from pilote.ledger.models import Account, DepreciationPosting
from pilote.ledger.verify import verify_all

D = Decimal


@pytest.fixture
def chart(books):
    for code, label in (
        ("2818", "Autres immobilisations corporelles"),
        ("6811", "Dotations aux amortissements"),
        ("657", "Valeurs comptables des immobilisations cédées"),
        ("462", "Créances sur cessions"),
        ("757", "Produits des cessions d'immobilisations"),
    ):
        Account.objects.create(code=code, label=label)
    return books


def _laptop(chart, **kw):
    data = {
        "label": "Ordinateurs portables",
        "reference": "INV-001",
        "account": chart["a"]["2183"],
        "acquisition_date": dt.date(2026, 4, 1),
        "cost": D("12000.00"),
        "years": 5,
    }
    return assets.register_asset(actor=chart["actor"], **(data | kw))


def test_register_creates_the_depreciation_account_and_schedule(chart):
    asset = _laptop(chart)
    assert asset.depreciation_account.code == "28183" and asset.expense_account.code == "6811"
    assert [a.amount for a in assets.asset_schedule(asset)][:2] == [D("1800.00"), D("2400.00")]
    with pytest.raises(DomainError, match="classe 2"):
        _laptop(chart, reference="X", account=chart["a"]["606"])


def test_in_service_before_acquisition_is_refused_in_french(chart):
    """Issue 8 point 2 (the whole class): it reached the database as ledger_fixedasset_service_after_acquisition."""
    with pytest.raises(DomainError, match="La mise en service ne peut pas précéder l'acquisition."):
        _laptop(chart, in_service_date=dt.date(2026, 3, 1))


def test_yearly_depreciation_entry_once(chart):
    _laptop(chart)
    entry = assets.post_depreciation(actor=chart["actor"], year=chart["year"])
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")}
    assert lines == {("6811", D("1800.00"), 0), ("28183", 0, D("1800.00"))}
    with pytest.raises(DomainError, match="Aucune dotation"):
        assets.post_depreciation(actor=chart["actor"], year=chart["year"])


def test_disposal_with_prorata_and_sale_price(chart):
    asset = _laptop(chart, acquisition_date=dt.date(2026, 1, 1), cost=D("3600.00"), years=3)
    entry = assets.dispose_asset(actor=chart["actor"], asset=asset, date=dt.date(2026, 6, 30), price=D("2500.00"))
    lines = {(line.account.code, line.debit, line.credit) for line in entry.lines.select_related("account")}
    # Half a year of 1,200: 600; net book value 3,000 to 657; price to 757 against 462.
    assert lines == {
        ("6811", D("600.00"), 0),
        ("28183", 0, D("600.00")),
        ("28183", D("600.00"), 0),
        ("657", D("3000.00"), 0),
        ("2183", 0, D("3600.00")),
        ("462", D("2500.00"), 0),
        ("757", 0, D("2500.00")),
    }
    assert DepreciationPosting.objects.get(asset=asset).amount == D("600.00")
    with pytest.raises(DomainError, match="déjà sortie"):
        assets.dispose_asset(actor=chart["actor"], asset=asset, date=dt.date(2026, 7, 1))
    assert all(not problems for problems in verify_all().values())


def test_asset_pages(client_as, chart):
    from django.urls import reverse

    client = client_as("comptable")
    response = client.post(
        reverse("ledger:asset-create"),
        {
            "reference": "INV-9",
            "label": "Copieur",
            "account": "2183",
            "acquisition_date": "2026-07-01",
            "cost": "4 800,00",
            "method": "declining",
            "years": "5",
        },
    )
    asset = chart["a"]["2183"].__class__.objects.get(code="2183")  # account still there
    from pilote.ledger.models import FixedAsset

    created = FixedAsset.objects.get(reference="INV-9")
    assert response["Location"] == reverse("ledger:asset-detail", args=[created.pk]) and asset
    page = client.get(reverse("ledger:asset-detail", args=[created.pk]))
    # 4,800 × 35 % × 6/12 = 840 the first year.
    assert page.context["schedule"][0].amount == D("840.00")
    client.post(reverse("ledger:depreciation-post"), {"exercice": chart["year"].pk})
    assert created.postings.get().amount == D("840.00")


def _card(asset, **changes):
    data = {
        "reference": asset.reference,
        "label": asset.label,
        "account": asset.account.code,
        "acquisition_date": asset.acquisition_date.isoformat(),
        "in_service_date": asset.in_service_date.isoformat(),
        "cost": str(asset.cost).replace(".", ","),
        "method": asset.method,
        "years": str(asset.years),
        "supplier": asset.supplier,
    }
    return data | changes


def test_asset_card_changed_on_its_page(client_as, chart):
    from django.urls import reverse

    from pilote.core.models import AuditEvent

    asset = _laptop(chart)
    client = client_as("comptable")
    detail = client.get(reverse("ledger:asset-detail", args=[asset.pk])).content.decode()
    url = reverse("ledger:asset-edit", args=[asset.pk])
    assert f'href="{url}"' in detail and ">Modifier</a>" in detail
    page = client.get(url)
    assert page.status_code == 200 and not page.context["form"].fields["cost"].disabled
    # The terms while no depreciation is posted: value and duration, the schedule follows.
    response = client.post(url, _card(asset, label="Portables", cost="6 000,00", years="3"))
    assert response.status_code == 302 and response["Location"] == reverse("ledger:asset-detail", args=[asset.pk])
    asset.refresh_from_db()
    assert (asset.label, asset.cost, asset.years) == ("Portables", D("6000.00"), 3)
    event = AuditEvent.objects.filter(action="ledger.asset.changed").get()
    assert event.before["cost"] == "12000.00" and event.after["cost"] == "6000.00"
    # Depreciation posted: the terms read-only, the label still corrected.
    assets.post_depreciation(actor=chart["actor"], year=chart["year"])
    page = client.get(url)
    assert page.context["form"].fields["cost"].disabled and not page.context["form"].fields["label"].disabled
    assert "Seules la désignation et le fournisseur se corrigent encore." in page.content.decode()
    locked = {k: v for k, v in _card(asset, label="Portables 14 pouces").items() if k not in assets.BOOKED_TERMS}
    assert client.post(url, locked).status_code == 302
    asset.refresh_from_db()
    assert asset.label == "Portables 14 pouces" and asset.cost == D("6000.00")
    # A form opened before the depreciation: its new terms refused in French, nothing written.
    response = client.post(url, _card(asset, label="Autre", cost="7 000,00"))
    assert response.status_code == 200
    assert "Des dotations sont passées ou l&#x27;immobilisation est sortie du registre" in response.content.decode()
    asset.refresh_from_db()
    assert (asset.label, asset.cost) == ("Portables 14 pouces", D("6000.00"))
    assert AuditEvent.objects.filter(action="ledger.asset.changed").count() == 2


def test_asset_edit_page_is_for_the_accountant(client_as, chart):
    from django.urls import reverse

    asset = _laptop(chart)
    url = reverse("ledger:asset-edit", args=[asset.pk])
    for role in ("direction", "commercial", "auditeur", "rh"):
        client = client_as(role)
        assert client.get(url).status_code == 403
        assert client.post(url, _card(asset, label="X")).status_code == 403
    asset.refresh_from_db()
    assert asset.label == "Ordinateurs portables"
    assert (
        ">Modifier</a>"
        not in client_as("auditeur").get(reverse("ledger:asset-detail", args=[asset.pk])).content.decode()
    )
