"""Shared fixtures: every test that runs the pipeline works on a private copy of raw/ and writes
into temporary paths, never into the project's warehouse or reports."""

from __future__ import annotations

import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[1]
RAW = PROJECT / "raw"
# The official INSEE/DREES/IGN files (issue 13) are never committed: the tests read them where
# the team keeps them, ../shared/opendata beside the checkout (or AUTONOMY_OPENDATA_MIRROR).
OPENDATA = Path(os.environ.get("AUTONOMY_OPENDATA_MIRROR") or PROJECT.parent / "shared" / "opendata").resolve()
# The checkout's Dagster instance config (`make setup` copies it into DAGSTER_HOME): tests run with it.
DEV_INSTANCE_YAML = PROJECT / "deploy" / "dagster.dev.yaml"
DOC_001 = "001_ce3718776857736d"
DOC_002 = "002_49f42b73bb0da1f1"
DOC_004 = "004_fcde17fa10b97a0b"


# Settings a tree's refresh never takes from the environment of the test that starts it: another
# tree's work folder, a fault a reliability test injects, the dbt vars of a what-if. DAGSTER_HOME
# is named apart: some refreshes keep the session's instance, others get their tree's own.
NOT_INHERITED = ("AUTONOMY_WORK_DIR", "AUTONOMY_FAULT", "AUTONOMY_DBT_VARS")


def inherited_environment(*also: str) -> dict[str, str]:
    """os.environ without NOT_INHERITED (and `also`): the base of a tree's process environment."""
    dropped = {*NOT_INHERITED, *also}
    return {k: v for k, v in os.environ.items() if k not in dropped}


def unset_not_inherited(monkeypatch, *also: str) -> None:
    """NOT_INHERITED (and `also`) unset in this process, for the duration of `monkeypatch`."""
    for key in (*NOT_INHERITED, *also):
        monkeypatch.delenv(key, raising=False)


@dataclass
class Paths:
    root: Path
    raw: Path
    warehouse: Path
    reports: Path
    department: str | None = None  # AUTONOMY_DEPARTMENT_CODE of the tree; None: the default (62)
    opendata: Path | None = None  # AUTONOMY_OPENDATA_DIR of the tree; None: OPENDATA, read in place

    @property
    def deliberations(self) -> Path:
        return self.raw / "deliberations"

    @property
    def env(self) -> dict[str, str]:
        env = {
            "AUTONOMY_RAW_DIR": str(self.raw),
            "AUTONOMY_WAREHOUSE": str(self.warehouse),
            "AUTONOMY_REPORTS_DIR": str(self.reports),
            "AUTONOMY_OPENDATA_DIR": str(self.opendata or OPENDATA),
        }
        if self.department is not None:
            env["AUTONOMY_DEPARTMENT_CODE"] = self.department
        return env


def make_paths(root: Path) -> Paths:
    from dagster_project.sources.fap.generate import write_sample

    raw = root / "raw"
    # FAP monthly exports are generated (gitignored): always the deterministic 2024 sample here.
    # raw/opendata/files/ (fetched, git-ignored) is not copied: tests read OPENDATA in place.
    shutil.copytree(RAW, raw, ignore=shutil.ignore_patterns("fap_*.csv", "fap_*.csv.gz", "files"))
    write_sample(raw / "fap", progress=False)
    return Paths(root=root, raw=raw, warehouse=root / "warehouse" / "autonomy.duckdb", reports=root / "reports")


def make_department_paths(root: Path, department: str, documents: tuple[str, ...] = ()) -> Paths:
    """A tree for another deployment: AUTONOMY_DEPARTMENT_CODE=`department`, raw/deliberations/
    holding only `documents` (ids; manifest.yml trimmed to them, catalogue.yml kept: its entries of
    other documents are ignored), or no file at all when none. FAP exports as `make run` makes
    them for that département: the synthetic sample only when the SAD registry knows it."""
    from dagster_project.sources.fap.generate import write_sample

    raw = root / "raw"
    shutil.copytree(RAW, raw, ignore=shutil.ignore_patterns("fap_*.csv", "fap_*.csv.gz", "files", "synthetic_sample.sha256"))
    deliberations = raw / "deliberations"
    if documents:
        import yaml

        manifest = deliberations / "manifest.yml"
        data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
        data["documents"] = [d for d in data["documents"] if d["document_id"] in documents]
        assert {d["document_id"] for d in data["documents"]} == set(documents), documents
        manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for path in deliberations.glob("*.txt"):
            if path.stem not in documents:
                path.unlink()
    else:
        for path in deliberations.iterdir():
            path.unlink()
    write_sample(raw / "fap", department, progress=False)
    return Paths(root, raw, root / "warehouse" / "autonomy.duckdb", root / "reports", department)


@contextmanager
def tree_environment(p: Paths):
    """The tree's settings in the environment, DAGSTER_HOME and the test-only variables unset (a
    refresh then runs in an ephemeral instance), for the duration only."""
    with pytest.MonkeyPatch.context() as mp:
        _use_tree(p, mp)
        yield


def refresh_tree(p: Paths):
    """One refresh of a tree in an ephemeral Dagster instance, its settings in the environment
    for the duration only: (Paths, RefreshSummary)."""
    import dagster as dg

    from dagster_project.refresh import run_refresh

    with tree_environment(p), dg.DagsterInstance.ephemeral() as instance:
        summary = run_refresh(instance=instance)
    return p, summary


def link_opendata(folder: Path) -> Path:
    """A folder of links to the official files (same sub-folders and names as OPENDATA), made on
    first use: a test edits or removes one file of it and leaves the shared folder untouched."""
    if not folder.is_dir():
        for source in sorted(p for p in OPENDATA.rglob("*") if p.is_file() and p.parent != OPENDATA):
            target = folder / source.relative_to(OPENDATA)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(source)
    return folder


def add_fap_month(tree: Paths) -> Paths:
    """A new FAP month in `tree`: January 2025, the lines of December 2024 (a partial refresh of
    the FAP models and what reads them, the reconciliation mart and its checks included)."""
    december = (tree.raw / "fap" / "fap_2024-12.csv").read_text(encoding="utf-8")
    (tree.raw / "fap" / "fap_2025-01.csv").write_text(december.replace("\n2024-12;", "\n2025-01;"), encoding="utf-8")
    return tree


MDPH_BAROMETER = "mdph/ind-296.csv"  # of the publication barometre_mdph_processing_times


def change_official_value(tree: Paths) -> Paths:
    """`tree` reading its official files through links (`link_opendata`, in <root>/opendata), one
    value of the MDPH barometer changed (Ain, not the home département) and that edition's sha256
    in the manifest with it, as for a corrected publication: a partial refresh of one publication,
    the few marts it feeds and the establishments report. The tree's Paths, with its opendata."""
    import dataclasses

    from dagster_project.core.hashing import sha256_of

    opendata = tree.opendata or link_opendata(tree.root / "opendata")
    target = opendata / MDPH_BAROMETER
    text = target.read_text(encoding="utf-8")
    old_sha = sha256_of(target)
    assert "IND-296,D01,2022-06-01,DEPT,3.01," in text
    target.unlink()  # a link to the shared file: replaced by a file of its own
    target.write_text(text.replace("IND-296,D01,2022-06-01,DEPT,3.01,", "IND-296,D01,2022-06-01,DEPT,3.05,", 1), encoding="utf-8")
    manifest = tree.raw / "opendata" / "manifest.yml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(old_sha, sha256_of(target)), encoding="utf-8")
    return dataclasses.replace(tree, opendata=opendata)


BROWSER_ENV = "AUTONOMY_TEST_BROWSER"  # the session's decision, inherited by pytest-xdist workers


def pytest_configure(config):
    """Whether headless Chromium (and its driver) is here is decided ONCE, before any test runs,
    by the main pytest process (xdist workers inherit the decision through the environment):
    a browser installed or removed while the suite runs changes nothing. With CI=true the
    browser is required (.ci/run installs Debian's chromium and chromium-driver)."""
    if not (OPENDATA / "SHA256SUMS").is_file():
        raise pytest.UsageError(
            f"the official open-data files are needed by the tests and are not at {OPENDATA}: put the shared "
            "folder beside the checkout (../shared/opendata) or set AUTONOMY_OPENDATA_MIRROR to a copy"
        )
    if os.environ.get("CI", "").lower() in ("1", "true", "yes") and libreoffice_missing():
        raise pytest.UsageError(f"CI must render the annex's PDF: {libreoffice_missing()}")
    if BROWSER_ENV in os.environ:
        return
    from dagster_project.reports.browser import BrowserMissing, find_browser

    try:
        chromium, driver = find_browser()
        os.environ[BROWSER_ENV] = os.pathsep.join((chromium, driver))
        # the same binaries for every use in the session: the browser check and kaleido's PNGs
        os.environ.update(AUTONOMY_CHROMIUM=chromium, AUTONOMY_CHROMEDRIVER=driver, BROWSER_PATH=chromium)
    except BrowserMissing as exc:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            raise pytest.UsageError(f"CI must check the reports in a browser: {exc}") from exc
        os.environ[BROWSER_ENV] = ""


def session_browser() -> tuple[str, str] | None:
    """(chromium, chromedriver) as decided at the start of the session, or None."""
    value = os.environ.get(BROWSER_ENV, "")
    return tuple(value.split(os.pathsep)) if value else None  # type: ignore[return-value]


# The session-scoped fixtures that build a shared tree (shared_tree: a refresh of 60-100 s that
# the first worker to need it makes while any other worker needing it waits on its lock).
SHARED_TREE_FIXTURES = frozenset(
    {
        "_published_session",
        "published_again",
        "published_gironde",
        "published_corse_du_sud",
        "published_guadeloupe",
        "published_nord",
    }
)


def pytest_collection_modifyitems(config, items):
    """The tests marked `slow` (each runs refreshes of its own, 20-200 s) first: xdist then hands
    them out while both workers have work left, instead of one worker finishing the suite alone on
    a 3-minute test collected last. Within the slow and the other tests: the first test of each
    shared tree leads (its worker builds the tree), then the tests that need no shared tree, then
    the others, each in collection order: the other worker runs tests of its own while the tree is
    built, instead of waiting on its lock (`make test-fast`: 299 of its 501 tests need none)."""
    leaders, seen = set(), set()
    for item in items:
        for tree in sorted(SHARED_TREE_FIXTURES.intersection(item.fixturenames) - seen):
            seen.add(tree)
            leaders.add(item.nodeid)

    def key(item) -> tuple[bool, int]:
        needs_tree = not SHARED_TREE_FIXTURES.isdisjoint(item.fixturenames)
        rank = 0 if item.nodeid in leaders else 2 if needs_tree else 1
        return item.get_closest_marker("slow") is None, rank

    items.sort(key=key)


def libreoffice_missing() -> str | None:
    """Why the annex's PDF cannot be made and looked at here, or None: LibreOffice converts the
    .docx (Debian libreoffice-writer), pdftoppm renders its first page (Debian poppler-utils).
    Required when CI=true (.ci/run installs both)."""
    import shutil

    missing = [
        package
        for package, commands in (("libreoffice-writer", ("soffice", "libreoffice")), ("poppler-utils", ("pdftoppm",)))
        if not any(shutil.which(c) for c in commands)
    ]
    if not missing:
        return None
    return f"not installed: {', '.join(missing)} (apt-get install -y --no-install-recommends {' '.join(missing)})"


@pytest.fixture(scope="session")
def libreoffice() -> None:
    """The annex's PDF tests: skipped without LibreOffice and pdftoppm, never on CI (the session
    refuses to start there without them)."""
    reason = libreoffice_missing()
    if reason:
        pytest.skip(f"the annex's PDF needs LibreOffice and pdftoppm: {reason}")


@pytest.fixture(scope="session")
def browser() -> tuple[str, str]:
    """The session's Chromium and chromedriver; the test is skipped without them (never on CI,
    where the session refuses to start without them)."""
    found = session_browser()
    if found is None:
        pytest.skip("headless Chromium not found at the start of the session (apt-get install -y chromium chromium-driver)")
    return found


@pytest.fixture(scope="session", autouse=True)
def _isolated_environment(tmp_path_factory):
    """Every test starts on its own settings: a session copy of raw/ (FAP sample included),
    temporary warehouse, reports and Dagster home. Nothing reads or writes the checkout's
    raw/fap/, warehouse/, reports/ or .dagster/, whatever `make run` left there."""
    p = make_paths(tmp_path_factory.mktemp("session_defaults"))
    dagster_home = p.root / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(DEV_INSTANCE_YAML, dagster_home / "dagster.yaml")
    with pytest.MonkeyPatch.context() as mp:
        for key, value in p.env.items():
            mp.setenv(key, value)
        mp.setenv("DAGSTER_HOME", str(dagster_home))
        unset_not_inherited(mp)
        yield p


@pytest.fixture(scope="session", autouse=True)
def _dbt_manifest():
    from dagster_project.transform.project import ensure_manifest

    ensure_manifest()  # under a file lock: xdist workers parse at most once between them


@pytest.fixture
def paths(tmp_path, monkeypatch) -> Paths:
    """A private copy of raw/ and temporary output paths, exported to the environment."""
    p = make_paths(tmp_path)
    _use_tree(p, monkeypatch)
    return p


def _shared_base(tmp_path_factory) -> Path:
    """Where the trees every process of the session shares live: under pytest-xdist, the run's
    common base temp (the parent of each worker's own); else this process's base temp."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def shared_tree(tmp_path_factory, name: str, build):
    """`build(folder)` run ONCE per test session, whatever the number of pytest-xdist workers: a
    session-scoped fixture runs once per worker, so with 2 workers a tree both use was refreshed
    twice. The first worker to need it builds it under a file lock in the shared base temp; the
    others wait for the lock and reuse the tree and `build`'s (pickled) result. A build that
    failed is not tried again: every worker reports the first failure. For read-only users only:
    a test that changes a tree works on a copy of it (`published_copy`)."""
    import fcntl
    import pickle

    shared = _shared_base(tmp_path_factory) / "shared_trees"
    shared.mkdir(exist_ok=True)
    folder, outcome_file = shared / name, shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not outcome_file.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                outcome = ("built", build(folder))
            except Exception as exc:
                outcome_file.write_bytes(pickle.dumps(("failed", f"{type(exc).__name__}: {exc}")))
                raise
            outcome_file.write_bytes(pickle.dumps(outcome))
        status, value = pickle.loads(outcome_file.read_bytes())
    if status == "failed":
        pytest.fail(f"the shared tree {name!r} failed to build (in another worker): {value}", pytrace=False)
    return value


def _instance_at(home: Path):
    """The Dagster instance of `home` (its dagster.yaml: the checkout's; its pooled event log finds
    its folder through DAGSTER_HOME, set while it is made)."""
    import dagster as dg

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DAGSTER_HOME", str(home))
        return dg.DagsterInstance.from_config(str(home))


def _build_published(folder: Path):
    """The session's refresh on the real seeds, its run recorded in an on-disk Dagster instance
    (the checkout's instance config) beside the tree, so that every worker can read its events."""
    from dagster_project.refresh import run_refresh

    p = make_paths(folder / "tree")
    instance_dir = folder / "dagster_home"
    instance_dir.mkdir()
    shutil.copy(DEV_INSTANCE_YAML, instance_dir / "dagster.yaml")
    # dbt's log file at debug (not a setting that changes what is built): what the tests read in it
    # (test_dbt_resource: "Partial parsing enabled"), and every SQL statement when one fails.
    with tree_environment(p), pytest.MonkeyPatch.context() as mp, _instance_at(instance_dir) as instance:
        mp.setenv("AUTONOMY_DBT_LOG_LEVEL", "debug")
        summary = run_refresh(instance=instance)
    assert summary.published, summary.render()
    return p, instance_dir, summary


@pytest.fixture(scope="session")
def _published_session(tmp_path_factory):
    """One full refresh on the real seeds for the whole session (all workers), shared by the tests
    that only read its results: its files and, in a Dagster instance on disk, its run (events, metadata)."""
    p, instance_dir, summary = shared_tree(tmp_path_factory, "published", _build_published)
    with _instance_at(instance_dir) as instance:
        yield p, instance, summary, instance_dir


@pytest.fixture(scope="session")
def published(_published_session) -> Paths:
    """One full refresh on the real seeds, shared by the tests that only read its results."""
    return _published_session[0]


@pytest.fixture(scope="session")
def published_run(_published_session):
    """(Dagster instance, RefreshSummary) of the session's refresh: read its events, never write."""
    return _published_session[1], _published_session[2]


def _department_tree(tmp_path_factory, name: str, department: str, documents: tuple[str, ...] = ()):
    """(Paths, RefreshSummary) of a département's tree, refreshed once for the session (shared_tree)."""
    return shared_tree(tmp_path_factory, name, lambda folder: refresh_tree(make_department_paths(folder, department, documents)))


@pytest.fixture(scope="session")
def published_gironde(tmp_path_factory):
    """A refresh for AUTONOMY_DEPARTMENT_CODE=33 (Gironde) with an empty deliberations folder and no
    FAP export (the registry does not know its SAD): official sources only. (Paths, RefreshSummary)."""
    return _department_tree(tmp_path_factory, "gironde", "33")


@pytest.fixture(scope="session")
def published_corse_du_sud(tmp_path_factory):
    """AUTONOMY_DEPARTMENT_CODE=2A (Corse-du-Sud: DREES prints Corsica whole as 20 in some years),
    no deliberation. (Paths, RefreshSummary)."""
    return _department_tree(tmp_path_factory, "corse_du_sud", "2A")


@pytest.fixture(scope="session")
def published_guadeloupe(tmp_path_factory):
    """AUTONOMY_DEPARTMENT_CODE=971 (Guadeloupe: no outline on the metropolitan map), no deliberation.
    (Paths, RefreshSummary)."""
    return _department_tree(tmp_path_factory, "guadeloupe", "971")


@pytest.fixture(scope="session")
def published_nord(tmp_path_factory):
    """Nord's own deployment: AUTONOMY_DEPARTMENT_CODE=59, document 004 alone in the manifest and the
    folder. (Paths, RefreshSummary)."""
    return _department_tree(tmp_path_factory, "nord", "59", (DOC_004,))


@pytest.fixture(scope="module")
def published_con(published):
    """A read-only connection to the session's published warehouse, for tests that only read it."""
    import duckdb

    connection = duckdb.connect(str(published.warehouse), read_only=True)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def con(published_con):
    """The mart tests' name for the session's read-only published connection."""
    return published_con


def plain(text: str) -> str:
    """A figure as reports write it (narrow no-break spaces, U+2212 minus) with ordinary spaces and '-'."""
    from dagster_project.core.frenchfmt import MINUS, THOUSANDS, UNIT_SPACE

    return text.replace(THOUSANDS, " ").replace(UNIT_SPACE, " ").replace(MINUS, "-")


def replace_line(path: Path, line: int, old: str, new: str) -> None:
    """Edit one line of a copied raw file (bytes elsewhere untouched)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], f"{old!r} not in line {line}: {lines[line - 1]!r}"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    path.write_text("\n".join(lines), encoding="utf-8")


def update_manifest_hash(deliberations: Path, document_id: str) -> None:
    """Accept an edited document, as the team would after a corrected publication."""
    from dagster_project.sources.deliberations.manifest import sha256_of

    manifest = deliberations / "manifest.yml"
    text = manifest.read_text(encoding="utf-8")
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.strip() == f"file: {document_id}.txt":
            assert lines[i + 1].strip().startswith("sha256:")
            indent = lines[i + 1][: len(lines[i + 1]) - len(lines[i + 1].lstrip())]
            lines[i + 1] = f"{indent}sha256: {sha256_of(deliberations / f'{document_id}.txt')}"
    manifest.write_text("\n".join(lines), encoding="utf-8")


def seeded_dbt_target(target: Path, names: tuple[str, ...] = ("partial_parse.msgpack",)) -> Path:
    """A new dbt target folder holding the project's saved parse (and the other `names` of
    dbt/target), modification times kept: dbt run there starts from it, as dagster-dbt's new
    target folders do."""
    target.mkdir(parents=True)
    for name in names:  # in this order: the manifest, given last, stays newer than the parse
        if (PROJECT / "dbt" / "target" / name).exists():
            shutil.copy2(PROJECT / "dbt" / "target" / name, target / name)
    return target


def copy_tree(tree: Paths, root: Path) -> Paths:
    """A private copy of a built tree (raw, work database, published file, reports) at `root`."""
    shutil.copytree(tree.root, root)
    return Paths(root=root, raw=root / "raw", warehouse=root / "warehouse" / "autonomy.duckdb", reports=root / "reports")


def copy_deployment(session, folder: Path) -> tuple[Paths, Path]:
    """What `make run` leaves in a checkout, copied into `folder`: the session's tree and the
    Dagster instance its refresh ran in (`_published_session`). (Paths, Dagster home.) The next
    `autonomy refresh` there plans from that instance: a partial refresh of what a test changed."""
    tree, _, _, instance_dir = session
    home = folder / "dagster_home"
    shutil.copytree(instance_dir, home)
    return copy_tree(tree, folder / "tree"), home


def _use_tree(tree: Paths, monkeypatch) -> None:
    """This process refreshes `tree` (its paths in the environment, nothing of another run's)."""
    for key, value in tree.env.items():
        monkeypatch.setenv(key, value)
    unset_not_inherited(monkeypatch, "DAGSTER_HOME")


@pytest.fixture
def published_copy(published, tmp_path, monkeypatch) -> Paths:
    """A private copy of the session's published tree (raw, work database, published file); no
    Dagster instance: its next refresh is a full one."""
    p = copy_tree(published, tmp_path / "copy")
    _use_tree(p, monkeypatch)
    return p


@pytest.fixture
def published_deployment(_published_session, tmp_path, monkeypatch):
    """What `make run` leaves in a checkout, privately (`copy_deployment`), the Dagster instance
    as DAGSTER_HOME. (Paths, Dagster home, RefreshSummary of the session's refresh.) For a test
    whose subject starts after a first refresh."""
    tree, home = copy_deployment(_published_session, tmp_path)
    _use_tree(tree, monkeypatch)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return tree, home, _published_session[2]


@pytest.fixture(scope="session")
def published_again(published, tmp_path_factory):
    """A copy of the session's tree refreshed a second time on the same inputs, once for the
    session (shared_tree): what the tests comparing two consecutive refreshes read (idempotence,
    stable SAD keys), instead of a second refresh each. (Paths, RefreshSummary)."""

    def build(folder: Path):
        from dagster_project.refresh import run_refresh

        p = copy_tree(published, folder / "tree")
        with tree_environment(p):
            return p, run_refresh()

    return shared_tree(tmp_path_factory, "published_again", build)


def run_step(step: str):
    """The refresh job reduced to the one step that refuses the input (same code, same messages
    through the same run summary), without the dbt build, checks, publishing and reports that
    a refused input skips anyway."""
    import dagster as dg

    from dagster_project.definitions import defs
    from dagster_project.run_summary import refresh_tags, summarize
    from dagster_project.warehouse.publish import PUBLISH_KEY

    job = defs.resolve_job_def("refresh")
    keys = {key for a in defs.assets if isinstance(a, dg.AssetsDefinition) and a.node_def.name == step for key in a.keys}
    assert keys, step
    result = job.get_subset(asset_selection=keys).execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, tags=refresh_tags(job),
        run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
    )  # fmt: skip
    return summarize(result.all_events, PUBLISH_KEY)
