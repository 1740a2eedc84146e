"""Requests for quotes: list, creation (lines and up to five suppliers), the page with the comparison side by side,
sending to each supplier (PDF + e-mail through the sales helpers), typing an answer, choosing one (→ an order)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, paginate, sort_queryset, words_refusal
from pilote.core.params import to_int
from pilote.core.pdf import pdf_file_response
from pilote.lib.dates import local_today
from pilote.lib.formats import format_quantity
from pilote.purchases import rfq, selection, sending
from pilote.purchases.forms import AnswerForm, ReasonForm, RequestForm, RequestLineFormSet
from pilote.purchases.models import QuoteAnswer, QuoteRequest, QuoteRequestStatus, SelectionFile
from pilote.purchases.queries import rfq as queries
from pilote.purchases.queries.invoices import history
from pilote.sales.forms import EmailForm

FIX_ERRORS = "Le formulaire contient des erreurs : corrigez les champs signalés."


@require_perm("purchases.view")
def request_list(request):
    data = queries.read_filters(request.GET)
    requests = sort_queryset(queries.filter_requests(data), request.GET.get("tri", ""), queries.REQUEST_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(requests, queries.REQUEST_COLUMNS, "demandes-de-prix", request.GET["export"],
                               title="Demandes de prix")  # fmt: skip
    context = {"page": paginate(request, requests), "q": data["q"], "status": data["status"],
               "q_refusal": words_refusal(data["q"]),
               "statuses": QuoteRequestStatus.choices}  # fmt: skip
    return render(request, "purchases/rfq_list.html", context)


@require_perm("purchases.order")
def request_create(request):
    post = request.POST if request.method == "POST" else None
    initial = {"date": local_today(), "supplier_1": to_int(request.GET.get("fournisseur"))}
    asking = SelectionFile.objects.filter(pk=to_int(request.GET.get("dossier"))).first()
    if asking is not None:  # need → RFQ: the selection file's need and candidates
        initial |= {"title": asking.title, "dossier": asking.pk, "notes": asking.description}
        for i, supplier_id in enumerate(asking.candidates.values_list("supplier_id", flat=True)[:5], start=1):
            initial[f"supplier_{i}"] = supplier_id
    form = RequestForm(post, initial=initial)
    formset = RequestLineFormSet(post, prefix="lignes")
    if post and form.is_valid() and formset.is_valid():
        lines = [
            rfq.RequestedLine(f.cleaned_data["description"], f.cleaned_data["quantity"], f.cleaned_data["unit"],
                              f.cleaned_data.get("product"))
            for f in formset.forms if f.cleaned_data.get("description")
        ]  # fmt: skip
        data = form.cleaned_data
        try:
            created = rfq.create_request(
                actor=request.user, title=data["title"], date=data["date"], lines=lines, suppliers=form.suppliers(),
                reply_by=data["reply_by"], notes=data["notes"],
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            if file := SelectionFile.objects.filter(pk=data.get("dossier") or 0).first():
                selection.link_request(actor=request.user, file=file, request=created)
            messages.success(request, f"Demande de prix {created.number} enregistrée.")
            return redirect("purchases:rfq-detail", created.pk)
    elif post:
        messages.error(request, FIX_ERRORS)
    return render(request, "purchases/rfq_form.html", {"form": form, "formset": formset})


@require_perm("purchases.view")
def request_detail(request, pk: int):
    found = get_object_or_404(QuoteRequest.objects.select_related("order", "chosen__supplier", "created_by"), pk=pk)
    lines = list(found.lines.order_by("position"))
    for line in lines:
        line.quantity_text = format_quantity(line.quantity)
    context = {"rfq": found, "lines": lines, **rfq.comparison(found), "history": history(found),
               "reason_form": ReasonForm(), "selection_files": list(found.selection_files.all())}  # fmt: skip
    return render(request, "purchases/rfq_detail.html", context)


def _answer(pk: int, answer_pk: int) -> QuoteAnswer:
    return get_object_or_404(QuoteAnswer.objects.select_related("request", "supplier"), pk=answer_pk, request_id=pk)


@require_perm("purchases.view")
def request_pdf(request, pk: int, answer_pk: int):
    answer = _answer(pk, answer_pk)
    return pdf_file_response(sending.request_pdf_bytes(answer), sending.request_filename(answer), inline=True)


@require_perm("purchases.order")
def request_send(request, pk: int, answer_pk: int):
    answer = _answer(pk, answer_pk)
    found = answer.request
    form = EmailForm(request.POST or None, initial=sending.request_email(answer, request.structure))
    if request.method == "POST" and form.is_valid():
        try:
            sending.send_request(actor=request.user, answer=answer, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Demande de prix envoyée à {form.cleaned_data['to']}.")
            return redirect("purchases:rfq-detail", pk)
    elif request.method == "POST":
        messages.error(request, FIX_ERRORS)
    return render(request, "purchases/rfq_send.html", {"rfq": found, "answer": answer, "form": form})


@require_perm("purchases.order")
def request_answer(request, pk: int, answer_pk: int):
    answer = _answer(pk, answer_pk)
    lines = list(answer.request.lines.order_by("position"))
    for line in lines:
        line.quantity_text = format_quantity(line.quantity)
    initial = {"answered_on": answer.answered_on or local_today(), "delay_days": answer.delay_days,
               "conditions": answer.conditions, "reference": answer.reference}  # fmt: skip
    for row in answer.lines.all():
        initial |= {f"prix-{row.request_line_id}": row.unit_price, f"tva-{row.request_line_id}": row.vat_rate}
    form = AnswerForm(request.POST or None, lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rfq.record_answer(actor=request.user, answer=answer, prices=form.prices(), answered_on=data["answered_on"],
                              delay_days=data["delay_days"], conditions=data["conditions"],
                              reference=data["reference"])  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Réponse de {answer.supplier.display_name} enregistrée.")
            return redirect("purchases:rfq-detail", pk)
    elif request.method == "POST":
        messages.error(request, FIX_ERRORS)
    return render(request, "purchases/rfq_answer.html", {"rfq": answer.request, "answer": answer, "form": form})


@require_POST
@require_perm("purchases.order")
def request_choose(request, pk: int, answer_pk: int):
    answer = _answer(pk, answer_pk)
    form = ReasonForm(request.POST)
    try:
        order = rfq.choose_answer(actor=request.user, answer=answer,
                                  reason=form.cleaned_data["reason"] if form.is_valid() else "")  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("purchases:rfq-detail", pk)
    messages.success(request, f"Commande {order.number} préparée chez {answer.supplier.display_name} : "
                              "faites-la approuver puis envoyez-la.")  # fmt: skip
    return redirect("purchases:order-detail", order.pk)


@require_POST
@require_perm("purchases.order")
def request_cancel(request, pk: int):
    found = get_object_or_404(QuoteRequest, pk=pk)
    try:
        rfq.cancel_request(actor=request.user, request=found, version=to_int(request.POST.get("version")))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Demande de prix {found.number} abandonnée.")
    return redirect("purchases:rfq-detail", pk)
