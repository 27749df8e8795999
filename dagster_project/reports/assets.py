"""Report assets: each reads the PUBLISHED warehouse (read-only), so each runs after the publish
step and only when it succeeded: a report never shows figures that failed their checks."""

import dagster as dg

from ..common import OWNERS, markdown_table, report_key
from ..settings import get_settings
from ..versions import code_version
from ..warehouse.connections import connect
from ..warehouse.publish import PUBLISH_KEY
from . import index
from .catalog import ReportSpec, built_reports
from .framework import Report, Written, write_report

GROUP = "reports"


def _metadata(report: Report, written: Written) -> dict:
    metadata = {
        "path": dg.MetadataValue.path(str(written.html)),
        "charts": len(report.charts),
        "preview": dg.MetadataValue.md(f"**{report.title}**\n\n" + markdown_table(["Chiffre clé", "Valeur"], report.headline)),
        "masked": dg.MetadataValue.md("\n".join(f"- {n}" for n in report.masked_notes) or "aucune donnée masquée"),
        "missing": dg.MetadataValue.md("\n".join(f"- {n}" for n in report.missing) or "aucune donnée absente"),
    }
    if written.pngs:
        metadata["png"] = dg.MetadataValue.md("\n".join(f"- `{p}`" for p in written.pngs))
    elif report.charts:
        metadata["png"] = f"non générés : {written.png_skipped}"
    return metadata


def build_report_asset(spec: ReportSpec) -> dg.AssetsDefinition:
    @dg.asset(
        key=report_key(spec.slug),
        deps=[PUBLISH_KEY, *(dg.AssetKey.from_user_string(key) for key in spec.reads)],
        group_name=GROUP,
        owners=OWNERS,
        kinds={"plotly", "html"},
        tags={"layer": "reports"},
        code_version=code_version("reports"),
        description=(
            f"{spec.file_name} — {spec.title}. {spec.summary} Reads the published warehouse "
            f"({', '.join(spec.reads)}); self-contained HTML in AUTONOMY_REPORTS_DIR (default reports/), "
            "one PNG per chart in reports/png/."
        ),
    )
    def _report(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings = get_settings()
        with connect(settings.warehouse, read_only=True) as con:
            report = spec.build(con, settings.disclosure_threshold)
        written = write_report(report, settings.reports_dir)
        if written.png_skipped and report.charts:
            context.log.warning("%s: PNG not written (%s); the HTML report is complete", spec.file_name, written.png_skipped)
        return dg.MaterializeResult(metadata=_metadata(report, written))

    return _report


REPORT_ASSETS = [build_report_asset(spec) for spec in built_reports()]


@dg.asset(
    key=report_key(index.SLUG),
    deps=[PUBLISH_KEY, *(key for a in REPORT_ASSETS for key in a.keys)],
    group_name=GROUP,
    owners=OWNERS,
    kinds={"html"},
    tags={"layer": "reports"},
    code_version=code_version("reports"),
    description=(
        "index.html — the entry page: links every report (and lists those still to come), the date of the "
        "refresh (meta.refresh.published_at) and the reconciliation status (marts.reconciliation_checks, when present)."
    ),
)
def report_index(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = get_settings()
    with connect(settings.warehouse, read_only=True) as con:
        report = index.build(con, settings.reports_dir)
    written = write_report(report, settings.reports_dir, png=False)
    return dg.MaterializeResult(metadata=_metadata(report, written))
