"""Analysis sections and centres over the API (apix): one read, and changed through the page's form and
`ledger.analytics.update_section` — the code fixed once the section is used, the nature while the full costing's
parameters name it, an inactive section takes no new distribution."""

from ninja import Field, Router, Schema

from pilote.api.base import ObjectId, fetch, guarded, through_form
from pilote.api.finance import SectionOut
from pilote.ledger.models import AnalyticSection

router = Router(tags=["Finances"])


class SectionDetailOut(SectionOut):
    axis_code: str
    uses: list[str] = Field(description="ce qui l'utilise (son code ne change plus)")
    version: int

    @staticmethod
    def resolve_axis_code(obj: AnalyticSection) -> str:
        return obj.axis.code

    @staticmethod
    def resolve_uses(obj: AnalyticSection) -> list[str]:
        from pilote.ledger import analytics

        return analytics.section_uses(obj)


class SectionChangeIn(Schema):
    code: str | None = Field(None, max_length=20, description="modifiable tant que la section n'est pas utilisée")
    label: str | None = Field(None, max_length=100)
    kind: str | None = Field(None, description="plain, main (centre principal) ou auxiliary (centre auxiliaire)")
    is_active: bool | None = Field(None, description="faux (ou null) : plus de nouvelle ventilation")
    version: int | None = Field(None, description="Version lue ; si la section a changé depuis, réponse 409.")


@guarded(router, "GET", "/sections-analytiques/{section_id}", "finance.view", response=SectionDetailOut)
def get_section(request, section_id: ObjectId):
    return fetch(AnalyticSection.objects.select_related("axis"), section_id)


@guarded(router, "PATCH", "/sections-analytiques/{section_id}", "finance.edit", response=SectionDetailOut)
def change_section(request, section_id: ObjectId, payload: SectionChangeIn):
    """The fields sent changed, as on the section's page (a used section's new code, or the nature of a centre the
    full costing names: 409)."""
    from pilote.finance.forms import SectionForm
    from pilote.ledger import analytics

    section = fetch(AnalyticSection.objects.select_related("axis"), section_id)
    current = {"code": section.code, "label": section.label, "kind": section.kind, "is_active": section.is_active}
    data = through_form(SectionForm, payload, current=current)
    analytics.update_section(actor=request.auth, section=section, expected_version=payload.version, **data)
    return fetch(AnalyticSection.objects.select_related("axis"), section_id)
