"""The year's accounting work over the API (apiledger), through the pages' forms and services: the CA3 VAT return
(the figures of a period as the VAT page shows them, declared returns listed and read, a period declared with its
settlement entry: `ledger.vat`); the fixed assets register (listed, read with its depreciation schedule and postings,
registered, disposed of, the year's depreciation posted: `ledger.assets`); the year-end closing (its checks read, the
year closed with the page's confirmation and refusals: `ledger.closing`) and the year's FEC file (`ledger.heads`,
the page's generator)."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.http import StreamingHttpResponse
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, Page, Paging, RequiredId, fetch, guarded, page_of, sorted_page, through_form
from pilote.core.exceptions import DomainError
from pilote.ledger import assets, vat
from pilote.ledger.models import DepreciationMethod, Entry, FiscalYear, FixedAsset, VatReturn

router = Router(tags=["Comptabilité"])


class BoxOut(Schema):
    box: str = Field(description="case ou ligne de la CA3 (« 08 base », « 16 », « 28 »…)")
    label: str
    amount: Decimal


def _boxes(boxes: dict) -> list[dict]:
    return [{"box": box, "label": label, "amount": Decimal(value)} for box, label, value in vat.box_rows(boxes)]


class EntryRefOut(Schema):
    entry_id: int
    journal: str
    number: int | None
    date: dt.date
    label: str


def _entry_ref(entry: Entry | None) -> dict | None:
    if entry is None:
        return None
    return {"entry_id": entry.pk, "journal": entry.journal.code, "number": entry.number, "date": entry.date,
            "label": entry.label}  # fmt: skip


# --- CA3 VAT return -------------------------------------------------------------------------------------------


class VatReturnOut(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    confirmed_at: dt.datetime
    entry: EntryRefOut | None = Field(description="écriture de liquidation ; vide : déclaration néant")
    boxes: list[BoxOut]

    @staticmethod
    def resolve_entry(obj: VatReturn) -> dict | None:
        return _entry_ref(obj.entry)

    @staticmethod
    def resolve_boxes(obj: VatReturn) -> list[dict]:
        return _boxes(obj.boxes)


def _returns():
    return VatReturn.objects.select_related("entry__journal").order_by("-period_start")


@guarded(router, "GET", "/tva/declarations", "ledger.view", response=Page[VatReturnOut])
def list_vat_returns(request, filters: Query[Paging]):
    """The declared CA3 returns, newest first, each with its boxes as declared."""
    return page_of(_returns(), filters)


@guarded(router, "GET", "/tva/declarations/{vat_return_id}", "ledger.view", response=VatReturnOut)
def get_vat_return(request, vat_return_id: ObjectId):
    return fetch(_returns(), vat_return_id)


class Ca3Out(Schema):
    period_start: dt.date
    period_end: dt.date
    declared: bool = Field(description="vrai : la déclaration enregistrée, telle que déclarée (jamais recalculée)")
    vat_return_id: int | None
    boxes: list[BoxOut]


class Ca3Filters(Schema):
    du: Day | None = Field(None, description="début de période ; vide (avec au) : la prochaine période à déclarer")
    au: Day | None = None


def _period(du: dt.date | None, au: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period asked for, checked by the VAT page's form; none: the one the page proposes."""
    from pilote.ledger.views.vat import PeriodForm

    if du is None or au is None:
        return vat.default_period()
    data = through_form(PeriodForm, {"du": du, "au": au})
    return data["du"], data["au"]


def _declares_vat(request) -> None:
    from pilote.core.vat_policy import current_policy

    policy = current_policy(getattr(request, "structure", None))
    if not policy.declares_vat:  # franchise en base, non assujettie: the page has nothing to compute
        raise DomainError(policy.reason)


@guarded(router, "GET", "/tva/ca3", "ledger.view", response=Ca3Out)
def get_ca3(request, filters: Query[Ca3Filters]):
    """A period's CA3 as the VAT page shows it: the declared return when there is one, else the figures computed
    now (409 in French when they cannot be yet: an earlier period to declare first, no fiscal year)."""
    _declares_vat(request)
    start, end = _period(filters.du, filters.au)
    declared, figures = vat.period_figures(start, end)
    boxes = declared.boxes if declared else figures.boxes()
    return {"period_start": start, "period_end": end, "declared": declared is not None,
            "vat_return_id": declared.pk if declared else None, "boxes": _boxes(boxes)}  # fmt: skip


class Ca3In(Schema):
    du: Day = Field(..., description="début de la période à déclarer (la suivante de la séquence)")
    au: Day


@guarded(router, "POST", "/tva/declarations", "ledger.edit", response={201: VatReturnOut})
def declare_vat(request, payload: Ca3In):
    """The period declared as on the VAT page: the return recorded and its settlement entry posted (OD, the
    period's last day; none for a « néant » return); refused in French (409) out of sequence or already declared."""
    start, end = _period(payload.du, payload.au)
    done = vat.confirm_ca3(actor=request.auth, start=start, end=end)
    return Status(201, fetch(_returns(), done.pk))


# --- fixed assets ---------------------------------------------------------------------------------------------


class AssetOut(Schema):
    id: int
    reference: str
    label: str
    account: str = Field(description="compte d'immobilisation (classe 2)")
    acquisition_date: dt.date
    in_service_date: dt.date
    cost: Decimal
    residual_value: Decimal
    method: str
    years: int
    supplier: str
    disposal_date: dt.date | None
    disposal_price: Decimal | None

    @staticmethod
    def resolve_account(obj: FixedAsset) -> str:
        return obj.account.code


class AnnuityOut(Schema):
    period_start: dt.date
    period_end: dt.date
    amount: Decimal
    accumulated: Decimal
    net_book_value: Decimal


class DepreciationPostingOut(Schema):
    fiscal_year_id: int
    amount: Decimal
    entry: EntryRefOut

    @staticmethod
    def resolve_entry(obj) -> dict | None:
        return _entry_ref(obj.entry)


class AssetDetailOut(AssetOut):
    depreciation_account: str | None
    schedule: list[AnnuityOut] = Field(description="plan d'amortissement")
    postings: list[DepreciationPostingOut] = Field(description="dotations passées")

    @staticmethod
    def resolve_depreciation_account(obj: FixedAsset) -> str | None:
        return obj.depreciation_account.code if obj.depreciation_account_id else None

    @staticmethod
    def resolve_schedule(obj: FixedAsset):
        return assets.asset_schedule(obj)

    @staticmethod
    def resolve_postings(obj: FixedAsset):
        return list(obj.postings.select_related("entry__journal").order_by("fiscal_year__start_date"))


class AssetFilters(Paging):
    q: str = Field("", max_length=100, description="mot de la désignation ou du n° d'inventaire, début du compte")
    etat: Literal["", "en-service", "sorties"] = ""
    tri: str = Field("numero", description="numero, designation, compte, service, valeur, sortie ; préfixe -")


@guarded(router, "GET", "/immobilisations", "ledger.view", response=Page[AssetOut])
def list_assets(request, filters: Query[AssetFilters]):
    """The register, filtered and sorted as its page lists it."""
    data = filters.dict()
    return sorted_page(assets.filter_assets(data["q"].strip(), data["etat"]), data, assets.ASSET_SORTS, "numero")


def _asset(asset_id: int) -> FixedAsset:
    return fetch(FixedAsset.objects.select_related("account", "depreciation_account"), asset_id)


@guarded(router, "GET", "/immobilisations/{asset_id}", "ledger.view", response=AssetDetailOut)
def get_asset(request, asset_id: ObjectId):
    """An asset with its depreciation schedule and the depreciation posted, as its page shows them."""
    return _asset(asset_id)


class AssetIn(Schema):
    reference: str = Field(..., max_length=40, description="n° d'inventaire (unique)")
    label: str = Field(..., max_length=200)
    account: str = Field(..., max_length=20, description="compte de classe 2 du plan (20 à 27), ex. 2183")
    acquisition_date: Day
    in_service_date: Day | None = Field(None, description="vide : la date d'acquisition")
    cost: Decimal = Field(..., max_digits=15, decimal_places=2, description="valeur d'origine HT")
    method: DepreciationMethod = DepreciationMethod.LINEAR
    years: int = Field(5, ge=1, le=50, description="durée d'amortissement (années)")
    supplier: str = Field("", max_length=200)


@guarded(router, "POST", "/immobilisations", "ledger.edit", response={201: AssetDetailOut})
def register_asset(request, payload: AssetIn):
    """An asset registered through the register page's form and `ledger.assets.register_asset` (a class-2
    account, the service after the acquisition, a unique inventory number; 409 in French otherwise)."""
    from pilote.ledger.views.assets import AssetForm

    data = through_form(AssetForm, payload)
    account = assets.asset_account(data.pop("account"))
    asset = assets.register_asset(actor=request.auth, account=account, **data)
    return Status(201, _asset(asset.pk))


class AssetChangeIn(Schema):
    reference: str | None = Field(None, max_length=40)
    label: str | None = Field(None, max_length=200)
    account: str | None = Field(None, max_length=20)
    acquisition_date: Day | None = None
    in_service_date: Day | None = None
    cost: Decimal | None = Field(None, max_digits=15, decimal_places=2)
    method: DepreciationMethod | None = None
    years: int | None = Field(None, ge=1, le=50)
    supplier: str | None = Field(None, max_length=200)


@guarded(router, "PATCH", "/immobilisations/{asset_id}", "ledger.edit", response=AssetDetailOut)
def change_asset(request, asset_id: ObjectId, payload: AssetChangeIn):
    """The fields sent corrected, checked by the register's form and rules (`ledger.assets.update_asset`): the
    label and supplier at any time, the terms (account, dates, value, method, duration, inventory number) while no
    depreciation is posted and the asset is in the register (409 in French otherwise)."""
    from pilote.ledger.views.assets import AssetForm

    asset = _asset(asset_id)
    fields = ("reference", "label", "acquisition_date", "in_service_date", "cost", "method", "years", "supplier")
    current = {name: getattr(asset, name) for name in fields} | {"account": asset.account.code}
    data = through_form(AssetForm, payload, current=current)
    data["account"] = assets.asset_account(data["account"])
    assets.update_asset(actor=request.auth, asset=asset, **data)
    return _asset(asset_id)


class DisposalIn(Schema):
    date: Day = Field(..., description="date de sortie (cession ou mise au rebut)")
    price: Decimal = Field(Decimal(0), ge=0, max_digits=15, decimal_places=2, description="prix HT ; 0 : rebut")


class DisposalOut(Schema):
    asset: AssetDetailOut
    entry: EntryRefOut


@guarded(router, "POST", "/immobilisations/{asset_id}/sortie", "ledger.edit", response=DisposalOut)
def dispose_asset(request, asset_id: ObjectId, payload: DisposalIn):
    """The asset sold or scrapped as on its page: the year's depreciation up to that day, then out of the books
    (net book value to 657, price to 757); once only."""
    from pilote.ledger.views.assets import DisposalForm

    data = through_form(DisposalForm, payload)
    entry = assets.dispose_asset(actor=request.auth, asset=_asset(asset_id), date=data["date"], price=data["price"])
    return {"asset": _asset(asset_id), "entry": _entry_ref(entry)}


class DepreciationIn(Schema):
    fiscal_year: RequiredId = Field(..., description="exercice dont passer les dotations")


@guarded(router, "POST", "/dotations-amortissements", "ledger.edit", response={201: EntryRefOut})
def post_depreciation(request, payload: DepreciationIn):
    """The year's depreciation entry as the register page posts it (one OD on the year's last day, 6811 / 28x per
    asset not yet done); 409 in French when there is none to post."""
    entry = assets.post_depreciation(actor=request.auth, year=fetch(FiscalYear, payload.fiscal_year))
    return Status(201, _entry_ref(entry))


# --- year-end closing and FEC ---------------------------------------------------------------------------------


class ClosingCheckOut(Schema):
    label: str
    status: str = Field(description="ok, warning (clôture permise, signalé) ou blocking (clôture refusée)")
    detail: str


class ClosingOut(Schema):
    fiscal_year_id: int
    label: str
    status: str = Field(description="open ou closed")
    locked_until: dt.date | None
    can_close: bool = Field(description="aucun contrôle bloquant et l'exercice ouvert")
    checks: list[ClosingCheckOut]
    closing_heads: list[str] = Field(description="têtes de chaîne relevées à la clôture (indice:empreinte)")
    opening_entry: EntryRefOut | None = Field(
        None, description="à-nouveaux passés par la clôture qui vient d'être faite"
    )


def _closing(year: FiscalYear, entry: Entry | None = None) -> dict:
    from pilote.ledger import heads
    from pilote.ledger.closing import closing_checks

    checks = closing_checks(year)
    return {
        "fiscal_year_id": year.pk,
        "label": str(year),
        "status": year.status,
        "locked_until": year.locked_until,
        "can_close": year.is_open and not any(check.is_blocking for check in checks),
        "checks": [{"label": c.label, "status": c.status, "detail": c.detail} for c in checks],
        "closing_heads": [str(head) for head in heads.recorded(heads.CLOSING, str(year))],
        "opening_entry": _entry_ref(entry),
    }


@guarded(router, "GET", "/exercices/{year_id}/cloture", "ledger.view", response=ClosingOut)
def get_closing(request, year_id: ObjectId):
    """The closing page's checks of a fiscal year (balanced, lettered, VAT declared, depreciation, bank…)."""
    return _closing(fetch(FiscalYear, year_id))


class ClosingIn(Schema):
    confirmation: str = Field(..., max_length=60, description="« CLÔTURER » ou le libellé de l'exercice")


@guarded(router, "POST", "/exercices/{year_id}/cloture", "ledger.admin", response=ClosingOut)
def close_year(request, year_id: ObjectId, payload: ClosingIn):
    """The year closed as on its closing page: the typed confirmation, then refused in French (409) while a check
    blocks; else the year closed and locked, its à-nouveaux posted in the next year (opened if needed)."""
    from pilote.ledger.closing import close_fiscal_year
    from pilote.ledger.views.setup import ClosingConfirmForm

    year = fetch(FiscalYear, year_id)
    through_form(ClosingConfirmForm, payload, year=year)
    entry = close_fiscal_year(actor=request.auth, year=year)
    year.refresh_from_db()
    return _closing(year, entry)


def _text_file(description: str, fmt: dict | None = None) -> dict:
    """A text file's response, declared in the OpenAPI document."""
    schema = {"type": "string", **(fmt or {})}
    return {"responses": {"200": {"description": description, "content": {"text/plain": {"schema": schema}}}}}


def _fec_file(request, year_id: int, make, response_class, charset: str):
    """The page's FEC file or manifest of a fiscal year (`make(year, siren)` → name, content), as an attachment."""
    year = fetch(FiscalYear, year_id)
    name, content = make(year, getattr(getattr(request, "structure", None), "siren", ""))
    response = response_class(content, content_type=f"text/plain; charset={charset}")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


FEC_FILE = _text_file("Le FEC de l'exercice (texte tabulé, ISO-8859-15), sous son nom légal (SIREN + FEC + date)",
                      {"format": "binary"})  # fmt: skip
MANIFEST_FILE = _text_file("Le manifeste du FEC : nom, taille, lignes, empreinte SHA-256 et tête de chaîne")


@guarded(router, "GET", "/exercices/{year_id}/fec", "ledger.view", openapi_extra=FEC_FILE)
def download_fec(request, year_id: ObjectId):
    """The fiscal year's FEC, the page's file (open or closed year), streamed; the chain's head recorded."""
    from pilote.ledger import heads

    return _fec_file(request, year_id, heads.fec_export, StreamingHttpResponse, "iso-8859-15")


@guarded(router, "GET", "/exercices/{year_id}/fec/manifeste", "ledger.view", openapi_extra=MANIFEST_FILE)
def download_fec_manifest(request, year_id: ObjectId):
    """Beside the FEC (which stays exactly the DGFiP file), as the page offers it: its SHA-256 and the chain head."""
    from django.http import HttpResponse

    from pilote.ledger import heads

    return _fec_file(request, year_id, heads.fec_manifest, HttpResponse, "utf-8")
