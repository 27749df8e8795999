"""Errors raised on bad input. Each names the file, line, column and value it refused."""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: refused whole, with a message a person can act on."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | int | None = None,
        value: str | None = None,
    ):
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.detail = message
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        head = ", ".join(where)
        tail = f" (value {self.value!r})" if self.value is not None else ""
        return f"{head}: {self.detail}{tail}" if head else f"{self.detail}{tail}"


class ManifestError(InputError):
    """A deliberation does not match its manifest entry (hash, missing file...)."""


class CatalogueError(InputError):
    """The catalogue does not match the document it points into."""


class InputErrors(ValueError):
    """Several problems in one file, reported together (the first ones only)."""

    def __init__(self, file: str, errors: list[InputError], total: int | None = None):
        self.file = file
        self.errors = errors
        self.total = total if total is not None else len(errors)
        shown = "\n".join(f"  - {e}" for e in errors)
        more = f"\n  ... and {self.total - len(errors)} more" if self.total > len(errors) else ""
        super().__init__(f"{file}: rejected, {self.total} problem(s):\n{shown}{more}")
