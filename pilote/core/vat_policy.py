"""What the structure's VAT regime means for what Pilote offers: whether VAT is charged and declared,
and the legal mention carried by every sale when it is not (FRENCH-RULES §4).

- Réel (TVA sur les débits / sur les encaissements): VAT charged at the article's rate, CA3 returns.
- Franchise en base (CGI 293 B): no VAT charged, none deducted, nothing to declare; every invoice says
  « TVA non applicable, article 293 B du CGI ».
- Non assujettie (an association whose activity is non-lucrative, CGI 261-7-1°): likewise, with
  « TVA non applicable, article 261-7-1° du CGI ».
"""

from __future__ import annotations

from dataclasses import dataclass

from pilote.core.models import VatRegime

FRANCHISE_MENTION = "TVA non applicable, article 293 B du CGI"
NOT_LIABLE_MENTION = "TVA non applicable, article 261-7-1° du CGI"
NO_VAT_MENTIONS = frozenset({FRANCHISE_MENTION, NOT_LIABLE_MENTION})


@dataclass(frozen=True)
class VatPolicy:
    regime: str
    charges_vat: bool
    mention: str = ""  # the legal mention of every sale when no VAT is charged
    reason: str = ""  # why there is no VAT, in a sentence for the pages that would show VAT

    @property
    def declares_vat(self) -> bool:
        return self.charges_vat


POLICIES = {
    VatRegime.DEBITS: VatPolicy(VatRegime.DEBITS, charges_vat=True),
    VatRegime.RECEIPTS: VatPolicy(VatRegime.RECEIPTS, charges_vat=True),
    VatRegime.FRANCHISE: VatPolicy(
        VatRegime.FRANCHISE,
        charges_vat=False,
        mention=FRANCHISE_MENTION,
        reason="Votre structure relève de la franchise en base de TVA (article 293 B du CGI) : "
        "elle ne facture pas de TVA et n'a aucune déclaration de TVA à déposer.",
    ),
    VatRegime.NOT_LIABLE: VatPolicy(
        VatRegime.NOT_LIABLE,
        charges_vat=False,
        mention=NOT_LIABLE_MENTION,
        reason="Votre structure n'est pas assujettie à la TVA (activité non lucrative, article 261-7-1° du CGI) : "
        "elle ne facture pas de TVA et n'a aucune déclaration de TVA à déposer.",
    ),
}


def policy_for_regime(regime: str) -> VatPolicy:
    return POLICIES.get(regime, POLICIES[VatRegime.DEBITS])


def current_policy(structure=None) -> VatPolicy:
    """The policy of `structure`, or of the installed structure (one query); VAT charged when none."""
    if structure is None:
        from pilote.core.models import Structure

        structure = Structure.objects.filter(pk=1).only("vat_regime").first()
    return policy_for_regime(structure.vat_regime if structure else VatRegime.DEBITS)


def regimes_for(structure_type: str) -> list[str]:
    """The regimes a structure of this type may choose. A company carries on an economic activity and is
    therefore liable to VAT (CGI art. 256 A): it charges VAT or benefits from the franchise en base, but is
    never « non assujettie », which only an organisation without a lucrative activity may be."""
    if structure_type == "company":
        return [VatRegime.DEBITS, VatRegime.RECEIPTS, VatRegime.FRANCHISE]
    return list(VatRegime.values)


def default_regime(structure_type: str) -> str:
    """What the wizard proposes: an association or a social establishment usually charges no VAT (CGI
    261-7-1°, 261-4-1°…); a company is liable. The user confirms or changes it."""
    return VatRegime.DEBITS if structure_type in ("", "company") else VatRegime.NOT_LIABLE
