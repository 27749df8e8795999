"""Raw layer assets: the five published deliberations, hash-verified and extracted per catalogue.

One asset per catalogue table or prose group (key raw/<document slug>/<table_id>), plus the
long tables every figure goes through (raw/deliberations/...). They are produced by one op so
that the raw schema is replaced in a single transaction: never half old, half new.
"""

import dagster as dg
import yaml

from ...common import OWNERS, input_refused, table_metadata
from ...core.errors import InputError
from ...settings import get_settings
from ...warehouse.connections import connect_work
from ...warehouse.lock import RefreshLockResource
from .raw_layer import RAW_SCHEMA, read_deliberations, write_raw_layer
from .register import load_register

GROUP = "raw_documents"
LONG_TABLES = {
    "documents": "The deliberations, one row each, as declared in manifest.yml with their verified sha256.",
    "document_lines": "Every printed line of every deliberation (1-based), to show any figure in context.",
    "deliberation_cells": "Every cell of every catalogue table: raw text, parsed value, document and line.",
    "prose_figures": "Every figure printed in prose: exact quote, line, parsed value.",
    "catalogue_entries": "The catalogue entries applied in this refresh, with their lines and row counts.",
    "acknowledged_discrepancies": "The register of reviewed discrepancies (raw/acknowledged_discrepancies.yml), "
    "one row per entry, both figures pinned.",
}


def _catalogue_entries() -> tuple[dict[str, str], list[dict]]:
    """Read manifest and catalogue leniently to declare the assets; strict checks run at materialisation."""
    settings = get_settings()
    manifest = yaml.safe_load((settings.deliberations_dir / "manifest.yml").read_text(encoding="utf-8"))
    slugs = {d["document_id"]: d["slug"] for d in manifest["documents"]}
    catalogue = yaml.safe_load(settings.catalogue_path.read_text(encoding="utf-8"))
    entries = []
    for kind in ("tables", "prose"):
        for entry in catalogue.get(kind) or []:
            entries.append({**entry, "kind": kind})
    return slugs, entries


def _specs() -> list[dg.AssetSpec]:
    slugs, entries = _catalogue_entries()
    specs = []
    for entry in entries:
        document = entry["document_id"]
        if entry["kind"] == "tables":
            where = f"lines {entry['header_line']}-{entry['last_line']}"
        else:
            lines = sorted({f["line"] for f in entry["figures"]})
            where = f"prose, {len(entry['figures'])} figures on lines " + ", ".join(map(str, lines))
        specs.append(
            dg.AssetSpec(
                key=dg.AssetKey(["raw", slugs.get(document, document), entry["table_id"]]),
                group_name=GROUP,
                description=f"{entry['title']}\n\nSource: raw/deliberations/{document}.txt, {where}. "
                f"Table raw.{entry['table_id']} in the warehouse.",
                metadata={"document_id": document, "source_lines": where},
                tags={"layer": "raw", "document": document},
                kinds={"duckdb"},
                owners=OWNERS,
            )
        )
    for name, description in LONG_TABLES.items():
        specs.append(
            dg.AssetSpec(
                key=dg.AssetKey(["raw", "deliberations", name]),
                group_name=GROUP,
                description=f"{description} Table raw.{name}; source: raw/deliberations/ and catalogue.yml.",
                tags={"layer": "raw"},
                kinds={"duckdb"},
                owners=OWNERS,
            )
        )
    return specs


@dg.multi_asset(
    name="deliberations",
    specs=_specs(),
    description="Verify each deliberation against manifest.yml, extract catalogue.yml, write the raw schema.",
)
def deliberations(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource):
    settings = get_settings()
    try:
        load = read_deliberations(settings.deliberations_dir, settings.catalogue_path)
        load.acknowledged = load_register(settings.raw_dir)
    except InputError as exc:
        raise input_refused("Raw deliberations refused", exc) from exc
    counts = write_raw_layer(settings.work_db, load, settings.catalogue_path)
    context.log.info("raw layer written: %s", ", ".join(f"{k}={v}" for k, v in counts.items()))
    sha = {d.document_id: d.sha256 for d in load.documents}
    with connect_work(settings.work_db) as con:
        for key in context.selected_asset_keys:
            table = key.path[-1]
            metadata = table_metadata(con, RAW_SCHEMA, table)
            document = context.assets_def.specs_by_key[key].metadata.get("document_id")
            if document:
                metadata["source_file"] = dg.MetadataValue.path(str(settings.deliberations_dir / f"{document}.txt"))
                metadata["sha256"] = sha[document]
            yield dg.MaterializeResult(asset_key=key, metadata=metadata)
