"""The Dagster job `annex`: `make annex` from the Launchpad (Jobs > annex > Launchpad, run config
`year` and `amount`). It reads the published warehouse only (a scratch copy), writes the three
files under <reports>/annexes/ and shows their paths in the run's metadata (the op's output)."""

# no `from __future__ import annotations` here: Dagster resolves the Config annotation at run time
import dagster as dg
from pydantic import Field


class AnnexConfig(dg.Config):
    year: int = Field(description="Year of the envelope, e.g. 2026")
    amount: str = Field(description='Envelope in euros and cents, quoted: "912000" or "912000,50"')
    number: int = Field(default=1, description="The annex's number in its deliberation, printed ANNEXE <number>")


@dg.op(
    name="write_annex",
    description=(
        "Splits the envelope between the SAD on the APA hours of the latest complete year of FAP exports before the "
        "year (dbt allocation engine on a copy of the published warehouse: to the cent, largest remainder, ties by SAD "
        "name then city) and writes annexe_sad_<year>_<amount>.docx, .txt and .pdf (LibreOffice) in <reports>/annexes/. "
        "A bad amount, a year before any complete year of FAP exports or a SAD without hours fails the run and writes "
        "nothing."
    ),
    out=dg.Out(dg.Nothing),
)
def write_annex(context: dg.OpExecutionContext, config: AnnexConfig):
    from .annex import describe, run_annex
    from .whatif import WhatifError

    try:
        result = run_annex(config.year, config.amount, number=config.number)
    except WhatifError as exc:
        raise dg.Failure(description=f"annex not written: {exc}") from None
    annex = result.annex
    for line in describe(result):
        context.log.info(line)
    metadata: dict[str, dg.MetadataValue] = {
        "docx": dg.MetadataValue.path(str(result.docx)),
        "txt": dg.MetadataValue.path(str(result.txt)),
        "pdf": dg.MetadataValue.path(str(result.pdf)) if result.pdf else dg.MetadataValue.text(result.pdf_missing or ""),
        "envelope": dg.MetadataValue.text(f"{annex.year}: {annex.amount_eur} €, département {annex.department_code}"),
        "hours": dg.MetadataValue.text(f"APA {annex.basis_year}, FAP exports ({len(annex.rows)} SAD)"),
        "total_eur": dg.MetadataValue.text(str(annex.totals.allocated_eur)),
        "cents_adjusted": dg.MetadataValue.int(annex.totals.cents_adjusted),
    }
    yield dg.Output(None, metadata=metadata)


@dg.job(
    name="annex",
    description=(
        "The SAD envelope annex of the next deliberation (make annex): launch it from the Launchpad with the run config "
        '`ops: {write_annex: {config: {year: 2026, amount: "912000"}}}`; the files are listed in the run\'s metadata '
        "(output of write_annex). Reads the published warehouse only; docs/annex.md."
    ),
    executor_def=dg.in_process_executor,
)
def annex_job():
    write_annex()
