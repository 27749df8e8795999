"""One Dagster asset per official publication (group `opendata`), all loaded by one op so the
raw tables change in one transaction. Metadata: editions, files, sha256, rows, years covered."""

import dagster as dg

from ...common import OWNERS, input_refused
from ...core.errors import InputError
from ...settings import get_settings
from ...versions import Inputs, code_version, hash_cache
from ...warehouse.lock import RefreshLockResource
from .load import (
    RAW_SCHEMA,
    RecordedLoad,
    fingerprint,
    read_opendata,
    recorded_load,
    table_name,
    write_opendata,
    years_covered,
)
from .manifest import discover, load_manifest

GROUP = "opendata"


def asset_key(publication_id: str) -> dg.AssetKey:
    return dg.AssetKey(["raw", "opendata", publication_id])


def _specs() -> list[dg.AssetSpec]:
    return [
        dg.AssetSpec(
            key=asset_key(p.publication_id),
            group_name=GROUP,
            description=f"{p.publisher}, {p.title}. Files {p.pattern} of the open-data folder "
            f"(raw/opendata/manifest.yml; official address {p.url}); licence {p.licence}. "
            f"Table {RAW_SCHEMA}.{table_name(p.publication_id)}.",
            metadata={"publisher": p.publisher, "known_editions": ", ".join(e.edition for e in p.editions)},
            tags={"layer": "raw", "publisher": p.publisher.lower()},
            kinds={"duckdb"},
            owners=OWNERS,
            code_version=code_version("sources/opendata"),
        )
        for p in load_manifest(get_settings().opendata_manifest)
    ]


@dg.multi_asset(
    name="opendata",
    specs=_specs(),
    description="Read every official file the manifest claims (sha256 of known editions checked, new editions "
    "loaded), keep each value's provenance (file, sheet, cell), write raw.opendata__*.",
)
def opendata(context: dg.AssetExecutionContext, refresh_lock: RefreshLockResource):
    settings = get_settings()
    cache = hash_cache(settings)
    versions = Inputs(settings, cache).opendata()  # of the files as they are before reading
    cache.save()
    try:
        files = discover(load_manifest(settings.opendata_manifest), settings.opendata_dir)  # hashes checked
        files_fingerprint = fingerprint(settings.opendata_manifest, files)
        recorded = recorded_load(settings.work_db, files_fingerprint)
        # Same files, manifest and loader as the tables in place: reading them again (~4 s) would
        # write the same rows. A new or changed file, manifest or loader reads everything again.
        load = None if recorded is not None else read_opendata(settings.opendata_manifest, settings.opendata_dir, files)
    except InputError as exc:
        raise input_refused("Official open data refused", exc) from exc
    if load is not None:
        counts = write_opendata(settings.work_db, load, files_fingerprint)
        recorded = {p: RecordedLoad(counts[p], years_covered(frame), "") for p, frame in load.tables.items()}
    else:
        context.log.info("official files unchanged since %s: raw tables kept", min(r.loaded_at for r in recorded.values()))
    # A new edition is said once, by the refresh that reads it first (not at every refresh it stays in place).
    new_editions = [f for f in files if not f.known] if load is not None else []
    for source in new_editions:
        context.log.warning(
            "new edition loaded: %s, edition %s (%s)", source.publication.publication_id, source.edition, source.relative
        )
    for key in context.selected_asset_keys:
        publication = key.path[-1]
        mine = [f for f in files if f.publication.publication_id == publication]
        load_info = recorded[publication]
        yield dg.MaterializeResult(
            asset_key=key,
            data_version=dg.DataVersion(versions[publication]),
            metadata={
                "editions": ", ".join(f.edition for f in mine),
                "new_editions": ", ".join(f.edition for f in mine if f in new_editions) or "none",
                "editions_not_in_manifest": ", ".join(f.edition for f in mine if not f.known) or "none",
                "files": "\n".join(f.relative for f in mine),
                "sha256": "\n".join(f.sha256 for f in mine),
                "dagster/row_count": dg.MetadataValue.int(load_info.row_count),
                "dagster/table_name": f"{RAW_SCHEMA}.{table_name(publication)}",
                "years_covered": load_info.years_covered,
                "read": "unchanged since " + load_info.loaded_at if load_info.loaded_at else "read in this run",
            },
        )
