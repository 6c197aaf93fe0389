"""Problems found in seed files, each pointing at a file, a line and a path."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the seeds.

    Attributes:
        file: the file as given on the command line (or found in a given folder).
        line: 1-based line, when known.
        column: 1-based column, for syntax errors.
        message: what is wrong, in words.
        path: where in the document, as `$.statements[2].speaker`, when known.
    """

    file: str
    line: int | None
    column: int | None
    message: str
    path: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        suffix = f" (at {self.path})" if self.path else ""
        return f"{where}: {self.message}{suffix}"


class SeedError(Exception):
    """The seeds are invalid; nothing was written. `problems` lists every one found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(
            problems, key=lambda p: (p.file, p.line or 0, p.column or 0, p.message)
        )
        count = len(self.problems)
        head = f"{count} problem{'s' if count != 1 else ''} in the seeds"
        super().__init__("\n".join([head, *map(str, self.problems)]))
