"""Domain errors carry a human, translatable message (STYLE.md §15)."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a service raises for a person to read."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidTransition(DomainError):
    pass


class ImportRejected(DomainError):
    pass


class InvitationInvalid(DomainError):
    pass
