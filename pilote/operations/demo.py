"""The stock of the demo company: two locations, every good of the catalogue followed in stock, the demo's
purchase receipts and customer deliveries replayed in date order through the stock services (a small opening
stock, then each month's goods bought on its first day at a price that varies), a transfer to the technician's
van, and an inventory count with a shortfall; articles under their reorder point show in the to-do list."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pilote.catalog.models import Product
from pilote.contacts.demo import SUPPLIERS
from pilote.contacts.models import Contact
from pilote.core.demo import DEMO_TODAY, FIRST_YEAR
from pilote.operations.models import Location, MoveKind, StockItem
from pilote.operations.services import closing, stock
from pilote.purchases.models import ReceiptLine
from pilote.sales.models import DeliveryLine

REORDER = {"TON-C300-K": ("10", "24"), "TON-C300-C": ("6", "12"), "PAP-A4-80": ("20", "50"), "COP-M120": ("3", "4")}
# Articles followed by lot (toner cartridges: a manufacturing batch) or serial number (copiers), and the usual
# supplier of the articles with a reorder point (contacts.demo.SUPPLIERS).
TRACKING = {"TON-C300-K": "lot", "TON-C300-C": "lot", "COP-M120": "serial"}
USUAL_SUPPLIER = {"TON-C300-K": "copiers", "TON-C300-C": "copiers", "COP-M120": "copiers", "PAP-A4-80": "stationery"}


def _events():
    receipts = [
        (line.receipt.date, 0, line.order_line.product_id, line.quantity,
         line.order_line.unit_price * (1 - line.order_line.discount_percent / 100), line.receipt.number)
        for line in ReceiptLine.objects.select_related("receipt", "order_line").filter(
            order_line__product__kind="goods", quantity__gt=0)
    ]  # fmt: skip
    deliveries = [
        (line.delivery.date, 1, line.order_line.product_id, line.quantity, None, line.delivery.number)
        for line in DeliveryLine.objects.select_related("delivery", "order_line").filter(
            order_line__product__kind="goods")
    ]  # fmt: skip
    return sorted(receipts + deliveries, key=lambda e: (e[0], e[1], e[5]))


def _stock(users, until: dt.date | None = None) -> dict:
    """The locations, every good followed in stock with a small opening stock, and the demo's receipts and
    deliveries up to `until` (all of them without it) replayed month by month. Its draws come from its own
    generator, so a replay up to a date gives the same stock at that date as the whole one."""
    rng = random.Random(f"stock-{FIRST_YEAR}")
    actor = users["assistant"]
    depot = stock.create_location(actor=actor, code="DEP", name="Dépôt principal", address="Zone artisanale, Lyon")
    stock.create_location(actor=actor, code="VEH1", name="Véhicule du technicien")
    events = [e for e in _events() if until is None or e[0] <= until]
    start = min([dt.date(FIRST_YEAR, 1, 1)] + [e[0] for e in events])
    items = {}
    suppliers = {c.name: c for c in Contact.objects.filter(name__in=[SUPPLIERS[k] for k in USUAL_SUPPLIER.values()])}
    for product in Product.objects.filter(kind="goods").order_by("reference"):
        point, order = REORDER.get(product.reference, ("0", "0"))
        supplier = suppliers.get(SUPPLIERS.get(USUAL_SUPPLIER.get(product.reference, ""), ""))
        item = stock.track_product(actor=actor, product=product, default_location=depot, supplier=supplier,
                                   reorder_point=Decimal(point), reorder_quantity=Decimal(order),
                                   tracking=TRACKING.get(product.reference, "none"))  # fmt: skip
        items[product.pk] = item
        stock.move(actor=actor, item=item, kind=MoveKind.OPENING, quantity=Decimal(rng.randint(3, 8)), date=start,
                   unit_cost=product.purchase_price or Decimal("10"), reference=f"SI-{start:%Y}",
                   auto_lots=True)  # fmt: skip
    # Each month, the goods its deliveries will take are bought on its first day at the supplier's price of the
    # moment (a few per cent around the catalogue's), so the CMUP moves; then the month's receipts and deliveries.
    months: dict[dt.date, list] = {}
    for event in events:
        months.setdefault(event[0].replace(day=1), []).append(event)
    for month in sorted(months):
        need: dict[int, Decimal] = {}
        for _day, direction, product_id, quantity, _cost, _ref in months[month]:
            need[product_id] = need.get(product_id, Decimal("0")) + (quantity if direction else 0)
        for product_id, quantity in sorted(need.items()):
            item = StockItem.objects.select_related("product").get(pk=items[product_id].pk)
            missing = quantity - item.quantity
            if missing > 0:
                price = (item.product.purchase_price or Decimal("10")) * (1 + Decimal(rng.randint(-3, 5)) / 100)
                stock.move(actor=actor, item=item, kind=MoveKind.RECEIPT, quantity=missing + rng.randint(2, 6),
                           date=max(month, start), unit_cost=price.quantize(Decimal("0.01")),
                           reference=f"REAPPRO-{month:%Y-%m}", auto_lots=True)  # fmt: skip
        for day, direction, product_id, quantity, cost, number in months[month]:
            kind = MoveKind.DELIVERY if direction else MoveKind.RECEIPT
            stock.move(actor=actor, item=items[product_id], kind=kind, quantity=quantity, date=day,
                       unit_cost=cost, reference=number, auto_lots=True)  # fmt: skip
    return {"depot": depot, "items": items, "start": start, "events": events}


class _Rollback(Exception):
    pass


def year_end(users, year) -> None:
    """The ledger demo's year end, before it closes its first year (core.registry.register_demo_year_end): the
    stock change entry (603x/713) posted through `closing.post_stock_variation`, from the stock valued on the
    year's last day. That stock is built up to that day inside a savepoint and rolled back once the entry is
    posted (the entry itself is posted outside it): the stock demo (order 88) builds the same stock again, its
    draws being its own, and the demo-books test checks the entry against it."""
    if year.start_date != dt.date(FIRST_YEAR, 1, 1):
        return
    try:
        with transaction.atomic():
            _stock(users, until=year.end_date)
            rows = closing.prepare(year)
            raise _Rollback
    except _Rollback:
        pass
    closing.post_stock_variation(actor=users["comptable"], year=year, rows=rows)


@transaction.atomic
def load(rng: random.Random, users) -> None:
    actor = users["assistant"]
    built = _stock(users)
    depot, items, start, events = built["depot"], built["items"], built["start"], built["events"]
    van = Location.objects.get(code="VEH1")
    by_ref = {item.product.reference: item for item in items.values()}
    last = max([start] + [e[0] for e in events])
    day = max(last, DEMO_TODAY - dt.timedelta(days=20))
    # Toner and paper bought at a new price (the CMUP moves), a van stocked for the technician's rounds.
    stock.record_move(actor=actor, item=by_ref["PAP-A4-80"], kind=MoveKind.RECEIPT, quantity=Decimal("60"),
                      date=day, unit_cost=Decimal("16.90"), reference="BL-PAPETERIE")  # fmt: skip
    toner = StockItem.objects.get(pk=by_ref["TON-C300-K"].pk)
    if toner.quantity >= 2:
        stock.transfer(actor=actor, item=toner, quantity=Decimal("2"), date=day, source=depot, target=van)
    stock.transfer(actor=actor, item=by_ref["PAP-A4-80"], quantity=Decimal("10"), date=day, source=depot, target=van)
    count_day = max(day, DEMO_TODAY - dt.timedelta(days=7))
    count = stock.open_count(actor=actor, location=depot, date=count_day)
    counted = {}
    for line in count.lines.select_related("item__product"):
        missing = 1 if line.item.product.reference == "MOB-FAU-ERG" and line.expected >= 1 else 0
        counted[line.pk] = line.expected - missing
    stock.record_counts(actor=actor, count=count, counted=counted)
    stock.post_count(actor=actor, count=count)


def load_production(rng: random.Random, users) -> None:
    """The workshop's assembled kit: a BOM (printer, black toner, paper, an hour of preparation), one order done
    last week at its cost, one planned and short of printers."""
    from pilote.catalog import services as catalog
    from pilote.operations.models import Location, StockCategory
    from pilote.operations.services import production

    actor = users["assistant"]
    depot = Location.objects.get(code="DEP")
    product = catalog.create_product(
        actor=actor, reference="KIT-IMP", name="Kit impression prêt à l'emploi (assemblé)", kind="goods", unit="u",
        unit_price=Decimal("690.00"), vat_rate="20.00",
    )  # fmt: skip
    kit = stock.track_product(actor=actor, product=product, default_location=depot, category=StockCategory.PRODUCTS)
    items = {i.product.reference: i for i in StockItem.objects.select_related("product")}
    bench = production.create_work_centre(actor=actor, name="Atelier de préparation", hourly_rate=Decimal("38.00"))
    bom = production.create_bom(actor=actor, product=kit, name="Kit impression", quantity=Decimal("1"))
    for reference, quantity, scrap in (("IMP-L45", "1", "0"), ("TON-C300-K", "1", "0"), ("PAP-A4-80", "2", "5")):
        production.add_component(actor=actor, bom=bom, component=items[reference], quantity=Decimal(quantity),
                                 scrap_percent=Decimal(scrap))  # fmt: skip
    production.add_operation(actor=actor, bom=bom, work_centre=bench, hours=Decimal("1.5"))
    day = DEMO_TODAY - dt.timedelta(days=5)
    with transaction.atomic():  # the printers and toners the kits take, bought for them
        for reference in ("IMP-L45", "TON-C300-K"):
            item = StockItem.objects.select_related("product").get(pk=items[reference].pk)
            stock.move(actor=actor, item=item, kind=MoveKind.RECEIPT, quantity=Decimal("2"), date=day,
                       unit_cost=item.product.purchase_price, reference=f"KITS-{day:%Y%m%d}", backdate=True,
                       auto_lots=True)  # fmt: skip
    done = production.create_order(actor=actor, bom=bom, quantity=Decimal("2"), planned_date=day, location=depot)
    production.release(actor=actor, order=done)
    production.complete(actor=actor, order=done, date=day)
    later = DEMO_TODAY + dt.timedelta(days=7)
    production.create_order(actor=actor, bom=bom, quantity=Decimal("20"), planned_date=later, location=depot)


def load_interventions(rng: random.Random, users) -> None:
    """Two weeks of maintenance visits for the demo's technicians (the employee and the sales rep for installations):
    past visits done and signed, one invoiced, a daily meter reading every weekday at 8:00 for three weeks (public
    holidays skipped), and one visit left unassigned for lack of the skill."""
    from django.utils import timezone

    from pilote.contacts.models import Contact
    from pilote.operations.models import InterventionKind
    from pilote.operations.planning import week_of
    from pilote.operations.services import interventions

    planner, tech, installer = users["assistant"], users["salarie"], users["commercial"]
    interventions.set_technician(actor=planner, user=tech, skills="copieurs, imprimantes, réseau")
    interventions.set_technician(actor=planner, user=installer, skills="installation, formation",
                                 day_start=dt.time(9), day_end=dt.time(18))  # fmt: skip
    customers = list(Contact.objects.filter(is_customer=True, kind="organisation").order_by("name")[:8])  # fmt: skip
    # Two sectors around the depot and the travel between them (elsewhere: the default quarter of an hour).
    lyon = interventions.save_sector(actor=planner, code="LYON", name="Lyon", postcodes="6900", minutes_within=20)
    east = interventions.save_sector(actor=planner, code="VILLEUR", name="Villeurbanne et Vaulx-en-Velin",
                                     postcodes="69100, 69120", minutes_within=10)  # fmt: skip
    interventions.save_travel_times(actor=planner, minutes={(lyon.pk, east.pk): 25})

    def address(contact):
        return ", ".join(contact.address_lines) or "Adresse à préciser"

    # This week (what is past is done and signed) and the next one, planned.
    this_week = week_of(DEMO_TODAY)
    week = [d for d in this_week + week_of(this_week[-1] + dt.timedelta(days=1)) if d.weekday() < 5]
    slots = [(dt.time(9, 30), 90), (dt.time(13, 30), 60), (dt.time(15, 30), 75)]
    done = []
    for index, day in enumerate(week):
        for slot, (at, minutes) in enumerate(slots[: 2 + index % 2]):
            customer = customers[(index * 3 + slot) % len(customers)]
            [visit], _ = interventions.plan(
                actor=planner, customer=customer, kind=InterventionKind.MAINTENANCE, address=address(customer),
                subject=rng.choice(["Entretien trimestriel du copieur", "Bourrage papier récurrent",
                                    "Remplacement du tambour", "Mise à jour du pilote réseau"]),
                technician=tech, day=day, at=at, minutes=minutes, required_skill="copieurs",
            )  # fmt: skip
            if day < DEMO_TODAY:
                done.append(visit)
    for visit in done:
        arrived = visit.start + dt.timedelta(minutes=rng.randint(0, 10))
        interventions.arrive(actor=tech, visit=visit, at=arrived)
        interventions.finish(actor=tech, visit=visit, at=arrived + dt.timedelta(minutes=visit.duration_minutes),
                             report="Appareil nettoyé, pièces d'usure vérifiées, tests d'impression conformes.",
                             signed_by="Responsable du site")  # fmt: skip
    if done:
        interventions.invoice(actor=planner, visit=done[0], date=timezone.localdate(done[0].left_at))
    interventions.plan(
        actor=planner, customer=customers[0], kind=InterventionKind.INSTALLATION, address=address(customers[0]),
        subject="Installation du nouveau copieur C300", technician=installer, day=week[7], at=dt.time(10),
        minutes=180, required_skill="installation",
    )  # fmt: skip
    interventions.plan(
        actor=planner, customer=customers[1], kind=InterventionKind.MAINTENANCE, address=address(customers[1]),
        subject="Relevé des compteurs et contrôle du bac", technician=tech, day=week[5], at=dt.time(8), minutes=20,
        until=week[5] + dt.timedelta(days=20),
    )  # fmt: skip
    interventions.plan(
        actor=planner, customer=customers[2], kind=InterventionKind.REPAIR, address=address(customers[2]),
        subject="Panne du serveur d'impression", technician=None, day=week[6], at=dt.time(14), minutes=120,
        required_skill="serveurs",
    )  # fmt: skip


# The social establishment demo's persons served at home: (first name, name, address, postal code, city).
PERSONS_SERVED = [
    ("Jeanne", "Morel", "12 rue des Tilleuls", "69100", "Villeurbanne"),
    ("Marcel", "Bernard", "4 allée des Cerisiers", "69100", "Villeurbanne"),
    ("Simone", "Garnier", "27 avenue Roger Salengro", "69120", "Vaulx-en-Velin"),
    ("André", "Faure", "9 place Grandclément", "69100", "Villeurbanne"),
]


def load_home_care(rng: random.Random, users) -> None:
    """The social establishment's home-care visits (SSIAD / SAAD): two care workers with their skills and hours, the
    persons served at home, a rising and washing help every day at 8:00 (weekends too), washing at 9:15 and lunch help
    at 12:00 every weekday over three weeks
    (public holidays skipped), afternoon visits twice a week, past visits done with their report signed, and a
    nursing visit left unassigned (nobody has the skill) — all through the services."""
    from pilote.contacts import services as contacts
    from pilote.operations.models import InterventionKind
    from pilote.operations.planning import week_of
    from pilote.operations.services import interventions

    planner, carer, helper = users["direction"], users["salarie"], users["assistant"]
    interventions.set_technician(actor=planner, user=carer, skills="toilette, aide au lever, soins d'hygiène",
                                 day_start=dt.time(7, 30), day_end=dt.time(15, 30))  # fmt: skip
    interventions.set_technician(actor=planner, user=helper, skills="aide au repas, courses, entretien du logement",
                                 day_start=dt.time(9), day_end=dt.time(18))  # fmt: skip
    people = [
        contacts.create_contact(
            actor=planner,
            kind="person",
            first_name=first,
            name=last,
            address_line1=street,
            postal_code=code,
            city=city,
            is_customer=True,
            notes="Personne accompagnée à domicile.",
        )  # fmt: skip
        for first, last, street, code, city in PERSONS_SERVED
    ]

    def address(person):
        return ", ".join(person.address_lines)

    monday = week_of(DEMO_TODAY)[0] - dt.timedelta(days=7)
    until = monday + dt.timedelta(days=18)  # last week, this one and next one, to Friday
    care = interventions.plan(
        actor=planner, customer=people[0], kind=InterventionKind.HOME_CARE, address=address(people[0]),
        subject="Aide au lever et à la toilette", technician=carer, day=monday, at=dt.time(8), minutes=45,
        required_skill="toilette", until=until, weekdays=[0, 1, 2, 3, 4, 5, 6],  # every day of the week
    )[0]  # fmt: skip
    care += interventions.plan(
        actor=planner, customer=people[2], kind=InterventionKind.HOME_CARE, address=address(people[2]),
        subject="Toilette et soins d'hygiène", technician=carer, day=monday, at=dt.time(9, 15), minutes=60,
        required_skill="toilette", until=until,
    )[0]  # fmt: skip
    care += interventions.plan(
        actor=planner, customer=people[1], kind=InterventionKind.HOME_CARE, address=address(people[1]),
        subject="Préparation et aide à la prise du repas", technician=helper, day=monday, at=dt.time(12),
        minutes=60, required_skill="aide au repas", until=until,
    )[0]  # fmt: skip
    care += interventions.plan(
        actor=planner, customer=people[3], kind=InterventionKind.HOME_CARE, address=address(people[3]),
        subject="Courses et entretien du logement", technician=helper, day=monday, at=dt.time(14, 30), minutes=90,
        required_skill="courses", until=until, weekdays=[1, 3],
    )[0]  # fmt: skip
    interventions.plan(
        actor=planner, customer=people[0], kind=InterventionKind.HOME_CARE, address=address(people[0]),
        subject="Pansement (soins infirmiers)", technician=None, day=until - dt.timedelta(days=3), at=dt.time(10),
        minutes=30, required_skill="soins infirmiers",
    )  # fmt: skip
    reports = {
        carer: ["Lever et toilette faits, bonne humeur, a bien dormi.", "Toilette au lavabo, peau surveillée : RAS.",
                "Aide à l'habillage, petit-déjeuner pris."],
        helper: ["Repas préparé et pris en entier.", "Courses faites, réfrigérateur rangé, linge étendu.",
                 "Repas pris à moitié : famille prévenue."],
    }  # fmt: skip
    now = dt.datetime.combine(DEMO_TODAY, dt.time(0))
    for visit in sorted(care, key=lambda v: v.start):
        local = timezone.localtime(visit.start).replace(tzinfo=None)
        if local >= now:
            continue
        arrived = visit.start + dt.timedelta(minutes=rng.randint(-3, 8))
        who = visit.technician
        interventions.arrive(actor=who, visit=visit, at=arrived)
        interventions.finish(actor=who, visit=visit, at=arrived + dt.timedelta(minutes=visit.duration_minutes),
                             report=rng.choice(reports[who]), signed_by=str(visit.customer))  # fmt: skip
