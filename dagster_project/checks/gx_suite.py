"""Great Expectations turns evaluations into verdicts: one expectation per (suite, rule).

GX's SQL datasource on DuckDB is broken in 1.24, so the evaluations (small aggregates, never
line-level data) are validated as a pandas frame. Deltas and tolerances are passed as integer
millionths (delta rounded up, tolerance down) so that the comparison is exact, never a float's.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass

from .policy import to_micro_ceil, to_micro_floor
from .rules import Evaluation


@dataclass(frozen=True)
class Verdict:
    expectation: str
    success: bool
    evaluated: int
    failed_check_ids: frozenset[str]


def validate(suite_name: str, expectations: Sequence[str], evaluations: Sequence[Evaluation]) -> dict[str, Verdict]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    import great_expectations as gx  # slow import (~5-10 s): only when checks run
    import great_expectations.expectations as gxe
    import pandas as pd
    from great_expectations.data_context.types.base import ProgressBarsConfig

    logging.getLogger("great_expectations").setLevel(logging.WARNING)  # GX sets its own level on import

    frame = pd.DataFrame(
        {
            "check_id": [e.check_id for e in evaluations],
            "expectation": [e.expectation for e in evaluations],
            "abs_delta_micro": [to_micro_ceil(e.computed_value - e.published.value) for e in evaluations],
            "tolerance_micro": [to_micro_floor(e.tolerance) for e in evaluations],
        },
        columns=["check_id", "expectation", "abs_delta_micro", "tolerance_micro"],
    ).astype({"abs_delta_micro": "int64", "tolerance_micro": "int64"})
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    batch_definition = (
        context.data_sources.add_pandas(f"reconciliation_{suite_name}")
        .add_dataframe_asset("evaluations")
        .add_batch_definition_whole_dataframe("current_refresh")
    )
    suite = context.suites.add(gx.ExpectationSuite(name=suite_name))
    for name in expectations:
        suite.add_expectation(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="tolerance_micro",
                column_B="abs_delta_micro",
                or_equal=True,
                row_condition=f'expectation=="{name}"',
                condition_parser="pandas",
                meta={"expectation": name},
            )
        )
    result = batch_definition.get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format={"result_format": "COMPLETE", "unexpected_index_column_names": ["check_id"]}
    )
    verdicts = {}
    for item in result.results:
        name = item.expectation_config.meta["expectation"]
        failed = frozenset(row["check_id"] for row in item.result.get("unexpected_index_list") or [])
        verdicts[name] = Verdict(name, bool(item.success), int(item.result.get("element_count") or 0), failed)
    return verdicts
