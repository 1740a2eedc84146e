"""Tax receipts: list, detail with the donor's estimated reduction, PDF, issue (one donor or the year's batch),
cancel and replace, e-mail; the yearly totals for the declaration."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.associations import documents, rules
from pilote.associations.access import for_associations
from pilote.associations.forms import BatchForm, CancelReceiptForm, EstimateForm, IssueReceiptForm, ReceiptFilterForm
from pilote.associations.models import DonorKind, TaxReceipt
from pilote.associations.queries import donations as queries
from pilote.associations.services import receipts as services
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, Column, export_response, filter_data, paginate, sort_queryset
from pilote.core.pdf import pdf_file_response


def _filtered(request):
    form = ReceiptFilterForm(request.GET or None)
    data = filter_data(form)
    receipts = queries.filter_receipts(data)
    return form, sort_queryset(receipts, request.GET.get("tri", ""), queries.RECEIPT_SORTS,
                               queries.RECEIPT_DEFAULT_SORT)  # fmt: skip


@require_perm("associations.view")
@for_associations
def receipt_list(request):
    form, receipts = _filtered(request)
    context = {"form": form, "page": paginate(request, receipts)}
    if request.headers.get("HX-Request") == "true":
        return render(request, "associations/_receipt_results.html", context)
    return render(request, "associations/receipt_list.html", context)


@require_perm("associations.view")
@for_associations
def receipt_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, receipts = _filtered(request)
    return export_response(receipts.iterator(chunk_size=500), queries.RECEIPT_COLUMNS, "recus-fiscaux", fmt,
                           title="Reçus fiscaux")  # fmt: skip


@require_perm("associations.view")
@for_associations
def receipt_detail(request, pk: int):
    receipt = get_object_or_404(TaxReceipt.objects.select_related("donor", "replaces"), pk=pk)
    estimate_form = EstimateForm(request.GET or None)
    data = estimate_form.cleaned_data if estimate_form.is_valid() else {}
    company = receipt.donor_kind == DonorKind.COMPANY
    reduction = rules.estimated_reduction(
        total=receipt.total, company=company, help_in_need=receipt.rate == rules.RATE_IN_NEED,
        last_gift_on=receipt.last_gift_on, taxable_income=data.get("taxable_income"), revenue=data.get("revenue"),
    )  # fmt: skip
    if company:
        del estimate_form.fields["taxable_income"]
    else:
        del estimate_form.fields["revenue"]
    context = {
        "receipt": receipt,
        "replacement": TaxReceipt.objects.filter(replaces=receipt).first(),
        "lines": documents.receipt_context(receipt)["lines"],
        "reduction": reduction,
        "estimate_form": estimate_form,
        "cancel_form": CancelReceiptForm(),
        "amount_words": rules.amount_in_words(receipt.total),
    }
    return render(request, "associations/receipt_detail.html", context)


@require_perm("associations.view")
@for_associations
def receipt_pdf(request, pk: int):
    receipt = get_object_or_404(TaxReceipt, pk=pk)
    return pdf_file_response(documents.receipt_pdf(receipt), receipt.filename)


@require_POST
@require_perm("associations.receipts")
@for_associations
def receipt_issue(request):
    form = IssueReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choisissez un donateur et une année.")
        return redirect("associations:receipt-batch")
    try:
        receipt = services.issue_receipt(
            actor=request.user, donor=form.cleaned_data["donor"], year=form.cleaned_data["year"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("associations:receipt-batch")
    messages.success(request, f"Reçu fiscal n° {receipt.reference} émis pour {receipt.donor_name}.")
    return redirect("associations:receipt-detail", pk=receipt.pk)


@require_perm("associations.receipts")
@for_associations
def receipt_batch(request):
    today = timezone.localdate()
    default_year = today.year - 1 if today.month <= 3 else today.year
    form = BatchForm(request.POST or request.GET or None, initial={"year": default_year, "issued_on": today})
    year = default_year
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"]
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_yearly_receipts(
                actor=request.user, year=year, issued_on=form.cleaned_data["issued_on"]
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if issued:
                messages.success(request, f"{len(issued)} reçu(s) fiscal(aux) émis, du n° {issued[0].reference} "
                                          f"au n° {issued[-1].reference}.")  # fmt: skip
            else:
                messages.info(request, f"Aucun don de {year} n'attend de reçu.")
            return redirect("associations:receipt-list")
    pending = queries.pending_by_donor(year)
    context = {"form": form, "year": year, "pending": pending[:500], "more": len(pending) > 500}
    return render(request, "associations/receipt_batch.html", context)


@require_POST
@require_perm("associations.receipts")
@for_associations
def receipt_cancel(request, pk: int):
    receipt = get_object_or_404(TaxReceipt, pk=pk)
    form = CancelReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Indiquez le motif de l'annulation.")
        return redirect("associations:receipt-detail", pk=pk)
    try:
        result = services.cancel_receipt(actor=request.user, receipt=receipt, reason=form.cleaned_data["reason"],
                                         replace=form.cleaned_data["replace"])  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("associations:receipt-detail", pk=pk)
    if result.pk != receipt.pk:
        messages.success(request, f"Reçu n° {receipt.reference} annulé et remplacé par le reçu n° {result.reference}.")
    else:
        messages.success(request, f"Reçu n° {receipt.reference} annulé ; ses dons attendent un nouveau reçu.")
    return redirect("associations:receipt-detail", pk=result.pk)


@require_POST
@require_perm("associations.receipts")
@for_associations
def receipt_send(request, pk: int):
    receipt = get_object_or_404(TaxReceipt.objects.select_related("donor"), pk=pk)
    try:
        services.send_receipt(actor=request.user, receipt=receipt)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Reçu n° {receipt.reference} envoyé à {receipt.donor.email}.")
    return redirect("associations:receipt-detail", pk=pk)


TOTAL_COLUMNS = [
    Column("Année d'émission", lambda r: r["year"]),
    Column("Reçus en vigueur", lambda r: r["count"]),
    Column("Montant total", lambda r: r["total"]),
    Column("Reçus annulés", lambda r: r["cancelled"]),
]


@require_perm("associations.view")
@for_associations
def receipt_totals(request):
    return render(request, "associations/receipt_totals.html", {"rows": queries.yearly_totals()})


@require_perm("associations.view")
@for_associations
def receipt_totals_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return export_response(queries.yearly_totals(), TOTAL_COLUMNS, "declaration-recus-fiscaux", fmt,
                           title="Reçus fiscaux émis par année")  # fmt: skip
