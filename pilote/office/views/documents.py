"""The document store's pages: the list and its full-text search (with the other apps' documents found by the
same words), a document with its versions, filing and versioning, the classification plan, the purge. Every read
goes through `queries.documents.visible_documents`: a document a role may not see is a 404 everywhere."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pilote.core.access import require_perm
from pilote.core.exceptions import DomainError
from pilote.core.listing import EXPORT_FORMATS, export_response, filter_data, paginate, sort_queryset
from pilote.core.params import to_int
from pilote.core.uploads import MB, human_size
from pilote.lib.dates import local_today
from pilote.office.forms import DocumentFilterForm, DocumentForm, DocumentMetaForm, FolderForm, HoldForm, VersionForm
from pilote.office.models import Document, DocumentVersion, Folder
from pilote.office.queries import documents as queries
from pilote.office.retention import RULES, describe
from pilote.office.services import documents as services
from pilote.office.views.bookings import message_of


def _documents(request):
    form = DocumentFilterForm(request.GET or None)
    data = filter_data(form)
    documents = queries.filter_documents(data, request.user, local_today())
    documents = sort_queryset(documents, request.GET.get("tri", ""), queries.SORTS, queries.DEFAULT_SORT)
    return form, data, documents


def _size(size: int) -> str:
    """human_size, in Go from 1 Go (« 2 Go », « 1,5 Go »)."""
    if size < 1024 * MB:
        return human_size(size)
    value = size / (1024 * MB)
    return (f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")) + " Go"


def _quota():
    used, limit = queries.quota()
    return {"used": _size(used), "limit": _size(limit), "percent": min(100, round(100 * used / limit))}


@require_perm("office.documents.view")
def document_list(request):
    form, data, documents = _documents(request)
    page = paginate(request, queries.with_relations(documents))
    context = {
        "form": form, "page": page, "today": local_today(), "quota": _quota(),
        "others": queries.other_documents(request.user, data.get("q") or ""),
    }  # fmt: skip
    return render(request, "office/document_list.html", context)


@require_perm("office.documents.view")
def document_export(request, fmt: str):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    _, _, documents = _documents(request)
    return export_response(queries.export_rows(documents), queries.EXPORT_COLUMNS, "documents", fmt, title="Documents")


def _document(request, pk: int) -> Document:
    """The document if the user may see it, else a 404 (its existence is not told)."""
    return get_object_or_404(queries.visible_documents(request.user).select_related("folder", "owner"), pk=pk)


def _meta(form) -> dict:
    return services.form_fields(form.cleaned_data)


@require_perm("office.documents.edit")
def document_create(request):
    initial = {"document_date": local_today(), "folder": to_int(request.GET.get("dossier"))}
    form = DocumentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.file_document(actor=request.user, uploaded=form.cleaned_data["file"], **_meta(form))
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, f"Document « {document.title} » classé.")
            return redirect("office:document-detail", pk=document.pk)
    return render(request, "office/document_form.html", {"form": form})


@require_perm("office.documents.view")
def document_detail(request, pk: int):
    document = _document(request, pk)
    context = {
        "document": document, "versions": document.versions.select_related("uploaded_by"),
        "tags": document.tags.all(), "rule": RULES.get(document.doc_type),
        "retention": describe(document.doc_type, document.document_date, document.end_on),
        "past": document.retention_until is not None and document.retention_until < local_today(),
        "editable": request.user.can("office.documents.edit"),
        "version_form": VersionForm(), "hold_form": HoldForm(),
    }  # fmt: skip
    return render(request, "office/document_detail.html", context)


@require_perm("office.documents.edit")
def document_edit(request, pk: int):
    document = _document(request, pk)
    form = DocumentMetaForm(request.POST or None, initial=queries.document_initial(document))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_document(actor=request.user, document=document,
                                     expected_version=form.cleaned_data.get("version"), **_meta(form))  # fmt: skip
        except (DomainError, ValidationError) as exc:
            form.add_error(None, message_of(exc))
        else:
            messages.success(request, "Document modifié.")
            return redirect("office:document-detail", pk=pk)
    return render(request, "office/document_form.html", {"form": form, "document": document})


@require_POST
@require_perm("office.documents.edit")
def document_version_add(request, pk: int):
    document = _document(request, pk)
    form = VersionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("office:document-detail", pk=pk)
    try:
        version = services.add_version(actor=request.user, document=document, uploaded=form.cleaned_data["file"],
                                       note=form.cleaned_data["note"])  # fmt: skip
    except (DomainError, ValidationError) as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, f"Version {version.number} déposée ; les précédentes sont conservées.")
    return redirect("office:document-detail", pk=pk)


@require_POST
@require_perm("office.documents.edit")
def document_hold(request, pk: int):
    document = _document(request, pk)
    form = HoldForm(request.POST)
    hold = request.POST.get("lever") is None
    try:
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.set_hold(actor=request.user, document=document, hold=hold, reason=reason)
    except (DomainError, ValidationError) as exc:
        messages.error(request, message_of(exc))
    else:
        messages.success(request, "Document placé sous gel juridique." if hold else "Gel juridique levé.")
    return redirect("office:document-detail", pk=pk)


@require_perm("office.documents.view")
def version_download(request, pk: int):
    """The only way to a stored file: after the same visibility rule as every list, sent as an attachment."""
    version = get_object_or_404(DocumentVersion, pk=pk)
    if not queries.visible_documents(request.user).filter(pk=version.document_id).exists():
        raise Http404
    try:
        handle = version.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("Fichier introuvable.") from None
    return FileResponse(handle, as_attachment=True, filename=version.original_name)


@require_perm("office.documents.view")
def folder_list(request):
    folders = list(Folder.objects.select_related("parent").order_by("code", "name"))
    counts = {row["folder"]: row["n"] for row in queries.folder_counts(request.user)}
    form = FolderForm(request.POST or None) if request.user.can("office.documents.edit") else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                folder = services.create_folder(actor=request.user, **form.cleaned_data)
            except (DomainError, ValidationError) as exc:
                form.add_error(None, message_of(exc))
            else:
                messages.success(request, f"Dossier « {folder} » ajouté au plan de classement.")
                return redirect("office:folder-list")
    roots = [f for f in folders if f.parent_id is None]
    children = {}
    for folder in folders:
        folder.count = counts.get(folder.pk, 0)
        if folder.parent_id:
            children.setdefault(folder.parent_id, []).append(folder)
    plan = [(root, children.get(root.pk, [])) for root in roots]
    return render(request, "office/folder_list.html", {"plan": plan, "form": form, "rules": RULES.values()})


@require_perm("office.documents.purge")
def document_purge(request):
    today = local_today()
    candidates = queries.purge_candidates(request.user, today)
    if request.method == "POST":
        ids = [pk for pk in (to_int(v) for v in request.POST.getlist("documents")) if pk]
        try:
            count = services.purge(actor=request.user, document_ids=ids, confirmation=request.POST.get("confirmation"),
                                   today=today)  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{count} document(s) supprimé(s) ; chaque suppression est consignée au journal.")
            return redirect("office:document-purge")
    page = paginate(request, candidates, per_page=100)
    return render(request, "office/document_purge.html",
                  {"page": page, "today": today, "confirmation": services.CONFIRMATION})  # fmt: skip
