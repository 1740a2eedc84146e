from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from pilote.contacts import services
from pilote.contacts.forms import ImportForm
from pilote.contacts.importer import HEADERS, parse_contacts_csv
from pilote.core import pending
from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.lib.french import plural

PENDING_SCOPE = "contacts-import"
TEMPLATE_HEADER = "Type;Nom;Prénom;Rôles;SIREN;SIRET;TVA;E-mail;Téléphone;Adresse;Code postal;Ville;IBAN;Étiquettes\r\n"
TEMPLATE_EXAMPLE = (
    "organisation;Exemple SAS;;client, fournisseur;732829320;73282932000074;;contact@exemple.fr;0102030405;"
    "1 rue de la Paix;75002;Paris;;BTP\r\n"
)


@require_perm("contacts.import")
def import_upload(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = parse_contacts_csv(upload)
        if report.is_valid:  # the file waits on disk (core.pending), read again when the import is confirmed
            token = pending.keep(request, PENDING_SCOPE, {"name": upload.name[:200]}, upload=upload)
            return render(request, "contacts/import_preview.html", {"report": report, "token": token})
        return render(request, "contacts/import_preview.html", {"report": report})
    return render(request, "contacts/import.html", {"form": form, "headers": HEADERS})


@require_perm("contacts.import")
def import_template(request):
    response = HttpResponse("\ufeff" + TEMPLATE_HEADER + TEMPLATE_EXAMPLE, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-import-contacts.csv"'
    return response


@require_POST
@require_perm("contacts.import")
def import_confirm(request):
    token = request.POST.get("token")
    path = pending.file_path(request, PENDING_SCOPE, token)
    if path is None:
        messages.error(request, "Cet import a expiré ou a déjà été effectué : déposez à nouveau le fichier.")
        return redirect("contacts:import")
    with path.open("rb") as stored:
        report = parse_contacts_csv(stored)
    if not report.is_valid:  # a contact created meanwhile with the same SIRET, say
        pending.discard(request, PENDING_SCOPE, token)
        return render(request, "contacts/import_preview.html", {"report": report})
    try:
        created = services.import_contacts(actor=request.user, rows=report.rows())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("contacts:import")
    pending.discard(request, PENDING_SCOPE, token)
    messages.success(request, f"{plural(len(created), 'contact importé', 'contacts importés')}.")
    return redirect("contacts:list")
