from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from pilote.core.vat_policy import FRANCHISE_MENTION, NOT_LIABLE_MENTION, VatPolicy
from pilote.lib.fields import FrenchDecimalField


class ProductKind(models.TextChoices):
    GOODS = "goods", "Bien"
    SERVICE = "service", "Prestation de services"


class Unit(models.TextChoices):
    PIECE = "u", "unité"
    HOUR = "h", "heure"
    DAY = "j", "jour"
    FLAT = "forfait", "forfait"
    MONTH = "mois", "mois"
    KG = "kg", "kg"
    METER = "m", "m"
    SQUARE_METER = "m2", "m²"
    LOT = "lot", "lot"


class VatRate(models.TextChoices):
    """French VAT rates (CGI art. 278 to 281 nonies); « exonéré » needs its legal mention on invoices."""

    NORMAL = "20.00", "20 %"
    INTERMEDIATE = "10.00", "10 %"
    REDUCED = "5.50", "5,5 %"
    SPECIAL = "2.10", "2,1 %"
    EXEMPT = "0.00", "Exonéré"


EXEMPTION_MENTIONS = [
    ("", "—"),
    (FRANCHISE_MENTION, "Franchise en base : TVA non applicable (293 B du CGI)"),
    (NOT_LIABLE_MENTION, "Non assujettie : TVA non applicable (261-7-1° du CGI)"),
    ("Exonération de TVA, article 261-4-4° du CGI", "Formation professionnelle continue (261-4-4° du CGI)"),
    ("Exonération de TVA, article 261-4-1° du CGI", "Soins médicaux et paramédicaux (261-4-1° du CGI)"),
    ("Exonération de TVA, article 261-7-1° du CGI", "Services d'organismes sans but lucratif (261-7-1° du CGI)"),
    ("Exonération de TVA, article 262 ter I du CGI", "Livraison intracommunautaire (262 ter I du CGI)"),
    ("Exonération de TVA, article 262 I du CGI", "Exportation (262 I du CGI)"),
    ("Autoliquidation", "Autoliquidation (prestation B2B à un client établi hors de France)"),
    # A service to a business established outside the EU is taxed where the customer is (CGI art. 259-1):
    # outside the scope of French VAT, EN 16931 category O « Services outside scope of tax ».
    ("TVA non applicable, article 259-1 du CGI", "Hors champ : prestation B2B, client établi hors UE (259-1 du CGI)"),
]


class Product(models.Model):
    """A good or a service the structure sells (and possibly buys)."""

    reference = models.CharField("référence", max_length=40, unique=True)
    name = models.CharField("désignation", max_length=200)
    description = models.TextField("description", blank=True)
    kind = models.CharField("nature", max_length=10, choices=ProductKind.choices, default=ProductKind.GOODS)
    unit = models.CharField("unité", max_length=10, choices=Unit.choices, default=Unit.PIECE)
    unit_price = FrenchDecimalField("prix unitaire HT", max_digits=14, decimal_places=4, min_places=2)
    vat_rate = models.CharField("taux de TVA", max_length=5, choices=VatRate.choices, default=VatRate.NORMAL)
    exemption_mention = models.CharField(
        "mention d'exonération", max_length=120, blank=True, choices=EXEMPTION_MENTIONS
    )
    sales_account = models.CharField(
        "compte de vente", max_length=20, blank=True, help_text="Vide : 707 pour un bien, 706 pour une prestation."
    )
    purchase_price = FrenchDecimalField(
        "prix d'achat HT", max_digits=14, decimal_places=4, min_places=2, null=True, blank=True
    )
    is_active = models.BooleanField("actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        indexes = [models.Index(Lower("name"), "id", name="catalog_product_name_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_price__gte=0),
                name="catalog_product_price_positive",
                violation_error_message="Le prix unitaire ne peut pas être négatif.",
            ),
            models.CheckConstraint(
                condition=~Q(vat_rate="0.00") | ~Q(exemption_mention=""),
                name="catalog_product_exempt_has_mention",
                violation_error_message="Un article exonéré de TVA doit porter sa mention légale d'exonération.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} — {self.name}"

    @property
    def rate(self) -> Decimal:
        return Decimal(self.vat_rate)

    @property
    def revenue_account(self) -> str:
        return self.sales_account or ("706" if self.kind == ProductKind.SERVICE else "707")

    @property
    def margin_rate(self) -> Decimal | None:
        if not self.purchase_price or not self.unit_price:
            return None
        return ((self.unit_price - self.purchase_price) / self.unit_price * 100).quantize(Decimal("0.1"))

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.vat_rate == VatRate.EXEMPT and not self.exemption_mention:
            errors["exemption_mention"] = "Un article exonéré de TVA doit porter sa mention légale d'exonération."
        if self.vat_rate != VatRate.EXEMPT and self.exemption_mention:
            errors["exemption_mention"] = "La mention d'exonération ne vaut que pour un article exonéré."
        if self.sales_account and (not self.sales_account.isdigit() or not self.sales_account.startswith("7")):
            errors["sales_account"] = "Un compte de vente est un compte de classe 7 (ex. 706, 7061)."
        if errors:
            raise ValidationError(errors)


def vat_of_product(product: Product, policy: VatPolicy) -> tuple[str, str]:
    """(rate, mention) a sale of `product` carries: its own, or no VAT with the regime's mention when the
    structure charges none (an article created before a change of regime included)."""
    if not policy.charges_vat:
        return VatRate.EXEMPT.value, policy.mention
    return product.vat_rate, product.exemption_mention
