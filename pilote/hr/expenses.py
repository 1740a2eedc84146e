"""Expense reports (notes de frais), pure: the categories with their expense account and how much of the VAT
on the receipt the structure may deduct, and the mileage allowance of the fiscal scale (barème kilométrique).

VAT (a structure liable to VAT only — franchise en base and non-assujetties deduct nothing, core.vat_policy):
- the right to deduct needs the VAT shown on an invoice or receipt (CGI art. 271 II-1-a; BOI-TVA-DED-40-10-10):
  a line without its receipt deducts nothing;
- passenger transport (train, plane, taxi, VTC, metro) and what goes with it: never deductible
  (CGI ann. II art. 206 IV-2-5°; BOI-TVA-DED-30-30-30);
- lodging of managers and staff, hotel nights included: not deductible (CGI ann. II art. 206 IV-2-2°;
  BOI-TVA-DED-30-30-10);
- services related to a passenger car, which is itself excluded (parking, rental): not deductible
  (CGI ann. II art. 206 IV-2-6°);
- petrol and diesel for a passenger car: 80 % deductible since 2022 (CGI art. 298, 4-1°); tolls: deductible,
  the toll receipt completed with the company, the plate and the purpose standing for an invoice
  (BOI-TVA-DECLA-30-20-20-20 § 100);
- gifts to customers: deductible up to 73 € incl. VAT per beneficiary and per year (CGI ann. II art. 206
  IV-2-3°; CGI ann. IV art. 28-00 A) — checked per receipt here, the yearly total per beneficiary is the
  accountant's;
- meals on a business trip and business meals: no exclusion, deductible with the restaurant's invoice.
- a mileage allowance carries no VAT.

Mileage (indemnités kilométriques): the employer reimburses a business trip made in the employee's own vehicle
on the tax administration's scale, exempt of contributions within it (arrêté du 20 décembre 2002, art. 4;
URSSAF « frais professionnels »). The scale gives a YEARLY amount from the year's business distance, by band
(cars: up to 5 000 km, 5 001 to 20 000, beyond; two-wheelers: 3 000 / 6 000); a trip is paid the scale of the
year's distance after it minus that of the year's distance before it, so a year's trips add up to the scale
of the year's total whatever their order. Electric vehicles: +20 %. Scale: arrêté du 27 mars 2023 (JO 29 mars
2023), kept unchanged for the incomes of 2023, 2024 and 2025 (BOI-BAREME-000001). ⚠ The scale for 2026 trips
(published in spring 2027) is not known yet: the latest one applies, each year's table is data here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
GIFT_LIMIT = Decimal("73.00")  # incl. VAT, per beneficiary and per year (CGI ann. IV art. 28-00 A)


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    account: str  # PCG 2025
    deductible_share: Decimal  # of the VAT on the receipt
    basis: str  # why, in French, shown on the line


FULL, NONE, FUEL = Decimal(1), Decimal(0), Decimal("0.8")
MILEAGE = "kilometrique"
GIFT = "cadeau"

CATEGORIES: dict[str, Category] = {
    c.code: c
    for c in (
        Category("repas", "Repas en déplacement", "6256", FULL, "TVA déductible sur facture (CGI art. 271)"),
        Category("reception", "Repas d'affaires, réception", "6257", FULL, "TVA déductible sur facture (CGI art. 271)"),
        Category("hebergement", "Hôtel, hébergement", "6256", NONE,
                 "Hébergement du personnel exclu (CGI ann. II art. 206 IV-2-2°)"),
        Category("transport", "Train, avion, taxi, transports en commun", "6251", NONE,
                 "Transport de personnes exclu (CGI ann. II art. 206 IV-2-5°)"),
        Category("carburant", "Carburant (véhicule de tourisme)", "6061", FUEL,
                 "Essence et gazole d'un véhicule de tourisme : 80 % (CGI art. 298, 4-1°)"),
        Category("peage", "Péage d'autoroute", "6251", FULL,
                 "TVA des péages déductible (BOI-TVA-DECLA-30-20-20-20 § 100)"),
        Category("stationnement", "Stationnement, location de voiture", "6251", NONE,
                 "Services liés à un véhicule de tourisme exclus (CGI ann. II art. 206 IV-2-6°)"),
        Category("fournitures", "Fournitures, petit matériel", "6064", FULL,
                 "TVA déductible sur facture (CGI art. 271)"),
        Category(GIFT, "Cadeau à un client", "6234", FULL,
                 "Cadeaux : TVA déductible jusqu'à 73 € TTC par bénéficiaire et par an (CGI ann. IV art. 28-00 A)"),
        Category("telecom", "Téléphone, internet, affranchissement", "626", FULL,
                 "TVA déductible sur facture (CGI art. 271)"),
        Category("autre", "Autre dépense professionnelle", "6256", FULL, "TVA déductible sur facture (CGI art. 271)"),
        Category(MILEAGE, "Indemnités kilométriques", "6251", NONE, "Une indemnité ne porte pas de TVA"),
    )
}  # fmt: skip
CATEGORY_CHOICES = [(c.code, c.label) for c in CATEGORIES.values()]


def round2(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class VatOutcome:
    deductible: Decimal
    reason: str


def deductible_vat(category: str, amount: Decimal, vat: Decimal, *, has_receipt: bool, liable: bool) -> VatOutcome:
    """How much of the VAT on a receipt the structure deducts, and why (shown on the line)."""
    rule = CATEGORIES[category]
    vat = Decimal(vat or 0)
    if not liable:
        return VatOutcome(ZERO, "Structure non redevable de la TVA : aucune déduction")
    if not vat:
        return VatOutcome(ZERO, rule.basis if rule.code == MILEAGE else "Pas de TVA sur le justificatif")
    if not has_receipt:
        return VatOutcome(ZERO, "Sans justificatif, la TVA ne se déduit pas (CGI art. 271)")
    if rule.code == GIFT and Decimal(amount) > GIFT_LIMIT:
        return VatOutcome(ZERO, "Cadeau de plus de 73 € TTC : TVA non déductible (CGI ann. IV art. 28-00 A)")
    return VatOutcome(round2(vat * rule.deductible_share), rule.basis)


def check_line(category: str, amount: Decimal, vat: Decimal) -> list[str]:
    """The problems of a line's amounts, in French."""
    problems = []
    if category not in CATEGORIES:
        problems.append("Choisissez une catégorie de dépense.")
        return problems
    if amount is None or amount <= 0:
        problems.append("Le montant TTC doit être positif.")
    elif round2(amount) != amount:
        problems.append("Le montant s'arrête au centime.")
    if vat is not None and (vat < 0 or (amount is not None and amount > 0 and vat >= amount)):
        problems.append("La TVA est positive et inférieure au montant TTC.")
    elif vat is not None and round2(vat) != vat:
        problems.append("La TVA s'arrête au centime.")
    if category == MILEAGE and vat:
        problems.append("Des indemnités kilométriques ne portent pas de TVA.")
    return problems


# --- Mileage allowance ------------------------------------------------------------------------------------


class Vehicle:
    CAR = "voiture"
    MOTORCYCLE = "moto"
    MOPED = "cyclomoteur"


VEHICLE_CHOICES = [
    (Vehicle.CAR, "Voiture"),
    (Vehicle.MOTORCYCLE, "Moto (plus de 50 cm³)"),
    (Vehicle.MOPED, "Cyclomoteur (50 cm³ au plus)"),
]

# (upper bound of the band in km or None, rate per km, fixed amount) per vehicle and fiscal horsepower class.
Band = tuple[int | None, Decimal, Decimal]
D = Decimal
SCALE_2023: dict[tuple[str, int], list[Band]] = {
    # cars: 3 CV and less, 4, 5, 6, 7 CV and more
    (Vehicle.CAR, 3): [(5000, D("0.529"), D(0)), (20000, D("0.316"), D(1065)), (None, D("0.370"), D(0))],
    (Vehicle.CAR, 4): [(5000, D("0.606"), D(0)), (20000, D("0.340"), D(1330)), (None, D("0.407"), D(0))],
    (Vehicle.CAR, 5): [(5000, D("0.636"), D(0)), (20000, D("0.357"), D(1395)), (None, D("0.427"), D(0))],
    (Vehicle.CAR, 6): [(5000, D("0.665"), D(0)), (20000, D("0.374"), D(1457)), (None, D("0.447"), D(0))],
    (Vehicle.CAR, 7): [(5000, D("0.697"), D(0)), (20000, D("0.394"), D(1515)), (None, D("0.470"), D(0))],
    # motorcycles: 1 or 2 CV, 3 to 5 CV, more than 5 CV
    (Vehicle.MOTORCYCLE, 2): [(3000, D("0.395"), D(0)), (6000, D("0.099"), D(891)), (None, D("0.248"), D(0))],
    (Vehicle.MOTORCYCLE, 5): [(3000, D("0.468"), D(0)), (6000, D("0.082"), D(1158)), (None, D("0.275"), D(0))],
    (Vehicle.MOTORCYCLE, 6): [(3000, D("0.606"), D(0)), (6000, D("0.079"), D(1583)), (None, D("0.343"), D(0))],
    # mopeds (50 cm³ at most)
    (Vehicle.MOPED, 0): [(3000, D("0.315"), D(0)), (6000, D("0.079"), D(711)), (None, D("0.198"), D(0))],
}
SCALES = {2023: SCALE_2023, 2024: SCALE_2023, 2025: SCALE_2023}  # arrêté du 27 mars 2023, unchanged since
ELECTRIC_BONUS = Decimal("1.20")


def scale_for(year: int) -> dict[tuple[str, int], list[Band]]:
    """The scale of a year; a year not published yet takes the latest one (⚠ see the module's note)."""
    known = [y for y in SCALES if y <= year]
    return SCALES[max(known)] if known else SCALES[min(SCALES)]


def horsepower_class(vehicle: str, horsepower: int) -> int:
    if vehicle == Vehicle.CAR:
        return min(max(horsepower, 3), 7)
    if vehicle == Vehicle.MOTORCYCLE:
        return 2 if horsepower <= 2 else 5 if horsepower <= 5 else 6
    return 0


def yearly_allowance(year: int, vehicle: str, horsepower: int, distance: Decimal, *, electric: bool = False) -> Decimal:
    """The scale's amount for a year's business distance (unrounded)."""
    distance = Decimal(distance)
    for limit, rate, fixed in scale_for(year)[(vehicle, horsepower_class(vehicle, horsepower))]:
        if limit is None or distance <= limit:
            amount = distance * rate + (fixed if distance else 0)
            return amount * ELECTRIC_BONUS if electric else amount
    raise AssertionError("the last band has no limit")


def trip_allowance(year: int, vehicle: str, horsepower: int, distance: Decimal, *, before: Decimal = Decimal(0),
                   electric: bool = False) -> Decimal:  # fmt: skip
    """A trip's allowance: the scale of the year's distance after the trip minus the scale before it."""
    after = yearly_allowance(year, vehicle, horsepower, Decimal(before) + Decimal(distance), electric=electric)
    return round2(after) - round2(yearly_allowance(year, vehicle, horsepower, before, electric=electric))
