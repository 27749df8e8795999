"""The reports the data team publishes, in the order index.html lists them.

A report is listed here (what it shows, which tables it reads) and built by a module with a
`build(con, threshold) -> Report` function. A report without a builder yet is listed on the
index as "à venir", so readers know what to expect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import activite_sad, compensations_nord, enveloppe, indicateurs, reconciliation
from .queries import NORD_ANNEXES


@dataclass(frozen=True)
class ReportSpec:
    slug: str
    title: str
    summary: str  # one sentence for the index, in French
    reads: tuple[str, ...]  # asset keys ("schema/table") of the warehouse tables it reads
    build: Callable | None = None  # None: not built yet

    @property
    def file_name(self) -> str:
        return f"{self.slug}.html"


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        indicateurs.SLUG,
        indicateurs.TITLE,
        "Droits MDPH pour 1\u202f000 habitants et surreprésentation par rapport à la France, indicateurs enfance "
        "et adultes des départements des Hauts-de-France avec la référence régionale, population de 75 ans "
        "et plus de 2024 à 2030.",
        ("marts/indicator_values", "staging/stg_deliberations__documents", "reference/territories"),
        indicateurs.build,
    ),
    ReportSpec(
        activite_sad.SLUG,
        activite_sad.TITLE,
        "Heures facturées par SAD, courbe de concentration (Lorenz), indice de Gini et part des cinq plus grands ; "
        "heures FAP par mois et par prestation, bénéficiaires par SAD.",
        (
            "marts/sad_activity", "marts/sad_activity_summary", "reference/sad_federations",
            "staging/stg_deliberations__prose_figures", "staging/stg_deliberations__catalogue_entries",
            "staging/stg_deliberations__documents", "marts/fap_hours_by_sad_month",
            "marts/fap_beneficiaries_by_sad_month", "staging/stg_fap__files",
        ),
        activite_sad.build,
    ),
    ReportSpec(
        enveloppe.SLUG,
        enveloppe.TITLE,
        "Répartition 2025 par SAD, évolution par rapport aux montants et parts 2024 publiés, et simulation quand elle "
        "est configurée.",
        ("marts/envelope_allocations", "marts/envelopes", "marts/sad_activity", "staging/stg_deliberations__documents"),
        enveloppe.build,
    ),
    ReportSpec(
        compensations_nord.SLUG,
        compensations_nord.TITLE,
        "Répartition PA / PH des compensations 2022 et des dotations qualité 2023, par annexe et par SAD.",
        (*(f"staging/{model}" for model, *_ in NORD_ANNEXES.values()), "staging/stg_deliberations__documents"),
        compensations_nord.build,
    ),
    ReportSpec(
        reconciliation.SLUG,
        reconciliation.TITLE,
        "Contrôles des chiffres imprimés par délibération, statut et sévérité, puis chaque écart avec le texte de sa "
        "ligne, les valeurs publiée et recalculée, la tolérance et l'explication.",
        ("marts/reconciliation_checks", "raw/deliberations/document_lines", "staging/stg_deliberations__documents"),
        reconciliation.build,
    ),
)


def built_reports() -> tuple[ReportSpec, ...]:
    return tuple(spec for spec in REPORTS if spec.build is not None)
