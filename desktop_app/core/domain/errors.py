"""Error types whose message is shown to the user as it is (Chinese)."""

from __future__ import annotations

from pathlib import Path


class AppError(Exception):
    """A failure the user can understand and act on; `str()` is the Chinese message."""


class ValidationError(AppError):
    """One or more fields of a form are invalid.

    `errors` maps a field name to its Chinese message; `labels` maps it to the
    field's Chinese label so the message can say where the problem is.
    """

    def __init__(self, errors: dict[str, str], labels: dict[str, str] | None = None) -> None:
        self.errors = dict(errors)
        self.labels = dict(labels or {})
        super().__init__(self.describe())

    def describe(self) -> str:
        return "；".join(f"{self.labels.get(name, name)}：{msg}" for name, msg in self.errors.items())


class NotFoundError(AppError):
    """The record asked for is not there (deleted for good, or never was)."""


class DatabaseTooNewError(AppError):
    """The data file was written by a newer version of the program; it is left untouched."""


class AlreadyRunningError(AppError):
    """Another running copy of the program holds this data directory."""


class DatabaseEnvironmentError(AppError):
    """The machine failed us (disk full, read-only, locked), not the program."""


class PasswordRequiredError(AppError):
    """The data is encrypted and no password (or recovery key) was given; nothing was opened."""


class DatabaseDamagedError(AppError):
    """The data file failed its start-up check; `backup` is the newest good backup's file, if any."""

    def __init__(self, message: str, backup: Path | None = None) -> None:
        super().__init__(message)
        self.backup = backup


class PermissionRefusedError(AppError):
    """The server refused what the signed-in person's role may not do (a 社工 deleting a record): nothing was
    written."""


class ConcurrentWriteError(AppError):
    """A write found its row saved by someone else since it was read (a version that moved on): nothing of this
    unit of work was written."""


class EditConflictError(AppError):
    """Someone else saved the record while this person edited it; nothing of theirs was overwritten.

    `theirs` is the record as it is saved now (the values a form shows, with its `version`), `changes`
    {label: [mine, theirs]} what differs from what this person typed: the form keeps their input and lets
    them look, save theirs over it (`theirs["version"]` as the version they saw), or take the saved one."""

    def __init__(
        self,
        message: str,
        theirs: dict[str, object],
        changes: dict[str, list[str | None]],
    ) -> None:
        super().__init__(message)
        self.theirs = theirs
        self.changes = changes

    @property
    def version(self) -> int:
        version = self.theirs["version"]
        assert isinstance(version, int)
        return version
