"""Load every official file the manifest claims into the raw schema, one table per publication
(raw.opendata__<publication_id>), in one transaction: never half old, half new."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ...core.errors import InputError
from ...warehouse.connections import connect_work, replace_table
from .extract import read_cog, read_spreadsheet
from .manifest import SourceFile, discover, load_manifest

RAW_SCHEMA = "raw"
SPREADSHEET_LAYOUTS = {"insee_population", "drees_series", "drees_minima"}
COMMENTS = {
    "publication_id": "The publication (raw/opendata/manifest.yml)",
    "edition": "The edition of the file (manifest, or the file name for a new edition)",
    "source_file": "The file, relative to the open-data folder",
    "sha256": "sha256 of the file",
    "sheet": "The sheet as named in the file",
    "source_cell": "The cell as a spreadsheet shows it: sheet!column row",
    "row_number": "Row of the cell in its sheet (1-based, as a spreadsheet numbers it)",
    "territory_code": "Territory code as printed in the row (empty on total rows)",
    "territory_label": "Territory name or total label as printed",
    "group_header": "Group header above the column as printed (INSEE: Ensemble, Hommes, Femmes)",
    "header": "Column header as printed (year, age band)",
    "raw_value": "The cell as printed (text); typed in dbt staging",
}


def table_name(publication_id: str) -> str:
    return f"opendata__{publication_id}"


@dataclass
class OpendataLoad:
    files: list[SourceFile]
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)  # publication_id -> rows

    @property
    def new_editions(self) -> list[SourceFile]:
        return [f for f in self.files if not f.known]


def _read_outlines(source: SourceFile) -> pl.DataFrame:
    try:
        features = json.loads(source.path.read_text(encoding="utf-8"))["features"]
        rows = [
            {"code": f["properties"]["code"], "nom": f["properties"]["nom"], "geometry_geojson": json.dumps(f["geometry"])}
            for f in features
        ]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"{source.relative}: not a GeoJSON of outlines with properties code and nom ({exc})", file=str(source.path)
        ) from exc
    return pl.DataFrame(rows).with_columns(
        pl.lit(source.publication.publication_id).alias("publication_id"),
        pl.lit(source.edition).alias("edition"),
        pl.lit(source.relative).alias("source_file"),
        pl.lit(source.sha256).alias("sha256"),
    )


def read_opendata(manifest: Path, folder: Path) -> OpendataLoad:
    load = OpendataLoad(discover(load_manifest(manifest), folder))
    for source in load.files:
        layout = source.publication.layout
        if layout in SPREADSHEET_LAYOUTS:
            frame = read_spreadsheet(source)
        elif layout == "cog_csv":
            frame = read_cog(source)
        elif layout == "geojson":
            frame = _read_outlines(source)
        else:
            raise InputError(f"{source.relative}: unknown layout {layout!r} in raw/opendata/manifest.yml", file=str(manifest))
        publication = source.publication.publication_id
        previous = load.tables.get(publication)
        load.tables[publication] = frame if previous is None else pl.concat([previous, frame], how="diagonal_relaxed")
    return load


def write_opendata(work_db: Path, load: OpendataLoad) -> dict[str, int]:
    counts = {}
    with connect_work(work_db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for publication, frame in load.tables.items():
                replace_table(con, RAW_SCHEMA, table_name(publication), frame.to_arrow(), COMMENTS)
                counts[publication] = frame.height
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return counts


def years_covered(frame: pl.DataFrame) -> str:
    """'1975-2023' from the sheets (INSEE) or the year headers (DREES)."""
    column = "sheet" if frame["publication_id"][0].startswith("insee_population") else "header"
    if column not in frame.columns:
        return ""
    years = sorted({int(m.group(0)) for v in frame[column].unique().to_list() if v and (m := re.match(r"\d{4}", v))})
    return f"{years[0]}-{years[-1]}" if years else ""
