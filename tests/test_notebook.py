"""notebooks/analyse.ipynb executed with nbclient against the session's published warehouse
(path given to the kernel through AUTONOMY_WAREHOUSE): its answers carry the real figures."""

import hashlib
from pathlib import Path

import duckdb
import nbformat
import pytest
from conftest import PROJECT, plain
from nbclient import NotebookClient

pytestmark = pytest.mark.e2e
NOTEBOOK = PROJECT / "notebooks" / "analyse.ipynb"


def _outputs(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            texts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            texts.append(output.data.get("text/plain", ""))
    return plain("".join(texts))


def test_the_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


def test_the_notebook_answers_its_three_questions_from_the_published_warehouse(published, monkeypatch):
    monkeypatch.setenv("AUTONOMY_WAREHOUSE", str(published.warehouse))
    before = hashlib.sha256(published.warehouse.read_bytes()).hexdigest()
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    # A read-only connection held here: the kernel (another process) could not open the file read-write.
    with duckdb.connect(str(published.warehouse), read_only=True) as con:
        (run_id,) = con.execute("SELECT value FROM meta.refresh WHERE key = 'run_id'").fetchone()
        client = NotebookClient(
            notebook, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOK.parent)}}
        )
        client.execute()
    assert hashlib.sha256(Path(published.warehouse).read_bytes()).hexdigest() == before
    outputs = [_outputs(c) for c in notebook.cells if c.cell_type == "code"]
    everything = "\n".join(outputs)
    assert "Traceback" not in everything
    assert f"exécution {run_id}." in outputs[0]
    # the département: the one the published file was built for (AUTONOMY_DEPARTMENT_CODE, 62 by default)
    assert "Département étudié : Pas-de-Calais (62) ; délibérations chargées : 5." in outputs[0]

    # (a) the five SAD with most hours and their share of the 2025 envelope
    assert "1. FÉDÉRATION ADMR DU PAS-DE-CALAIS (FOUQUIÈRES-LES-BÉTHUNE, fédération de 25 associations) : 1 147 837 h, " \
           "235 835,95 €, soit 26,57 % de l'enveloppe (ligne 127)" in everything  # fmt: skip
    assert "5. AIDE A LA VIE AU DOMICILE (CALAIS) : 204 741 h, 42 066,33 €, soit 4,74 % de l'enveloppe (ligne 120)" in everything
    assert "Les cinq ensemble : 479 152,74 € sur 887 490,00 €, soit 54,0 % de l'enveloppe 2025." in everything
    assert "le plus grand, FÉDÉRATION ADMR DU PAS-DE-CALAIS, reçoit à lui seul 26,6 % de l'enveloppe 2025." in everything

    # (b) Pas-de-Calais against France on MDPH rights per 1000 inhabitants
    assert (
        "Matériel Pédagogique Adapté : 3,6 ‰ dans le Pas-de-Calais contre 1,5 ‰ en France, écart imprimé +140 % "
        "(recalculé +140 %, ligne 361)"
    ) in everything
    assert (
        "RQTH : 53,7 ‰ dans le Pas-de-Calais contre 41,4 ‰ en France, écart imprimé +30 % (recalculé +30 %, ligne 368)"
        in everything
    )
    assert (
        "PCH : 6,7 ‰ dans le Pas-de-Calais contre 7,3 ‰ en France, écart imprimé -8 % (recalculé -8 %, ligne 370)" in everything
    )
    assert "Le Pas-de-Calais ouvre plus de droits que la France pour 11 prestations sur 13." in everything
    assert (
        "Réponse : oui, pour 11 prestations sur 13 ; l'écart le plus fort : Matériel Pédagogique Adapté (+140 %)." in everything
    )

    # (c) the published figures that failed reconciliation, and why
    assert "61 chiffres publiés sur 512 contrôlés ne se rapprochent pas : 0 bloquant(s), 1 accepté(s) après examen." in everything
    assert ("[failed, warning] 002_49f42b73bb0da1f1, ligne 128 :  │ TOTAL │ 4 319 502,00 │ 100,00% │ 887 490,00 € │ "
            "887 490,00 €") in everything  # fmt: skip
    assert "somme des 36 lignes de la colonne : 887 489,98 ; écart -0,02" in everything
    assert "probable erreur de copie" in everything and "moyenne simple des 5 valeurs départementales" in everything
    assert "[acknowledged, warning] 001_ce3718776857736d, ligne 267" in everything

    # (d) the official files: APA per 1000 aged 60+, rank and weighted région and France
    assert (
        "2020 : 103,9 ‰ dans le Pas-de-Calais, rang 5 sur 99 départements (rang 1 dans sa région), contre 81,7 ‰ pour la "
        "région et 72,8 ‰ en France (DREES 1996-2020, INSEE 2023)." in everything
    )
