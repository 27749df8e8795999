"""Every broken input of tests/data/bad/ is refused with the exact error (file, line, column,
value) and nothing is published: the previous warehouse stays byte-identical."""

import pytest
from conftest import run_step

from dagster_project.refresh import run_refresh

from .bad_inputs import apply_case, cases, opendata_folder
from .conftest import PROJECT

CASES = cases()
# Through the whole refresh (refused, nothing published, the previous file byte-identical): one
# case per refusing step. Every case (these included) is also refused by its step run alone.
END_TO_END = [
    "doc_changed_byte",
    "fap_unknown_sad",
    "fap_registry_duplicate_finess",
    "register_without_reason",
    "od_sheet_renamed",
]
# The reconciliation refuses after dbt: its case only runs end to end.
STEP_ALONE = sorted(name for name, case in CASES.items() if not case["expect"]["step"].startswith("reconcile"))


def _refused(case: dict, summary) -> None:
    rendered = summary.render()
    assert not summary.published, rendered
    failures = [s for s in summary.failed_steps if s.startswith(case["expect"]["step"])]
    assert failures, rendered
    for fragment in case["expect"]["contains"]:
        assert any(fragment in failure for failure in failures), f"{fragment!r} not in:\n{rendered}"


def test_the_corpus_is_large_enough_and_documented():
    assert len(CASES) >= 25, sorted(CASES)
    documented = (PROJECT / "docs" / "reliability.md").read_text(encoding="utf-8")
    assert [name for name in CASES if f"| `{name}` |" not in documented] == []
    assert f"| {len(CASES)} of {len(CASES)} (" in documented


def test_every_refusing_step_has_an_end_to_end_case():
    assert {CASES[name]["expect"]["step"] for name in END_TO_END} == {case["expect"]["step"] for case in CASES.values()}


def _apply(case: dict, raw, monkeypatch) -> None:
    apply_case(case, raw)
    if (raw / "opendata" / "files").is_dir():  # an official file edited: the copy's folder is read
        monkeypatch.setenv("AUTONOMY_OPENDATA_DIR", str(opendata_folder(raw)))


@pytest.mark.parametrize("name", STEP_ALONE)
def test_broken_input_is_refused_by_its_step(published_copy, name, monkeypatch):
    case = CASES[name]
    before = published_copy.warehouse.read_bytes()
    _apply(case, published_copy.raw, monkeypatch)
    _refused(case, run_step(case["expect"]["step"]))
    assert published_copy.warehouse.read_bytes() == before


@pytest.mark.e2e
@pytest.mark.parametrize("name", END_TO_END)
def test_broken_input_is_refused_and_nothing_is_published(published_copy, name, monkeypatch):
    case = CASES[name]
    before = published_copy.warehouse.read_bytes()
    _apply(case, published_copy.raw, monkeypatch)
    _refused(case, run_refresh())
    assert published_copy.warehouse.read_bytes() == before
