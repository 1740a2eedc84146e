"""Associations over the API: membership types, members, dues (called, received), donations and their tax receipts
(issued, cancelled and replaced), grants (awarded, refused, instalments expected and received), volunteering
(volunteers, activities, hours, the period's posting) — for associations and social establishments only, as
the pages: another structure gets their French refusal (404). Each write is checked by the page's form and made by
`associations.services`, which posts the books as the pages do."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from pilote.api.base import (
    Day,
    ObjectId,
    OptionalId,
    Page,
    Paging,
    RequiredId,
    Words,
    fetch,
    only_for,
    page_of,
    sorted_page,
    through_form,
)
from pilote.associations import access, forms, rules
from pilote.associations.models import (
    Donation,
    Due,
    Grant,
    GrantInstalment,
    Member,
    MembershipType,
    TaxReceipt,
    VolunteerActivity,
    VolunteerHours,
)
from pilote.associations.queries import donations as donation_queries
from pilote.associations.queries import grants as grant_queries
from pilote.associations.queries import members as member_queries
from pilote.associations.queries import volunteering as volunteer_queries
from pilote.associations.services import donations, grants, members, receipts, volunteering

router = Router(tags=["Associations"])

Method = Literal["especes", "cheque", "virement"]


# The associations pages' own rule: another kind of structure gets their French refusal.
operation = only_for(router, access.is_for, access.REFUSAL)


# --- membership types, members, dues --------------------------------------------------------------------------


class MembershipTypeOut(Schema):
    id: int
    name: str
    fee: Decimal
    with_return: bool
    is_active: bool


class MembershipTypeIn(Schema):
    name: str
    fee: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2, description="cotisation annuelle")
    with_return: bool = Field(False, description="avec contrepartie (compte 7562)")


class MemberOut(Schema):
    id: int
    number: int
    contact_id: int
    name: str
    membership_type_id: int
    joined_on: dt.date
    left_on: dt.date | None

    @staticmethod
    def resolve_name(obj: Member) -> str:
        return obj.contact.display_name


class MemberIn(Schema):
    contact: RequiredId = Field(..., description="id du contact qui adhère")
    membership_type: RequiredId = Field(..., description="id du type d'adhésion")
    joined_on: Day
    method: Method | Literal[""] = Field("", description="cotisation payée à l'adhésion ; vide : appelée plus tard")
    bank_account: OptionalId = Field(None, description="id du compte bancaire (chèque, virement)")


class LeaveIn(Schema):
    left_on: Day


class MemberFilters(Paging):
    q: Words = ""
    type: OptionalId = Field(None, description="id du type d'adhésion")
    statut: Literal["", "presents", "sortis", "tous"] = ""
    cotisation: Literal["", "a_jour", "en_retard"] = Field("", description="cotisation de l'année")
    tri: str = Field(member_queries.MEMBER_DEFAULT_SORT, description="numero, nom, adhesion, type ; préfixe -")


class DueOut(Schema):
    id: int
    member_id: int
    year: int
    membership_type_id: int
    amount: Decimal
    called_on: dt.date | None
    status: str
    paid_on: dt.date | None
    method: str


class DueFilters(Paging):
    q: Words = Field("", description="adhérent")
    annee: int | None = Field(None, ge=1900, le=2199)
    etat: Literal["", "called", "paid"] = ""
    tri: str = Field(member_queries.DUE_DEFAULT_SORT, description="adherent, appel, montant, paiement ; préfixe -")


class CallIn(Schema):
    year: int = Field(..., ge=1900, le=2199)
    called_on: Day


class ReceiveDueIn(Schema):
    paid_on: Day
    method: Method
    bank_account: OptionalId = Field(None, description="id du compte bancaire (chèque, virement)")


@operation("GET", "/types-adhesion", "associations.view", response=Page[MembershipTypeOut])
def list_membership_types(request, filters: Query[Paging]):
    return page_of(MembershipType.objects.order_by("name"), filters)


@operation("POST", "/types-adhesion", "associations.edit", response={201: MembershipTypeOut})
def create_membership_type(request, payload: MembershipTypeIn):
    fields = through_form(forms.MembershipTypeForm, payload)
    return Status(201, members.create_membership_type(actor=request.auth, **fields))


@operation("GET", "/adherents", "associations.view", response=Page[MemberOut])
def list_members(request, filters: Query[MemberFilters]):
    data = filters.dict()
    rows = member_queries.filter_members(data, timezone.localdate()).select_related("contact")
    return sorted_page(rows, data, member_queries.MEMBER_SORTS, member_queries.MEMBER_DEFAULT_SORT)


@operation("GET", "/adherents/{member_id}", "associations.view", response=MemberOut)
def get_member(request, member_id: ObjectId):
    return fetch(Member.objects.select_related("contact"), member_id)


@operation("POST", "/adherents", "associations.edit", response={201: MemberOut})
def admit_member(request, payload: MemberIn):
    """Enrolled; with a payment method the year's due is received at once and posted, else it is called later."""
    return Status(201, members.admit(actor=request.auth, **through_form(forms.MemberForm, payload)))


@operation("POST", "/adherents/{member_id}/sortie", "associations.edit", response=MemberOut)
def record_leaving(request, member_id: ObjectId, payload: LeaveIn):
    member = fetch(Member.objects.select_related("contact"), member_id)
    left_on = through_form(forms.LeaveForm, payload)["left_on"]
    return members.record_leaving(actor=request.auth, member=member, left_on=left_on)


@operation("GET", "/cotisations", "associations.view", response=Page[DueOut])
def list_dues(request, filters: Query[DueFilters]):
    data = filters.dict()
    return sorted_page(
        member_queries.filter_dues(data), data, member_queries.DUE_SORTS, member_queries.DUE_DEFAULT_SORT
    )


@operation("POST", "/cotisations/appel", "associations.edit", response={201: list[DueOut]})
def call_dues(request, payload: CallIn):
    """The year's dues called for every present member (posted); a due already called is not called twice."""
    return Status(201, members.call_dues(actor=request.auth, **through_form(forms.CallDuesForm, payload)))


@operation("POST", "/cotisations/{due_id}/encaissement", "associations.edit", response=DueOut)
def receive_due(request, due_id: ObjectId, payload: ReceiveDueIn):
    due = fetch(Due, due_id)
    return members.receive_due(actor=request.auth, due=due, **through_form(forms.ReceiveDueForm, payload))


# --- donations and tax receipts -------------------------------------------------------------------------------


class DonationOut(Schema):
    id: int
    donor_id: int
    date: dt.date
    kind: str
    method: str
    amount: Decimal
    description: str
    bank_account_id: int | None
    entry_id: int | None
    receipt_id: int | None


class DonationIn(Schema):
    donor: RequiredId = Field(..., description="id du contact donateur")
    date: Day
    kind: Literal["numeraire", "nature", "abandon_frais"] = "numeraire"
    method: Method | Literal[""] = Field("", description="vide pour un don en nature ou des frais abandonnés")
    bank_account: OptionalId = Field(None, description="id du compte bancaire (chèque, virement)")
    amount: Decimal = Field(..., max_digits=12, decimal_places=2)
    description: str = ""


class DonationFilters(Paging):
    q: Words = Field("", description="donateur")
    annee: int | None = Field(None, ge=1900, le=2199)
    nature: Literal["", "numeraire", "nature", "abandon_frais"] = ""
    recu: Literal["", "avec", "sans"] = Field("", description="avec ou sans reçu fiscal")
    tri: str = Field(donation_queries.DONATION_DEFAULT_SORT, description="date, donateur, montant, nature ; préfixe -")


class ReceiptOut(Schema):
    id: int
    number: int
    reference: str
    donor_id: int
    donor_name: str
    year: int
    total: Decimal
    rate: int
    issued_on: dt.date
    status: str


class TaxReceiptIn(Schema):
    donor: RequiredId = Field(..., description="id du donateur")
    year: int = Field(..., ge=1900, le=2199, description="année des dons")


class ReceiptFilters(Paging):
    q: Words = Field("", description="donateur")
    annee: int | None = Field(None, ge=1900, le=2199)
    etat: Literal["", "issued", "cancelled"] = ""
    tri: str = Field(donation_queries.RECEIPT_DEFAULT_SORT, description="numero, donateur, montant, date ; préfixe -")


@operation("GET", "/dons", "associations.view", response=Page[DonationOut])
def list_donations(request, filters: Query[DonationFilters]):
    data = filters.dict()
    return sorted_page(donation_queries.filter_donations(data), data, donation_queries.DONATION_SORTS,
                   donation_queries.DONATION_DEFAULT_SORT)  # fmt: skip


@operation("GET", "/dons/{donation_id}", "associations.view", response=DonationOut)
def get_donation(request, donation_id: ObjectId):
    return fetch(Donation, donation_id)


@operation("POST", "/dons", "associations.edit", response={201: DonationOut})
def record_donation(request, payload: DonationIn):
    """Recorded and posted (cash in the bank or the till, a gift in kind, expenses waived by a volunteer)."""
    return Status(201, donations.record_donation(actor=request.auth, **through_form(forms.DonationForm, payload)))


@operation("GET", "/recus-fiscaux", "associations.view", response=Page[ReceiptOut])
def list_receipts(request, filters: Query[ReceiptFilters]):
    data = filters.dict()
    return sorted_page(donation_queries.filter_receipts(data), data, donation_queries.RECEIPT_SORTS,
                   donation_queries.RECEIPT_DEFAULT_SORT)  # fmt: skip


class CancelReceiptIn(Schema):
    reason: str = Field(..., description="motif de l'annulation (reste sur le reçu annulé)")
    replace: bool = Field(True, description="émettre aussitôt le reçu rectificatif des mêmes dons")


@operation("GET", "/recus-fiscaux/{receipt_id}", "associations.view", response=ReceiptOut)
def get_receipt(request, receipt_id: ObjectId):
    return fetch(TaxReceipt, receipt_id)


@operation("POST", "/recus-fiscaux/{receipt_id}/annulation", "associations.receipts", response=ReceiptOut)
def cancel_receipt(request, receipt_id: ObjectId, payload: CancelReceiptIn):
    """The receipt cancelled with its reason (kept); by default its replacement, covering the same gifts, is issued
    and returned — without it the gifts wait for a new receipt and the cancelled one is returned."""
    receipt = fetch(TaxReceipt, receipt_id)
    data = through_form(forms.CancelReceiptForm, payload)
    return receipts.cancel_receipt(actor=request.auth, receipt=receipt, reason=data["reason"], replace=data["replace"])


@operation("POST", "/recus-fiscaux", "associations.receipts", response={201: ReceiptOut})
def issue_receipt(request, payload: TaxReceiptIn):
    """The tax receipt (Cerfa) of a donor's gifts of a year not yet covered by one, as on the receipts page."""
    data = through_form(forms.IssueReceiptForm, payload)
    return Status(201, receipts.issue_receipt(actor=request.auth, donor=data["donor"], year=data["year"]))


# --- grants ---------------------------------------------------------------------------------------------------


class InstalmentOut(Schema):
    id: int
    label: str
    expected_on: dt.date
    amount: Decimal
    received_on: dt.date | None


class GrantOut(Schema):
    id: int
    code: str
    funder_id: int
    title: str
    amount_requested: Decimal
    amount_granted: Decimal | None
    period_start: dt.date
    period_end: dt.date
    earmarked: bool
    status: str
    granted_on: dt.date | None


class GrantDeadlineOut(Schema):
    id: int
    grant_id: int
    label: str
    due_on: dt.date
    done_on: dt.date | None


class GrantBudgetLineOut(Schema):
    id: int
    grant_id: int
    nature: str
    label: str
    amount: Decimal


class FundMoveOut(Schema):
    id: int
    grant_id: int
    kind: str
    date: dt.date
    amount: Decimal
    entry_id: int


class GrantDetailOut(GrantOut):
    conditions: str
    instalments: list[InstalmentOut]
    deadlines: list[GrantDeadlineOut]
    budget: list[GrantBudgetLineOut] = Field(description="budget de l'action par nature")
    fund_moves: list[FundMoveOut] = Field(description="reports et utilisations de fonds dédiés")
    fund_balance: Decimal = Field(description="fonds dédiés restant à utiliser")
    agreement_name: str = Field(description="convention signée jointe (vide : aucune)")

    @staticmethod
    def resolve_instalments(obj: Grant):
        return list(obj.instalments.order_by("expected_on", "id"))

    @staticmethod
    def resolve_deadlines(obj: Grant):
        return list(obj.deadlines.all())

    @staticmethod
    def resolve_budget(obj: Grant):
        return list(obj.budget.all())

    @staticmethod
    def resolve_fund_moves(obj: Grant):
        return list(obj.fund_moves.all())

    @staticmethod
    def resolve_fund_balance(obj: Grant) -> Decimal:
        return grant_queries.fund_balance(obj)


class GrantIn(Schema):
    funder: RequiredId = Field(..., description="id du contact financeur")
    code: str = Field(..., description="code repris dans les écritures de l'action")
    title: str
    amount_requested: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    period_start: Day
    period_end: Day
    earmarked: bool = Field(True, description="subvention affectée (fonds dédiés)")
    conditions: str = ""


class AwardIn(Schema):
    amount: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)
    granted_on: Day


class InstalmentIn(Schema):
    label: str
    expected_on: Day
    amount: Decimal = Field(..., ge=0, max_digits=12, decimal_places=2)


class ReceiveInstalmentIn(Schema):
    received_on: Day
    bank_account: RequiredId = Field(..., description="id du compte bancaire")


class GrantFilters(Paging):
    q: Words = ""
    etat: Literal["", "requested", "granted", "refused"] = ""
    annee: int | None = Field(None, ge=1900, le=2199)
    tri: str = Field(grant_queries.DEFAULT_SORT, description="code, financeur, debut, montant ; préfixe -")


@operation("GET", "/subventions", "associations.view", response=Page[GrantOut])
def list_grants(request, filters: Query[GrantFilters]):
    data = filters.dict()
    return sorted_page(grant_queries.filter_grants(data), data, grant_queries.SORTS, grant_queries.DEFAULT_SORT)


@operation("GET", "/subventions/{grant_id}", "associations.view", response=GrantDetailOut)
def get_grant(request, grant_id: ObjectId):
    return fetch(Grant, grant_id)


@operation("POST", "/subventions", "associations.edit", response={201: GrantDetailOut})
def create_grant(request, payload: GrantIn):
    return Status(201, grants.create_grant(actor=request.auth, **through_form(forms.GrantForm, payload)))


@operation("POST", "/subventions/{grant_id}/attribution", "associations.edit", response=GrantDetailOut)
def award_grant(request, grant_id: ObjectId, payload: AwardIn):
    """Awarded and posted (441 / 741), as on the grant's page."""
    grant = fetch(Grant, grant_id)
    return grants.award_grant(actor=request.auth, grant=grant, **through_form(forms.AwardForm, payload))


@operation("POST", "/subventions/{grant_id}/refus", "associations.edit", response=GrantDetailOut)
def refuse_grant(request, grant_id: ObjectId):
    return grants.refuse_grant(actor=request.auth, grant=fetch(Grant, grant_id))


@operation("POST", "/subventions/{grant_id}/versements", "associations.edit", response={201: InstalmentOut})
def add_instalment(request, grant_id: ObjectId, payload: InstalmentIn):
    grant = fetch(Grant, grant_id)
    fields = through_form(forms.InstalmentForm, payload)
    return Status(201, grants.add_instalment(actor=request.auth, grant=grant, **fields))


@operation("POST", "/versements-subvention/{instalment_id}/encaissement", "associations.edit",
           response=InstalmentOut)  # fmt: skip
def receive_instalment(request, instalment_id: ObjectId, payload: ReceiveInstalmentIn):
    instalment = fetch(GrantInstalment, instalment_id)
    fields = through_form(forms.ReceiveInstalmentForm, payload)
    return grants.receive_instalment(actor=request.auth, instalment=instalment, **fields)


# --- volunteering -----------------------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    name: str
    hourly_rate: Decimal | None
    is_active: bool


class ActivityIn(Schema):
    name: str
    hourly_rate: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2,
                                        description="valorisation horaire ; vide : taux de l'association")  # fmt: skip


class VolunteerOut(Schema):
    id: int
    contact_id: int
    name: str
    since: dt.date
    until: dt.date | None
    year_hours: Decimal
    year_value: Decimal

    @staticmethod
    def resolve_name(obj) -> str:
        return obj.contact.display_name

    @staticmethod
    def resolve_year_hours(obj) -> Decimal:
        return rules.hours_of(getattr(obj, "year_minutes", None) or 0)

    @staticmethod
    def resolve_year_value(obj) -> Decimal:
        return getattr(obj, "year_value", None) or Decimal(0)


class VolunteerIn(Schema):
    contact: RequiredId = Field(..., description="id du contact bénévole")
    since: Day


class VolunteerFilters(Paging):
    q: Words = Field("", description="nom du bénévole")
    annee: int | None = Field(None, ge=1900, le=2199, description="année des heures (défaut : l'année en cours)")
    tri: str = Field(volunteer_queries.VOLUNTEER_DEFAULT_SORT, description="nom, heures, depuis ; préfixe -")


class HoursOut(Schema):
    id: int
    volunteer_id: int
    activity_id: int
    date: dt.date
    hours: Decimal
    rate: Decimal
    value: Decimal
    note: str
    posting_id: int | None


class HoursIn(Schema):
    volunteer: RequiredId = Field(..., description="id du bénévole (présent)")
    activity: RequiredId = Field(..., description="id de l'activité (proposée)")
    date: Day
    hours: Decimal = Field(..., ge=0, le=24, max_digits=5, decimal_places=2)
    note: str = ""


class HoursFilters(Paging):
    q: Words = Field("", description="bénévole ou note")
    activite: OptionalId = Field(None, description="id de l'activité")
    annee: int | None = Field(None, ge=1900, le=2199)
    mois: int | None = Field(None, ge=1, le=12)
    comptabilise: Literal["", "oui", "non"] = ""
    tri: str = Field(volunteer_queries.HOURS_DEFAULT_SORT, description="date, benevole, activite, duree, valeur ; "
                     "préfixe -")  # fmt: skip


class PostingIn(Schema):
    period_start: Day
    period_end: Day


class PostingOut(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    minutes: int
    value: Decimal
    entry_id: int


@operation("GET", "/activites-benevoles", "associations.view", response=Page[ActivityOut])
def list_activities(request, filters: Query[Paging]):
    return page_of(VolunteerActivity.objects.order_by("name"), filters)


@operation("POST", "/activites-benevoles", "associations.edit", response={201: ActivityOut})
def create_activity(request, payload: ActivityIn):
    fields = through_form(forms.ActivityForm, payload)
    return Status(201, volunteering.create_activity(actor=request.auth, **fields))


@operation("GET", "/benevoles", "associations.view", response=Page[VolunteerOut])
def list_volunteers(request, filters: Query[VolunteerFilters]):
    """Each volunteer with the year's hours and their value, as the volunteers page."""
    data = filters.dict()
    return page_of(volunteer_queries.filter_volunteers(data, data["annee"] or timezone.localdate().year), data)


@operation("POST", "/benevoles", "associations.edit", response={201: VolunteerOut})
def enrol_volunteer(request, payload: VolunteerIn):
    """Enrolled from a contact (once): no hours yet."""
    return Status(201, volunteering.enrol_volunteer(actor=request.auth, **through_form(forms.VolunteerForm, payload)))


@operation("GET", "/heures-benevoles", "associations.view", response=Page[HoursOut])
def list_hours(request, filters: Query[HoursFilters]):
    data = filters.dict()
    hours = volunteer_queries.filter_hours(data)
    return sorted_page(hours, data, volunteer_queries.HOURS_SORTS, volunteer_queries.HOURS_DEFAULT_SORT)


@operation("POST", "/heures-benevoles", "associations.edit", response={201: HoursOut})
def record_hours(request, payload: HoursIn):
    """Valued at the activity's rate (or the association's); a volunteer's day holds 24 hours at most."""
    return Status(201, volunteering.record_hours(actor=request.auth, **through_form(forms.HoursForm, payload)))


@operation("DELETE", "/heures-benevoles/{hours_id}", "associations.edit", response={204: None})
def delete_hours(request, hours_id: ObjectId):
    """Hours not yet posted only."""
    volunteering.delete_hours(actor=request.auth, hours=fetch(VolunteerHours, hours_id))
    return Status(204, None)


@operation("POST", "/benevolat/comptabilisation", "associations.receipts", response={201: PostingOut})
def post_volunteering(request, payload: PostingIn):
    """The period's hours not yet posted, in one entry 864 / 875 dated its last day (never twice), as on the
    postings page (which the receipts' roles use)."""
    fields = through_form(forms.PeriodForm, payload)
    return Status(201, volunteering.post_volunteering(actor=request.auth, **fields))
