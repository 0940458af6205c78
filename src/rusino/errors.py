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


def wide_encoding(start: bytes) -> str | None:
    """ "UTF-16" or "UTF-32" when a file's first bytes say it is one (a byte-order mark, or
    ASCII with every other byte NUL, as Windows tools save "Unicode" text), else None."""
    if start[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return "UTF-32"
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "UTF-16"
    pairs = [start[i : i + 2] for i in range(0, len(start) - 1, 2)]
    if len(pairs) < 2:
        return None
    if all(p[1:] == b"\x00" and p[:1] != b"\x00" for p in pairs):
        return "UTF-16LE"  # (named: without a mark, iconv's UTF-16 is big-endian)
    if all(p[:1] == b"\x00" and p[1:] != b"\x00" for p in pairs):
        return "UTF-16BE"
    return None


def not_utf8(label: str, encoding: str, path: str = "", written: str = "") -> RusinoError:
    """The one line for text in another encoding (wide_encoding's): said, with the iconv that
    converts a file (``path``) or that a pipe goes through."""
    return RusinoError(f"{label} is {encoding} text, not UTF-8{written}", convert(encoding, path))


def convert(encoding: str, path: str = "") -> str:
    """How to convert a file (``path``; its copy keeps its extension, which import reads) or a
    pipe from ``encoding`` to UTF-8."""
    import shlex

    iconv = f"iconv -f {encoding} -t UTF-8"
    if not path or path == "-":
        return f"pipe it through {iconv}"
    copy = shlex.quote(f"utf8-{path.rpartition('/')[2]}")
    return f"convert it first: {iconv} {shlex.quote(path)} > {copy}"
