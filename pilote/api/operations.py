"""Operations over the API: stock locations, stocked articles and their movements (valued at the weighted average
cost by `operations.services.stock`, as on the article's page); interventions planned, moved, reported (arrival, then
the signed report, as on the technician's phone page) and cancelled; inventory counts opened, counted and posted;
bills of materials, work centres and production orders (released only with every component in stock, done at the
components' CMUP) — each write checked by the page's form and made by the page's service."""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Clock,
    Day,
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
from pilote.operations.forms import (
    BomForm,
    BomLineForm,
    BomOperationForm,
    CountOpenForm,
    DoneForm,
    InterventionForm,
    ItemForm,
    LocationForm,
    MoveForm,
    MoveVisitForm,
    ProductionOrderForm,
    ReportForm,
    WorkCentreForm,
)
from pilote.operations.models import (
    Bom,
    BomLine,
    Intervention,
    InterventionKind,
    InventoryCount,
    Location,
    ProductionOrder,
    StockCategory,
    StockItem,
    Tracking,
    WorkCentre,
)
from pilote.operations.queries import interventions as visit_queries
from pilote.operations.queries import production as production_queries
from pilote.operations.queries import stock as queries
from pilote.operations.services import interventions as visit_services
from pilote.operations.services import production as production_services
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
    q: Words = Field("", description="référence ou désignation")
    category: str = ""
    location: OptionalId = Field(None, description="articles présents dans cet emplacement")
    alert: bool = Field(False, description="sous le point de commande")
    tri: str = Field("reference", description="reference, article, quantite, valeur, cmup ; préfixe - décroissant")


@guarded(router, "GET", "/stock", "operations.view", response=Page[StockItemOut])
def list_items(request, filters: Query[StockItemFilters]):
    data = filters.dict()
    return sorted_page(queries.filter_items(data), data, queries.ITEM_SORTS, "reference")


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
    q: Words = Field("", description="article ou pièce")
    kind: str = ""
    start: Day | None = None
    end: Day | None = None
    tri: str = Field("-date", description="date, article, valeur ; préfixe - pour l'ordre décroissant")


@guarded(router, "GET", "/mouvements-stock", "operations.view", response=Page[MoveOut])
def list_moves(request, filters: Query[MoveFilters]):
    data = filters.dict()
    return sorted_page(queries.filter_moves(data), data, queries.MOVE_SORTS, "-date")


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
    arrived_at: dt.datetime | None
    left_at: dt.datetime | None
    report: str
    signed_by: str
    invoice_id: int | None
    version: int


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
    return sorted_page(visit_queries.filter_visits(data), data, visit_queries.SORTS, "debut")


@guarded(router, "GET", "/interventions/{visit_id}", "operations.view", response=InterventionOut)
def get_intervention(request, visit_id: ObjectId):
    return fetch(Intervention, visit_id)


@guarded(router, "POST", "/interventions/{visit_id}/annulation", "operations.plan", response=InterventionOut)
def cancel_intervention(request, visit_id: ObjectId):
    return visit_services.cancel(actor=request.auth, visit=fetch(Intervention, visit_id))


class PlannedOut(Schema):
    visits: list[InterventionOut]
    warnings: list[str] = Field(..., description="ce que le planificateur doit voir (compétence, horaires)")


class InterventionIn(Schema):
    customer: RequiredId = Field(..., description="id du client ou de la personne servie")
    kind: InterventionKind = InterventionKind.MAINTENANCE
    subject: str
    address: str = Field("", description="vide : l'adresse du client")
    technician: OptionalId = Field(None, description="id de l'intervenant ; absent : non affectée")
    day: Day
    at: Clock = Field(..., description="heure locale HH:MM")
    minutes: int = Field(60, ge=5, le=720)
    required_skill: str = ""
    until: Day | None = Field(None, description="répéter jusqu'au (jours fériés sautés)")
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = Field(
        None, max_length=7, description="0 lundi … 6 dimanche"
    )


class VisitMove(Schema):
    technician: OptionalId = Field(None, description="id de l'intervenant ; null : non affectée")
    day: Day | None = None
    at: Clock | None = None
    minutes: int | None = Field(None, ge=5, le=720)


class ReportIn(Schema):
    report: str = Field(..., description="compte rendu")
    signed_by: str = Field(..., description="nom de la personne servie qui signe")
    signature: bool = Field(..., description="la personne a lu et signé le compte rendu")


@guarded(router, "POST", "/interventions", "operations.plan", response={201: PlannedOut})
def plan_intervention(request, payload: InterventionIn):
    """One visit, or one on each chosen weekday up to `until`: a technician's overlapping visit is refused (409)."""
    data = through_form(InterventionForm, payload)
    address = data.pop("address") or visit_services.default_address(data["customer"])
    visits, warnings = visit_services.plan(actor=request.auth, address=address, **data)
    return Status(201, {"visits": visits, "warnings": warnings})


@guarded(router, "POST", "/interventions/{visit_id}/deplacement", "operations.plan", response=PlannedOut)
def move_intervention(request, visit_id: ObjectId, payload: VisitMove):
    """Moved or (re)assigned: the fields sent replace the visit's; `technician: null` leaves it unassigned."""
    visit = fetch(Intervention, visit_id)
    local = timezone.localtime(visit.start)
    current = {"technician": visit.technician_id, "day": local.date(), "at": local.time(),
               "minutes": int((visit.end - visit.start).total_seconds() // 60)}  # fmt: skip
    sent = {name: value for name, value in payload.dict(exclude_unset=True).items()
            if value is not None or name == "technician"}  # fmt: skip
    data = through_form(MoveVisitForm, {**current, **sent})
    warnings = visit_services.reschedule(actor=request.auth, visit=visit, **data)
    return {"visits": [fetch(Intervention, visit_id)], "warnings": warnings}


@guarded(router, "POST", "/interventions/{visit_id}/arrivee", "operations.my_day", response=InterventionOut)
def arrive(request, visit_id: ObjectId):
    """« Je suis arrivé » (the visit's technician, or a planner)."""
    return visit_services.arrive(actor=request.auth, visit=fetch(Intervention, visit_id))


@guarded(router, "POST", "/interventions/{visit_id}/compte-rendu", "operations.my_day", response=InterventionOut)
def report(request, visit_id: ObjectId, payload: ReportIn):
    """The departure and the report signed by the person served: the visit is done."""
    data = through_form(ReportForm, payload)
    return visit_services.finish(actor=request.auth, visit=fetch(Intervention, visit_id), report=data["report"],
                                 signed_by=data["signed_by"])  # fmt: skip


# --- inventory counts ---------------------------------------------------------------------------------------


class CountLineOut(Schema):
    id: int
    item_id: int
    reference: str
    expected: Decimal
    counted: Decimal | None
    difference: Decimal | None
    unit_cost: Decimal

    @staticmethod
    def resolve_reference(obj) -> str:
        return obj.item.product.reference


class CountOut(Schema):
    id: int
    location_id: int
    date: dt.date
    status: str
    note: str


class CountDetailOut(CountOut):
    lines: list[CountLineOut]

    @staticmethod
    def resolve_lines(obj: InventoryCount):
        return list(obj.lines.select_related("item__product").order_by("item__product__reference"))


class CountFilters(Paging):
    location: OptionalId = Field(None, description="id de l'emplacement")
    status: Literal["", "open", "posted"] = ""


class CountIn(Schema):
    location: RequiredId = Field(..., description="id de l'emplacement compté")
    date: Day


class CountedLine(Schema):
    line: RequiredId = Field(..., description="id de la ligne de la feuille d'inventaire")
    counted: Decimal | None = Field(..., ge=0, max_digits=12, decimal_places=3,
                                    description="quantité comptée ; null : pas encore comptée")  # fmt: skip


class CountedIn(Schema):
    lines: list[CountedLine] = Field(..., max_length=10_000)
    valider: bool = Field(False, description="clore l'inventaire : les écarts passent en stock au CMUP")


@guarded(router, "GET", "/inventaires", "operations.view", response=Page[CountOut])
def list_counts(request, filters: Query[CountFilters]):
    data = filters.dict()
    return page_of(queries.counts(data), data)


@guarded(router, "GET", "/inventaires/{count_id}", "operations.view", response=CountDetailOut)
def get_count(request, count_id: ObjectId):
    return fetch(InventoryCount, count_id)


@guarded(router, "POST", "/inventaires", "operations.edit", response={201: CountDetailOut})
def open_count(request, payload: CountIn):
    """A count sheet of every article stocked at the location, with the quantity expected."""
    return Status(201, services.open_count(actor=request.auth, **through_form(CountOpenForm, payload)))


@guarded(router, "POST", "/inventaires/{count_id}/quantites", "operations.edit", response=CountDetailOut)
def record_counts(request, count_id: ObjectId, payload: CountedIn):
    """Counted quantities recorded; with `valider`, every difference is posted (refused while a line is uncounted)."""
    count = fetch(InventoryCount, count_id)
    services.record_counts(actor=request.auth, count=count, counted={x.line: x.counted for x in payload.lines})
    if payload.valider:
        services.post_count(actor=request.auth, count=count)
    return fetch(InventoryCount, count_id)


# --- bills of materials, work centres, production orders ----------------------------------------------------


class WorkCentreOut(Schema):
    id: int
    name: str
    hourly_rate: Decimal


class WorkCentreIn(Schema):
    name: str
    hourly_rate: Decimal = Field(..., ge=0, max_digits=10, decimal_places=2)


class BomLineOut(Schema):
    id: int
    component_id: int
    quantity: Decimal
    scrap_percent: Decimal


class BomOperationOut(Schema):
    id: int
    work_centre_id: int
    hours: Decimal


class BomOut(Schema):
    id: int
    name: str
    product_id: int
    quantity: Decimal
    is_active: bool


class BomDetailOut(BomOut):
    lines: list[BomLineOut]
    operations: list[BomOperationOut]
    materials: Decimal = Field(..., description="coût des composants au CMUP")
    labour: Decimal = Field(..., description="coût des postes de charge")
    unit: Decimal = Field(..., description="coût de revient unitaire estimé")


class BomIn(Schema):
    name: str
    product: RequiredId = Field(..., description="id de l'article stocké fabriqué")
    quantity: Decimal = Field(Decimal("1"), gt=0, max_digits=12, decimal_places=3)


class BomLineIn(Schema):
    component: RequiredId = Field(..., description="id de l'article stocké consommé")
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)
    scrap_percent: Decimal = Field(Decimal("0"), ge=0, le=99, max_digits=5, decimal_places=2)


class BomOperationIn(Schema):
    work_centre: RequiredId = Field(..., description="id du poste de charge")
    hours: Decimal = Field(..., gt=0, max_digits=8, decimal_places=2)


class BomFilters(Paging):
    q: str = Field("", description="dans l'intitulé")


def _bom_detail(bom: Bom) -> dict:
    page = production_queries.bom_page(bom)
    return {**{name: getattr(bom, name) for name in ("id", "name", "product_id", "quantity", "is_active")},
            "lines": page["lines"], "operations": page["operations"], "materials": page["materials"],
            "labour": page["labour"], "unit": page["unit"]}  # fmt: skip


@guarded(router, "GET", "/postes-de-charge", "operations.view", response=Page[WorkCentreOut])
def list_work_centres(request, filters: Query[Paging]):
    return page_of(WorkCentre.objects.order_by("name"), filters)


@guarded(router, "POST", "/postes-de-charge", "operations.edit", response={201: WorkCentreOut})
def create_work_centre(request, payload: WorkCentreIn):
    fields = through_form(WorkCentreForm, payload)
    return Status(201, production_services.create_work_centre(actor=request.auth, **fields))


@guarded(router, "GET", "/nomenclatures", "operations.view", response=Page[BomOut])
def list_boms(request, filters: Query[BomFilters]):
    data = filters.dict()
    boms = production_queries.boms()
    return page_of(boms.filter(name__icontains=data["q"]) if data["q"] else boms, data)


@guarded(router, "GET", "/nomenclatures/{bom_id}", "operations.view", response=BomDetailOut)
def get_bom(request, bom_id: ObjectId):
    return _bom_detail(fetch(Bom.objects.select_related("product__default_location"), bom_id))


@guarded(router, "POST", "/nomenclatures", "operations.edit", response={201: BomDetailOut})
def create_bom(request, payload: BomIn):
    bom = production_services.create_bom(actor=request.auth, **through_form(BomForm, payload))
    return Status(201, _bom_detail(bom))


@guarded(router, "POST", "/nomenclatures/{bom_id}/composants", "operations.edit", response={201: BomLineOut})
def add_component(request, bom_id: ObjectId, payload: BomLineIn):
    bom = fetch(Bom, bom_id)
    return Status(201, production_services.add_component(actor=request.auth, bom=bom,
                                                         **through_form(BomLineForm, payload)))  # fmt: skip


@guarded(router, "POST", "/nomenclatures/{bom_id}/operations", "operations.edit", response={201: BomOperationOut})
def add_operation(request, bom_id: ObjectId, payload: BomOperationIn):
    bom = fetch(Bom, bom_id)
    return Status(201, production_services.add_operation(actor=request.auth, bom=bom,
                                                         **through_form(BomOperationForm, payload)))  # fmt: skip


@guarded(router, "DELETE", "/composants-nomenclature/{bom_line_id}", "operations.edit", response={204: None})
def remove_component(request, bom_line_id: ObjectId):
    production_services.remove_line(actor=request.auth, line=fetch(BomLine.objects.select_related("bom"), bom_line_id))
    return Status(204, None)


class NeedOut(Schema):
    component_id: int
    label: str
    required: Decimal
    available: Decimal
    shortage: Decimal


class ProductionOrderOut(Schema):
    id: int
    number: str
    bom_id: int
    quantity: Decimal
    status: str
    planned_date: dt.date
    done_date: dt.date | None
    location_id: int
    material_cost: Decimal
    labour_cost: Decimal
    unit_cost: Decimal
    version: int


class ProductionOrderDetailOut(ProductionOrderOut):
    needs: list[NeedOut] = Field(..., description="besoin de chaque composant et ce que l'atelier en a")

    @staticmethod
    def resolve_needs(obj: ProductionOrder):
        return production_services.needs(obj.bom, obj.quantity, obj.location)


class ProductionOrderIn(Schema):
    bom: RequiredId = Field(..., description="id de la nomenclature")
    quantity: Decimal = Field(..., gt=0, max_digits=12, decimal_places=3)
    planned_date: Day
    location: RequiredId = Field(..., description="id de l'emplacement (atelier)")


class DoneIn(Schema):
    date: Day
    lots: dict[RequiredId, str] = Field(default_factory=dict, max_length=500,
                                        description="composant suivi : {id : « L2401 : 5 ; L2402 : 3 »} ; "
                                        "absent : les lots les plus anciens")  # fmt: skip


class ProductionFilters(Paging):
    q: Words = Field("", description="numéro ou nomenclature")
    status: Literal["", "planned", "released", "done", "cancelled"] = ""
    tri: str = Field("-date", description="numero, date, etat ; préfixe - pour l'ordre décroissant")


def _order(pk: int) -> ProductionOrder:
    return fetch(ProductionOrder.objects.select_related("bom", "location"), pk)


@guarded(router, "GET", "/ordres-fabrication", "operations.view", response=Page[ProductionOrderOut])
def list_orders(request, filters: Query[ProductionFilters]):
    data = filters.dict()
    return sorted_page(production_queries.filter_orders(data), data, production_queries.ORDER_SORTS, "-date")


@guarded(router, "GET", "/ordres-fabrication/{production_id}", "operations.view", response=ProductionOrderDetailOut)
def get_order(request, production_id: ObjectId):
    return _order(production_id)


@guarded(router, "POST", "/ordres-fabrication", "operations.edit", response={201: ProductionOrderDetailOut})
def create_order(request, payload: ProductionOrderIn):
    order = production_services.create_order(actor=request.auth, **through_form(ProductionOrderForm, payload))
    return Status(201, _order(order.pk))


@guarded(router, "POST", "/ordres-fabrication/{production_id}/lancement", "operations.edit",
         response=ProductionOrderDetailOut)  # fmt: skip
def release_order(request, production_id: ObjectId):
    """Released only when every component is in the workshop: a shortage is a 409 naming what is missing."""
    production_services.release(actor=request.auth, order=_order(production_id))
    return _order(production_id)


@guarded(router, "POST", "/ordres-fabrication/{production_id}/fin", "operations.edit",
         response=ProductionOrderDetailOut)  # fmt: skip
def complete_order(request, production_id: ObjectId, payload: DoneIn):
    """Done: the components consumed at their CMUP, the finished goods brought in at their production cost."""
    order = _order(production_id)
    date = through_form(DoneForm, {"date": payload.date})["date"]
    lots = production_services.typed_lots(order, payload.lots)
    production_services.complete(actor=request.auth, order=order, date=date, lots=lots)
    return _order(production_id)


@guarded(router, "POST", "/ordres-fabrication/{production_id}/annulation", "operations.edit",
         response=ProductionOrderDetailOut)  # fmt: skip
def cancel_order(request, production_id: ObjectId):
    production_services.cancel(actor=request.auth, order=_order(production_id))
    return _order(production_id)
