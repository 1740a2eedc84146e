class DomainError(Exception):
    """A business rule refused the operation; `message` is French and shown to the user as is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
