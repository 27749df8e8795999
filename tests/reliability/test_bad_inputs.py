"""Every broken input of tests/data/bad/ is refused with the exact error (file, line, column,
value) and nothing is published: the previous warehouse stays byte-identical."""

import pytest

from dagster_project.refresh import run_refresh

from .bad_inputs import apply_case, cases
from .conftest import PROJECT

CASES = cases()


def test_the_corpus_is_large_enough_and_documented():
    assert len(CASES) >= 25, sorted(CASES)
    documented = (PROJECT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert [name for name in CASES if f"| `{name}` |" not in documented] == []
    assert f"| {len(CASES)} of {len(CASES)} (" in documented


@pytest.mark.parametrize("name", sorted(CASES))
def test_broken_input_is_refused_and_nothing_is_published(published_copy, name):
    case = CASES[name]
    before = published_copy.warehouse.read_bytes()
    apply_case(case, published_copy.raw)
    summary = run_refresh()
    rendered = summary.render()
    assert not summary.published, rendered
    failures = [s for s in summary.failed_steps if s.startswith(case["expect"]["step"])]
    assert failures, rendered
    for fragment in case["expect"]["contains"]:
        assert any(fragment in failure for failure in failures), f"{fragment!r} not in:\n{rendered}"
    assert published_copy.warehouse.read_bytes() == before
