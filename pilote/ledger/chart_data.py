"""Reference charts of accounts: the French PCG 2025 and the association accounts (pure Python, no Django).

Data files (``data/``, UTF-8, ``;``-separated, sorted by code as strings):

- ``pcg_2025.csv`` (``code;label``): the Plan comptable général list of accounts for fiscal years opened from
  1 January 2025 (ANC regulation 2014-03 as amended by ANC 2022-06). Classes 1 to 8, 2 to 6 digits, as deep
  as the official list goes. Transfers of charges (79x), 671/771, 675/775, 777 and the other removed accounts
  are absent; disposals are in 657/757 (intangible and tangible assets) and 667/767 (financial assets);
  the share of investment subsidies released is in 747.
- ``pcg_association.csv`` (``code;label``): the accounts that ANC regulation 2018-06 (as amended by 2020-08)
  adds or relabels for associations and foundations: own funds 102/103/108, dedicated funds 19x, public
  generosity 754x, contributions 755x, membership fees 756x, 689x/789x, voluntary contributions in kind 86x/87x.
  It is merged over the PCG: an entry with the same code replaces the PCG label.
- ``pcg_legacy_mapping.csv`` (``old_code;new_code;note``): pre-2025 accounts that no longer exist and the
  account that takes their postings (the note says when the target depends on the nature of the operation).

Editorial choices, so that the files stay usable as account labels:

- Typographic apostrophes are written ``'`` and en dashes between words `` - ``.
- Editorial notes of the official list are dropped: "(même ventilation que celle du compte 211)" on 212, 214,
  28x, 2967, 2968 and 609; "(présentés dans la rubrique autres fonds propres)" on 229. Accounts the list words
  as a remark use the name inside it: 36, 38, 608 ("Compte réservé, le cas échéant, au regroupement des frais
  accessoires...") and 672/772 ("Compte à la disposition des entités pour enregistrer... les charges/produits sur
  exercices antérieurs"). The official line "471 à 473 Comptes d'attente" becomes 471, 472 and 473.
- 530 "Caisse" is not in the official list (which stops at 53 "Caisse"); it is added so that cash has a
  postable three-digit account, as most French software does.

Labels that could not be confirmed against the ANC text itself (third-party transcriptions of the 2025 list
agree with each other but the regulation PDF was not available):

- 110/119/120/129 are worded "Report à nouveau - solde créditeur", "Résultat de l'exercice - bénéfice", etc.
  in every 2025 transcription found; the pre-2025 list used parentheses ("Résultat de l'exercice (bénéfice)").
- 44571 is "TVA collectée" (not "Taxe sur la valeur ajoutée collectée"); 4098/4198, 6098 and 7091-7098 spell out
  "Rabais, remises et ristournes" where one transcription abbreviates "RRR".
- Class 8 (80x commitments, 88, 89x) is taken from the pre-2025 list, unchanged as far as could be checked.
- 5121 "Comptes en euros", 5124 "Comptes en devises" and 517 "Autres organismes financiers" appear in two of the
  three transcriptions.
- Association chart: the 2025 renumbering of ANC 2018-06 by ANC 2023-03 could not be read. Where a 2018-06
  code now collides with a PCG 2025 code the association meaning wins, as the merge rule says: 657 "Aides
  financières" (the PCG's disposal account 657 is then offered as 652, as one association software does; this
  code is unconfirmed), 753, 754, 755, 756. Not carried over because they collide with 2025 accounts or were
  renumbered in ways that could not be confirmed: 152 "Provisions pour charges sur legs ou donations",
  757 "Gains de change sur créances et dettes d'exploitation", 6586 "Cotisations (liées à la vie statutaire)",
  673, 6754 and 7754 (legacies and donations to be sold). 120/129 read "excédent"/"déficit" in the same
  dash style as the PCG. "Social" establishments get the association chart and ``pcg_social.csv``'s tarification
  accounts (see ``load_chart``).
- ``pcg_social.csv`` (``code;label``): class 73 « Dotations et produits de la tarification » of the ESSMS
  charts, funder first as the 2013 recast of account 73 set it (M22 for public ESSMS; the private ESSMS' chart,
  arrêté du 17 décembre 2013 « relatif au plan comptable applicable aux établissements et services privés sociaux
  et médico-sociaux relevant du I de l'article L. 312-1 du CASF », JORF 27/12/2013, and its yearly updates, takes
  its income accounts from the M22 — CASF R. 314-81): 731 assurance maladie, 732 État, 733 département,
  734 usagers, then the sector (personnes âgées, personnes handicapées, protection de l'enfance), 735 the EHPAD.
  Sources read: the DGCS/DGFiP circular of 22 July 2013 on the M22 as summarised by institut-isbl.fr (?p=9827)
  and directions.fr (2013/8, « Les évolutions 2013 du plan comptable M22 »: funder, sector, mode of tarification,
  type of ESSMS; new 735 « produits des Ehpad – secteurs personnes âgées »), directions.fr 2017/2 (7312116
  « quote-part de la dotation globalisée commune des ESMS sous CPOM – ESAT », 731213 « ESAT »: 7312 is health
  insurance / disabled people, hence 7311 elderly people), ash.tm.fr (private ESSMS take the M22's product
  accounts). The annex's own lines below the sector (mode of tarification, CPOM quote-parts, type of ESSMS) and
  the sector split of 733 could not be read from a reachable copy of the annex: 7331–7333 follow the sector order
  the circular gives and are to be checked against the annex; deeper accounts are left to the user's chart.
- The merge only relabels: PCG children left under a relabelled association parent keep their PCG label
  (for instance 7555 under 755 "Contributions financières").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass
from functools import cache
from importlib import resources

PCG_FILE = "pcg_2025.csv"
ASSOCIATION_FILE = "pcg_association.csv"
SOCIAL_FILE = "pcg_social.csv"
LEGACY_FILE = "pcg_legacy_mapping.csv"

CHART_KINDS = ("company", "association", "social")

_PACKAGE = __package__ or "pilote.ledger"


@dataclass(frozen=True)
class ChartAccount:
    """One account of a reference chart: its number and its French label."""

    code: str
    label: str


def _read_csv(filename: str, header: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The data rows of ``data/<filename>``, checked against the expected header."""
    text = resources.files(_PACKAGE).joinpath("data", filename).read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    if not rows or tuple(rows[0]) != header:
        raise ValueError(f"{filename}: header must be {';'.join(header)}")
    data = []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) != len(header):
            raise ValueError(f"{filename}, line {number}: expected {len(header)} fields, got {len(row)}")
        data.append(tuple(field.strip() for field in row))
    return tuple(data)


@cache
def _accounts(filename: str) -> tuple[ChartAccount, ...]:
    return tuple(ChartAccount(code, label) for code, label in _read_csv(filename, ("code", "label")))


@cache
def _chart(kind: str) -> tuple[ChartAccount, ...]:
    by_code = {account.code: account for account in _accounts(PCG_FILE)}
    if kind in ("association", "social"):
        by_code.update({account.code: account for account in _accounts(ASSOCIATION_FILE)})
    if kind == "social":
        by_code.update({account.code: account for account in _accounts(SOCIAL_FILE)})
    return tuple(sorted(by_code.values(), key=lambda account: account.code))


def load_chart(kind: str) -> list[ChartAccount]:
    """The reference chart for a kind of structure, sorted by code (as strings).

    - ``"company"``: the PCG 2025.
    - ``"association"``: the PCG 2025 with the ANC 2018-06 accounts merged over it (same code: the association
      label replaces the PCG one).
    - ``"social"``: social and medico-social establishments (most are run by associations) get the association
      chart with the tarification accounts 73x of ``pcg_social.csv`` (funder, then sector, as in the M22 and the
      private ESSMS' chart); their deeper levels are not bundled here.

    Raises ``ValueError`` for any other kind. Returns a new list on each call.
    """
    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart kind {kind!r}; expected one of {', '.join(CHART_KINDS)}")
    return list(_chart(kind))


def legacy_mapping() -> dict[str, str]:
    """Removed pre-2025 account -> the 2025 account that takes its postings (e.g. 775 -> 757, 777 -> 747).

    Where the target depends on the nature of the operation (791 -> 649, 708 or 7587), the value is the usual
    target and ``pcg_legacy_mapping.csv`` says more in its ``note`` column.
    """
    return {old: new for old, new, _note in _read_csv(LEGACY_FILE, ("old_code", "new_code", "note"))}


def account_class(code: str) -> int:
    """The PCG class of an account number: its first digit (``"44566"`` -> 4)."""
    if not code or not code.isascii() or not code.isdigit():
        raise ValueError(f"an account number is made of digits only: {code!r}")
    return int(code[0])


def parent_code(code: str, known_codes: Collection[str]) -> str | None:
    """The longest proper prefix of ``code`` found in ``known_codes`` (``"44566"`` -> ``"4456"``), else None.

    Pass a set for large charts: each candidate prefix is looked up with ``in``.
    """
    for length in range(len(code) - 1, 0, -1):
        prefix = code[:length]
        if prefix in known_codes:
            return prefix
    return None
