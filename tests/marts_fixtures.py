"""Helpers for the mart tests (the `con` fixture, a read-only connection to the session's
published warehouse, lives in conftest.py)."""


def rows_as_dicts(con, query: str, params=None) -> list[dict]:
    result = con.execute(query, params or [])
    names = [d[0] for d in result.description]
    return [dict(zip(names, row)) for row in result.fetchall()]
