"""Customer orders and deliveries: list, direct order with the line editor, detail, delivery (full or
partial) and its bon de livraison, deposit and order invoices (drafts finished on the invoice pages)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from pilote.contacts.models import Address, Contact
from pilote.core.access import require_perm
from pilote.core.collation import french
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
from pilote.core.models import Structure
from pilote.core.params import to_int
from pilote.core.pdf import logo_url, pdf_response
from pilote.core.registry import lot_suggestion, lot_tracking
from pilote.lib.dates import local_today
from pilote.lib.fields import FrenchDecimalFormField
from pilote.lib.formats import format_date
from pilote.sales import hooks, services
from pilote.sales.forms import DATE, CustomerChoiceField, catalogue_data, line_formset
from pilote.sales.models import Delivery, Order, OrderStatus, PaymentTerm
from pilote.sales.queries import documents as queries
from pilote.sales.views.quotes import FIX_ERRORS


class OrderFilterForm(forms.Form):
    q = WordsField(label="Client, n° ou réf.")
    status = forms.ChoiceField(label="Statut", required=False, choices=[("", "Tous"), *OrderStatus.choices])
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)
    to_deliver = forms.BooleanField(label="Reste à livrer", required=False)
    customer = forms.ModelChoiceField(queryset=Contact.objects.all(), required=False, widget=forms.HiddenInput)


class AddressChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.contact.display_name} — {obj}"


def customer_addresses(customer):
    """The delivery addresses a document of `customer` (an id, maybe empty) may use."""
    customer = to_int(customer, minimum=1)
    if customer is None:
        return Address.objects.none()
    addresses = Address.objects.select_related("contact").filter(contact_id=customer, contact__is_active=True)
    return addresses.order_by(french("label"))


class OrderForm(forms.Form):
    customer = CustomerChoiceField()
    date = forms.DateField(label="Date de commande", widget=DATE)
    customer_reference = forms.CharField(label="N° de bon de commande du client", max_length=60, required=False)
    delivery_address = AddressChoiceField(
        label="Adresse de livraison", queryset=Address.objects.none(), required=False,
        empty_label="Adresse de facturation du client",
    )  # fmt: skip
    payment_term = forms.ChoiceField(label="Conditions de paiement", choices=PaymentTerm.choices)
    notes = forms.CharField(label="Conditions particulières", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        customer = self.data.get("customer") or self.initial.get("customer")
        # Only the chosen customer's addresses (never every customer's): the list follows the customer picker.
        self.fields["delivery_address"].queryset = customer_addresses(customer)
        self.fields["delivery_address"].widget.attrs.update({
            "hx-get": reverse("sales:order-addresses"), "hx-trigger": "change from:input[name='customer']",
            "hx-include": "input[name='customer']", "hx-swap": "innerHTML",
        })  # fmt: skip

    def clean(self):
        data = super().clean()
        address, customer = data.get("delivery_address"), data.get("customer")
        if address and customer and address.contact_id != customer.pk:
            self.add_error("delivery_address", "Cette adresse n'est pas une adresse du client choisi.")
        return data


class DeliverForm(forms.Form):
    date = forms.DateField(label="Date de livraison", widget=DATE)
    notes = forms.CharField(label="Observations", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = [line for line in lines if line.to_deliver > 0]
        for line in self.lines:
            self.fields[f"q{line.pk}"] = FrenchDecimalFormField(
                label=f"Quantité livrée — {line.description}", min_value=0, max_digits=12, decimal_places=3,
                localize=True, required=False, initial=line.to_deliver.normalize(),
            )  # fmt: skip

        # Lots or serials chosen for the articles the stock follows by lot, pre-filled with the oldest (FIFO)
        # for what is left to deliver (core.registry: sales never imports operations)
        self.tracked = lot_tracking([line.product_id for line in self.lines])
        for line in self.lines:
            if line.product_id in self.tracked:
                serial = self.tracked[line.product_id] == "serial"
                self.fields[f"lots{line.pk}"] = forms.CharField(
                    label=f"{'Numéros de série' if serial else 'Lots'} livrés — {line.description}",
                    max_length=2000, required=False, initial=lot_suggestion(line.product_id, line.to_deliver),
                    widget=forms.TextInput(attrs={"autocomplete": "off"}),
                )  # fmt: skip

    def rows(self):
        return [
            (line, self[f"q{line.pk}"], self[f"lots{line.pk}"] if f"lots{line.pk}" in self.fields else None)
            for line in self.lines
        ]

    def clean(self):
        data = super().clean()
        for line in self.lines:
            if line.product_id in self.tracked and data.get(f"q{line.pk}") and not data.get(f"lots{line.pk}"):
                what = (
                    "numéro de série : indiquez ceux qui partent"
                    if self.tracked[line.product_id] == "serial"
                    else ("lot : indiquez le ou les lots qui partent et leurs quantités")
                )
                self.add_error(f"lots{line.pk}", f"« {line.description} » est suivi par {what}.")
        return data

    def quantities(self) -> dict[int, Decimal]:
        return {line.pk: self.cleaned_data.get(f"q{line.pk}") or Decimal(0) for line in self.lines}

    def lots(self) -> dict[int, str]:
        return {line.pk: self.cleaned_data.get(f"lots{line.pk}") or "" for line in self.lines}


class DepositForm(forms.Form):
    percent = FrenchDecimalFormField(label="Acompte (% du TTC)", max_digits=5, decimal_places=2)
    date = forms.DateField(label="Date de la facture", widget=DATE)


class InvoiceDateForm(forms.Form):
    date = forms.DateField(label="Date de la facture", widget=DATE)


@require_perm("sales.view")
def order_list(request):
    form = OrderFilterForm(request.GET or None)
    data = filter_data(form)
    orders = sort_queryset(queries.filter_orders(data), request.GET.get("tri", ""), queries.ORDER_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        fmt = request.GET["export"]
        return export_response(orders, queries.ORDER_COLUMNS, "commandes", fmt, title="Commandes clients")
    page = paginate(request, orders)
    context = {"form": form, "page": page, "totals": totals_within(page, lambda: queries.list_totals(orders))}
    return render(request, "sales/order_list.html", context)


@require_perm("sales.edit")
def order_addresses(request):
    """The <option>s of the delivery address select for the customer just chosen (htmx)."""
    field = OrderForm.base_fields["delivery_address"]
    options = [("", field.empty_label)] + [
        (address.pk, field.label_from_instance(address)) for address in customer_addresses(request.GET.get("customer"))
    ]
    return render(request, "sales/_address_options.html", {"options": options})


@require_perm("sales.edit")
def order_create(request):
    post = request.POST if request.method == "POST" else None
    initial = {"date": local_today(), "payment_term": "30", "customer": request.GET.get("client")}
    form, formset = OrderForm(post, initial=initial), line_formset(post)
    if post and form.is_valid() and formset.is_valid():
        specs = formset.specs()
        for spec in specs:
            spec.extra.pop("source_pk", None)
        try:
            order = services.create_order(actor=request.user, lines=specs, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            for warning in hooks.warnings_for_order(order.customer, order.total_gross):
                messages.warning(request, warning)
            messages.success(request, f"Commande {order.number} enregistrée.")
            return redirect("sales:order-detail", order.pk)
    elif post:
        messages.error(request, FIX_ERRORS)
    context = {"form": form, "formset": formset, "catalogue": catalogue_data()}
    return render(request, "sales/order_form.html", context)


def _detail(request, order: Order, **forms_in_error):
    today = local_today()
    context = {
        "order": order,
        **queries.order_detail(order),
        "deposit_form": DepositForm(initial={"date": max(today, order.date), "percent": Decimal(30)}),
        "invoice_form": InvoiceDateForm(initial={"date": max(today, order.date)}),
        **forms_in_error,
    }
    return render(request, "sales/order_detail.html", context)


def _order(pk: int) -> Order:
    related = ("customer", "quote", "delivery_address", "created_by")
    return get_object_or_404(Order.objects.select_related(*related), pk=pk)


@require_perm("sales.view")
def order_detail(request, pk: int):
    return _detail(request, _order(pk))


@require_perm("sales.edit")
def order_deliver(request, pk: int):
    order = _order(pk)
    initial = {"date": max(local_today(), order.date)}
    form = DeliverForm(request.POST or None, initial=initial, lines=queries.open_order_lines(order))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            quantities, lots = form.quantities(), form.lots()
            delivery = services.deliver(actor=request.user, order=order, date=data["date"], quantities=quantities,
                                        notes=data["notes"], lots=lots)  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Livraison {delivery.number} enregistrée.")
            return redirect("sales:delivery-detail", delivery.pk)
    elif request.method == "POST":
        messages.error(request, FIX_ERRORS)
    return render(request, "sales/order_deliver.html", {"order": order, "form": form})


def _draft_action(request, pk: int, form_class, form_name: str, call):
    """Deposit or order invoice: a draft is made, then finished (checked, issued) on its own page."""
    order = _order(pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, FIX_ERRORS)
        return _detail(request, order, **{form_name: form})
    try:
        invoice = call(order, form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
        return _detail(request, order, **{form_name: form})
    messages.success(request, f"{invoice} préparée : vérifiez-la, puis émettez-la.")
    return redirect(reverse("sales:invoice-detail", args=[invoice.pk]))


@require_POST
@require_perm("sales.edit")
def order_deposit(request, pk: int):
    def call(order, data):
        return services.deposit_invoice(actor=request.user, order=order, date=data["date"], percent=data["percent"])

    return _draft_action(request, pk, DepositForm, "deposit_form", call)


@require_POST
@require_perm("sales.edit")
def order_invoice(request, pk: int):
    def call(order, data):
        return services.invoice_order(actor=request.user, order=order, date=data["date"])

    return _draft_action(request, pk, InvoiceDateForm, "invoice_form", call)


@require_POST
@require_perm("sales.edit")
def order_cancel(request, pk: int):
    order = _order(pk)
    try:
        services.cancel_order(actor=request.user, order=order)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Commande {order.number} annulée.")
    return redirect("sales:order-detail", pk)


# --- Deliveries ---------------------------------------------------------------------------------


def _delivery(pk: int):
    try:
        return queries.delivery_detail(pk)
    except Delivery.DoesNotExist:
        raise Http404("Livraison introuvable.") from None


@require_perm("sales.view")
def delivery_detail(request, pk: int):
    delivery, lines = _delivery(pk)
    return render(request, "sales/delivery_detail.html", {"delivery": delivery, "lines": lines})


@require_perm("sales.view")
def delivery_pdf(request, pk: int):
    delivery, lines = _delivery(pk)
    structure = Structure.objects.get()
    order = delivery.order
    facts = [("Numéro", delivery.number), ("Date", format_date(delivery.date)), ("Commande", order.number)]
    if order.customer_reference:
        facts.append(("Votre commande", order.customer_reference))
    context = {"delivery": delivery, "order": order, "lines": lines, "facts": facts, "structure": structure,
               "logo_url": logo_url(structure)}  # fmt: skip
    return pdf_response("sales/delivery_pdf.html", context, f"Bon-de-livraison-{delivery.number}.pdf")
