"""A notebook-like reader: holds a read-only connection to the published warehouse and queries it
in a loop, recording what it sees, until told to stop. Run as a separate process by the tests."""

import json
import sys
import time
from pathlib import Path

import duckdb

SNAPSHOT_SQL = """
SELECT (SELECT value FROM meta.refresh WHERE key = 'run_id') AS run_id,
       (SELECT count(*) FROM marts.indicator_values) AS indicator_rows,
       (SELECT sum(value) FROM marts.indicator_values) AS indicator_sum,
       (SELECT count(*) FROM marts.reconciliation_checks) AS checks
"""


def main(warehouse: str, stop_file: str, out_file: str) -> None:
    seen, errors, queries = set(), [], 0
    con = duckdb.connect(warehouse, read_only=True)
    try:
        Path(out_file + ".ready").write_text("ready")
        while not Path(stop_file).exists():
            try:
                row = con.execute(SNAPSHOT_SQL).fetchone()
                seen.add(json.dumps([str(v) for v in row]))
                queries += 1
            except Exception as exc:  # the test asserts there is none
                errors.append(repr(exc))
            time.sleep(0.02)
    finally:
        con.close()
    fresh = duckdb.connect(warehouse, read_only=True)
    try:
        after = [str(v) for v in fresh.execute(SNAPSHOT_SQL).fetchone()]
    finally:
        fresh.close()
    Path(out_file).write_text(json.dumps({"seen": sorted(seen), "errors": errors, "queries": queries, "after": after}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
