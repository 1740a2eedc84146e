"""French labels of the take-over's audit codes (registered with core.audit_labels from apps.py)."""

LABELS: dict[str, str] = {
    "takeover.file.checked": "Fichier de reprise de données vérifié",
    "takeover.file.imported": "Fichier de reprise de données importé",
}
