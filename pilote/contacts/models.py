from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from pilote.lib.fields import BicField, IbanField, SirenField, SiretField, TaxNumberField, WebsiteField


class ContactKind(models.TextChoices):
    ORGANISATION = "organisation", "Organisation"
    PERSON = "person", "Particulier"


ROLE_FIELDS = {
    "is_customer": "Client",
    "is_prospect": "Prospect",
    "is_supplier": "Fournisseur",
    "is_funder": "Financeur",
    "is_partner": "Partenaire",
}


class Tag(models.Model):
    name = models.CharField("nom", max_length=50, unique=True)

    class Meta:
        verbose_name = "étiquette"
        verbose_name_plural = "étiquettes"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """An organisation (company, association, public body) or an individual the structure deals with.

    A contact can hold several roles at once (a supplier that is also a customer, a funder that is
    also a partner).
    """

    kind = models.CharField("type", max_length=20, choices=ContactKind.choices, default=ContactKind.ORGANISATION)
    name = models.CharField("nom ou raison sociale", max_length=200)
    first_name = models.CharField("prénom", max_length=100, blank=True)
    legal_form = models.CharField("forme juridique", max_length=50, blank=True)
    is_customer = models.BooleanField("client", default=False)
    is_prospect = models.BooleanField("prospect", default=False)
    is_supplier = models.BooleanField("fournisseur", default=False)
    is_funder = models.BooleanField("financeur", default=False)
    is_partner = models.BooleanField("partenaire", default=False)
    siren = SirenField("SIREN", blank=True, db_index=True)
    siret = SiretField("SIRET", blank=True)
    # Intra-EU VAT number; for a business established outside the EU, its country's tax number (CHE…, EIN…).
    vat_number = TaxNumberField("n° de TVA intracommunautaire", blank=True)
    naf_code = models.CharField("code NAF/APE", max_length=6, blank=True)
    iban = IbanField("IBAN", blank=True)
    bic = BicField("BIC", blank=True)
    # A supplier's payment terms (`lib.payment_terms`): days (0: on receipt; empty: not known) and whether they count
    # from the end of the invoice's month. A supplier invoice received without a due date gets it from them.
    payment_days = models.PositiveSmallIntegerField(
        "délai de paiement fournisseur (jours)", null=True, blank=True, help_text="0 : à réception ; vide : inconnu."
    )
    payment_end_of_month = models.BooleanField("fin de mois", default=False)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    website = WebsiteField("site web", blank=True)
    address_line1 = models.CharField("adresse de facturation", max_length=200, blank=True)
    address_line2 = models.CharField("complément d'adresse", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    country = models.CharField("pays", max_length=2, default="FR")
    notes = models.TextField("notes", blank=True)
    tags = models.ManyToManyField(Tag, verbose_name="étiquettes", blank=True, related_name="contacts")
    is_active = models.BooleanField("actif", default=True)
    version = models.PositiveIntegerField(default=1, editable=False)  # optimistic locking of edits
    created_at = models.DateTimeField("créé le", default=timezone.now, editable=False)
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    class Meta:
        verbose_name = "contact"
        verbose_name_plural = "contacts"
        indexes = [
            models.Index(Lower("name"), "id", name="contacts_contact_name_idx"),
            models.Index(Lower("city"), "id", name="contacts_contact_city_idx"),
            models.Index(fields=["-updated_at"], name="contacts_contact_updated_idx"),
            models.Index(fields=["postal_code"], name="contacts_contact_postal_idx"),
            models.Index(fields=["-created_at"], name="contacts_contact_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="contacts_contact_siret_unique",
                violation_error_message="Un contact avec ce SIRET existe déjà.",
            ),
            models.CheckConstraint(
                condition=Q(payment_days__lte=60) & (Q(payment_end_of_month=False) | Q(payment_days__lte=45))
                | Q(payment_days__isnull=True, payment_end_of_month=False),
                name="contacts_contact_payment_terms_legal",
                violation_error_message="Délai de paiement : 60 jours ou 45 jours fin de mois au plus "
                "(art. L441-10 du code de commerce).",
            ),
            models.CheckConstraint(
                condition=Q(kind="organisation") | Q(siret="", siren=""),
                name="contacts_contact_person_no_siren",
                violation_error_message="Un particulier n'a ni SIREN ni SIRET.",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == ContactKind.PERSON and self.first_name:
            return f"{self.first_name} {self.name}"
        return self.name

    @property
    def list_name(self) -> str:
        """How lists show a contact, matching their sort order: "DURAND Léa" for a person."""
        if self.kind == ContactKind.PERSON and self.first_name:
            return f"{self.name.upper()} {self.first_name}"
        return self.name

    @property
    def payment_terms_label(self) -> str:
        from pilote.lib.payment_terms import label

        return label(self.payment_days, self.payment_end_of_month)

    def supplier_due_date(self, invoice_date):
        """The due date of an invoice of this supplier dated `invoice_date`, from its terms (None: terms unknown)."""
        from pilote.lib.payment_terms import due_date

        if self.payment_days is None:
            return None
        return due_date(invoice_date, self.payment_days, self.payment_end_of_month)

    @property
    def tax_number_label(self) -> str:
        """What the number held in vat_number is: an intra-EU VAT number, or outside the EU the country's own."""
        from pilote.lib.identifiers import is_eu

        return "TVA intracom." if is_eu(self.country) else "N° TVA / fiscal"

    @property
    def tax_number_display(self) -> str:
        from pilote.lib.identifiers import format_tax_number

        return format_tax_number(self.vat_number)

    @property
    def role_labels(self) -> list[str]:
        return [label for field, label in ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def address_lines(self) -> list[str]:
        city = f"{self.postal_code} {self.city}".strip()
        return [line for line in (self.address_line1, self.address_line2, city) if line]

    def clean(self) -> None:
        from pilote.contacts.rules import clean_contact

        clean_contact(self)


class Address(models.Model):
    """A delivery (or other) address of a contact; the billing address lives on the contact itself."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField("libellé", max_length=100, default="Livraison")
    line1 = models.CharField("adresse", max_length=200)
    line2 = models.CharField("complément", max_length=200, blank=True)
    postal_code = models.CharField("code postal", max_length=10)
    city = models.CharField("ville", max_length=100)
    country = models.CharField("pays", max_length=2, default="FR")
    is_default_delivery = models.BooleanField("adresse de livraison par défaut", default=False)

    class Meta:
        verbose_name = "adresse de livraison"
        verbose_name_plural = "adresses de livraison"
        ordering = ["-is_default_delivery", "label"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact"],
                condition=Q(is_default_delivery=True),
                name="contacts_address_one_default",
                violation_error_message="Ce contact a déjà une adresse de livraison par défaut.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} — {self.line1}, {self.postal_code} {self.city}"


class ContactPerson(models.Model):
    """Someone to talk to inside an organisation."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="persons")
    civility = models.CharField("civilité", max_length=10, blank=True, choices=[("M.", "M."), ("Mme", "Mme")])
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100)
    job_title = models.CharField("fonction", max_length=120, blank=True)
    email = models.EmailField("e-mail", blank=True)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    is_primary = models.BooleanField("interlocuteur principal", default=False)

    class Meta:
        verbose_name = "interlocuteur"
        verbose_name_plural = "interlocuteurs"
        ordering = ["-is_primary", "last_name", "first_name"]

    def __str__(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class InteractionKind(models.TextChoices):
    CALL = "call", "Appel"
    MEETING = "meeting", "Rendez-vous"
    EMAIL = "email", "E-mail"
    NOTE = "note", "Note"


class Interaction(models.Model):
    """One exchange with a contact, kept as history."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="interactions")
    person = models.ForeignKey(
        ContactPerson, verbose_name="interlocuteur", null=True, blank=True, on_delete=models.SET_NULL
    )
    kind = models.CharField("type", max_length=10, choices=InteractionKind.choices)
    occurred_at = models.DateTimeField("date", default=timezone.now)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="auteur", on_delete=models.PROTECT)
    subject = models.CharField("objet", max_length=200)
    body = models.TextField("compte rendu", blank=True)
    # An exchange written by another domain (a complaint's answer, an opportunity's move, a quote sent)
    # is read only by the roles that may read its source: the permission code of that source, or "" for
    # an exchange typed in the contact's history (contacts.view is enough).
    source_perm = models.CharField("droit de lecture", max_length=50, blank=True, editable=False)

    class Meta:
        verbose_name = "échange"
        verbose_name_plural = "échanges"
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["contact", "-occurred_at"], name="contacts_interaction_when_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.subject}"
