"""Stock (locations, stocked articles, movements valued at the weighted average cost, inventory counts),
bills of materials and production orders, and interventions at customers' sites. Every write goes through
`operations.services`; `valuation.py` holds the arithmetic."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField
from pilote.lib.money import ZERO, MoneyField


class Location(models.Model):
    code = models.CharField("code", max_length=20, unique=True)
    name = models.CharField("nom", max_length=120)
    address = models.CharField("adresse", max_length=300, blank=True)
    is_active = models.BooleanField("actif", default=True)

    class Meta:
        verbose_name = "emplacement de stock"
        verbose_name_plural = "emplacements de stock"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class StockCategory(models.TextChoices):
    """The stock account and the variation account of each kind of stock (PCG classes 3, 603 and 713)."""

    GOODS = "goods", "Marchandises (37 / 6037)"
    MATERIALS = "materials", "Matières premières et fournitures (31 / 6031)"
    PRODUCTS = "products", "Produits finis (355 / 71355)"


# category → (stock account, variation account): the PCG's 31 and 37 are headings, posted as 310 and 370
CATEGORY_ACCOUNTS = {
    StockCategory.GOODS: ("370", "6037"),
    StockCategory.MATERIALS: ("310", "6031"),
    StockCategory.PRODUCTS: ("355", "71355"),
}


class Tracking(models.TextChoices):
    NONE = "none", "Sans suivi"
    LOT = "lot", "Par lot"
    SERIAL = "serial", "Par numéro de série"


class StockItem(models.Model):
    """A catalogue article followed in stock: its quantity on hand (all locations) and its value; the weighted
    average cost (CMUP) is recomputed at each entry and values every exit."""

    product = models.OneToOneField(
        "catalog.Product", verbose_name="article", on_delete=models.PROTECT, related_name="stock_item"
    )
    category = models.CharField("nature du stock", max_length=10, choices=StockCategory.choices,
                                default=StockCategory.GOODS)  # fmt: skip
    default_location = models.ForeignKey(
        Location, verbose_name="emplacement habituel", on_delete=models.PROTECT, related_name="+"
    )
    quantity = FrenchDecimalField("quantité en stock", max_digits=14, decimal_places=3, default=Decimal("0"))
    value = MoneyField("valeur du stock", default=ZERO)
    average_cost = FrenchDecimalField(
        "coût moyen unitaire pondéré (CMUP)", max_digits=16, decimal_places=4, min_places=2, default=Decimal("0")
    )
    reorder_point = FrenchDecimalField("point de commande", max_digits=12, decimal_places=3, default=Decimal("0"))
    reorder_quantity = FrenchDecimalField("quantité à commander", max_digits=12, decimal_places=3, default=Decimal("0"))
    allow_negative = models.BooleanField("stock négatif autorisé", default=False)
    tracking = models.CharField(
        "traçabilité", max_length=10, choices=Tracking.choices, default=Tracking.NONE,
        help_text="Par lot ou par numéro de série : chaque entrée et chaque sortie les nomme.",
    )  # fmt: skip
    supplier = models.ForeignKey(
        "contacts.Contact",
        verbose_name="fournisseur habituel",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Vide : le fournisseur de la dernière commande de cet article.",
    )
    last_move_date = models.DateField("dernier mouvement", null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "article stocké"
        verbose_name_plural = "articles stockés"
        ordering = ["product__reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reorder_point__gte=0) & Q(reorder_quantity__gte=0) & Q(average_cost__gte=0),
                name="operations_stockitem_positive_settings",
                violation_error_message="Le point de commande, la quantité à commander et le coût sont positifs.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.reference} — {self.product.name}"

    @property
    def below_reorder_point(self) -> bool:
        return self.reorder_point > 0 and self.quantity <= self.reorder_point


class StockLevel(models.Model):
    item = models.ForeignKey(StockItem, verbose_name="article", on_delete=models.CASCADE, related_name="levels")
    location = models.ForeignKey(Location, verbose_name="emplacement", on_delete=models.PROTECT, related_name="levels")
    quantity = FrenchDecimalField("quantité", max_digits=14, decimal_places=3, default=Decimal("0"))

    class Meta:
        verbose_name = "stock par emplacement"
        verbose_name_plural = "stocks par emplacement"
        ordering = ["location__code"]
        constraints = [
            models.UniqueConstraint(fields=["item", "location"], name="operations_stocklevel_once",
                                    violation_error_message="Cet article a déjà une ligne à cet emplacement."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.item} @ {self.location.code}"


class MoveKind(models.TextChoices):
    OPENING = "opening", "Stock initial"
    RECEIPT = "receipt", "Entrée (achat)"
    DELIVERY = "delivery", "Sortie (livraison client)"
    ISSUE = "issue", "Sortie diverse"
    TRANSFER = "transfer", "Transfert"
    ADJUSTMENT = "adjustment", "Régularisation"
    COUNT = "count", "Écart d'inventaire"
    PRODUCTION_IN = "production_in", "Entrée de production"
    CONSUMPTION = "consumption", "Consommation de production"


# Kinds that bring goods in at their own cost: the CMUP is recomputed.
COST_ENTRIES = {MoveKind.OPENING, MoveKind.RECEIPT, MoveKind.PRODUCTION_IN}


class StockMove(models.Model):
    """One movement of one article at one location: a signed quantity and its value (an entry at its own cost,
    anything else at the CMUP of the moment); the item's quantity, value and CMUP after it are kept for the
    history. The stock value at a date is the sum of the values of the movements up to that date."""

    item = models.ForeignKey(StockItem, verbose_name="article", on_delete=models.PROTECT, related_name="moves")
    location = models.ForeignKey(Location, verbose_name="emplacement", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("nature", max_length=15, choices=MoveKind.choices)
    date = models.DateField("date")
    quantity = FrenchDecimalField("quantité", max_digits=14, decimal_places=3)
    unit_cost = FrenchDecimalField("coût unitaire", max_digits=16, decimal_places=4, min_places=2)
    value = MoneyField("valeur", default=ZERO)
    quantity_after = FrenchDecimalField("stock après", max_digits=14, decimal_places=3)
    value_after = MoneyField("valeur après", default=ZERO)
    average_after = FrenchDecimalField("CMUP après", max_digits=16, decimal_places=4, min_places=2)
    reference = models.CharField("pièce", max_length=60, blank=True)
    note = models.CharField("motif", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="saisi par", on_delete=models.PROTECT,
                                   null=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField("saisi le", default=timezone.now)

    class Meta:
        verbose_name = "mouvement de stock"
        verbose_name_plural = "mouvements de stock"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["item", "date"], name="operations_move_item_date_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.item.product.reference} ({self.date:%d/%m/%Y})"


class Lot(models.Model):
    """A lot (or one serial number: one unit) of a tracked article, with what is left of it; its movements
    (`LotMove`) say where it came from and where it went."""

    item = models.ForeignKey(StockItem, verbose_name="article", on_delete=models.PROTECT, related_name="lots")
    number = models.CharField("numéro", max_length=60)
    is_serial = models.BooleanField("numéro de série", default=False)
    quantity = FrenchDecimalField("quantité restante", max_digits=14, decimal_places=3, default=Decimal("0"))
    received_on = models.DateField("entré le")
    origin = models.CharField("origine", max_length=60, blank=True)

    class Meta:
        verbose_name = "lot ou numéro de série"
        verbose_name_plural = "lots et numéros de série"
        ordering = ["item__product__reference", "received_on", "number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="operations_lot_once",
                                    violation_error_message="Ce numéro existe déjà pour cet article."),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="operations_lot_quantity_positive",
                                   violation_error_message="Un lot ne peut pas devenir négatif."),
            models.CheckConstraint(condition=Q(is_serial=False) | Q(quantity__lte=1),
                                   name="operations_lot_serial_one_unit",
                                   violation_error_message="Un numéro de série est une seule unité."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{'N° de série' if self.is_serial else 'Lot'} {self.number} — {self.item.product.name}"


class LotMove(models.Model):
    move = models.ForeignKey(StockMove, verbose_name="mouvement", on_delete=models.CASCADE, related_name="lot_moves")
    lot = models.ForeignKey(Lot, verbose_name="lot", on_delete=models.PROTECT, related_name="moves")
    quantity = FrenchDecimalField("quantité", max_digits=14, decimal_places=3)

    class Meta:
        verbose_name = "mouvement de lot"
        verbose_name_plural = "mouvements de lots"
        ordering = ["move__date", "move_id", "id"]

    def __str__(self) -> str:
        return f"{self.lot.number} : {self.quantity}"


class CountStatus(models.TextChoices):
    OPEN = "open", "En cours de comptage"
    POSTED = "posted", "Écarts passés en stock"


class InventoryCount(models.Model):
    location = models.ForeignKey(Location, verbose_name="emplacement", on_delete=models.PROTECT, related_name="+")
    date = models.DateField("date de l'inventaire")
    status = models.CharField("état", max_length=10, choices=CountStatus.choices, default=CountStatus.OPEN)
    note = models.CharField("observations", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="ouvert par", on_delete=models.PROTECT,
                                   null=True, related_name="+")  # fmt: skip
    created_at = models.DateTimeField("ouvert le", default=timezone.now)

    class Meta:
        verbose_name = "inventaire"
        verbose_name_plural = "inventaires"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"Inventaire {self.location.code} du {self.date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.status == CountStatus.OPEN


class InventoryLine(models.Model):
    count = models.ForeignKey(InventoryCount, verbose_name="inventaire", on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(StockItem, verbose_name="article", on_delete=models.PROTECT, related_name="+")
    expected = FrenchDecimalField("quantité théorique", max_digits=14, decimal_places=3)
    counted = FrenchDecimalField("quantité comptée", max_digits=14, decimal_places=3, null=True, blank=True)
    unit_cost = FrenchDecimalField("CMUP", max_digits=16, decimal_places=4, min_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = "ligne d'inventaire"
        verbose_name_plural = "lignes d'inventaire"
        ordering = ["item__product__reference"]
        constraints = [
            models.CheckConstraint(condition=Q(counted__isnull=True) | Q(counted__gte=0),
                                   name="operations_inventoryline_counted_positive",
                                   violation_error_message="Une quantité comptée ne peut pas être négative."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.item} : {self.counted}"

    @property
    def difference(self):
        return None if self.counted is None else self.counted - self.expected


# --- Bills of materials and production ------------------------------------------------------------------------


class WorkCentre(models.Model):
    name = models.CharField("nom", max_length=120, unique=True)
    hourly_rate = FrenchDecimalField("coût horaire", max_digits=10, decimal_places=2, min_places=2)

    class Meta:
        verbose_name = "poste de charge"
        verbose_name_plural = "postes de charge"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(hourly_rate__gte=0), name="operations_workcentre_rate_positive",
                                   violation_error_message="Le coût horaire est positif ou nul."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Bom(models.Model):
    """A bill of materials (nomenclature): what `quantity` units of the finished good take in components (with
    their scrap rate) and in hours per work centre."""

    product = models.ForeignKey(StockItem, verbose_name="produit fabriqué", on_delete=models.PROTECT,
                                related_name="boms")  # fmt: skip
    name = models.CharField("intitulé", max_length=200)
    quantity = FrenchDecimalField("quantité produite", max_digits=12, decimal_places=3, default=Decimal("1"))
    is_active = models.BooleanField("active", default=True)

    class Meta:
        verbose_name = "nomenclature"
        verbose_name_plural = "nomenclatures"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="operations_bom_quantity_positive",
                                   violation_error_message="La quantité produite doit être positive."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class BomLine(models.Model):
    bom = models.ForeignKey(Bom, verbose_name="nomenclature", on_delete=models.CASCADE, related_name="lines")
    component = models.ForeignKey(StockItem, verbose_name="composant", on_delete=models.PROTECT, related_name="+")
    quantity = FrenchDecimalField("quantité", max_digits=12, decimal_places=3)
    scrap_percent = FrenchDecimalField("taux de rebut (%)", max_digits=5, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = "composant de nomenclature"
        verbose_name_plural = "composants de nomenclature"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0) & Q(scrap_percent__gte=0) & Q(scrap_percent__lt=100),
                                   name="operations_bomline_bounds",
                                   violation_error_message="Quantité positive, rebut de 0 à 99 %%."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.component} × {self.quantity}"


class BomOperation(models.Model):
    bom = models.ForeignKey(Bom, verbose_name="nomenclature", on_delete=models.CASCADE, related_name="operations")
    work_centre = models.ForeignKey(WorkCentre, verbose_name="poste de charge", on_delete=models.PROTECT,
                                    related_name="+")  # fmt: skip
    hours = FrenchDecimalField("heures", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = "opération de nomenclature"
        verbose_name_plural = "opérations de nomenclature"
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="operations_bomoperation_hours_positive",
                                   violation_error_message="Le temps doit être positif."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.work_centre} : {self.hours} h"


class ProductionStatus(models.TextChoices):
    PLANNED = "planned", "Planifié"
    RELEASED = "released", "Lancé"
    DONE = "done", "Terminé"
    CANCELLED = "cancelled", "Annulé"


class ProductionOrder(models.Model):
    """An order to make `quantity` units by a BOM: released only when every component is there; done, it consumes
    the components at their CMUP and brings the finished goods in at materials + work centres' time."""

    number = models.CharField("numéro", max_length=20, unique=True)
    bom = models.ForeignKey(Bom, verbose_name="nomenclature", on_delete=models.PROTECT, related_name="orders")
    quantity = FrenchDecimalField("quantité à produire", max_digits=12, decimal_places=3)
    status = models.CharField("état", max_length=10, choices=ProductionStatus.choices,
                              default=ProductionStatus.PLANNED)  # fmt: skip
    planned_date = models.DateField("date prévue")
    done_date = models.DateField("terminé le", null=True, blank=True)
    location = models.ForeignKey(Location, verbose_name="atelier", on_delete=models.PROTECT, related_name="+")
    material_cost = MoneyField("coût des matières", default=ZERO)
    labour_cost = MoneyField("coût des postes de charge", default=ZERO)
    unit_cost = FrenchDecimalField("coût de production unitaire", max_digits=16, decimal_places=4, min_places=2,
                                   default=Decimal("0"))  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="créé par", on_delete=models.PROTECT,
                                   null=True, related_name="+")  # fmt: skip
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "ordre de fabrication"
        verbose_name_plural = "ordres de fabrication"
        ordering = ["-planned_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="operations_production_quantity_positive",
                                   violation_error_message="La quantité à produire doit être positive."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Ordre de fabrication {self.number}"

    @property
    def total_cost(self):
        return self.material_cost + self.labour_cost


# --- Interventions ---------------------------------------------------------------------------------------------


class Technician(models.Model):
    """A person who goes out on interventions: their skills and working hours (the planning checks both)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="intervenant", on_delete=models.CASCADE,
                                related_name="technician")  # fmt: skip
    skills = models.CharField("compétences", max_length=300, blank=True, help_text="Séparées par des virgules.")
    day_start = models.TimeField("début de journée", default="08:00")
    day_end = models.TimeField("fin de journée", default="17:30")

    class Meta:
        verbose_name = "intervenant"
        verbose_name_plural = "intervenants"
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def skill_set(self) -> set[str]:
        return {s.strip().lower() for s in self.skills.split(",") if s.strip()}


class Sector(models.Model):
    """A geographic sector the planner draws (a town, a district, a valley): the postcodes it covers (a code or
    the start of one: « 69001, 69002, 6913 » — the longest matching start wins) and the travel time between two
    visits inside it. Between two sectors, `SectorTravel`. Everything stays offline: no map service is called."""

    code = models.CharField("code", max_length=12, unique=True)
    name = models.CharField("nom", max_length=100)
    postcodes = models.CharField(
        "codes postaux", max_length=500, help_text="Codes ou débuts de codes, séparés par des virgules."
    )
    minutes_within = models.PositiveSmallIntegerField("trajet dans le secteur (minutes)", default=15)

    class Meta:
        verbose_name = "secteur"
        verbose_name_plural = "secteurs"
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(minutes_within__lte=600), name="operations_sector_minutes_range",
                                   violation_error_message="Un trajet dure au plus 600 minutes."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def prefixes(self) -> list[str]:
        return [p.strip() for p in self.postcodes.replace(";", ",").split(",") if p.strip()]


class SectorTravel(models.Model):
    """The travel time between two sectors, either way (stored once, the lower id first)."""

    origin = models.ForeignKey(Sector, verbose_name="secteur", on_delete=models.CASCADE, related_name="+")
    destination = models.ForeignKey(Sector, verbose_name="autre secteur", on_delete=models.CASCADE, related_name="+")
    minutes = models.PositiveSmallIntegerField("trajet (minutes)")

    class Meta:
        verbose_name = "trajet entre secteurs"
        verbose_name_plural = "trajets entre secteurs"
        constraints = [
            models.UniqueConstraint(fields=["origin", "destination"], name="operations_sectortravel_once",
                                    violation_error_message="Ce trajet est déjà renseigné."),
            models.CheckConstraint(condition=Q(origin__lt=models.F("destination")),
                                   name="operations_sectortravel_order",
                                   violation_error_message="Un trajet relie deux secteurs différents."),
            models.CheckConstraint(condition=Q(minutes__lte=600), name="operations_sectortravel_minutes_range",
                                   violation_error_message="Un trajet dure au plus 600 minutes."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.origin.code} ↔ {self.destination.code} : {self.minutes} min"


class InterventionKind(models.TextChoices):
    MAINTENANCE = "maintenance", "Visite de maintenance"
    REPAIR = "repair", "Dépannage"
    INSTALLATION = "installation", "Installation"
    HOME_CARE = "home_care", "Visite à domicile"


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", "Planifiée"
    STARTED = "started", "En cours"
    DONE = "done", "Réalisée"
    CANCELLED = "cancelled", "Annulée"


class Intervention(models.Model):
    """A visit at a customer's site or a person's home: who, when, where, how long; on the day the technician
    records arrival, departure and a report signed by the person served."""

    customer = models.ForeignKey("contacts.Contact", verbose_name="client ou personne servie",
                                 on_delete=models.PROTECT, related_name="+")  # fmt: skip
    kind = models.CharField("nature", max_length=15, choices=InterventionKind.choices,
                            default=InterventionKind.MAINTENANCE)  # fmt: skip
    address = models.CharField("adresse", max_length=300)
    technician = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="intervenant", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="interventions")  # fmt: skip
    start = models.DateTimeField("début")
    end = models.DateTimeField("fin")
    required_skill = models.CharField("compétence requise", max_length=60, blank=True)
    subject = models.CharField("objet", max_length=200)
    series = models.CharField("série", max_length=20, blank=True)  # visits made by one recurrence share it
    status = models.CharField("état", max_length=10, choices=InterventionStatus.choices,
                              default=InterventionStatus.PLANNED)  # fmt: skip
    arrived_at = models.DateTimeField("arrivée", null=True, blank=True)
    left_at = models.DateTimeField("départ", null=True, blank=True)
    report = models.TextField("compte rendu", blank=True)
    signed_by = models.CharField("signé par", max_length=120, blank=True)
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    invoice = models.ForeignKey("sales.Invoice", verbose_name="facture", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="planifiée par", null=True,
                                   on_delete=models.PROTECT, related_name="+")  # fmt: skip
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "intervention"
        verbose_name_plural = "interventions"
        ordering = ["start", "id"]
        indexes = [models.Index(fields=["technician", "start"], name="operations_visit_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="operations_intervention_end_after",
                                   violation_error_message="La fin doit suivre le début."),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.customer} ({self.start:%d/%m/%Y %H:%M})"

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)
