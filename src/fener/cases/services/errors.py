"""The errors a case service raises; each carries a message fit to show the user."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class CaseInputError(ValidationError):
    """Bad input: ``message_dict`` maps field names to messages (``__all__`` for the whole)."""


class StaleEdit(Exception):
    """Someone saved the record after the user opened it: nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConsentRequired(Exception):
    """A referral without recorded consent and without a lawful override."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SafeguardMissing(Exception):
    """A key decision on a child before a guardian and a best-interests assessment."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WrongState(Exception):
    """The action does not apply in the record's current state (e.g. answering a revoked referral)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
