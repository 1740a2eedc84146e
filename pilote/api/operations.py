"""Operations over the API: stock locations, stocked articles and their movements (valued at the weighted average
cost by `operations.services.stock`, as on the article's page), interventions read and cancelled."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import Day, ObjectId, OptionalId, Page, Paging, RequiredId, fetch, guarded, page_of, through_form
from pilote.core.listing import sort_queryset
from pilote.operations.forms import ItemForm, LocationForm, MoveForm
from pilote.operations.models import Intervention, Location, StockCategory, StockItem, Tracking
from pilote.operations.queries import interventions as visit_queries
from pilote.operations.queries import stock as queries
from pilote.operations.services import interventions as visit_services
from pilote.operations.services import stock as services

router = Router(tags=["Stock et interventions"])


class LocationOut(Schema):
    id: int
    code: str
    name: str
    address: str
    is_active: bool


class LocationIn(Schema):
    code: str
    name: str
    address: str = ""


@guarded(router, "GET", "/emplacements", "operations.view", response=Page[LocationOut])
def list_locations(request, filters: Query[Paging]):
    return page_of(Location.objects.order_by("code"), filters)


@guarded(router, "POST", "/emplacements", "operations.edit", response={201: LocationOut})
def create_location(request, payload: LocationIn):
    return Status(201, services.create_location(actor=request.auth, **through_form(LocationForm, payload)))


class StockItemOut(Schema):
    id: int
    product_id: int
    reference: str
    name: str
    category: str
    default_location_id: int
    quantity: Decimal
    value: Decimal
    average_cost: Decimal
    reorder_point: Decimal
    reorder_quantity: Decimal
    allow_negative: bool
    supplier_id: int | None
    tracking: str
    last_move_date: dt.date | None
    version: int

    @staticmethod
    def resolve_reference(obj: StockItem) -> str:
        return obj.product.reference

    @staticmethod
    def resolve_name(obj: StockItem) -> str:
        return obj.product.name


class StockItemPatch(Schema):
    category: StockCategory | None = None
    default_location: OptionalId = Field(None, description="id de l'emplacement habituel")
    reorder_point: Decimal | None = Field(None, max_digits=12)
    reorder_quantity: Decimal | None = Field(None, max_digits=12)
    supplier: OptionalId = Field(None, description="id du fournisseur habituel")
    tracking: Tracking | None = Field(None, description="traçabilité : aucune, par lot ou par numéro de série")
    allow_negative: bool | None = None


class StockItemIn(StockItemPatch):
    product: RequiredId = Field(..., description="id d'un bien actif du catalogue, pas encore suivi en stock")
    default_location: RequiredId = Field(..., description="id de l'emplacement habituel")


class StockItemUpdate(StockItemPatch):
    version: int | None = Field(None, description="Version lue ; si l'article a changé depuis, réponse 409.")


class StockItemFilters(Paging):
    q: str = Field("", description="référence ou désignation")
    category: str = ""
    location: OptionalId = Field(None, description="articles présents dans cet emplacement")
    alert: bool = Field(False, description="sous le point de commande")
    tri: str = Field("reference", description="reference, article, quantite, valeur, cmup ; préfixe - décroissant")


@guarded(router, "GET", "/stock", "operations.view", response=Page[StockItemOut])
def list_items(request, filters: Query[StockItemFilters]):
    data = filters.dict()
    return page_of(sort_queryset(queries.filter_items(data), data["tri"], queries.ITEM_SORTS, "reference"), data)


@guarded(router, "GET", "/stock/{item_id}", "operations.view", response=StockItemOut)
def get_item(request, item_id: ObjectId):
    return fetch(StockItem.objects.select_related("product"), item_id)


@guarded(router, "POST", "/stock", "operations.edit", response={201: StockItemOut})
def track_product(request, payload: StockItemIn):
    fields = through_form(ItemForm, payload)
    item = services.track_product(actor=request.auth, **fields)
    return Status(201, fetch(StockItem.objects.select_related("product"), item.pk))


@guarded(router, "PATCH", "/stock/{item_id}", "operations.edit", response=StockItemOut)
def update_item(request, item_id: ObjectId, payload: StockItemUpdate):
    item = fetch(StockItem, item_id)
    fields = through_form(ItemForm, payload, instance=fetch(StockItem, item_id))
    services.update_item(actor=request.auth, item=item, expected_version=payload.version, **fields)
    return fetch(StockItem.objects.select_related("product"), item_id)


class MoveOut(Schema):
    id: int
    item_id: int
    location_id: int
    kind: str
    date: dt.date
    quantity: Decimal
    unit_cost: Decimal
    value: Decimal
    quantity_after: Decimal
    value_after: Decimal
    average_after: Decimal
    reference: str
    note: str


class MoveIn(Schema):
    kind: Literal["receipt", "issue", "adjustment_in", "adjustment_out", "transfer"]
    date: Day
    quantity: Decimal = Field(..., max_digits=14)
    location: RequiredId = Field(..., description="id de l'emplacement (de départ pour un transfert)")
    target: OptionalId = Field(None, description="id de l'emplacement d'arrivée (transfert)")
    unit_cost: Decimal | None = Field(None, max_digits=14, description="coût unitaire HT (entrée)")
    reference: str = ""
    note: str = ""
    lots: str = Field("", description="article suivi par lot : « L2401 : 5 ; L2402 : 3 » ; par numéro de série : "
                      "« SN-001, SN-002 »")  # fmt: skip


class MoveFilters(Paging):
    q: str = Field("", description="article ou pièce")
    kind: str = ""
    start: Day | None = None
    end: Day | None = None
    tri: str = Field("-date", description="date, article, valeur ; préfixe - pour l'ordre décroissant")


@guarded(router, "GET", "/mouvements-stock", "operations.view", response=Page[MoveOut])
def list_moves(request, filters: Query[MoveFilters]):
    data = filters.dict()
    return page_of(sort_queryset(queries.filter_moves(data), data["tri"], queries.MOVE_SORTS, "-date"), data)


@guarded(router, "POST", "/stock/{item_id}/mouvements", "operations.edit", response={201: list[MoveOut]})
def add_move(request, item_id: ObjectId, payload: MoveIn):
    """An entry, an exit, an adjustment or a transfer (two movements), checked by the article page's form."""
    item = fetch(StockItem, item_id)
    fields = through_form(MoveForm, payload, tracked=item.tracking != Tracking.NONE)
    return Status(201, services.manual_move(actor=request.auth, item=item, **fields))


# --- interventions --------------------------------------------------------------------------------------


class InterventionOut(Schema):
    id: int
    customer_id: int
    kind: str
    address: str
    subject: str
    technician_id: int | None
    start: dt.datetime
    end: dt.datetime
    required_skill: str
    status: str


class VisitFilters(Paging):
    q: str = ""
    technician: OptionalId = None
    unassigned: bool = False
    status: str = ""
    start: Day | None = None
    end: Day | None = None
    tri: str = Field("debut", description="debut, client, etat ; préfixe - pour l'ordre décroissant")


@guarded(router, "GET", "/interventions", "operations.view", response=Page[InterventionOut])
def list_interventions(request, filters: Query[VisitFilters]):
    data = filters.dict()
    visits = sort_queryset(visit_queries.filter_visits(data), data["tri"], visit_queries.SORTS, "debut")
    return page_of(visits, data)


@guarded(router, "GET", "/interventions/{visit_id}", "operations.view", response=InterventionOut)
def get_intervention(request, visit_id: ObjectId):
    return fetch(Intervention, visit_id)


@guarded(router, "POST", "/interventions/{visit_id}/annulation", "operations.plan", response=InterventionOut)
def cancel_intervention(request, visit_id: ObjectId):
    return visit_services.cancel(actor=request.auth, visit=fetch(Intervention, visit_id))
