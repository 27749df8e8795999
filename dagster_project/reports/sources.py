"""Footnote sources built from the rows a chart draws (document_id, source_line, producer, period)."""

from __future__ import annotations

import polars as pl

from .framework import Document, Source


def source_of(frame: pl.DataFrame, documents: dict[str, Document], what: str | None = None) -> list[Source]:
    """One Source per document among the rows, with every printed line they come from."""
    sources = []
    for document_id in sorted(set(frame["document_id"].to_list())):
        rows = frame.filter(pl.col("document_id") == document_id)
        producers = _distinct(rows, "source")
        periods = _distinct(rows, "reference_period")
        sources.append(
            Source(
                document=documents[document_id],
                lines=tuple(rows["source_line"].to_list()),
                producer=", ".join(producers) or None,
                period=", ".join(periods) or None,
                what=what,
            )
        )
    return sources


def _distinct(frame: pl.DataFrame, column: str) -> list[str]:
    if column not in frame.columns:
        return []
    return sorted({v for v in frame[column].to_list() if v})
