"""General ledger (grand livre), third-party accounts and lettrage pages."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.ledger import lettering, queries
from pilote.ledger.models import Account, AccountBalance, AuxiliaryAccount, EntryLine, FiscalYear, Matching


def _year(request) -> FiscalYear | None:
    years = FiscalYear.objects.order_by("-start_date")
    chosen = request.GET.get("exercice") or request.POST.get("exercice")
    return (years.filter(pk=chosen).first() if chosen and chosen.isdigit() else None) or years.first()


@require_perm("ledger.view")
def general_ledger(request):
    year = _year(request)
    code = request.GET.get("compte", "").strip()
    account = Account.objects.filter(code=code).first() if code else None
    aux_code = request.GET.get("auxiliaire", "").strip()
    auxiliary = AuxiliaryAccount.objects.filter(code=aux_code).first() if aux_code else None
    page_number = int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1
    ledger = queries.general_ledger(year, account, auxiliary, page_number) if (year and account) else None
    context = {
        "years": FiscalYear.objects.order_by("-start_date"),
        "year": year,
        "account": account,
        "auxiliary": auxiliary,
        "ledger": ledger,
        "code": code,
        "aux_code": aux_code,
        "accounts": Account.objects.filter(is_active=True).only("code", "label"),
    }
    if code and account is None:
        messages.error(request, f"Compte {code} inconnu du plan comptable.")
    return render(request, "ledger/general_ledger.html", context)


@require_perm("ledger.view")
def third_parties(request):
    year = _year(request)
    balances = (
        AccountBalance.objects.filter(fiscal_year=year, aux_key__gt=0)
        .values("aux_key")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    totals = {row["aux_key"]: row["d"] - row["c"] for row in balances}
    auxiliaries = list(AuxiliaryAccount.objects.select_related("control_account").order_by("code"))
    for aux in auxiliaries:
        aux.balance = totals.get(aux.pk)
    kind = request.GET.get("type", "")
    if kind in {"411", "401"}:
        auxiliaries = [a for a in auxiliaries if a.control_account.code.startswith(kind)]
    return render(
        request,
        "ledger/third_parties.html",
        {"auxiliaries": auxiliaries, "year": year, "years": FiscalYear.objects.all(), "kind": kind},
    )


@require_perm("ledger.view")
def lettering_page(request, pk: int):
    auxiliary = get_object_or_404(AuxiliaryAccount.objects.select_related("control_account", "contact"), pk=pk)
    account = auxiliary.control_account
    context = {
        "auxiliary": auxiliary,
        "lines": list(lettering.open_lines(account, auxiliary.pk)[:500]),
        "matchings": Matching.objects.filter(account=account, aux_key=auxiliary.pk).order_by("-created_at")[:50],
    }
    return render(request, "ledger/lettering.html", context)


@require_POST
@require_perm("ledger.edit")
def lettering_letter(request, pk: int):
    auxiliary = get_object_or_404(AuxiliaryAccount, pk=pk)
    ids = [int(i) for i in request.POST.getlist("lignes") if i.isdigit()]
    lines = list(EntryLine.objects.filter(pk__in=ids, auxiliary=auxiliary))
    try:
        matching = lettering.letter_lines(actor=request.user, lines=lines, partial="partiel" in request.POST)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Lignes lettrées (code {matching.code}).")
    return redirect("ledger:lettering", pk=pk)


@require_POST
@require_perm("ledger.edit")
def lettering_auto(request, pk: int):
    auxiliary = get_object_or_404(AuxiliaryAccount.objects.select_related("control_account"), pk=pk)
    made = lettering.auto_letter(actor=request.user, account=auxiliary.control_account)
    messages.success(
        request,
        f"Lettrage automatique : {made} lettrage(s) effectué(s) sur le compte {auxiliary.control_account.code}.",
    )
    return redirect("ledger:lettering", pk=pk)


@require_POST
@require_perm("ledger.edit")
def lettering_undo(request, pk: int):
    matching = get_object_or_404(Matching, pk=pk)
    auxiliary_pk = matching.aux_key
    try:
        lettering.unletter(actor=request.user, matching=matching)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Lettrage défait.")
    return redirect("ledger:lettering", pk=auxiliary_pk)
