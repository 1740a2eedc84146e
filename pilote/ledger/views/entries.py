from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, sort_queryset, sort_rows
from pilote.ledger import queries, services
from pilote.ledger.forms import EntryFilterForm, EntryForm, LineFormSet, TrialBalanceForm
from pilote.ledger.models import Entry, FiscalYear


@require_perm("ledger.view")
def entry_list(request):
    form = EntryFilterForm(request.GET or None)
    data = {}
    if form.is_bound:
        form.is_valid()  # the valid filters apply; a refused one shows its French message and is left out alone
        data = form.cleaned_data
    if request.GET.get("export") in EXPORT_FORMATS:
        entries = sort_queryset(queries.filter_entries(data), request.GET.get("tri", ""), queries.ENTRY_SORTS, "-date")
        entries = queries.with_totals(entries)
        return export_response(
            entries.iterator(chunk_size=2000), queries.ENTRY_COLUMNS, "ecritures", request.GET["export"]
        )
    page = queries.entry_page(
        data, request.GET.get("tri", ""), after=request.GET.get("apres", ""), before=request.GET.get("avant", "")
    )
    return render(request, "ledger/entry_list.html", {"form": form, "page": page})


def _entry_context(form, lines):
    return {
        "form": form,
        "lines": lines,
    }


def _save(request, entry=None):
    form = EntryForm(request.POST or None, initial={"version": entry.version} if entry else None)
    initial_lines = None
    if entry:
        form.initial.update(
            journal=entry.journal,
            date=entry.date,
            label=entry.label,
            piece_ref=entry.piece_ref,
            piece_date=entry.piece_date,
        )
        initial_lines = [
            {
                "account": line.account.code,
                "auxiliary": line.auxiliary.code if line.auxiliary else "",
                "label": line.label,
                "debit": line.debit or None,
                "credit": line.credit or None,
            }
            for line in entry.lines.select_related("account", "auxiliary")
        ]
    lines = LineFormSet(request.POST or None, initial=initial_lines, prefix="lignes")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        inputs = [line.to_input() for line in lines if line.cleaned_data and line.to_input()]
        header = {k: form.cleaned_data[k] for k in ("journal", "date", "label", "piece_ref", "piece_date")}
        try:
            if entry is None:
                entry = services.create_entry(
                    actor=request.user, lines=inputs, post="valider" in request.POST, **header
                )
            else:
                entry = services.update_draft(
                    actor=request.user,
                    entry=entry,
                    lines=inputs,
                    expected_version=form.cleaned_data["version"],
                    **header,
                )
                if "valider" in request.POST:
                    entry = services.post_entry(actor=request.user, entry=entry)
        except (DomainError, ValidationError) as exc:
            form.add_error(None, getattr(exc, "message", None) or exc)
        else:
            done = f"validée sous le n° {entry.number}" if entry.is_posted else "enregistrée en brouillard"
            messages.success(request, f"Écriture {done}.")
            return redirect("ledger:entry-detail", pk=entry.pk)
    return render(request, "ledger/entry_form.html", {**_entry_context(form, lines), "entry": entry})


@require_perm("ledger.edit")
def entry_create(request):
    return _save(request)


@require_perm("ledger.edit")
def entry_edit(request, pk: int):
    entry = get_object_or_404(Entry, pk=pk)
    if entry.is_posted:
        messages.error(request, "Une écriture validée ne se modifie plus : contre-passez-la.")
        return redirect("ledger:entry-detail", pk=pk)
    return _save(request, entry)


@require_perm("ledger.view")
def entry_detail(request, pk: int):
    entry = get_object_or_404(
        Entry.objects.select_related("journal", "fiscal_year", "reversal_of", "created_by"), pk=pk
    )
    lines = list(entry.lines.select_related("account", "auxiliary"))
    context = {
        "entry": entry,
        "lines": lines,
        "total_debit": sum(line.debit for line in lines),
        "total_credit": sum(line.credit for line in lines),
        "reversed_by": Entry.objects.filter(reversal_of=entry).first(),
    }
    return render(request, "ledger/entry_detail.html", context)


def _transition(request, pk: int, action, success: str):
    entry = get_object_or_404(Entry, pk=pk)
    try:
        result = action(actor=request.user, entry=entry)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("ledger:entry-detail", pk=pk)
    messages.success(request, success.format(entry=result or entry))
    return redirect("ledger:entry-detail", pk=result.pk) if result else redirect("ledger:entry-list")


@require_POST
@require_perm("ledger.edit")
def entry_post(request, pk: int):
    return _transition(request, pk, services.post_entry, "Écriture validée sous le n° {entry.number}.")


@require_POST
@require_perm("ledger.edit")
def entry_reverse(request, pk: int):
    return _transition(
        request, pk, services.reverse_entry, "Contre-passation {entry.journal.code} n° {entry.number} validée."
    )


@require_POST
@require_perm("ledger.edit")
def entry_delete(request, pk: int):
    return _transition(request, pk, services.delete_draft, "Brouillard supprimé.")


@require_perm("ledger.view")
def trial_balance(request):
    form = TrialBalanceForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    year = data.get("exercice") or FiscalYear.objects.order_by("-start_date").first()
    auxiliary = data.get("type") == "auxiliaire"
    rows = queries.trial_balance(year, data.get("compte", ""), data.get("au"), auxiliary=auxiliary) if year else []
    rows = sort_rows(rows, request.GET.get("tri", ""), queries.TRIAL_BALANCE_SORTS, "compte")
    fmt = request.GET.get("export")
    if fmt in EXPORT_FORMATS and year:
        title = f"Balance {'auxiliaire' if auxiliary else 'générale'} — {year}"
        return export_response(rows, queries.TRIAL_BALANCE_COLUMNS, f"balance-{year.start_date:%Y}", fmt, title=title)
    context = {
        "form": form,
        "year": year,
        "rows": rows,
        "totals": queries.trial_balance_totals(rows),
        "auxiliary": auxiliary,
    }
    return render(request, "ledger/trial_balance.html", context)
