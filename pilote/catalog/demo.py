"""Demo catalogue of an office-equipment company: goods, services, one exempt training."""

from decimal import Decimal

from pilote.catalog.models import Product

ITEMS = [
    ("COP-C300", "Copieur multifonction couleur A3 C300", "goods", "u", "4890.00", "20.00", "", "3650.00"),
    ("COP-M120", "Copieur monochrome A4 M120", "goods", "u", "1290.00", "20.00", "", "890.00"),
    ("IMP-L45", "Imprimante laser réseau L45", "goods", "u", "449.00", "20.00", "", "298.00"),
    ("TON-C300-K", "Toner noir C300 (15 000 pages)", "goods", "u", "89.90", "20.00", "", "52.00"),
    ("TON-C300-C", "Toner couleur C300 (lot de 3)", "goods", "lot", "239.00", "20.00", "", "141.00"),
    ("PAP-A4-80", "Ramette papier A4 80 g (carton de 5)", "goods", "u", "24.50", "20.00", "", "15.80"),
    ("MOB-BUR-160", "Bureau droit 160 cm", "goods", "u", "385.00", "20.00", "", "212.00"),
    ("MOB-FAU-ERG", "Fauteuil ergonomique", "goods", "u", "329.00", "20.00", "", "185.00"),
    ("LIV-GUIDE", "Guide pratique de la bureautique (ouvrage)", "goods", "u", "29.00", "5.50", "", "17.40"),
    ("MNT-CONTRAT", "Contrat de maintenance copieur (mensuel)", "service", "mois", "95.00", "20.00", "", None),
    ("MNT-HEURE", "Intervention technicien", "service", "h", "78.00", "20.00", "", None),
    ("MNT-DEPL", "Déplacement technicien (zone Lyon)", "service", "forfait", "45.00", "20.00", "", None),
    ("INS-COPIEUR", "Installation et paramétrage copieur", "service", "forfait", "180.00", "20.00", "", None),
    ("AUD-PARC", "Audit du parc d'impression", "service", "j", "650.00", "20.00", "", None),
    (
        "FOR-BUREAU",
        "Formation bureautique (stagiaire, journée)",
        "service",
        "j",
        "420.00",
        "0.00",
        "Exonération de TVA, article 261-4-4° du CGI",
        None,
    ),
    ("CLIC-NB", "Copie noir et blanc (au-delà du forfait)", "service", "u", "0.0085", "20.00", "", None),
    ("CLIC-COUL", "Copie couleur (au-delà du forfait)", "service", "u", "0.0650", "20.00", "", None),
]


def load(rng, users) -> None:
    Product.objects.bulk_create(
        Product(
            reference=ref,
            name=name,
            kind=kind,
            unit=unit,
            unit_price=Decimal(price),
            vat_rate=rate,
            exemption_mention=mention,
            purchase_price=Decimal(cost) if cost else None,
        )
        for ref, name, kind, unit, price, rate, mention, cost in ITEMS
    )
