"""PDF documents from HTML templates (WeasyPrint), for reports and, later, invoices."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone


def _local_fetcher():
    """Only local files and data: URIs: a PDF never loads anything over the network."""
    from weasyprint import URLFetcher

    return URLFetcher(allowed_protocols=("file", "data"))


def logo_url(structure) -> str:
    """The structure's logo as a file:// URL (render_pdf fetches only local files), or '' when there is none."""
    if structure.logo and Path(structure.logo.path).is_file():
        return Path(structure.logo.path).as_uri()
    return ""


def render_pdf(template: str, context: dict, *, request=None) -> bytes:
    from weasyprint import CSS, HTML

    html = render_to_string(template, {**context, "generated_at": timezone.localtime()}, request=request)
    stylesheet = finders.find("pilote/print.css")
    return HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=_local_fetcher()).write_pdf(
        stylesheets=[CSS(filename=stylesheet)] if stylesheet else None
    )


def pdf_response(template: str, context: dict, filename: str, *, request=None) -> HttpResponse:
    return pdf_file_response(render_pdf(template, context, request=request), filename)


def pdf_file_response(pdf: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A PDF already made (an archived invoice, a letter) as a download, or shown in the browser."""
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    return response
