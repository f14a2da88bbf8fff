"""Domain errors: raised by pure code and services, turned into messages at the web edge.

Every error carries a user-facing message in Bahasa Indonesia plus optional context
(row/line numbers, states) so views can flash it and CLIs can print it.
"""
from bimtek.core.messages import N_, Message


class DomainError(Exception):
    """Base of every expected, user-facing failure."""

    def __init__(self, message, **context):
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self):
        return self.message


class NotFoundError(DomainError):
    """The requested object does not exist (or is not visible to the actor)."""


class PermissionDenied(DomainError):
    """The actor may not do this."""


class ValidationError(DomainError):
    """Input is invalid; `field` names the offending form field when known."""

    def __init__(self, message, field=None, **context):
        super().__init__(message, field=field, **context)
        self.field = field


class InvalidTransition(DomainError):
    """A state machine refused a transition (e.g. editing an approved plan)."""


class ImportRowError(DomainError):
    """One bad row in an imported file; `line` is 1-based as the user sees it."""

    def __init__(self, line, message, **context):
        super().__init__(Message(N_("Baris %(line)s: %(reason)s"), line=line, reason=message), line=line, **context)
        self.line = line
        self.reason = message
