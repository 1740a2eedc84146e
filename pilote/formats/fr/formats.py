"""French formats, overriding Django's own only where Pilote needs it (see settings.FORMAT_MODULE_PATH)."""

# Raw numbers in templates are not grouped: ids written into links and form values must stay digits.
# Amounts shown to people are formatted explicitly (pilote.lib.formats: 1 234,56 €).
NUMBER_GROUPING = 0
# The separator Pilote prints in amounts (narrow no-break space, pilote.lib.formats): an amount copied from a
# page and pasted into a field is read back. A plain space typed by hand is accepted too (its NFKD form).
THOUSAND_SEPARATOR = "\u202f"
