"""Dunning: the run (proposals, preview, sending in batches with progress), the history, the levels."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from pilote.contacts.models import Contact
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import safe_next, to_ids, to_int
from pilote.core.pdf import pdf_file_response
from pilote.receivables import documents, dunning, queries, services
from pilote.receivables.forms import HistoryFilterForm, LevelForm
from pilote.receivables.models import DunningLetter, DunningLevel

BATCH = 5  # customers sent per request: the page reports progress between batches


@require_perm("sales.dunning")
def run(request):
    today = timezone.localdate()
    # Paged like the lists: the letters of a page are sent together; penalties are only computed for the
    # customers shown (OverdueInvoice.penalty is computed when read).
    page = paginate(request, dunning.proposals(today))
    context = {"proposals": list(page), "page": page, "today": today, "levels": dunning.active_levels()}
    return render(request, "receivables/run.html", context)


@require_perm("sales.dunning")
def preview(request, pk: int):
    """The letter the run would send to this customer today, as a PDF (nothing is recorded)."""
    customer = get_object_or_404(Contact, pk=pk)
    today = timezone.localdate()
    found = dunning.proposals(today, [customer.pk])
    if not found:
        raise Http404("Aucune relance n'est due pour ce client.")
    pdf = documents.preview_pdf(found[0], today)
    return pdf_file_response(pdf, f"apercu-relance-{customer.pk}.pdf", inline=True)


@require_POST
@require_perm("sales.dunning")
def send(request):
    """Send the selected customers' letters BATCH at a time; the progress page posts the rest."""
    ids = to_ids(request.POST.getlist("client"))
    total = to_int(request.POST.get("total")) or len(ids)
    sent = to_int(request.POST.get("sent")) or 0
    errors = request.POST.getlist("error")
    if not ids and not sent:
        messages.error(request, "Sélectionnez au moins un client à relancer.")
        return redirect("receivables:run")
    customers = Contact.objects.in_bulk(ids[:BATCH])
    results = services.run_dunning(
        actor=request.user, customers=[customers[i] for i in ids[:BATCH] if i in customers], on=timezone.localdate()
    )
    sent += sum(1 for r in results if r.letter)
    errors += [f"{r.customer.display_name} : {r.error}" for r in results if r.error]
    remaining = ids[BATCH:]
    context = {"remaining": remaining, "total": total, "sent": sent, "errors": errors, "done": total - len(remaining)}
    template = (
        "receivables/_progress.html" if request.headers.get("HX-Request") == "true" else "receivables/progress.html"
    )
    return render(request, template, context)


@require_perm("sales.view")
def history(request):
    form = HistoryFilterForm(request.GET or None)
    data = filter_data(form)
    letters = sort_queryset(queries.letters(data), request.GET.get("tri", ""), queries.HISTORY_SORTS, "-date")
    if request.GET.get("export") in EXPORT_FORMATS:
        return export_response(letters, queries.HISTORY_COLUMNS, "relances", request.GET["export"], title="Relances")
    return render(request, "receivables/history.html", {"form": form, "page": paginate(request, letters)})


@require_perm("sales.view")
def letter_pdf(request, pk: int):
    letter = get_object_or_404(DunningLetter.objects.select_related("customer"), pk=pk)
    pdf = bytes(letter.pdf) if letter.pdf else documents.letter_pdf(letter)
    return pdf_file_response(pdf, documents.letter_filename(letter))


@require_POST
@require_perm("sales.dunning")
def letter_posted(request, pk: int):
    letter = get_object_or_404(DunningLetter, pk=pk)
    try:
        services.mark_letter_sent(actor=request.user, letter=letter)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Le courrier est marqué comme posté.")
    return redirect(safe_next(request, "receivables:history"))


@require_perm("sales.dunning")
def levels(request):
    return render(request, "receivables/levels.html", {"levels": DunningLevel.objects.all()})


@require_perm("sales.dunning")
def level_edit(request, pk: int | None = None):
    level = get_object_or_404(DunningLevel, pk=pk) if pk else None
    form = LevelForm(request.POST or None, instance=DunningLevel.objects.get(pk=pk) if pk else None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            if level is None:
                services.create_level(actor=request.user, **data)
            else:
                services.update_level(actor=request.user, level=level, version=version, **data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Le niveau de relance a été enregistré.")
            return redirect("receivables:levels")
    return render(request, "receivables/level_form.html", {"form": form, "level": level})
