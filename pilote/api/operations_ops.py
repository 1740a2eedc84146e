"""Operations over the API beyond stock, interventions, counts and production (apiops): lots and serial numbers
(listed, read with their traceability), the technicians (listed, saved), the sectors and their travel times (listed,
saved), the reorder suggestions (listed, turned into draft purchase orders) and the year-end stock variation (read,
posted) — through the pages' forms and services (`operations.services`), with their permissions."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from pilote.api.base import (
    Clock,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    guarded,
    page_of,
    sorted_page,
    through_form,
)
from pilote.core.listing import sort_rows
from pilote.core.permissions import user_can
from pilote.lib.dates import local_today
from pilote.operations import forms
from pilote.operations.models import Lot, Sector, SectorTravel, Technician
from pilote.operations.queries import lots as lot_queries
from pilote.operations.queries import reorder as reorder_queries
from pilote.operations.services import closing, interventions, reorder

router = Router(tags=["Stock et interventions"])


# --- lots and serial numbers (read) -------------------------------------------------------------------------------


class LotOut(Schema):
    id: int
    item_id: int
    reference: str
    number: str
    is_serial: bool
    quantity: Decimal = Field(description="quantité restante")
    received_on: dt.date
    origin: str

    @staticmethod
    def resolve_reference(obj: Lot) -> str:
        return obj.item.product.reference


class LotMoveOut(Schema):
    lot_id: int
    lot_number: str
    date: dt.date
    kind: str
    reference: str
    location: str
    quantity: Decimal

    @staticmethod
    def resolve_lot_number(obj) -> str:
        return obj.lot.number

    @staticmethod
    def resolve_date(obj) -> dt.date:
        return obj.move.date

    @staticmethod
    def resolve_kind(obj) -> str:
        return obj.move.kind

    @staticmethod
    def resolve_reference(obj) -> str:
        return obj.move.reference

    @staticmethod
    def resolve_location(obj) -> str:
        return obj.move.location.code if obj.move.location_id else ""


class LotDetailOut(LotOut):
    entries: list[LotMoveOut] = Field(description="d'où il vient : réceptions, fabrications")
    exits: list[LotMoveOut] = Field(description="où il est allé : livraisons, consommations")
    components: list[LotMoveOut] = Field(description="lots des composants consommés par sa fabrication")
    products: list[LotMoveOut] = Field(description="lots fabriqués avec lui")


class LotFilters(Paging):
    q: Words = Field("", max_length=100, description="numéro, origine, article")
    article: OptionalId = Field(None, description="id de l'article stocké")
    en_stock: bool = Field(False, description="vrai : les lots dont il reste une quantité")
    tri: str = Field("article", description="article, numero, entree, quantite ; préfixe -")


@guarded(router, "GET", "/lots", "operations.view", response=Page[LotOut])
def list_lots(request, filters: Query[LotFilters]):
    data = filters.dict()
    rows = lot_queries.filter_lots({"q": data["q"], "article": data["article"], "in_stock": data["en_stock"]})
    return sorted_page(rows, data, lot_queries.SORTS, "article")


@guarded(router, "GET", "/lots/{lot_id}", "operations.view", response=LotDetailOut)
def get_lot(request, lot_id: ObjectId):
    """The lot and its traceability, as its page shows them."""
    lot = fetch(Lot.objects.select_related("item__product"), lot_id)
    for name, moves in lot_queries.traceability(lot).items():
        setattr(lot, name, moves)
    return lot


# --- technicians ---------------------------------------------------------------------------------------------------


class TechnicianOut(Schema):
    id: int
    user_id: int
    name: str
    skills: str
    day_start: str = Field(description="début de journée (HH:MM, heure locale)")
    day_end: str = Field(description="fin de journée (HH:MM, heure locale)")

    @staticmethod
    def resolve_name(obj: Technician) -> str:
        return str(obj)

    @staticmethod
    def resolve_day_start(obj: Technician) -> str:
        return f"{obj.day_start:%H:%M}"

    @staticmethod
    def resolve_day_end(obj: Technician) -> str:
        return f"{obj.day_end:%H:%M}"


class TechnicianIn(Schema):
    skills: str = Field("", max_length=300, description="compétences séparées par des virgules")
    day_start: Clock = Field(dt.time(8), description="début de journée (HH:MM)")
    day_end: Clock = Field(dt.time(17, 30), description="fin de journée (HH:MM)")


@guarded(router, "GET", "/intervenants", "operations.view", response=Page[TechnicianOut])
def list_technicians(request, filters: Query[Paging]):
    return page_of(Technician.objects.select_related("user"), filters)


@guarded(router, "PUT", "/intervenants/{user_id}", "operations.plan", response=TechnicianOut)
def save_technician(request, user_id: RequiredId, payload: TechnicianIn):
    """The person (a user) made a technician, or their skills and hours changed, as on the technicians page."""
    fields = through_form(forms.TechnicianForm, {**payload.dict(), "user": user_id})
    return interventions.set_technician(actor=request.auth, **fields)


# --- sectors and travel times ------------------------------------------------------------------------------------


class SectorOut(Schema):
    id: int
    code: str
    name: str
    postcodes: str
    minutes_within: int


class SectorIn(Schema):
    code: str = Field(..., max_length=12, description="un secteur qui porte déjà ce code est modifié")
    name: str = Field(..., max_length=100)
    postcodes: str = Field(..., max_length=500, description="codes ou débuts de codes séparés par des virgules")
    minutes_within: int = Field(15, ge=0, le=600, description="trajet dans le secteur (minutes)")


class TravelOut(Schema):
    origin_id: int
    destination_id: int
    minutes: int


class TravelLineIn(Schema):
    origin: RequiredId = Field(..., description="id d'un secteur")
    destination: RequiredId = Field(..., description="id d'un autre secteur")
    minutes: int | None = Field(..., ge=0, le=600, description="null : le trajet est oublié")


class TravelIn(Schema):
    trajets: list[TravelLineIn] = Field(..., max_length=2000)


@guarded(router, "GET", "/secteurs", "operations.view", response=Page[SectorOut])
def list_sectors(request, filters: Query[Paging]):
    return page_of(Sector.objects.all(), filters)


@guarded(router, "POST", "/secteurs", "operations.plan", response=SectorOut)
def save_sector(request, payload: SectorIn):
    """A sector created, or changed when its code exists, as on the sectors page (a postcode claimed twice: 409)."""
    data = through_form(forms.SectorForm, payload)
    existing = Sector.objects.filter(code=data["code"].strip().upper()).first()
    return interventions.save_sector(actor=request.auth, sector=existing, **data)


@guarded(router, "GET", "/trajets-secteurs", "operations.view", response=list[TravelOut])
def list_travel_times(request):
    return list(SectorTravel.objects.order_by("origin_id", "destination_id"))


@guarded(router, "PUT", "/trajets-secteurs", "operations.plan", response=list[TravelOut])
def save_travel_times(request, payload: TravelIn):
    """The travel times sent set (either way; null forgets one), the others kept, as the page's matrix saves them."""
    minutes = {(line.origin, line.destination): line.minutes for line in payload.trajets}
    interventions.save_travel_times(actor=request.auth, minutes=minutes)
    return list(SectorTravel.objects.order_by("origin_id", "destination_id"))


# --- reorder suggestions → purchase orders ------------------------------------------------------------------------


class ReorderSuggestionOut(Schema):
    item_id: int
    reference: str
    name: str
    stock: Decimal
    reorder_point: Decimal
    on_order: Decimal
    quantity: Decimal = Field(description="quantité proposée")
    supplier_id: int | None
    supplier_source: str
    unit_price: Decimal
    amount: Decimal

    @staticmethod
    def resolve_item_id(obj) -> int:
        return obj.item.pk

    @staticmethod
    def resolve_reference(obj) -> str:
        return obj.item.product.reference

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.item.product.name

    @staticmethod
    def resolve_stock(obj) -> Decimal:
        return obj.item.quantity

    @staticmethod
    def resolve_reorder_point(obj) -> Decimal:
        return obj.item.reorder_point

    @staticmethod
    def resolve_supplier_id(obj) -> int | None:
        return obj.supplier.pk if obj.supplier else None


class SuggestionFilters(Paging):
    q: str = Field("", max_length=100, description="article ou fournisseur")
    tri: str = Field("reference", description="reference, article, fournisseur, montant ; préfixe -")


class ReorderIn(Schema):
    articles: list[RequiredId] = Field(..., min_length=1, max_length=500, description="ids des articles à commander")


class DraftOrderOut(Schema):
    id: int
    number: str
    supplier_id: int
    date: dt.date
    status: str


@guarded(router, "GET", "/reapprovisionnement", "operations.view", response=Page[ReorderSuggestionOut])
def list_reorder_suggestions(request, filters: Query[SuggestionFilters]):
    """The articles under their reorder point, with the quantity, supplier and price proposed, as the page."""
    data = filters.dict()
    rows = reorder_queries.search(reorder_queries.suggestions(), data["q"])
    return page_of(sort_rows(rows, data["tri"], reorder_queries.SORTS, "reference"), data)


@guarded(router, "POST", "/reapprovisionnement/commandes", "operations.edit", response={201: list[DraftOrderOut]})
def order_reorder_suggestions(request, payload: ReorderIn):
    """Draft purchase orders of the chosen suggestions, one per supplier (also needs the right to order); an article
    without a supplier or no longer under its point: 409, nothing written."""
    if not user_can(request.auth, "purchases.order"):
        raise HttpError(403, "Votre rôle ne permet pas cette opération.")
    ids = list(dict.fromkeys(payload.articles))
    return Status(201, reorder.create_purchase_orders(actor=request.auth, item_ids=ids, date=local_today()))


# --- year-end stock variation -------------------------------------------------------------------------------------


class VariationRowOut(Schema):
    category: str
    label: str
    stock_account: str
    variation_account: str
    opening: Decimal = Field(description="stock à l'ouverture, dans les comptes")
    closing: Decimal = Field(description="stock valorisé à la clôture")
    variation: Decimal


class StockVariationOut(Schema):
    fiscal_year_id: int
    rows: list[VariationRowOut]
    entry_id: int | None = Field(None, description="écriture passée (null : pas encore comptabilisée)")
    entry_number: int | None = None


class VariationFilters(Schema):
    exercice: OptionalId = Field(None, description="id de l'exercice ; défaut : le plus récent")


class VariationIn(Schema):
    exercice: OptionalId = Field(None, description="id de l'exercice ; défaut : le plus récent")


def _fiscal_year(pk: int | None):
    form = forms.YearForm({"year": pk} if pk else None)
    if pk:
        if not form.is_valid():
            raise ValidationError({"exercice": ["Exercice inconnu."]})
        return form.cleaned_data["year"]
    year = form.fields["year"].queryset.first()
    if year is None:
        raise HttpError(409, "Aucun exercice comptable.")
    return year


def _variation(year) -> dict:
    entry = closing.existing_entry(year)
    return {"fiscal_year_id": year.pk, "rows": closing.prepare(year), "entry_id": entry.pk if entry else None,
            "entry_number": entry.number if entry else None}  # fmt: skip


@guarded(router, "GET", "/variation-des-stocks", "operations.view", response=StockVariationOut)
def get_stock_variation(request, filters: Query[VariationFilters]):
    """The year's opening stock in the books against the stock valued at its end, by category, as the page."""
    return _variation(_fiscal_year(filters.exercice))


@guarded(router, "POST", "/variation-des-stocks", "operations.post", response={201: StockVariationOut})
def post_stock_variation(request, payload: VariationIn):
    """The year's stock variation posted (once: 409), as on the page."""
    year = _fiscal_year(payload.exercice)
    closing.post_stock_variation(actor=request.auth, year=year)
    return Status(201, _variation(year))
