"""Which assets of the `refresh` job are stale, from the Dagster instance and the input files.

Dagster records on every materialization the asset's code version, its data version and the
data versions of its parents (tags `dagster/code_version`, `dagster/data_version`,
`dagster/input_data_version/<parent>`). An asset is **stale** when
- it was never materialized (or by a release that recorded no versions);
- its code version changed (versions.py; dbt nodes: transform/assets.py);
- it is a loader and its input files changed (its data version is a hash of them: versions.Inputs);
- a parent's data version is not the one it was built from.
The refresh materializes the stale assets and everything downstream of them (the dbt subset by
dbt selection), the checks of what it rebuilds (all reconciliation checks as soon as
marts.reconciliation_checks is rebuilt: they read all of it), then publishes, and rewrites the
reports whose marts it rebuilt (and the index, which dates the publication). A report reads the
published file, so it runs after publishing; but what it shows are the marts it reads (its other
parents, `ReportSpec.reads`, kept complete by tests/test_reports_read_marts_only.py): a new publication made
for other marts leaves it as it is, "Données publiées le" the date of the figures it shows. A
report whose file is missing is rewritten; a published file replaced (a rollback) rewrites them all.

Everything is rebuilt (a "full" plan) when the instance cannot vouch for the work database:
no publish recorded (first run, or an instance of a release without versions), settings that
change what is built differ from the last publish's, or the work database is not the file the
last publish left (a failed or killed refresh wrote into it since, or it was removed; its size and
modification time say so, not its path: a deployment moved or copied with its instance stays
incremental). When in doubt, stale.

"Nothing changed" is answered without loading the definitions when the last refresh run
succeeded with the same state digest (versions.state_digest: code, settings, every input file,
the work and published files in place); else by the full comparison below.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from .common import PLAN_TAG, REFRESH_JOB, REPORTS, REPORTS_INDEX_KEY
from .run_summary import refresh_tags
from .settings import Settings
from .versions import Inputs, file_stamp, hash_cache, project_code_digest, same_file, settings_fingerprint, state_digest

PUBLISH_KEY = dg.AssetKey(["publish", "warehouse"])
DIGEST_TAG = "autonomy/state_digest"
CODE_VERSION_TAG = "dagster/code_version"
DATA_VERSION_TAG = "dagster/data_version"
INPUT_VERSION_TAG = "dagster/input_data_version/"
PARIS = ZoneInfo("Europe/Paris")
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"]


@dataclass(frozen=True)
class LastPublish:
    run_id: str
    timestamp: float
    metadata: dict

    @property
    def when(self) -> str:
        """'6 décembre 2026 à 04:30' (Paris time)."""
        at = datetime.fromtimestamp(self.timestamp, PARIS)
        return f"{at.day} {MONTHS[at.month - 1]} {at.year} à {at:%H:%M}"


@dataclass
class Plan:
    full: bool
    reasons: list[str]  # in French: why everything, or what is stale and why
    stale: dict[dg.AssetKey, str] = field(default_factory=dict)
    run_keys: frozenset[dg.AssetKey] = frozenset()
    check_keys: frozenset[dg.AssetCheckKey] | None = None  # None: every check of the job
    last_publish: LastPublish | None = None
    inputs: dict[str, str] = field(default_factory=dict)
    code: str = ""
    seconds: float = 0.0

    @property
    def nothing_to_do(self) -> bool:
        return not self.full and not self.run_keys

    def nothing_changed_text(self) -> str:
        if self.last_publish is None:
            return "Rien n'a changé : entrepôt et rapports inchangés."
        return (
            f"Rien n'a changé depuis le run {self.last_publish.run_id} du {self.last_publish.when} : "
            "entrepôt et rapports inchangés."
        )

    def run_tags(self, job: dg.JobDefinition) -> dict[str, str]:
        """The tags of the run that carries out this plan (the CLI's, the schedule's, a sensor's):
        the FAP months to load (run_summary.refresh_tags) and the plan, which the dbt step reads."""
        return {**refresh_tags(job), PLAN_TAG: "full" if self.full else "incremental"}

    def describe(self, shown: int = 12) -> list[str]:
        """A few lines for the console: what the refresh is about to do, and why."""
        if self.full:
            return ["Reconstruction complète : " + " ; ".join(self.reasons) + "."]
        lines = [f"Actualisation partielle : {len(self.run_keys)} assets à matérialiser ({len(self.stale)} périmés) :"]
        for key, why in sorted(self.stale.items(), key=lambda kv: kv[0].to_user_string())[:shown]:
            lines.append(f"  - {key.to_user_string()} : {why}")
        if len(self.stale) > shown:
            lines.append(f"  ... et {len(self.stale) - shown} autres")
        return lines


def last_publish(instance: dg.DagsterInstance) -> LastPublish | None:
    entry = instance.get_latest_materialization_event(PUBLISH_KEY)
    if entry is None or entry.asset_materialization is None:
        return None
    metadata = {k: getattr(v, "value", v) for k, v in entry.asset_materialization.metadata.items()}
    return LastPublish(entry.run_id, entry.timestamp, metadata)


def _latest_refresh_run(instance: dg.DagsterInstance) -> dg.DagsterRun | None:
    runs = instance.get_runs(filters=dg.RunsFilter(job_name=REFRESH_JOB), limit=1)
    return runs[0] if runs else None


def quick_check(instance: dg.DagsterInstance, settings: Settings) -> Plan | None:
    """A plan with nothing to do when the last refresh run succeeded with the state digest of
    now (no definition loaded, no DuckDB opened); None: the full comparison must decide."""
    started = time.monotonic()
    cache = hash_cache(settings)
    inputs = Inputs(settings, cache).all()
    cache.save()
    code = project_code_digest()
    run = _latest_refresh_run(instance)
    if run is None or run.status != dg.DagsterRunStatus.SUCCESS:
        return None
    if run.tags.get(DIGEST_TAG) != state_digest(settings, inputs, code):
        return None
    return Plan(False, [], last_publish=last_publish(instance), inputs=inputs, code=code, seconds=time.monotonic() - started)


def record_digest(instance: dg.DagsterInstance, run_id: str, settings: Settings, inputs: dict, code: str) -> None:
    """After a run that succeeded (or a plan that found nothing stale): the state it leaves,
    with the inputs and code as they were planned (a file changed during the run is a change)."""
    instance.add_run_tags(run_id, {DIGEST_TAG: state_digest(settings, inputs, code)})


def _full_reason(publish: LastPublish | None, settings: Settings) -> str | None:
    if publish is None:
        return "aucune publication enregistrée dans l'instance Dagster (premier refresh, ou nouvelle instance)"
    meta = publish.metadata
    if "settings_fingerprint" not in meta:
        return "la dernière publication a été faite par une version précédente, sans versions enregistrées"
    if meta["settings_fingerprint"] != settings_fingerprint(settings):
        return (
            "paramètres modifiés depuis la dernière publication (AUTONOMY_DEPARTMENT_CODE, seuil de diffusion ou variables dbt)"
        )
    if not settings.work_db.exists():
        return f"base de travail absente ({settings.work_db})"
    if not same_file(meta.get("work_db_stamp"), file_stamp(settings.work_db)):
        return (
            "la base de travail a été modifiée depuis la dernière publication (refresh échoué ou interrompu, ou fichier remplacé)"
        )
    return None


def _loader_inputs(keys) -> dict[dg.AssetKey, str]:
    """Loader asset -> the key of its data version in versions.Inputs.all()."""
    from .sources.deliberations.assets import LONG_TABLES
    from .sources.fap.assets import FILES_KEY, LINES_KEY, REGISTRY_KEY

    out = {dg.AssetKey(["raw", "deliberations", name]): "deliberations" for name in LONG_TABLES}
    out.update({REGISTRY_KEY: "fap_registry", LINES_KEY: "fap_exports", FILES_KEY: "fap_exports"})
    out.update({k: f"opendata/{k.path[-1]}" for k in keys if k.path[:2] == ["raw", "opendata"]})
    return out


def _dbt_checks_reading(run_keys: set[dg.AssetKey]) -> set[dg.AssetCheckKey]:
    """The dbt tests (asset checks) that read any model of the run, whichever model carries them:
    a relationships test on a model not rebuilt still checks the rebuilt one."""
    from dagster_dbt.asset_utils import DAGSTER_DBT_UNIQUE_ID_METADATA_KEY

    from .transform.assets import _manifest_index, dbt_models

    unique_ids = {
        dbt_models.get_asset_spec(key).metadata.get(DAGSTER_DBT_UNIQUE_ID_METADATA_KEY): key
        for key in dbt_models.keys
        if key in run_keys
    }
    _, tests = _manifest_index()
    reading = {t["unique_id"] for uid in unique_ids if uid for t in tests.get(uid, [])}
    return {spec.key for spec in dbt_models.check_specs if spec.metadata.get(DAGSTER_DBT_UNIQUE_ID_METADATA_KEY) in reading}


def stale_assets(graph, keys: set[dg.AssetKey], instance: dg.DagsterInstance, inputs: dict[str, str]) -> dict[dg.AssetKey, str]:
    """The assets of `keys` whose own versions are not those of now, each with why (in French).
    Their dependents are not in it (`downstream` adds them). It does not vouch for the work
    database: `plan_refresh` does (the FAP benchmark, which publishes nothing, uses this alone)."""
    entries = {}
    for record in instance.get_asset_records(list(keys)):
        entry = record.asset_entry.last_materialization
        if entry is not None and entry.asset_materialization is not None:
            entries[record.asset_entry.asset_key] = entry.asset_materialization.tags or {}
    loader_inputs = _loader_inputs(keys)
    stale: dict[dg.AssetKey, str] = {}
    for key in sorted(keys):
        tags = entries.get(key)
        node = graph.get(key)
        if tags is None:
            stale[key] = "jamais matérialisé"
        elif tags.get(CODE_VERSION_TAG) != node.code_version:
            stale[key] = "code modifié" if CODE_VERSION_TAG in tags else "matérialisé sans version (version précédente)"
        elif key in loader_inputs and tags.get(DATA_VERSION_TAG) != inputs.get(loader_inputs[key]):
            stale[key] = "fichiers d'entrée modifiés"
        else:
            for parent in sorted(node.parent_keys):
                if parent not in keys:
                    continue  # an external asset (the FAP months): its loader's data version says it
                if parent == PUBLISH_KEY:
                    continue  # an order, not an input: a report is stale when the marts it reads are
                current = (entries.get(parent) or {}).get(DATA_VERSION_TAG)
                if current is None or tags.get(INPUT_VERSION_TAG + parent.to_user_string()) != current:
                    stale[key] = f"{parent.to_user_string()} a changé"
                    break
    return stale


def downstream(graph, keys: set[dg.AssetKey], stale) -> set[dg.AssetKey]:
    """The stale assets and everything downstream of them, within `keys`; past the publish step,
    only the reports whose marts are rebuilt and the index (all of them when the publish step is
    itself stale: the published file was replaced)."""
    run_keys: set[dg.AssetKey] = set()
    todo = list(stale)
    while todo:
        key = todo.pop()
        if key in run_keys or key not in keys:
            continue
        run_keys.add(key)
        if key != PUBLISH_KEY or key in stale:
            todo.extend(graph.get(key).child_keys)
        elif REPORTS_INDEX_KEY in keys:
            todo.append(REPORTS_INDEX_KEY)
    return run_keys


def missing_reports(keys: set[dg.AssetKey], settings: Settings) -> dict[dg.AssetKey, str]:
    """The report assets whose HTML file is not in the reports folder (deleted, or a new folder)."""
    files = {key: settings.reports_dir / f"{key.path[-1]}.html" for key in keys if len(key.path) == 2 and key.path[0] == REPORTS}
    return {key: f"fichier absent ({path})" for key, path in sorted(files.items()) if not path.exists()}


def plan_refresh(defs, instance: dg.DagsterInstance, settings: Settings, full: bool = False) -> Plan:
    """What the next refresh must materialize (see the module's doc). defs: the Definitions, or the
    repository a schedule is evaluated in."""
    from .checks.definitions import defs as reconciliation
    from .checks.rules import MART_KEY

    started = time.monotonic()
    cache = hash_cache(settings)
    inputs = Inputs(settings, cache).all()
    cache.save()
    code = project_code_digest()
    job = defs.resolve_job_def(REFRESH_JOB) if isinstance(defs, dg.Definitions) else defs.get_job(REFRESH_JOB)
    graph = job.asset_layer.asset_graph
    keys = {k for k in graph.materializable_asset_keys}
    publish = last_publish(instance)
    reason = "reconstruction complète demandée (--full)" if full else _full_reason(publish, settings)
    if reason is not None:
        return Plan(True, [reason], run_keys=frozenset(keys), last_publish=publish, inputs=inputs, code=code)

    stale = stale_assets(graph, keys, instance, inputs)
    if not same_file(publish.metadata.get("published_stamp"), file_stamp(settings.warehouse)):
        stale.setdefault(PUBLISH_KEY, "fichier publié remplacé ou absent (rollback ?)")
    for key, why in missing_reports(keys, settings).items():
        stale.setdefault(key, why)

    run_keys = downstream(graph, keys, stale)
    if MART_KEY in run_keys:
        # The reconciliation judges every rule, and each rule's check guards an asset: that asset
        # is rebuilt too (same inputs, same table), so that the dbt step never waits on a check
        # that waits on the dbt step (Dagster orders a blocking check before what reads its asset).
        run_keys |= {ck.asset_key for checks_def in reconciliation.asset_checks for ck in checks_def.check_keys}
    for key in list(run_keys):  # a step that cannot be subset materializes all of its assets
        assets_def = graph.get(key).assets_def
        if not assets_def.can_subset:
            run_keys |= set(assets_def.keys) & keys

    checks: set[dg.AssetCheckKey] = set()
    for assets_def in {graph.get(k).assets_def for k in run_keys}:
        checks |= {ck for ck in assets_def.check_keys if ck.asset_key in run_keys}
    checks |= _dbt_checks_reading(run_keys)
    if MART_KEY in run_keys:  # the reconciliation reads the whole mart: every rule is judged again
        checks |= {ck for checks_def in reconciliation.asset_checks for ck in checks_def.check_keys}
    return Plan(
        False,
        [],
        stale=stale,
        run_keys=frozenset(run_keys),
        check_keys=frozenset(checks),
        last_publish=publish,
        inputs=inputs,
        code=code,
        seconds=time.monotonic() - started,
    )
