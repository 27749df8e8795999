"""The reports the data team publishes, in the order index.html lists them.

A report is listed here (what it shows, which tables it reads) and built by a module with a
`build(con, threshold) -> Report` function. A report without a builder yet is listed on the
index as "à venir", so readers know what to expect.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from . import activite_sad, comparaisons, compensations, enveloppe, etablissements, indicateurs, reconciliation

# Titles name the département the reports are about ({of}, {region_of}); where no warehouse is
# at hand (asset descriptions), they name it generically.
GENERIC_PLACE = {"of": "du département (AUTONOMY_DEPARTMENT_CODE)", "region_of": "de sa région"}


@dataclass(frozen=True)
class ReportSpec:
    slug: str
    title_template: str
    summary: str  # one sentence for the index, in French
    reads: tuple[str, ...]  # asset keys ("schema/table") of the warehouse tables it reads (marts only)
    build: Callable | None = None  # None: not built yet

    @property
    def file_name(self) -> str:
        return f"{self.slug}.html"

    @property
    def title(self) -> str:
        return self.title_template.format(**GENERIC_PLACE)

    def title_for(self, place: dict) -> str:
        """The title naming the département (a row of queries.territory)."""
        return self.title_template.format(of=place["name_of_fr"], region_of=place["region_of_fr"])


REPORTS: tuple[ReportSpec, ...] = (
    ReportSpec(
        indicateurs.SLUG,
        indicateurs.TITLE,
        "Droits MDPH pour 1\u202f000 habitants et surreprésentation par rapport à la France, indicateurs enfance "
        "et adultes des départements de la région avec la référence régionale, population de 75 ans "
        "et plus et sa projection, tels que les délibérations chargées les impriment.",
        (
            "marts/rpt_indicateurs__mdph_rights",
            "marts/rpt_indicateurs__territory_values",
            "marts/indicator_values",
            "marts/indicator_rates",
            "marts/rpt_reports__territories",
            "marts/documents",
        ),
        indicateurs.build,
    ),
    ReportSpec(
        comparaisons.SLUG,
        comparaisons.TITLE,
        "Données officielles DREES et INSEE : carte des départements métropolitains (APA pour 1\u202f000 habitants de 60 ans "
        "ou plus), rangs et position face à la France et à la région pour l'APA, la PCH et l'AAH, séries depuis la "
        "première année publiée, chiffres révisés entre éditions ; table complète des taux en CSV.",
        (
            "marts/rpt_reports__places",
            "marts/rpt_comparaisons__latest_rates",
            "marts/rpt_comparaisons__series",
            "marts/rpt_comparaisons__map",
            "marts/rpt_comparaisons__revisions",
            "marts/rpt_comparaisons__sheets",
            "marts/official_rates",
            "marts/rpt_reports__territories",
        ),
        comparaisons.build,
    ),
    ReportSpec(
        etablissements.SLUG,
        etablissements.TITLE,
        "Données de la CNSA : prix d'hébergement et tarifs dépendance des EHPAD du département face à la région et à "
        "la France, carte des prix médians, évolution d'une édition à l'autre par FINESS ; délais de traitement des "
        "demandes à la MDPH face à la France et à la cible de 2026 (série et carte) ; tables en CSV.",
        (
            "marts/rpt_reports__places",
            "marts/rpt_etablissements__price_distribution",
            "marts/rpt_etablissements__price_map",
            "marts/rpt_etablissements__changes",
            "marts/rpt_etablissements__mdph_series",
            "marts/rpt_etablissements__mdph_map",
            "marts/ehpad_prices",
            "marts/rpt_reports__territories",
        ),
        etablissements.build,
    ),
    ReportSpec(
        activite_sad.SLUG,
        activite_sad.TITLE,
        "Heures facturées par SAD, courbe de concentration (Lorenz), indice de Gini et part des cinq plus grands ; "
        "heures FAP par mois et par prestation, bénéficiaires par SAD.",
        (
            "marts/rpt_activite_sad__hours",
            "marts/sad_activity",
            "marts/sad_activity_summary",
            "marts/rpt_activite_sad__fap_months",
            "marts/rpt_activite_sad__fap_files",
            "marts/rpt_activite_sad__fap_beneficiaries",
            "marts/fap_hours_by_sad_month",
            "marts/fap_beneficiaries_by_sad_month",
            "marts/rpt_reports__territories",
            "marts/documents",
        ),
        activite_sad.build,
    ),
    ReportSpec(
        enveloppe.SLUG,
        enveloppe.TITLE,
        "Répartition par SAD de la dernière enveloppe publiée, évolution par rapport aux montants publiés l'année "
        "précédente, montants de chaque année chargée, et simulation quand elle est configurée.",
        (
            "marts/rpt_enveloppe__envelopes",
            "marts/rpt_enveloppe__allocations",
            "marts/rpt_enveloppe__changes",
            "marts/envelope_allocations",
            "marts/envelopes",
            "marts/sad_envelope_history",
            "marts/rpt_reports__territories",
            "marts/documents",
        ),
        enveloppe.build,
    ),
    ReportSpec(
        compensations.SLUG,
        compensations.CATALOG_TITLE,
        "Annexes des délibérations qui répartissent les montants versés à chaque SAD entre personnes âgées (PA) et "
        "personnes handicapées (PH) : totaux par annexe et montants par SAD ; à défaut, celles d'un département de "
        "comparaison.",
        ("marts/rpt_compensations__annex_rows", "marts/rpt_reports__territories", "marts/documents"),
        compensations.build,
    ),
    ReportSpec(
        reconciliation.SLUG,
        reconciliation.TITLE,
        "Contrôles des chiffres imprimés par délibération, statut et sévérité, puis chaque écart avec le texte de sa "
        "ligne, les valeurs publiée et recalculée, la tolérance et l'explication.",
        ("marts/reconciliation_checks", "marts/document_lines", "marts/documents"),
        reconciliation.build,
    ),
)


def built_reports() -> tuple[ReportSpec, ...]:
    return tuple(spec for spec in REPORTS if spec.build is not None)
