"""The PDF of a DUERP version, in the usual table layout (per work unit: hazard, situation, frequency, severity,
priority, existing prevention, actions), rendered from the version's frozen content: the same document whenever
it is asked for, whatever happened to the units and hazards since."""

from __future__ import annotations

from pilote.core.pdf import render_pdf
from pilote.quality.models import DuerpVersion
from pilote.quality.queries.duerp import version_units


def filename(version: DuerpVersion) -> str:
    return f"DUERP-v{version.number}-{version.published_on:%Y-%m-%d}.pdf"


def version_pdf(version: DuerpVersion, request=None) -> bytes:
    context = {"version": version, "units": version_units(version)}
    return render_pdf("quality/duerp_pdf.html", context, request=request)
