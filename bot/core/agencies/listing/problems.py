"""What is wrong with an agency-list file: RowProblem (one finding) and AgencyListError."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong with the file.

    `row` is the row number as the staff see it in their spreadsheet (the header is row 1;
    for an HTML table, the table's first row is 1); None for the file as a whole.
    `column` is the header as written in the file (None when the problem is not one cell's).
    """

    row: int | None
    column: str | None
    message: str
    fix: str = ""

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        text = f"{', '.join(where) or 'file'}: {self.message}"
        if self.fix:
            text += f". {self.fix}"
        return text


class AgencyListError(Exception):
    """The list is not usable; `problems` says why, row by row."""

    def __init__(self, problems: Sequence[RowProblem], source: str | None = None) -> None:
        self.problems: list[RowProblem] = list(problems)
        self.source = source
        first = str(self.problems[0]) if self.problems else "invalid agency list"
        where = f"{source}: " if source else ""
        more = f" (and {len(self.problems) - 1} more)" if len(self.problems) > 1 else ""
        super().__init__(f"{where}{first}{more}")

    def report(self, limit: int | None = None) -> str:
        """One line per problem; with `limit`, the first `limit` and a count of the rest."""
        shown = self.problems if limit is None else self.problems[:limit]
        lines = [str(p) for p in shown]
        if len(shown) < len(self.problems):
            lines.append(f"… and {len(self.problems) - len(shown)} more problem(s)")
        return "\n".join(lines)
