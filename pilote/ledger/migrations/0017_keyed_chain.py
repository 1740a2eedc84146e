"""The one-time switch of the inalterability chain from plain SHA-256 to the keyed seal (HMAC-SHA256 with
PILOTE_CHAIN_KEY, `pilote.lib.sealing`) over the full canonical text (`ledger.chain`: every business field,
a line's date among them).

Why re-seal rather than version the scheme per entry: a per-entry version is a field in the database, so
whoever rewrites the books would mark every entry « old scheme » and recompute plain SHA-256 seals, and
the key would protect nothing. Re-sealing keeps one scheme for the whole chain.

The existing chain is first verified under the old scheme (frozen below): a chain already broken is not
re-sealed — that would launder the change — and the migration stops with the first problems found. Then
every posted entry is re-sealed in chain order and the head moved to the new last seal, with the ledger's
triggers lifted for the duration (they refuse any UPDATE of a posted entry and any rewrite of the head)
and put back at once. Indexes, numbers and every other field are unchanged.
"""

import hashlib

from django.db import migrations

BATCH = 2000


def _old_head_text(entry) -> str:
    """The canonical head before 0017 (ledger/chain.py at 0016)."""
    piece_day = entry.piece_date.isoformat() if entry.piece_date else ""
    text = (
        f"{entry.chain_index}|{entry.journal}|{entry.fiscal_year.isoformat()}|{entry.number}|"
        f"{entry.date.isoformat()}|{entry.piece_ref}|{piece_day}|{entry.label}|"
        f"{entry.posted_at.isoformat(timespec='microseconds')}|{entry.reversal_of_id or ''}"
    )
    if entry.source_number or entry.source_valid_date:
        valid = entry.source_valid_date.isoformat() if entry.source_valid_date else ""
        text += f"|{entry.source_number}|{valid}"
    return text


def _old_line_text(line) -> str:
    _position, _day, _year, account, aux, label, debit, credit, due, rate, base, reference = line
    due = due.isoformat() if due else ""
    rate = f"{rate:.2f}" if rate is not None else ""
    base = base if base is not None else ""
    return f"{account}|{aux or ''}|{label}|{debit}|{credit}|{due}|{rate}|{base}|{reference}"


def _old_hash(entry, lines) -> str:
    text = "\n".join([_old_head_text(entry), *(_old_line_text(line) for line in lines)])
    return hashlib.sha256(f"{entry.previous_hash}\n{text}".encode()).hexdigest()


def reseal(apps, schema_editor) -> None:
    from pilote.ledger import chain, triggers, verify

    connection = schema_editor.connection
    Entry, EntryLine = apps.get_model("ledger", "Entry"), apps.get_model("ledger", "EntryLine")
    ChainHead = apps.get_model("ledger", "ChainHead")
    ids = list(Entry.objects.filter(status="posted").order_by("chain_index").values_list("pk", flat=True))
    head = ChainHead.objects.filter(pk=1).first()
    if not ids:
        return
    problems, updates = [], []
    old_previous, new_previous, expected = chain.GENESIS, chain.GENESIS, 1
    for start in range(0, len(ids), BATCH):
        entries, lines = verify.read_chunk(ids[start : start + BATCH], Entry, EntryLine)
        for entry in entries:
            name = f"{entry.journal} {entry.number} — {entry.label}"
            if entry.chain_index != expected or entry.previous_hash != old_previous:
                problems.append(f"chaînage rompu à l'écriture {name}")
            elif _old_hash(entry, lines[entry.pk]) != entry.hash:
                problems.append(f"l'écriture {name} a été modifiée après validation")
            old_previous, expected = entry.hash, entry.chain_index + 1
            entry.previous_hash = new_previous
            new_previous = chain.seal_text(new_previous, verify.canonical_text(entry, lines[entry.pk]))
            updates.append((new_previous, entry.previous_hash, entry.pk))
    if head is None or head.last_index != expected - 1 or head.last_hash != old_previous:
        problems.append("la tête de chaîne ne correspond pas à la dernière écriture validée")
    if problems:
        raise RuntimeError(
            "Passage au scellement par clé refusé : la chaîne d'inaltérabilité existante ne se vérifie pas ("
            + " ; ".join(problems[:10])
            + (f" … {len(problems)} anomalies" if len(problems) > 10 else "")
            + "). Restaurez une sauvegarde saine avant de migrer : la sceller à nouveau effacerait la trace."
        )
    triggers.uninstall(connection)
    with connection.cursor() as cursor:
        for start in range(0, len(updates), BATCH):
            cursor.executemany(
                "UPDATE ledger_entry SET hash = %s, previous_hash = %s WHERE id = %s", updates[start : start + BATCH]
            )
        cursor.execute("UPDATE ledger_chainhead SET last_hash = %s WHERE id = 1", [new_previous])
    triggers.install(connection)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0016_french_verbose_names")]

    operations = [migrations.RunPython(reseal)]  # irreversible: the code before it reads plain SHA-256 only
