from pilote.core.exceptions import DomainError


class PostingError(DomainError):
    """An entry cannot be posted; the message says why, in French."""
