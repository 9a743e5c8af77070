"""Problems with the database file itself. Each leaves the file exactly as it was."""

from crowdops.domain.errors import CrowdOpsError


class DatabaseFileError(CrowdOpsError):
    """The file cannot be used as a CrowdOps database; it was not changed."""


class NotADatabaseError(DatabaseFileError):
    pass


class CorruptDatabaseError(DatabaseFileError):
    pass


class NewerSchemaError(DatabaseFileError):
    pass


class MigrationError(DatabaseFileError):
    """An upgrade failed and was rolled back."""
