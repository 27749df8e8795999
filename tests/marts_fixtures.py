"""A read-only connection to the session's published warehouse, for the mart tests."""

import duckdb
import pytest


@pytest.fixture(scope="module")
def con(published):
    connection = duckdb.connect(str(published.warehouse), read_only=True)
    yield connection
    connection.close()


def rows_as_dicts(con, query: str, params=None) -> list[dict]:
    result = con.execute(query, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]
