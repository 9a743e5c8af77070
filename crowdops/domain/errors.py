"""Errors a user can meet. Each message is one plain sentence written for that user."""


class CrowdOpsError(Exception):
    """Base of every error whose message is fit to show to a user as it is."""


class ValidationError(CrowdOpsError):
    """Input that breaks a rule; nothing was written."""


class NotFoundError(CrowdOpsError):
    """A named record does not exist."""


class PermissionDeniedError(CrowdOpsError):
    """The acting user may not do this."""


class ConflictError(CrowdOpsError):
    """The action no longer fits the current state (for example a stale correction)."""
