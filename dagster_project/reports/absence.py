"""What a report says, in French, when the data it needs is not loaded for the département it is
about: which figures are missing and why (no deliberation gives them, no FAP export is loaded).
The notes go to Report.missing: the page still renders, without a chart that would have no data
and without another département's figures in their place."""

from __future__ import annotations

from ..core.frenchfmt import format_count, format_date
from .framework import Document

NO_DELIBERATION = "Aucune délibération chargée"


def loaded(docs: dict[str, Document]) -> str:
    """Why no loaded deliberation gives a figure: none is loaded, or those loaded do not print it."""
    if not docs:
        return "Le manifeste des délibérations (raw/deliberations/manifest.yml) n'en déclare aucune."
    if len(docs) == 1:
        [doc] = docs.values()
        return f"La seule délibération chargée ({short_citation(doc)}) n'en contient pas."
    return f"Aucune des {format_count(len(docs))} délibérations chargées n'en contient."


def short_citation(doc: Document) -> str:
    """'n°DirA/2023/415 du 9 octobre 2023, Département du Nord'."""
    return f"n°{doc.number} du {format_date(doc.date)}, {doc.collectivity}"


def no_deliberation(docs: dict[str, Document], what: str) -> str:
    """« Aucune délibération chargée ne donne <what>. » and why. `what` is written to follow
    « ne donne »: "d'enveloppe de compensation répartie entre les SAD de la Gironde"."""
    return f"{NO_DELIBERATION} ne donne {what}. {loaded(docs)}"


def no_fap(place: dict) -> str:
    """No FAP monthly export for the département: its FAP marts are empty."""
    return (
        f"Aucun export mensuel de facturation FAP n'est chargé pour les SAD {place['name_of_fr']} : les marts FAP sont "
        "vides pour ce département. Les exports se déposent dans raw/fap/ ; l'échantillon synthétique (make "
        "fap-sample) n'est généré que pour un département dont le registre des SAD (raw/fap/sad_registry.csv) est connu."
    )


def documents_phrase(docs: dict[str, Document], document_ids) -> str:
    """The documents some figures come from, as an intro names them, oldest first:
    'la délibération n°… du … (Département de …), « <its title> »'."""
    chosen = sorted({docs[d] for d in document_ids if d in docs}, key=lambda d: (d.date, d.document_id))
    parts = [
        f"la délibération n°{d.number} du {format_date(d.date)} ({d.collectivity})" + (f", « {d.title} »" if d.title else "")
        for d in chosen
    ]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1] if parts else ""
