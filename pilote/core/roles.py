from django.db import models


class Role(models.TextChoices):
    DIRECTION = "direction", "Direction"
    COMPTABLE = "comptable", "Comptable"
    COMMERCIAL = "commercial", "Commercial(e)"
    RH = "rh", "Ressources humaines"
    ASSISTANT = "assistant", "Assistant(e) de gestion"
    SALARIE = "salarie", "Salarié(e)"
    AUDITEUR = "auditeur", "Auditeur (lecture seule)"
