"""General assemblies and boards (pure): the quorum and the majority of a resolution.

The statutes of the structure set both; these are the defaults a user changes per assembly:
- quorum: the votes present or represented over the votes of the whole body, at least `quorum_percent` (0 = no
  quorum, the usual rule of an association's ordinary assembly when the statutes say nothing; a SA's ordinary
  general meeting needs a fifth on first call, C. com. L225-98, an extraordinary one a quarter, L225-96);
- majority: counted on the votes cast (« suffrages exprimés »): abstentions, blank and spoilt votes are not votes
  against (C. com. L225-96 and L225-98 since the law of 19 July 2019; the common rule for associations). Simple:
  more for than against. Qualified: two thirds or three quarters of the votes cast (an extraordinary assembly,
  a change of the statutes);
- proxies: a member present holds at most `max_proxies` proxies (statutes; 2 by default), a represented member
  cannot hold one.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

MAJORITIES = {
    "simple": ("Majorité simple des suffrages exprimés", Fraction(1, 2), False),
    "two_thirds": ("Majorité des deux tiers des suffrages exprimés", Fraction(2, 3), True),
    "three_quarters": ("Majorité des trois quarts des suffrages exprimés", Fraction(3, 4), True),
}
MAJORITY_CHOICES = [(key, label) for key, (label, _, _) in MAJORITIES.items()]


@dataclass(frozen=True)
class Quorum:
    total: int  # votes of the whole body
    present: int
    represented: int
    required: int  # votes needed
    reached: bool

    @property
    def counted(self) -> int:
        return self.present + self.represented


def quorum(total: int, present: int, represented: int, percent: Decimal) -> Quorum:
    """The votes needed (rounded up) and whether the present and represented reach them."""
    needed = Fraction(total) * Fraction(str(percent)) / 100
    required = int(-(-needed.numerator // needed.denominator))  # ceiling
    return Quorum(total, present, represented, required, present + represented >= required)


def adopted(majority: str, votes_for: int, votes_against: int) -> bool:
    """Adopted when the votes for pass the majority of the votes cast (abstentions aside): strictly more than
    half for a simple majority, at least two thirds or three quarters for a qualified one."""
    _, share, at_least = MAJORITIES[majority]
    cast = votes_for + votes_against
    if cast == 0:
        return False
    ratio = Fraction(votes_for, cast)
    return ratio >= share if at_least else ratio > share


def check_votes(votes_for: int, votes_against: int, abstentions: int, counted: int) -> str | None:
    """A French refusal when the votes recorded are more than the votes present and represented, else None."""
    if min(votes_for, votes_against, abstentions) < 0:
        return "Les nombres de voix sont positifs."
    if votes_for + votes_against + abstentions > counted:
        return (f"{votes_for + votes_against + abstentions} voix saisies pour {counted} voix présentes ou "
                "représentées : corrigez le décompte.")  # fmt: skip
    return None
