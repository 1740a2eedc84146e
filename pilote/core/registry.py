"""What each domain app plugs into the shell: menu entries and global-search providers.

Apps register from their AppConfig.ready(); the core never imports a domain app. Only registered
(built) modules appear in the menu, so there are no dead links.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace


def lazy_module(name: str):
    """The module `name`, executed at the first read of one of its attributes (importlib's LazyLoader): a module
    that an app's ready() imports for the objects it registers (its KPI tiles, its take-over datasets) names what
    it calls at use time through it, so that a command's start-up does not import those dependencies."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class lazy:  # noqa: N801 - used like a function: lazy("pilote.app.module.function")
    """A function named by its dotted path, imported at its first call: an app's ready() registers its demo
    loaders, panels and handlers without importing their modules (and the services, views and libraries they
    import), so a command that uses none of them starts fast. Equal to another `lazy` of the same path, so a
    registration made twice is still made once."""

    __slots__ = ("path", "_target")

    def __init__(self, path: str):
        self.path, self._target = path, None

    def resolve(self) -> Callable:
        if self._target is None:
            module, _, name = self.path.rpartition(".")
            self._target = getattr(importlib.import_module(module), name)
        return self._target

    def __call__(self, *args, **kwargs):
        return self.resolve()(*args, **kwargs)

    def __eq__(self, other) -> bool:
        return isinstance(other, lazy) and other.path == self.path

    def __hash__(self) -> int:
        return hash(self.path)

    def __repr__(self) -> str:
        return f"lazy({self.path!r})"


backup_facts: dict[str, Callable[[], str]] = {}


def register_backup_fact(key: str, read: Callable[[], str]) -> None:
    """A fact an app writes in every backup's manifest (`core.backup`), read in the backup's snapshot — the ledger's
    chain head (« INDICE:EMPREINTE »), which `restore` then requires the restored chain to contain."""
    backup_facts[key] = read


@dataclass(frozen=True)
class MenuItem:
    label: str  # in a company's words; core.vocabulary says it in the structure type's own
    url_name: str
    perm: str
    icon: str = ""
    structure_types: tuple[str, ...] = ()  # the types of structure it is offered to; () = every type


@dataclass
class MenuSection:
    label: str
    order: int
    items: list[MenuItem] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    label: str
    detail: str
    url: str


@dataclass(frozen=True)
class SearchProvider:
    label: str
    perm: str
    search: Callable[[object, str, int], list[SearchHit]]


_sections: dict[str, MenuSection] = {}
_menus: dict[tuple[str, str], list[MenuSection]] = {}  # (role, structure type) -> its menu, built once
_demo_loaders: list[tuple[int, str, Callable]] = []
_structure_setups: list[Callable] = []
_search_providers: list[SearchProvider] = []


def register_menu(section: str, order: int, *items: MenuItem) -> None:
    entry = _sections.setdefault(section, MenuSection(section, order))
    entry.items.extend(item for item in items if item not in entry.items)
    _menus.clear()


def register_search(provider: SearchProvider) -> None:
    if provider not in _search_providers:
        _search_providers.append(provider)


def menu_for(user, structure_type: str | None = None) -> list[MenuSection]:
    """The sections and entries `user`'s role opens, for a structure of `structure_type` (default: a
    company): entries meant for other types left out, labels in the type's words (core.vocabulary). The role
    decides (core.permissions.MATRIX is fixed): built once per role and type, every page shows it."""
    from pilote.core.vocabulary import COMPANY

    kind = structure_type or COMPANY
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return _build_menu(user, kind)
    key = (user.role, kind)
    if key not in _menus:
        _menus[key] = _build_menu(user, kind)
    return _menus[key]


def _build_menu(user, kind: str) -> list[MenuSection]:
    from pilote.core.vocabulary import say

    sections = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        items = [
            replace(item, label=say(item.label, kind))
            for item in section.items
            if user.can(item.perm) and (not item.structure_types or kind in item.structure_types)
        ]
        if items:
            sections.append(MenuSection(say(section.label, kind), section.order, items))
    return sections


def search_providers_for(user) -> list[SearchProvider]:
    return [p for p in _search_providers if user.can(p.perm)]


def register_demo(order: int, label: str, loader: Callable, structure_type: str = "company") -> None:
    """A domain's demo data loader, called with (rng, users) after the core demo, in `order`. Loaders of another
    structure type than the company's run only in that type's demo (`load_demo --type association`)."""
    entries = _demo_loaders if structure_type == "company" else _type_demo_loaders.setdefault(structure_type, [])
    if all(existing[2] is not loader for existing in entries):
        entries.append((order, label, loader))


def demo_loaders(structure_type: str = "company") -> list[tuple[int, str, Callable]]:
    entries = _demo_loaders if structure_type == "company" else _type_demo_loaders.get(structure_type, [])
    return sorted(entries, key=lambda entry: entry[0])


_type_demo_loaders: dict[str, list[tuple[int, str, Callable]]] = {}
_demo_finishes: list[tuple[str, Callable]] = []


def register_demo_finish(label: str, step: Callable) -> None:
    """A domain's last step of the demo, whatever its structure type, after every loader: step(users, started),
    `started` the moment the load began (what the load made is what was made since: the ledger dates the
    matchings its services lettered at the load moment as they would have been lettered)."""
    if all(existing[1] != step for existing in _demo_finishes):
        _demo_finishes.append((label, step))


def demo_finishes() -> list[tuple[str, Callable]]:
    return list(_demo_finishes)


_demo_structures: dict[str, str] = {}  # structure type -> the module holding its STRUCTURE and EMAIL_DOMAIN


def register_demo_structure(structure_type: str, module: str) -> None:
    """Another type's demo structure, loaded by `load_demo --type`: `module` (a dotted path, imported only then)
    holds its identity (STRUCTURE: name, SIREN, address, IBAN…) and its EMAIL_DOMAIN."""
    _demo_structures[structure_type] = module


def demo_structure(structure_type: str) -> tuple[dict, str] | None:
    if structure_type not in _demo_structures:
        return None
    module = importlib.import_module(_demo_structures[structure_type])
    return dict(module.STRUCTURE), module.EMAIL_DOMAIN


def demo_types() -> list[str]:
    return ["company", *sorted(_demo_structures)]


def register_structure_setup(setup: Callable) -> None:
    """A domain's first set-up of a new structure (e.g. the chart of accounts), called with
    (structure=, actor=) by core.services.initialise_structure."""
    if setup not in _structure_setups:
        _structure_setups.append(setup)


def structure_setups() -> list[Callable]:
    return list(_structure_setups)


_structure_updates: list[Callable] = []


def register_structure_update(hook: Callable) -> None:
    """A domain's follow-up of a change to the structure (e.g. a new IBAN opens its bank account), called
    with (structure=, before=, actor=) by core.services.update_structure, in its transaction."""
    if hook not in _structure_updates:
        _structure_updates.append(hook)


def structure_updates() -> list[Callable]:
    return list(_structure_updates)


@dataclass(frozen=True)
class TodoItem:
    """One thing a user has to do by a date (a tender deadline, an invoice to chase…)."""

    label: str
    url: str
    due: object = None  # datetime.date or None
    kind: str = ""
    urgent: bool = False  # an alert: listed before everything else, so a long list never hides it
    domain: str = ""  # the home page groups items by it: set by `todos_for` from the provider (its app's name)


@dataclass(frozen=True)
class TodoProvider:
    perm: str
    items: Callable[[object], list[TodoItem]]
    structure_types: tuple[str, ...] = ()  # asked only for these structure types (empty: every type)
    domain: str = ""  # the group of its items on the home page; empty: the verbose name of the provider's app

    def domain_label(self) -> str:
        if self.domain:
            return self.domain
        if self not in _todo_domains:
            from django.apps import apps

            module = getattr(self.items, "path", None) or getattr(self.items, "__module__", "")
            config = apps.get_containing_app_config(module)
            _todo_domains[self] = str(config.verbose_name) if config else ""
        return _todo_domains[self]


_todo_domains: dict[TodoProvider, str] = {}


_todo_providers: list[TodoProvider] = []


def register_todo(provider: TodoProvider) -> None:
    """A domain's to-do items, shown on the user's home page (the to-do list): alerts first, then soonest first."""
    if provider not in _todo_providers:
        _todo_providers.append(provider)


def todos_for(user, limit: int = 20, structure_type: str | None = None) -> list[TodoItem]:
    """The user's to-do list; `structure_type` (the page's structure, else read here once) leaves out the
    providers registered for other types without asking them."""
    import datetime as dt

    providers = [p for p in _todo_providers if user.can(p.perm)]
    if structure_type is None and any(p.structure_types for p in providers):
        from pilote.core.models import Structure
        from pilote.core.vocabulary import structure_type_of

        structure_type = structure_type_of(Structure.objects.only("type").first())
    providers = [p for p in providers if not p.structure_types or structure_type in p.structure_types]
    items = []
    for provider in providers:
        domain = provider.domain_label()
        items += [item if item.domain else replace(item, domain=domain) for item in provider.items(user)]
    items.sort(key=lambda item: (not item.urgent, item.due is None, item.due or dt.date.max, item.label))
    return items[:limit]


_demo_timelines: list[Callable] = []


def register_demo_timeline(build: Callable) -> None:
    """A domain's dated demo activity: build(rng, users) returns [(date, label, action)] that the demo's
    calendar (the ledger demo, which posts month after month and closes each VAT month) runs in date
    order among its own entries, so documents, their entries, VAT returns and bank statements agree."""
    if build not in _demo_timelines:
        _demo_timelines.append(build)


def demo_timelines() -> list[Callable]:
    return list(_demo_timelines)


@dataclass(frozen=True)
class ContactPanel:
    """A section another domain adds to a contact's page (its invoices, its opportunities…)."""

    perm: str
    order: int
    render: Callable[[object, object], str]  # (request, contact) -> HTML rendered by the domain's template


_contact_panels: list[ContactPanel] = []


def register_contact_panel(panel: ContactPanel) -> None:
    if panel not in _contact_panels:
        _contact_panels.append(panel)


def contact_panels_for(request, contact) -> list[str]:
    panels = sorted((p for p in _contact_panels if request.user.can(p.perm)), key=lambda p: p.order)
    return [html for panel in panels if (html := panel.render(request, contact))]


@dataclass(frozen=True)
class HomePanel:
    """A section a domain adds to the home page (the dashboards' tiles…), above the menu's tiles."""

    perm: str
    order: int
    render: Callable[[object], str]  # (request) -> HTML rendered by the domain's template, "" for nothing


_home_panels: list[HomePanel] = []


def register_home_panel(panel: HomePanel) -> None:
    if panel not in _home_panels:
        _home_panels.append(panel)


def home_panels_for(request) -> list[str]:
    panels = sorted((p for p in _home_panels if request.user.can(p.perm)), key=lambda p: p.order)
    return [html for panel in panels if (html := panel.render(request))]


class KpiContext:
    """What the tiles of one page share: the user, the business date and the reads several tiles use
    (`shared(key, read)` runs `read()` once per page)."""

    def __init__(self, user, today) -> None:
        self.user = user
        self.today = today
        self._shared: dict[str, object] = {}

    def shared(self, key: str, read: Callable[[], object]) -> object:
        if key not in self._shared:
            self._shared[key] = read()
        return self._shared[key]


@dataclass
class KpiTile:
    """What a tile shows: its figure printed, a comparison, a small chart, the page behind it."""

    value: object  # Decimal (the figure a threshold is compared with) or None when there is nothing to show
    display: str  # the figure as printed (« 12 345,67 € », « 42,5 j »)
    url: str  # its detail page
    note: str = ""  # a second line (« au plus bas le 14/12/2026 »)
    comparisons: list = field(default_factory=list)  # [(label, printed figure, printed variation)]
    chart: str = ""  # server-side SVG (lib.charts), already safe


@dataclass(frozen=True)
class KpiProvider:
    """A key performance indicator a domain offers the dashboards (registry, like the menu): a stable key
    for the thresholds direction sets, who sees it, and how it is read."""

    key: str
    label: str
    perm: str
    order: int
    compute: Callable[[KpiContext], KpiTile | None]
    section: str = ""
    unit: str = "€"  # of the value compared with a threshold
    alert_below: bool = True  # a threshold alerts when the value falls under it (else when it exceeds it)


_kpi_providers: list[KpiProvider] = []


def register_kpi(provider: KpiProvider) -> None:
    if all(existing.key != provider.key for existing in _kpi_providers):
        _kpi_providers.append(provider)


def kpi_providers() -> list[KpiProvider]:
    return sorted(_kpi_providers, key=lambda p: (p.order, p.key))


def kpi_providers_for(user) -> list[KpiProvider]:
    return [p for p in kpi_providers() if user.can(p.perm)]


_kpi_threshold_sources: list[Callable] = []


def register_kpi_threshold(read: Callable) -> None:
    """The keeper of the thresholds direction sets on the indicators (the dashboards): read(key) returns the
    threshold of the indicator `key` (a `KpiProvider.key`) as a Decimal, or None when none is set. Finance's cash
    plan shows the threshold of its lowest point without importing dashboards."""
    if read not in _kpi_threshold_sources:
        _kpi_threshold_sources.append(read)


def kpi_threshold(key: str):
    """The threshold set on the indicator `key` (Decimal), or None: none set, or no app keeps thresholds."""
    return next((value for read in _kpi_threshold_sources if (value := read(key)) is not None), None)


@dataclass(frozen=True)
class LayerEntry:
    """A dated deadline another domain shows, read-only, in the agenda (a tender's submission, a VAT return…)."""

    title: str
    day: object  # datetime.date
    url: str = ""
    time: object = None  # datetime.time (local) or None for the whole day


@dataclass(frozen=True)
class CalendarLayer:
    key: str  # short identifier in the agenda's query string
    label: str
    perm: str
    entries: Callable[[object, object, object], list[LayerEntry]]  # (user, first day, last day) -> entries


_calendar_layers: list[CalendarLayer] = []


def register_calendar_layer(layer: CalendarLayer) -> None:
    """A domain's deadlines, shown as a read-only layer of the agenda to the roles with `layer.perm`."""
    if all(existing.key != layer.key for existing in _calendar_layers):
        _calendar_layers.append(layer)


def calendar_layers_for(user) -> list[CalendarLayer]:
    return [layer for layer in _calendar_layers if user.can(layer.perm)]


@dataclass(frozen=True)
class DocumentSource:
    """Documents another domain already holds (invoices' PDFs, minutes, DUERP versions…), found from the office's
    document search: search(user, text, limit) returns SearchHits the user may open."""

    key: str
    label: str
    perm: str
    search: Callable[[object, str, int], list[SearchHit]]


_document_sources: list[DocumentSource] = []


def register_document_source(source: DocumentSource) -> None:
    if all(existing.key != source.key for existing in _document_sources):
        _document_sources.append(source)


def document_sources_for(user) -> list[DocumentSource]:
    return [source for source in _document_sources if user.can(source.perm)]


@dataclass(frozen=True)
class MemberSource:
    """The members of a body another domain keeps (an association's members), convened to the office's general
    assemblies: members(day) returns [(contact id, name, e-mail, votes)] of the members on that day."""

    key: str
    label: str
    members: Callable[[object], list[tuple[int, str, str, int]]]


_member_sources: list[MemberSource] = []


def register_member_source(source: MemberSource) -> None:
    if all(existing.key != source.key for existing in _member_sources):
        _member_sources.append(source)


def member_sources() -> list[MemberSource]:
    return list(_member_sources)


_work_accident_sources: list[Callable] = []


def register_work_accidents(source: Callable) -> None:
    """A domain's work accidents (the people's domain): source(since) returns the dates of the accidents at work
    that happened after `since` (or ever, with None) — dates only, never who: the DUERP is updated after each one
    (R4121-2), by people who need not see anybody's health record."""
    if source not in _work_accident_sources:
        _work_accident_sources.append(source)


def work_accidents_since(since) -> list:
    return sorted({day for source in _work_accident_sources for day in source(since)})


@dataclass(frozen=True)
class CostChainRow:
    """One figure of the cost chain (purchase cost → stock at CMUP → production cost → cost price) for a period."""

    stage: str  # « Stock au début », « Coût de production »…
    label: str  # what it is about (an article, « Total »)
    amount: object  # Decimal euros
    quantity: object = None  # Decimal or None
    unit_cost: object = None  # Decimal or None
    url: str = ""


@dataclass(frozen=True)
class ProductionCost:
    """A product made in-house over a period, as the workshop costs it: units made and their production cost
    (materials at CMUP + work centres' time at their rate), units sold and their production cost (at the CMUP of
    the moment they left)."""

    key: str  # the catalogue reference
    label: str
    made: object  # Decimal
    production_cost: object  # Decimal euros
    sold: object  # Decimal
    cost_of_sold: object  # Decimal euros


@dataclass(frozen=True)
class CostChainSource:
    """Figures another domain (the stock and the workshop) offers the finance's costing page: rows(first, last)
    returns the CostChainRows of the period (stock values at its bounds, production costs per product…);
    products(first, last) the ProductionCosts the full costing puts in the cost price of the products linked to
    them."""

    key: str
    label: str
    perm: str
    rows: Callable[[object, object], list[CostChainRow]]
    products: Callable[[object, object], list[ProductionCost]] | None = None


_cost_chain_sources: list[CostChainSource] = []


def register_cost_chain(source: CostChainSource) -> None:
    if all(existing.key != source.key for existing in _cost_chain_sources):
        _cost_chain_sources.append(source)


def cost_chain_for(user) -> list[CostChainSource]:
    return [source for source in _cost_chain_sources if user.can(source.perm)]


def production_costs(first, last) -> dict[str, ProductionCost]:
    """{catalogue reference: ProductionCost} of the products made in-house over the period, from every source."""
    return {
        cost.key: cost for source in _cost_chain_sources if source.products for cost in source.products(first, last)
    }


@dataclass(frozen=True)
class WorkedTime:
    """A stretch of work a domain records outside the schedule (a visit at a customer's or a person's home, from
    arrival to departure): whose (user id), which day, from when to when, in local time."""

    user_id: int
    day: object  # datetime.date
    start: object  # datetime.time
    end: object  # datetime.time
    label: str = ""


_worked_time_sources: list[Callable] = []


def register_worked_time(source: Callable) -> None:
    """A domain's recorded work (the interventions): source(user_ids, first, last) returns the WorkedTime of those
    users between the two dates. The people's domain counts them as hours worked on days without a planned shift
    (payroll variables), so field staff's visits feed the payroll without anybody typing them twice."""
    if source not in _worked_time_sources:
        _worked_time_sources.append(source)


def worked_time(user_ids, first, last) -> list[WorkedTime]:
    return [row for source in _worked_time_sources for row in source(user_ids, first, last)]


@dataclass(frozen=True)
class CashForecastSource:
    """Cash movements a domain foresees (hr: the pay and its social charges), which the treasury plan adds to the
    books' open items. `flows(today, end)` returns (date, signed amount — a payment negative —, kind) for the
    days from today to `end`. `replaces` names the budget groups it stands for (« 64 »: the plan stops taking
    the budget's staff costs when hr projects the pay)."""

    key: str
    flows: Callable
    replaces: tuple[str, ...] = ()


_cash_sources: list[CashForecastSource] = []


def register_cash_forecast(source: CashForecastSource) -> None:
    if all(existing.key != source.key for existing in _cash_sources):
        _cash_sources.append(source)


def cash_forecast_sources() -> list[CashForecastSource]:
    return list(_cash_sources)


# Payments a domain has scheduled (purchases: the supplier invoices of an approved payment run): a callable
# (today) -> [(expected, day, amount)]: `amount` (positive) of the open supplier items the ledger expects on
# `expected` (the invoice's due date, else its date) leaves the bank on `day` instead. Finance moves them in
# its cash plan without importing purchases.
_scheduled_payment_sources: list[Callable] = []


def register_scheduled_payments(source: Callable) -> None:
    if source not in _scheduled_payment_sources:
        _scheduled_payment_sources.append(source)


def scheduled_payments(today) -> list:
    return [row for source in _scheduled_payment_sources for row in source(today)]


# Sales volumes per article for a period, for finance's price / volume / mix analysis: a callable
# (start, end) -> [(key, label, quantity, net amount)], credit notes negative. Sales registers it; finance reads it
# without importing sales.
_sales_volume_sources: list[Callable] = []


def register_sales_volumes(source: Callable) -> None:
    if source not in _sales_volume_sources:
        _sales_volume_sources.append(source)


def sales_volume_sources() -> list[Callable]:
    return list(_sales_volume_sources)


_planned_hours_sources: list[Callable] = []


def register_planned_hours(source: Callable) -> None:
    """A domain's schedule of the staff (the people's domain): source(user_id, day) returns the [(start, end)] local
    times that user is planned to work that day ([] when nothing is planned). The intervention planning checks a
    visit against them, and against its own working hours only when no schedule says anything."""
    if source not in _planned_hours_sources:
        _planned_hours_sources.append(source)


def planned_hours(user_id, day) -> list:
    return [stretch for source in _planned_hours_sources for stretch in source(user_id, day)]


@dataclass(frozen=True)
class LotTracking:
    """The stock's lot and serial numbers, offered to the receipt and delivery forms of purchases and sales (which
    never import operations): tracked(product_ids) → {product_id: "lot" | "serial"} for the articles followed by lot
    or serial number; suggest(product_id, quantity) → the lots an exit of that quantity would take, oldest first,
    as a person types them (« L2401 : 5 ; L2402 : 3 », « SN-001, SN-002 »; "" when they do not cover it)."""

    tracked: Callable[[list], dict]
    suggest: Callable[[int, object], str]


_lot_tracking: list[LotTracking] = []


def register_lot_tracking(source: LotTracking) -> None:
    if source not in _lot_tracking:
        _lot_tracking.append(source)


def lot_tracking(product_ids) -> dict:
    """{product_id: "lot" | "serial"} of the given catalogue articles followed by lot or serial number."""
    ids = [pk for pk in product_ids if pk]
    if not ids:
        return {}
    return {pk: kind for source in _lot_tracking for pk, kind in source.tracked(ids).items()}


def lot_suggestion(product_id, quantity) -> str:
    return next((text for source in _lot_tracking if (text := source.suggest(product_id, quantity))), "")


_demo_year_ends: list[Callable] = []


def register_demo_year_end(step: Callable) -> None:
    """A domain's part of the demo's year end, run by the ledger demo just before it closes a fiscal year:
    step(users, year) posts what that domain books at the year end (the stock change entry)."""
    if step not in _demo_year_ends:
        _demo_year_ends.append(step)


def demo_year_end_steps() -> list[Callable]:
    return list(_demo_year_ends)
