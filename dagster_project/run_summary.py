"""What a refresh run did, in plain words, from its Dagster events: shared by `make run`,
the schedule and the failure sensor (no import of the definitions here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg

from .settings import get_settings

PNG_SKIPPED = "non générés :"  # the report assets' "png" metadata when a chart has no PNG


@dataclass
class ReconciliationText:
    """What index.html says of the published reconciliation (reports.reconciliation.status_summary)."""

    line: str
    rows: list[tuple[str, str, str]]  # (status, severity, count), French words
    official: str | None
    discrepancies: list[str]
    page: str  # path of reports/reconciliation.html

    def render(self, shown: int = 20) -> list[str]:
        lines = [f"  Rapprochement : {self.line}"]
        lines += [f"    {status}, {severity} : {count}" for status, severity, count in self.rows]
        if self.official:
            lines.append(f"  {self.official}")
        if self.discrepancies:
            lines.append(f"  Écarts des délibérations ({len(self.discrepancies)}) :")
            lines += [f"    - {text}" for text in self.discrepancies[:shown]]
            if len(self.discrepancies) > shown:
                lines.append(f"    ... et {len(self.discrepancies) - shown} autres")
        lines.append(f"  Détail de chaque écart : {self.page}")
        return lines


def read_reconciliation(warehouse: Path, reports_dir: Path) -> ReconciliationText | None:
    """The published warehouse's reconciliation, in the words and counts of index.html (the same
    function builds both); None when the warehouse or its mart is missing."""
    if not warehouse.exists():
        return None
    import duckdb

    from .core.frenchfmt import format_count
    from .reports import reconciliation

    with duckdb.connect(str(warehouse), read_only=True) as con:
        status = reconciliation.status_summary(con)
    if status is None:
        return None
    rows = [(reconciliation.STATUS_LABELS[s], reconciliation.SEVERITY_LABELS[v], format_count(n)) for s, v, n in status.rows]
    page = reports_dir / f"{reconciliation.SLUG}.html"
    return ReconciliationText(status.line, rows, status.official, status.discrepancies, str(page))


@dataclass
class RefreshSummary:
    success: bool = False
    published: bool = False
    seconds: float = 0.0
    failed_steps: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped_steps: list[str] = field(default_factory=list)
    publish_metadata: dict = field(default_factory=dict)
    run_id: str = ""
    png_skipped: str | None = None  # why report charts have no PNG (said once, not per report)
    new_editions: list[str] = field(default_factory=list)  # official files loaded for the first time
    # the published marts.reconciliation_checks in index.html's words (read_reconciliation), once published
    reconciliation: ReconciliationText | None = None
    nothing_changed: str | None = None  # the sentence said when nothing was stale (incremental.py)
    plan: list[str] = field(default_factory=list)  # what the refresh materialized and why (incremental.py)
    full: bool = False  # everything was rebuilt

    def render(self) -> str:
        settings = get_settings()
        if self.nothing_changed is not None:
            return f"{self.nothing_changed}\n  Entrepôt publié : {settings.warehouse}\n  Rapports : {settings.reports_dir}"
        lines = []
        if self.published:
            if self.failed_steps:  # the warehouse is published; a step reading it (a report) failed
                lines.append(
                    f"Refresh published the warehouse but FAILED after publishing ({self.seconds:.1f} s, run {self.run_id})."
                )
            else:
                lines.append(f"Refresh succeeded in {self.seconds:.1f} s (run {self.run_id}).")
            lines.append(f"  Published warehouse: {settings.warehouse}")
            for key in ("tables", "rows"):
                if key in self.publish_metadata:
                    lines.append(f"    {key}: {self.publish_metadata[key]}")
            index = settings.reports_dir / "index.html"
            lines.append(f"  Reports: {index if index.exists() else settings.reports_dir}")
            if self.png_skipped:
                lines.append(f"  PNG charts not written: {self.png_skipped}")
        elif self.success and not self.failed_steps:  # only what reads the published file was stale
            lines.append(f"Refresh succeeded in {self.seconds:.1f} s (run {self.run_id}).")
            lines.append(f"  Entrepôt inchangé (rien à publier) : {settings.warehouse}")
            index = settings.reports_dir / "index.html"
            lines.append(f"  Reports: {index if index.exists() else settings.reports_dir}")
        else:
            lines.append(f"Refresh FAILED after {self.seconds:.1f} s (run {self.run_id}): nothing was published;")
            lines.append(f"  the previously published warehouse ({settings.warehouse}) is unchanged.")
        for text in self.new_editions:
            lines.append(f"  New official edition loaded: {text}")
        for text in self.failed_steps:
            lines.append(f"  FAILED step {text}")
        for text in self.failed_checks:
            lines.append(f"  FAILED blocking check {text}")
        if self.reconciliation is not None:  # published: the mart's counts, as index.html prints them
            lines.extend(self.reconciliation.render())
        elif self.warnings:
            lines.append(f"  {len(self.warnings)} warning check(s) (recorded, not blocking):")
            lines.extend(f"    - {text}" for text in self.warnings[:20])
            if len(self.warnings) > 20:
                lines.append(f"    ... and {len(self.warnings) - 20} more (see marts.reconciliation_checks)")
        return "\n".join(lines)


def refresh_tags(job: dg.JobDefinition) -> dict[str, str]:
    """Run tags for the refresh: when the job holds month-partitioned assets (FAP billing
    lines), the range of months that have a file, so each month is (re)ingested if needed."""
    if job.partitions_def is None:
        return {}
    from .sources.fap.files import month_range_with_files  # only exists with the FAP source

    months = month_range_with_files(get_settings().fap_dir)
    if not months:
        return {}
    return {"dagster/asset_partition_range_start": months[0], "dagster/asset_partition_range_end": months[1]}


def summarize(events, publish_key: dg.AssetKey) -> RefreshSummary:
    summary = RefreshSummary()
    for event in events:
        if event.is_step_failure:
            summary.failed_steps.append(f"{event.step_key}: {_error_text(event.event_specific_data.error)}")
        elif event.is_step_skipped:
            summary.skipped_steps.append(event.step_key)
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if evaluation.passed:
                continue
            label = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
            description = evaluation.description or ""
            if evaluation.severity == dg.AssetCheckSeverity.ERROR:
                summary.failed_checks.append(f"{label}" + (f" - {description}" if description else ""))
            else:
                summary.warnings.append(f"{label}" + (f" - {_shorten(description)}" if description else ""))
        elif event.is_step_materialization:
            materialization = event.event_specific_data.materialization
            png = materialization.metadata.get("png")
            png_text = getattr(png, "value", png)
            if summary.png_skipped is None and isinstance(png_text, str) and png_text.startswith(PNG_SKIPPED):
                summary.png_skipped = png_text[len(PNG_SKIPPED) :].strip()
            new = getattr(materialization.metadata.get("new_editions"), "value", None)
            if new and new != "none":  # sources/opendata/assets.py: a file the manifest does not know
                summary.new_editions.append(f"{materialization.asset_key.to_user_string()}, edition {new}")
            if materialization.asset_key == publish_key:
                summary.published = True
                summary.publish_metadata = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
    return summary


def _error_text(error) -> str:
    """The user-facing message of a step failure: the cause, without Dagster's wrapper."""
    if error is None:
        return "unknown error"
    while error.cls_name.startswith("Dagster") and error.cause is not None:
        error = error.cause
    message = error.message.strip()
    head, _, rest = message.partition(": ")
    return rest if head.endswith(error.cls_name) and rest else message  # drop "module.Class: "


def _shorten(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
