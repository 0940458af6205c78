"""The one error type the core raises, and the exit codes the CLI turns it into."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    ERROR = 1  # anything that is not the user's wording: a broken database, a failed check
    USAGE = 2  # bad input: unknown actor, bad date, unknown format or id


def cut(text: str, keep: int = 40) -> str:
    """text as a message quotes it: its first ``keep`` characters and "…" when longer."""
    return text if len(text) <= keep else text[:keep] + "…"


class RusinoError(Exception):
    """A problem to show the user as one line: what was wrong, and how to fix it."""

    def __init__(self, message: str, hint: str = "", code: ExitCode = ExitCode.USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.code = code

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message
