"""What each dbt test checks, in words, for the asset checks dagster-dbt builds from them.

Written from the dbt manifest (test name, arguments, model, column, severity), never by hand
one test at a time: a test added to a .yml file gets its description with no other change. A
description written in the test's `meta: {description: ...}` wins.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Props = Mapping[str, Any]


def _table(manifest: Props, unique_id: str | None) -> str:
    node = manifest.get("nodes", {}).get(unique_id or "") or manifest.get("sources", {}).get(unique_id or "") or {}
    if not node:
        return "the model"
    return f"{node.get('schema')}.{node.get('alias') or node.get('identifier') or node.get('name')}"


def _column_note(manifest: Props, unique_id: str | None, column: str | None) -> str:
    node = manifest.get("nodes", {}).get(unique_id or "") or {}
    text = ((node.get("columns") or {}).get(column or "") or {}).get("description") or ""
    first = re.split(r"(?<=[.;])\s", text.strip(), maxsplit=1)[0].rstrip(".;")
    return f" ({column}: {first})" if first else ""


def _ref_name(text: str) -> str:
    match = re.search(r"ref\(\s*['\"]([^'\"]+)['\"]\s*\)", text or "")
    return match.group(1) if match else str(text)


def _values(values: list) -> str:
    shown = ", ".join(f"'{v}'" for v in values[:12])
    return shown + (f" and {len(values) - 12} more" if len(values) > 12 else "")


def _not_null(t: str, col: str, kw: Props, note: str) -> str:
    return (
        f"Every row of {t} has a value in column {col}{note}. "
        f"Fails when some rows have {col} empty (NULL): a figure or key is missing, so totals and joins would be wrong."
    )


def _unique(t: str, col: str, kw: Props, note: str) -> str:
    return (
        f"No two rows of {t} share the same {col}{note}. "
        f"Fails when a value of {col} appears more than once: duplicated rows, which would count figures twice."
    )


def _unique_combination(t: str, col: str, kw: Props, note: str) -> str:
    cols = ", ".join(kw.get("columns") or [])
    return (
        f"No two rows of {t} share the same ({cols}): that is the table's key. "
        f"Fails when a combination appears more than once: duplicated rows, which would count figures twice."
    )


def _accepted_values(t: str, col: str, kw: Props, note: str) -> str:
    return (
        f"Column {col} of {t}{note} holds only the values {_values(list(kw.get('values') or []))}. "
        f"Fails when another value appears: a typo in a source or a new category the models do not handle."
    )


def _relationships(t: str, col: str, kw: Props, note: str) -> str:
    target = _ref_name(kw.get("to", ""))
    field = kw.get("field", col)
    return (
        f"Each {col} of {t}{note} exists as {field} in {target}. "
        f"Fails when a row points to a {field} that {target} does not have: an orphan row, dropped or unlabelled in joins."
    )


def _expression_is_true(t: str, col: str, kw: Props, note: str) -> str:
    return (
        f"Every row of {t} satisfies `{kw.get('expression')}`{note}. "
        f"Fails on the rows where it does not hold: a value outside what the column may take."
    )


def _sums_to(t: str, col: str, kw: Props, note: str) -> str:
    groups = ", ".join(kw.get("group_by") or [])
    where = kw.get("where_clause")
    scope = f" (rows where {where})" if where and where != "true" else ""
    return (
        f"In {t}, {col} summed for each {groups}{scope} equals {kw.get('total')} exactly, to the cent. "
        f"Fails on each {groups} whose parts do not add up to its total: an amount was lost or counted twice."
    )


GENERIC: dict[str, Callable[[str, str, Props, str], str]] = {
    "not_null": _not_null,
    "unique": _unique,
    "unique_combination": _unique_combination,
    "accepted_values": _accepted_values,
    "relationships": _relationships,
    "expression_is_true": _expression_is_true,
    "sums_to": _sums_to,
}


def _singular(test: Props, table: str) -> str:
    """A singular test (dbt/tests/*.sql): its leading SQL comment says what it asserts."""
    lines = []
    for line in (test.get("raw_code") or "").splitlines():
        if not line.startswith("--"):
            break
        lines.append(line.removeprefix("--").strip())
    what = " ".join(lines) or f"the query of {test.get('original_file_path')} returns no row"
    return f"{what} (dbt test {test.get('original_file_path')}, on {table}). Fails when the query returns rows: each is a broken case."


def _consequence(test: Props) -> str:
    config = test.get("config") or {}
    where = f" Only rows where {config['where']}." if config.get("where") else ""
    if str(config.get("severity", "error")).lower() == "warn":
        return where + " Severity warn: a failure is reported, the refresh goes on and publishes."
    return where + " Severity error: a failure fails dbt build (the models downstream are skipped) and nothing is published."


def describe_test(manifest: Props, test_unique_id: str) -> str:
    """A description of the dbt test a data engineer can act on: what is tested, on which
    model and column, what a failure means."""
    test = manifest["nodes"][test_unique_id]
    given = (test.get("meta") or {}).get("description") or (test.get("config", {}).get("meta") or {}).get("description")
    if given:
        return given
    metadata = test.get("test_metadata") or {}
    attached = test.get("attached_node") or next(iter((test.get("depends_on") or {}).get("nodes") or []), None)
    table = _table(manifest, attached)
    kwargs = metadata.get("kwargs") or {}
    column = kwargs.get("column_name") or test.get("column_name") or ""
    writer = GENERIC.get(metadata.get("name", ""))
    if writer is not None:
        text = writer(table, column, kwargs, _column_note(manifest, attached, column))
    elif metadata:
        args = ", ".join(f"{k}={v}" for k, v in kwargs.items() if k != "model")
        text = (
            f"dbt test {metadata.get('name')} on {table}"
            + (f" ({args})" if args else "")
            + ". Fails when its query returns rows."
        )
    else:
        text = _singular(test, table)
    return text + _consequence(test)
