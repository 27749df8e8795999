"""The départements of the COG (INSEE, code officiel géographique), read straight from the
communes file of the open-data folder: what the deliberations' manifest and the home
département (AUTONOMY_DEPARTMENT_CODE) are checked against before anything is built."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from .extract import read_cog
from .manifest import discover, load_manifest


def department_codes(manifest: Path, folder: Path) -> set[str]:
    """COG codes of the départements ('01', '2A', '971'): column DEP of the communes file(s)."""
    publications = [p for p in load_manifest(manifest) if p.layout == "cog_csv"]
    codes: set[str] = set()
    for source in discover(publications, folder):
        frame = read_cog(source)
        if {"dep", "typecom"} <= set(frame.columns):
            codes |= set(frame.filter(pl.col("typecom") == "COM")["dep"].drop_nulls().to_list())
    return codes - {""}
