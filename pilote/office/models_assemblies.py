"""General assemblies and boards (issue 15 point 3): the assembly, its roll (members with their votes, present,
represented by a proxy, excused or absent) and its resolutions with the votes. The members of an association come
from the associations app through `core.registry.register_member_source` (office never imports it); a company's
associates or a board's members are typed or chosen among the contacts. Rules in `assemblies.py`."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from pilote.lib.fields import FrenchDecimalField
from pilote.office.assemblies import MAJORITY_CHOICES

USER = settings.AUTH_USER_MODEL


class AssemblyKind(models.TextChoices):
    ORDINARY = "ordinary", "Assemblée générale ordinaire"
    EXTRAORDINARY = "extraordinary", "Assemblée générale extraordinaire"
    BOARD = "board", "Conseil d'administration"
    BUREAU = "bureau", "Bureau"


class AssemblyStatus(models.TextChoices):
    PLANNED = "planned", "En préparation"
    CONVENED = "convened", "Convoquée"
    HELD = "held", "Tenue"


class Assembly(models.Model):
    title = models.CharField("intitulé", max_length=200)
    kind = models.CharField("instance", max_length=16, choices=AssemblyKind.choices, default=AssemblyKind.ORDINARY)
    starts_at = models.DateTimeField("date et heure")
    place = models.CharField("lieu", max_length=200, blank=True)
    agenda = models.TextField("ordre du jour", blank=True)
    source = models.CharField("membres repris de", max_length=40, blank=True)
    quorum_percent = FrenchDecimalField(
        "quorum (% des voix)", max_digits=5, decimal_places=2, default=Decimal("25"),
        help_text="Fixé par les statuts ; 0 si aucun quorum n'est exigé.",
    )  # fmt: skip
    max_proxies = models.PositiveSmallIntegerField(
        "pouvoirs par membre présent", default=2, help_text="Nombre maximal de pouvoirs qu'un membre présent détient."
    )
    status = models.CharField("état", max_length=10, choices=AssemblyStatus.choices, default=AssemblyStatus.PLANNED)
    convened_at = models.DateTimeField("convoquée le", null=True, blank=True)
    chair = models.CharField("président de séance", max_length=200, blank=True)
    secretary = models.CharField("secrétaire de séance", max_length=200, blank=True)
    notes = models.TextField("déroulement et débats", blank=True)
    created_by = models.ForeignKey(USER, verbose_name="créée par", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = "assemblée"
        verbose_name_plural = "assemblées"
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quorum_percent__gte=0) & Q(quorum_percent__lte=100), name="office_assembly_quorum_range",
                violation_error_message="Le quorum est un pourcentage entre 0 et 100.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"{self.title} du {timezone.localtime(self.starts_at):%d/%m/%Y}"


class Presence(models.TextChoices):
    INVITED = "invited", "Convoqué"
    PRESENT = "present", "Présent"
    REPRESENTED = "represented", "Représenté (pouvoir)"
    EXCUSED = "excused", "Excusé"
    ABSENT = "absent", "Absent"


class AssemblyMember(models.Model):
    assembly = models.ForeignKey(Assembly, verbose_name="assemblée", on_delete=models.CASCADE, related_name="members")
    contact = models.ForeignKey(
        "contacts.Contact", verbose_name="contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("nom", max_length=200)
    email = models.EmailField("courriel", blank=True)
    votes = models.PositiveIntegerField("voix", default=1)
    presence = models.CharField("présence", max_length=12, choices=Presence.choices, default=Presence.INVITED)
    proxy_holder = models.ForeignKey(
        "self", verbose_name="pouvoir donné à", null=True, blank=True, on_delete=models.SET_NULL, related_name="proxies"
    )

    class Meta:
        verbose_name = "membre convoqué"
        verbose_name_plural = "membres convoqués"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(presence="represented", proxy_holder__isnull=False)
                | (~Q(presence="represented") & Q(proxy_holder__isnull=True)),
                name="office_assemblymember_proxy_when_represented",
                violation_error_message="Un membre représenté a donné son pouvoir à un membre présent, et à lui seul.",
            ),
            models.CheckConstraint(
                condition=~Q(proxy_holder=F("id")), name="office_assemblymember_not_own_proxy",
                violation_error_message="Un membre ne se donne pas pouvoir à lui-même.",
            ),
        ]  # fmt: skip

    def __str__(self) -> str:
        return self.name


class Resolution(models.Model):
    assembly = models.ForeignKey(Assembly, verbose_name="assemblée", on_delete=models.CASCADE,
                                 related_name="resolutions")  # fmt: skip
    number = models.PositiveSmallIntegerField("n°")
    title = models.CharField("résolution", max_length=300)
    text = models.TextField("texte", blank=True)
    majority = models.CharField("majorité", max_length=16, choices=MAJORITY_CHOICES, default="simple")
    votes_for = models.PositiveIntegerField("pour", null=True, blank=True)
    votes_against = models.PositiveIntegerField("contre", null=True, blank=True)
    abstentions = models.PositiveIntegerField("abstentions", null=True, blank=True)
    adopted = models.BooleanField("adoptée", null=True, blank=True)

    class Meta:
        verbose_name = "résolution"
        verbose_name_plural = "résolutions"
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "number"], name="office_resolution_unique_number",
                violation_error_message="Ce numéro de résolution existe déjà dans l'assemblée.",
            )
        ]  # fmt: skip

    def __str__(self) -> str:
        return f"Résolution {self.number} : {self.title}"

    @property
    def voted(self) -> bool:
        return self.adopted is not None
