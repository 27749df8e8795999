"""Load every official file the manifest claims into the raw schema, one table per publication
(raw.opendata__<publication_id>), in one transaction: never half old, half new."""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from ...core.errors import InputError
from ...warehouse.connections import connect_work, replace_table
from .extract import read_cog, read_spreadsheet
from .manifest import SourceFile, discover, load_manifest
from .tables import COMMENTS as CSV_COMMENTS
from .tables import CSV_LAYOUTS

RAW_SCHEMA = "raw"
LOADS_TABLE = "opendata_loads"
LOADS_COMMENTS = {
    "publication_id": "The publication (raw/opendata/manifest.yml)",
    "files_fingerprint": "sha256 of the manifest, the loader's code and every file's sha256 at this load",
    "row_count": "Rows written to raw.opendata__<publication_id>",
    "years_covered": "Years the publication's files cover",
    "loaded_at": "When the files were read (UTC)",
}
LOADER_MODULES = ("extract.py", "load.py", "manifest.py", "tables.py")
SPREADSHEET_LAYOUTS = {"insee_population", "drees_series", "drees_annual", "drees_minima"}
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
    "table_title": "Title printed at the top of the sheet",
    "block": "Block of the sheet the row belongs to (departements or regions, DREES séries longues)",
    "column_letter": "Spreadsheet letter of the cell's column",
    "region_code": "Région code as printed in the row (DREES regional block; empty otherwise)",
    # IGN outlines
    "code": "COG code of the territory (IGN outline)",
    "nom": "Name of the territory (IGN outline)",
    "geometry_geojson": "Outline of the territory, GeoJSON geometry as text",
    # INSEE COG files (columns as INSEE names them)
    "source_line": "1-based line of the row in the CSV file (line 1 is the header)",
    "typecom": "COG: type of commune (COM, ARM, COMA, COMD)",
    "com": "COG: commune code",
    "reg": "COG: région code",
    "dep": "COG: département code",
    "ctcd": "COG: code of the territorial collectivity with departmental powers",
    "arr": "COG: arrondissement code",
    "tncc": "COG: type of name (article and charnière code, 0-8)",
    "ncc": "COG: name in upper case without accents",
    "nccenr": "COG: name with accents, without article",
    "libelle": "COG: name with article, as INSEE prints it",
    "can": "COG: canton code",
    "comparent": "COG: parent commune of a municipal district or associated/delegated commune",
    "cheflieu": "COG: commune code of the région's chef-lieu",
    # CNSA price exports and the results barometer (tables.py)
    **CSV_COMMENTS,
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


def read_opendata(manifest: Path, folder: Path, files: list[SourceFile] | None = None) -> OpendataLoad:
    """Read every file (files: as `discover` found them, when already done)."""
    load = OpendataLoad(discover(load_manifest(manifest), folder) if files is None else files)
    for source in load.files:
        layout = source.publication.layout
        if layout in SPREADSHEET_LAYOUTS:
            frame = read_spreadsheet(source)
        elif layout == "cog_csv":
            frame = read_cog(source)
        elif layout == "geojson":
            frame = _read_outlines(source)
        elif layout in CSV_LAYOUTS:
            frame = CSV_LAYOUTS[layout](source)
        else:
            raise InputError(f"{source.relative}: unknown layout {layout!r} in raw/opendata/manifest.yml", file=str(manifest))
        publication = source.publication.publication_id
        previous = load.tables.get(publication)
        load.tables[publication] = frame if previous is None else pl.concat([previous, frame], how="diagonal_relaxed")
    return load


def fingerprint(manifest: Path, files: list[SourceFile]) -> str:
    """What the raw tables are a function of: the manifest, the loader's code (the modules that
    read the files, and the module of `replace_table`, which writes them with their comments), the column and
    table comments it writes, and every file's sha256. Equal fingerprints: reading the files
    again would write the same tables, comments included."""
    digest = hashlib.sha256(manifest.read_bytes())
    for module in LOADER_MODULES:
        digest.update((Path(__file__).parent / module).read_bytes())
    digest.update(Path(inspect.getsourcefile(replace_table)).read_bytes())  # replace_table and its helpers
    digest.update(json.dumps([COMMENTS, LOADS_COMMENTS], sort_keys=True, ensure_ascii=False).encode())
    for source in sorted(files, key=lambda f: f.relative):
        digest.update(f"{source.relative}\0{source.sha256}\n".encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class RecordedLoad:
    row_count: int
    years_covered: str
    loaded_at: str  # ISO, UTC


def recorded_load(work_db: Path, files_fingerprint: str) -> dict[str, RecordedLoad] | None:
    """The last load, per publication, when it had this fingerprint and every table it wrote is
    still there with its row count; None otherwise (the files must be read)."""
    if not work_db.exists():
        return None
    with connect_work(work_db) as con:
        present = {
            r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE schema_name = ?", [RAW_SCHEMA]).fetchall()
        }
        if LOADS_TABLE not in present:
            return None
        rows = con.execute(
            f"SELECT publication_id, row_count, years_covered, strftime(loaded_at, '%Y-%m-%dT%H:%M:%SZ') "
            f"FROM {RAW_SCHEMA}.{LOADS_TABLE} WHERE files_fingerprint = ?",
            [files_fingerprint],
        ).fetchall()
        loads = {publication: RecordedLoad(count, years, at) for publication, count, years, at in rows}
        for publication, load in loads.items():
            table = table_name(publication)
            if table not in present or con.execute(f"SELECT count(*) FROM {RAW_SCHEMA}.{table}").fetchone()[0] != load.row_count:
                return None
    return loads or None


def write_opendata(work_db: Path, load: OpendataLoad, files_fingerprint: str | None = None) -> dict[str, int]:
    """Replace every raw.opendata__* table, and record the load (raw.opendata_loads) under its
    fingerprint, in one transaction."""
    counts = {}
    with connect_work(work_db) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for publication, frame in load.tables.items():
                # a CSV publication keeps every column of its files, some only described by the file
                # itself (CNSA's PREST1…PREST11, a column a new edition adds): said so, never uncommented
                printed = {
                    c: f"Column {c!r} of the file, as printed (text; NULL for a missing-value marker)" for c in frame.columns
                }
                replace_table(
                    con,
                    RAW_SCHEMA,
                    table_name(publication),
                    frame.to_arrow(),
                    {**printed, **COMMENTS},
                    f"Official open-data publication {publication} (raw/opendata/manifest.yml), every edition, as read",
                )
                counts[publication] = frame.height
            recorded = pl.DataFrame(
                {
                    "publication_id": list(load.tables),
                    "files_fingerprint": [files_fingerprint] * len(load.tables),
                    "row_count": [frame.height for frame in load.tables.values()],
                    "years_covered": [years_covered(frame) for frame in load.tables.values()],
                    "loaded_at": [datetime.now(UTC).replace(microsecond=0, tzinfo=None)] * len(load.tables),
                },
                schema_overrides={"files_fingerprint": pl.String},
            )
            replace_table(
                con,
                RAW_SCHEMA,
                LOADS_TABLE,
                recorded.to_arrow(),
                LOADS_COMMENTS,
                "One row per open-data publication loaded, with the fingerprint of its files (skips unchanged loads)",
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return counts


def years_covered(frame: pl.DataFrame) -> str:
    """'1975-2023' from the sheets (INSEE), the year headers (DREES séries longues), the dates of
    the measures (barometer) or the editions (DREES annual files, CNSA exports: one year each)."""
    publication = frame["publication_id"][0]
    column = (
        "sheet" if publication.startswith("insee_population")
        else "metric_enforce_date" if "metric_enforce_date" in frame.columns
        else "edition" if publication.startswith(("cnsa_", "drees_aid_beneficiaries_annual"))
        else "header"
    )  # fmt: skip
    if column not in frame.columns:
        return ""
    years = sorted({int(m.group(0)) for v in frame[column].unique().to_list() if v and (m := re.match(r"\d{4}", v))})
    return f"{years[0]}-{years[-1]}" if years else ""
