"""Raw layer assets: the deliberations the manifest lists, hash-verified and extracted per catalogue.

One asset per long table every figure goes through (raw/deliberations/...): the tables of every
document, whatever its kind, are cells with their kind and column; dbt stages them per kind. They
are produced by one op so that the raw schema is replaced in a single transaction: never half
old, half new.
"""

import dagster as dg

from ...common import OWNERS, input_refused, table_metadata
from ...core.errors import InputError
from ...settings import get_settings
from ...versions import Inputs, deliberations_code_version, hash_cache
from ...warehouse.connections import connect_work
from ...warehouse.lock import RefreshLockResource
from ..opendata.cog import department_codes
from .raw_layer import RAW_SCHEMA, RawLoad, read_deliberations, write_raw_layer
from .register import load_register

GROUP = "raw_documents"
LONG_TABLES = {
    "documents": "The deliberations, one row each, as declared in manifest.yml with their verified sha256.",
    "document_lines": "Every printed line of every deliberation (1-based), to show any figure in context.",
    "deliberation_cells": "Every cell of every catalogue table, with its kind and kind column: raw text, parsed value, "
    "document and line. dbt stages it per kind (staging.stg_deliberations__<kind>).",
    "prose_figures": "Every figure printed in prose: exact quote, line, parsed value, role.",
    "catalogue_entries": "The catalogue entries applied in this refresh, with their kinds, lines and row counts.",
    "catalogue_parameters": "The parameters of each catalogue table (those its kind takes).",
    "catalogue_row_links": "The printed totals each budget line pays for (catalogue rows: finances).",
    "acknowledged_discrepancies": "The register of reviewed discrepancies (raw/acknowledged_discrepancies.yml), "
    "one row per entry, both figures pinned.",
}


def _specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key=dg.AssetKey(["raw", "deliberations", name]),
            group_name=GROUP,
            description=f"{description} Table raw.{name}; source: raw/deliberations/ (manifest.yml, catalogue.yml).",
            tags={"layer": "raw"},
            kinds={"duckdb"},
            owners=OWNERS,
            code_version=deliberations_code_version(),
        )
        for name, description in LONG_TABLES.items()
    ]


def read_checked(settings) -> RawLoad:
    """Manifest, catalogue and register read and checked against the kinds and the COG, every
    listed document verified and extracted; nothing is written. Raises InputError."""
    cog = department_codes(settings.opendata_manifest, settings.opendata_dir)
    if settings.department_code not in cog:
        raise InputError(
            "AUTONOMY_DEPARTMENT_CODE is not a département of the COG (a code such as '62', '2A' or '971')",
            column="AUTONOMY_DEPARTMENT_CODE",
            value=settings.department_code,
        )
    load = read_deliberations(settings.deliberations_dir, settings.catalogue_path, cog)
    load.acknowledged = load_register(settings.raw_dir, settings.catalogue_path, load.catalogue)
    return load


@dg.multi_asset(
    name="deliberations",
    specs=_specs(),
    description="Verify each deliberation of manifest.yml against its sha256, extract catalogue.yml (checked against "
    "the document kinds), write the raw schema.",
)
def deliberations(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource):
    settings = get_settings()
    cache = hash_cache(settings)
    version = dg.DataVersion(Inputs(settings, cache).deliberations())  # of the files as they are before reading
    cache.save()
    try:
        load = read_checked(settings)
    except InputError as exc:
        raise input_refused("Raw deliberations refused", exc) from exc
    counts = write_raw_layer(settings.work_db, load)
    context.log.info("raw layer written: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
    if not load.documents:
        context.log.info("no deliberation in %s: the deliberation marts are empty", settings.deliberations_dir)
    with connect_work(settings.work_db) as con:
        for key in context.selected_asset_keys:
            metadata = table_metadata(con, RAW_SCHEMA, key.path[-1])
            metadata["documents"] = ", ".join(d.document_id for d in load.documents) or "none"
            yield dg.MaterializeResult(asset_key=key, metadata=metadata, data_version=version)
