"""Footnote sources built from the rows a chart draws (document_id, source_line, producer, period)."""

from __future__ import annotations

import polars as pl

from .framework import Document, Source


def source_of(frame: pl.DataFrame, documents: dict[str, Document], what: str | None = None) -> list[Source]:
    """One Source per document among the rows, with every printed line they come from."""
    sources = []
    for document_id in sorted(set(frame["document_id"].to_list())):
        rows = frame.filter(pl.col("document_id") == document_id)
        sources.append(
            Source(document=documents[document_id], lines=tuple(rows["source_line"].to_list()), origins=_origins(rows), what=what)
        )
    return sources


def _origins(rows: pl.DataFrame) -> tuple[tuple[str | None, str | None], ...]:
    """Distinct (producer, period) pairs in the order of the rows: 'INSEE, 2024 ; DREES, 2030'."""
    pairs = zip(_column(rows, "source"), _column(rows, "reference_period"), strict=True)
    return tuple(dict.fromkeys(pairs))


def _column(rows: pl.DataFrame, name: str) -> list:
    return rows[name].to_list() if name in rows.columns else [None] * rows.height
