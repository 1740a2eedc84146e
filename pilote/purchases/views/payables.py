"""Payables: invoices to pay by due date (overdue, this week, this month), terms beyond the legal limits, a
supplier's account (what is owed, open invoices, statement from the books) and its statement as a PDF.

Aged payables at any date are the ledger's page (/comptabilite/balance-agee/?type=401): linked, not copied."""

from __future__ import annotations

from django.shortcuts import get_object_or_404, render

from pilote.contacts.models import Contact
from pilote.core.access import require_perm
from pilote.core.listing import EXPORT_FORMATS, export_response, paginate, sort_queryset
from pilote.core.pdf import logo_url, pdf_file_response, render_pdf
from pilote.lib.dates import local_today, statement_start
from pilote.lib.formats import format_date
from pilote.purchases.forms import DueFilterForm, StatementForm
from pilote.purchases.queries import payables as queries


@require_perm("purchases.view")
def due_list(request):
    today = local_today()
    params = request.GET.copy()
    params.setdefault("period", "mois")
    form = DueFilterForm(params)
    data = form.cleaned_data if form.is_valid() else {"period": "mois"}
    invoices = sort_queryset(queries.due_invoices(data, today), request.GET.get("tri", ""), queries.DUE_SORTS,
                             "echeance")  # fmt: skip
    if request.GET.get("export") in EXPORT_FORMATS:
        label = queries.PERIODS.get(data.get("period") or "toutes", "")
        return export_response(invoices, queries.due_columns(today), "echeances-fournisseurs", request.GET["export"],
                               title="Échéances fournisseurs", subtitle=f"{label} — au {today:%d/%m/%Y}")  # fmt: skip
    page = paginate(request, invoices)
    for invoice in page:
        invoice.days_late = queries.days_late(invoice, today)
    context = {"form": form, "page": page, "totals": queries.due_totals(invoices, today), "today": today,
               "period_end": queries.period_end(data.get("period") or "", today)}  # fmt: skip
    return render(request, "purchases/due_list.html", context)


def _statement_period(request, today):
    initial = {"start": statement_start(today), "end": today}
    form = StatementForm(request.GET if "start" in request.GET else None, initial=initial)
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, initial["start"], initial["end"]


@require_perm("purchases.view")
def supplier_account(request, pk: int):
    supplier = get_object_or_404(Contact, pk=pk)
    today = local_today()
    form, start, end = _statement_period(request, today)
    open_invoices = list(queries.open_invoices().filter(supplier=supplier).order_by("due_date", "pk")[:100])
    for invoice in open_invoices:
        invoice.days_late = queries.days_late(invoice, today)
    from pilote.ledger.models import AuxiliaryAccount

    context = {
        "supplier": supplier,
        "today": today,
        "summary": queries.supplier_summary(supplier, today),
        "invoices": open_invoices,
        "statement": queries.supplier_statement(supplier, start, end),
        "statement_form": form,
        "auxiliaries": list(AuxiliaryAccount.objects.filter(contact=supplier, control_account__code__startswith="401")),
    }
    return render(request, "purchases/supplier_account.html", context)


@require_perm("purchases.view")
def supplier_statement_pdf(request, pk: int):
    supplier = get_object_or_404(Contact, pk=pk)
    _, start, end = _statement_period(request, local_today())
    statement = queries.supplier_statement(supplier, start, end)
    structure = request.structure
    facts = [("Du", format_date(start)), ("Au", format_date(end)), ("Édité le", format_date(local_today()))]
    context = {"statement": statement, "structure": structure, "logo_url": logo_url(structure), "facts": facts}
    pdf = render_pdf("purchases/supplier_statement_pdf.html", context)
    return pdf_file_response(pdf, f"Releve-fournisseur-{supplier.pk}-{end:%Y%m%d}.pdf", inline=True)
