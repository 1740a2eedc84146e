"""Which CA3 line an operation feeds: a pure mapping, no database.

Source: DGFiP, formulaire n° 3310-CA3-SD and its notice n° 3310-NOT-CA3-SD (cadre A « Montant des
opérations réalisées »), cross-checked with the box list kept by OCA l10n-france
(l10n_fr_account_vat_return/data/l10n.fr.account.vat.box.csv, form 3310CA3). Sales lines, cadre A:

- A1  « Ventes, prestations de services » — taxable sales made in France (the bases of lines 08, 9B, 09,
      T6…); read from the ledger (the VAT lines carry their rate and base), not from this mapping.
- E1  « Exportations hors UE » — exports of goods, exempt under CGI art. 262 I.
- E2  « Autres opérations non imposables » — the other sales that carry no French VAT: exempt operations
      (CGI art. 261: training 261-4-4°, medical care 261-4-1°, non-profit bodies 261-7-1°…), services to
      a business established in another EU member state or outside the EU, taxable where the customer is
      established (CGI art. 259-1°, VAT self-assessed by the customer: « Autoliquidation »), services
      outside the scope of French VAT, and domestic sales where the buyer self-assesses (art. 283-2…).
- E3  « Ventes à distance taxables dans un autre État membre au profit de personnes non assujetties »
      (B2C distance sales taxed in the member state of arrival): not fed, Pilote does not apply another
      state's VAT.
- F2  « Livraisons intracommunautaires à destination d'une personne assujettie » — B2B intra-EU supplies
      of goods, exempt under CGI art. 262 ter I.

Operations are classed by their EN 16931 VAT category (UNTDID 5305), which the sales module derives from
the line's rate and exemption mention (sales.totals.vat_category):
S standard rate → A1 (ledger) · G export → E1 · K intra-EU supply → F2 · E exempt → E2 ·
AE reverse charge → E2 · O outside the scope of VAT → E2.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from pilote.core.exceptions import DomainError
from pilote.lib.money import ZERO

# EN 16931 VAT category → CA3 line (cadre A, non-taxable operations). "S" is absent on purpose: taxable
# sales are read from the ledger's VAT lines (A1 and the per-rate lines).
CATEGORY_LINES = {
    "G": "E1",  # export outside the EU, CGI art. 262 I
    "E": "E2",  # exempt, CGI art. 261 (and the other exemptions without a line of their own)
    "AE": "E2",  # reverse charge: B2B service taxable in the customer's state (art. 259-1°, 283-2)
    "O": "E2",  # services outside the scope of French VAT (B2B outside the EU, art. 259-1°)
    "K": "F2",  # intra-EU supply of goods to a taxable person, CGI art. 262 ter I
}

# The non-taxable lines, in the form's order, with their labels on form 3310-CA3-SD.
OPERATION_LINES = {
    "E1": "Exportations hors UE",
    "E2": "Autres opérations non imposables",
    "F2": "Livraisons intracommunautaires à destination d'une personne assujettie",
}


def line_for(category: str) -> str | None:
    """The CA3 line an operation of this VAT category feeds, or None (taxable: read from the ledger)."""
    return CATEGORY_LINES.get(category)


def operation_lines(bases: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    """Sum (category, net base) pairs into the CA3 non-taxable lines, in the form's order. Credit notes come
    as negative bases; an unknown category is refused rather than left out of the return."""
    totals: dict[str, Decimal] = {}
    for category, base in bases:
        if category == "S":
            continue
        line = line_for(category)
        if line is None:
            raise DomainError(
                f"Des ventes de catégorie de TVA « {category} » n'ont pas de ligne sur la CA3 : vérifiez leur taux"
                " ou leur mention d'exonération."
            )
        totals[line] = totals.get(line, ZERO) + Decimal(base)
    return {line: totals[line] for line in OPERATION_LINES if line in totals}
