class DomainError(Exception):
    """A business rule refused the operation; `message` is French and shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConcurrentEditError(DomainError):
    """Someone saved the record after the user opened it; their input is kept and nothing is written."""

    def __init__(self, what: str):
        super().__init__(
            f"{what} a été modifié(e) par quelqu'un d'autre pendant votre saisie : vos changements n'ont pas "
            "été enregistrés. Ouvrez la version actuelle dans un autre onglet, puis reportez-y vos changements."
        )


def check_version(current_version: int, expected_version: int | None, what: str) -> None:
    if expected_version is not None and int(expected_version) != current_version:
        raise ConcurrentEditError(what)
