"""Quotes (devis): list, line editor, detail, PDF, e-mail, acceptance, refusal, cancellation, conversion
into an order and duplication. Thin views: the services decide, their French refusals are shown as is."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.contacts.models import Address, Contact
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import (
    EXPORT_FORMATS,
    WordsField,
    export_response,
    filter_data,
    paginate,
    sort_queryset,
    totals_within,
)
from pilote.core.pdf import pdf_file_response
from pilote.lib.dates import local_today
from pilote.pipeline.models import Opportunity
from pilote.pipeline.stages import CLOSED_STAGES
from pilote.sales import hooks, sending, services
from pilote.sales.forms import DATE, CustomerChoiceField, EmailForm, catalogue_data, line_formset
from pilote.sales.models import PaymentTerm, Quote, QuoteStatus
from pilote.sales.queries import documents as queries

VALIDITY_DAYS = 30
FIX_ERRORS = "Le formulaire contient des erreurs : corrigez les champs signalés."


class QuoteFilterForm(forms.Form):
    q = WordsField(label="Client ou numéro")
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *QuoteStatus.choices])
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)
    follow_up = forms.BooleanField(label="À relancer", required=False)
    customer = forms.ModelChoiceField(queryset=Contact.objects.all(), required=False, widget=forms.HiddenInput)


class QuoteForm(forms.Form):
    customer = CustomerChoiceField()
    date = forms.DateField(label="Date du devis", widget=DATE)
    valid_until = forms.DateField(label="Valable jusqu'au", widget=DATE)
    opportunity = forms.ModelChoiceField(
        label="Opportunité", required=False, queryset=Opportunity.objects.exclude(stage__in=CLOSED_STAGES)
    )
    notes = forms.CharField(label="Conditions particulières", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date") and data.get("valid_until") and data["valid_until"] < data["date"]:
            self.add_error("valid_until", "La date de validité ne peut pas précéder la date du devis.")
        return data


class AcceptForm(forms.Form):
    date = forms.DateField(label="Date de l'accord", widget=DATE)
    note = forms.CharField(label="Signé par…", max_length=200, required=False)


class RefuseForm(forms.Form):
    date = forms.DateField(label="Date du refus", widget=DATE)
    reason = forms.CharField(label="Motif du refus", max_length=200)


class ConvertForm(forms.Form):
    date = forms.DateField(label="Date de commande", widget=DATE)
    customer_reference = forms.CharField(label="N° de bon de commande du client", max_length=60, required=False)
    delivery_address = forms.ModelChoiceField(
        label="Adresse de livraison", queryset=Address.objects.none(), required=False,
        empty_label="Adresse de facturation du client",
    )  # fmt: skip
    expected_delivery = forms.DateField(label="Livraison prévue", widget=DATE, required=False)
    payment_term = forms.ChoiceField(label="Conditions de paiement", choices=PaymentTerm.choices)

    def __init__(self, *args, quote: Quote, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_address"].queryset = Address.objects.filter(contact_id=quote.customer_id)
        self.quote = quote

    def clean_date(self):
        if self.cleaned_data["date"] < self.quote.date:
            raise forms.ValidationError("La commande ne peut pas précéder le devis.")
        return self.cleaned_data["date"]


def _convert_initial(quote: Quote) -> dict:
    default = Address.objects.filter(contact_id=quote.customer_id, is_default_delivery=True).first()
    return {"date": max(local_today(), quote.date), "payment_term": "30", "delivery_address": default}


@require_perm("sales.view")
def quote_list(request):
    today = local_today()
    queries.expire_due_quotes(today)
    form = QuoteFilterForm(request.GET or None)
    data = filter_data(form)
    quotes = sort_queryset(queries.filter_quotes(data, today), request.GET.get("tri", ""), queries.QUOTE_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(quotes, queries.QUOTE_COLUMNS, "devis", request.GET["export"], title="Devis")
    page = paginate(request, quotes)
    totals = totals_within(page, lambda: queries.list_totals(quotes))
    context = {"form": form, "page": page, "totals": totals, "today": today}
    return render(request, "sales/quote_list.html", context)


def _editor(request, quote: Quote | None, initial: dict):
    post = request.POST if request.method == "POST" else None
    form = QuoteForm(post, initial=initial)
    formset = line_formset(post, lines=list(quote.lines.all()) if quote and not post else None)
    if post and form.is_valid() and formset.is_valid():
        data = form.cleaned_data
        specs = formset.specs()
        for spec in specs:
            spec.extra.pop("source_pk", None)  # quote lines are rewritten whole: no link to keep
        fields = dict(customer=data["customer"], date=data["date"], valid_until=data["valid_until"],
                      notes=data["notes"], lines=specs, opportunity=data["opportunity"])  # fmt: skip
        try:
            if quote is None:
                quote = services.create_quote(actor=request.user, **fields)
            else:
                quote = services.update_quote(actor=request.user, quote=quote, version=data["version"], **fields)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Devis {quote.number} enregistré.")
            return redirect("sales:quote-detail", quote.pk)
    elif post:
        messages.error(request, FIX_ERRORS)
    context = {"form": form, "formset": formset, "catalogue": catalogue_data(), "quote": quote}
    return render(request, "sales/quote_form.html", context)


@require_perm("sales.edit")
def quote_create(request):
    today = local_today()
    initial = {"date": today, "valid_until": today + dt.timedelta(VALIDITY_DAYS), "customer": request.GET.get("client"),
               "opportunity": request.GET.get("opportunite")}  # fmt: skip
    return _editor(request, None, initial)


@require_perm("sales.edit")
def quote_edit(request, pk: int):
    quote = get_object_or_404(Quote, pk=pk)
    if not quote.is_editable and request.method != "POST":
        status = quote.get_status_display().lower()
        messages.error(request, f"Le devis {quote.number} est {status} : il ne se modifie plus.")
        return redirect("sales:quote-detail", pk)
    initial = {
        name: getattr(quote, name) for name in ("customer", "date", "valid_until", "notes", "version", "opportunity")
    }
    return _editor(request, quote, initial)


def _detail(request, quote: Quote, **forms_in_error):
    """The detail page; an action whose form was refused passes it back bound, with the user's input."""
    today = local_today()
    context = {
        "quote": quote,
        **queries.quote_detail(quote),
        "accept_form": AcceptForm(initial={"date": max(today, quote.date)}),
        "refuse_form": RefuseForm(initial={"date": max(today, quote.date)}),
        "convert_form": ConvertForm(quote=quote, initial=_convert_initial(quote)),
        **forms_in_error,
    }
    convertible = quote.status in {QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.ACCEPTED} and not context["orders"]
    context["can_convert"] = convertible or "convert_form" in forms_in_error
    if convertible and not forms_in_error:
        for warning in hooks.warnings_for_order(quote.customer, quote.total_gross):
            messages.warning(request, warning)
    return render(request, "sales/quote_detail.html", context)


@require_perm("sales.view")
def quote_detail(request, pk: int):
    return _detail(request, get_object_or_404(Quote.objects.select_related("customer", "created_by"), pk=pk))


def _action(request, pk: int, form_class, form_name: str, call, done: str):
    """Run a status change from a small form of the detail page; on refusal show the page again."""
    quote = get_object_or_404(Quote.objects.select_related("customer"), pk=pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(quote, form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, done.format(number=quote.number))
            return redirect("sales:quote-detail", pk)
    else:
        messages.error(request, FIX_ERRORS)
    return _detail(request, quote, **{form_name: form})


@require_POST
@require_perm("sales.edit")
def quote_accept(request, pk: int):
    def call(quote, data):
        services.accept_quote(actor=request.user, quote=quote, on=data["date"], note=data["note"])

    return _action(request, pk, AcceptForm, "accept_form", call, "Devis {number} accepté.")


@require_POST
@require_perm("sales.edit")
def quote_refuse(request, pk: int):
    def call(quote, data):
        services.refuse_quote(actor=request.user, quote=quote, on=data["date"], reason=data["reason"])

    return _action(request, pk, RefuseForm, "refuse_form", call, "Devis {number} refusé.")


@require_POST
@require_perm("sales.edit")
def quote_cancel(request, pk: int):
    def call(quote, data):
        services.cancel_quote(actor=request.user, quote=quote)

    return _action(request, pk, forms.Form, "cancel_form", call, "Devis {number} annulé.")


@require_POST
@require_perm("sales.edit")
def quote_convert(request, pk: int):
    quote = get_object_or_404(Quote.objects.select_related("customer"), pk=pk)
    form = ConvertForm(request.POST, quote=quote)
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return _detail(request, quote, convert_form=form)
    try:
        order = services.convert_quote(actor=request.user, quote=quote, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, quote, convert_form=form)
    for warning in hooks.warnings_for_order(order.customer, order.total_gross):
        messages.warning(request, warning)
    messages.success(request, f"Commande {order.number} créée à partir du devis {quote.number}.")
    return redirect("sales:order-detail", order.pk)


@require_POST
@require_perm("sales.edit")
def quote_duplicate(request, pk: int):
    quote = get_object_or_404(Quote.objects.select_related("customer"), pk=pk)
    today = local_today()
    try:
        copy = services.duplicate_quote(actor=request.user, quote=quote, date=today,
                                        valid_until=today + dt.timedelta(VALIDITY_DAYS))  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("sales:quote-detail", pk)
    messages.success(request, f"Devis {copy.number} créé à partir du devis {quote.number} : modifiez-le si besoin.")
    return redirect("sales:quote-edit", copy.pk)


# --- PDF and e-mail -----------------------------------------------------------------------------


@require_perm("sales.view")
def quote_pdf(request, pk: int):
    quote = get_object_or_404(Quote, pk=pk)
    return pdf_file_response(sending.quote_pdf_bytes(pk), sending.quote_filename(quote), inline=True)


@require_perm("sales.edit")
def quote_send(request, pk: int):
    quote = get_object_or_404(Quote.objects.select_related("customer"), pk=pk)
    form = EmailForm(request.POST or None, initial=sending.quote_email(quote))
    if request.method == "POST" and form.is_valid():
        try:
            sending.send_quote(actor=request.user, quote=quote, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Devis {quote.number} envoyé à {form.cleaned_data['to']}.")
            return redirect("sales:quote-detail", pk)
    elif request.method == "POST":
        messages.error(request, FIX_ERRORS)
    return render(request, "sales/quote_send.html", {"quote": quote, "form": form})
