"""The reconciliation suites: one per annex or indicator table, each guarding the asset that carries
that table into the warehouse. Every rule reads printed figures (never a number typed here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import dagster as dg

from .rules import (
    HUNDRED,
    EngineMatchesPrinted,
    Formula,
    ImpliedPopulation,
    MatchingRows,
    RegionalAggregate,
    RowFormula,
    Rule,
    ShareOfTotal,
    TotalRow,
    cell,
    indicator,
    prose,
    row_count,
    total,
)

STAGING_READS = [
    dg.AssetKey(["staging", "stg_deliberations__cells"]),
    dg.AssetKey(["staging", "stg_deliberations__prose_figures"]),
    dg.AssetKey(["staging", "stg_deliberations__catalogue_entries"]),
]


@dataclass
class Suite:
    name: str  # also the GX expectation suite name
    table_id: str  # the catalogue table (or prose group) whose figures are published
    guards: dg.AssetKey
    rules: Sequence[Rule]
    reads: Sequence[dg.AssetKey] = field(default_factory=lambda: list(STAGING_READS))
    description: str = ""


def _staging(model: str) -> dg.AssetKey:
    return dg.AssetKey(["staging", model])


def _sum(*values: Decimal) -> Decimal:
    return sum(values, Decimal(0))


def _pct_of(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole * HUNDRED


def _amounts_sum(table: str, parts: Sequence[str], measure: str, name: str) -> RowFormula:
    return RowFormula(
        name=name, measure=measure, inputs=list(parts), formula=_sum, missing_as_zero=True,
        formula_desc=" + ".join(f"« {p} »" for p in parts) + " (part vide comptée zéro)",
    )


NORD_PA, NORD_PH = "elderly_pa_eur", "disabled_ph_eur"
NORD_ANNEXES = (
    "nord_annex1_salary_compensation_2022",
    "nord_annex4_quality_complement_2023",
    "nord_annex5_first_cpom_2023",
)

ALLOCATION_VS_ANNEX = """
-- Our allocation of every envelope that has a hours basis against the amount printed for the
-- same SAD in the annex, and our total against the printed TOTAL row.
WITH printed AS (
    SELECT f.city, f.sad_name, f.is_total, c.document_id, c.source_line, c.table_id,
           c.column_header, c.printed_decimals, c.column_name
    FROM staging.stg_pdc_cp_2025_541__fap_annex f
    JOIN staging.stg_deliberations__cells c
      ON c.document_id = f.document_id AND c.source_line = f.source_line
)
SELECT a.amount_published_eur, a.amount_computed_eur, p.document_id, p.source_line, p.table_id,
       p.column_header, a.city || ' / ' || a.sad_name, p.printed_decimals
FROM marts.envelope_allocations a
JOIN printed p ON p.city = a.city AND p.sad_name = a.sad_name AND NOT p.is_total
              AND p.column_name = 'envelope_' || a.year || '_eur'
WHERE a.hours_basis IS NOT NULL AND a.amount_published_eur IS NOT NULL
UNION ALL
SELECT max(p.printed_value), sum(a.amount_computed_eur), p.document_id, p.source_line, p.table_id,
       p.column_header, 'TOTAL', p.printed_decimals
FROM marts.envelope_allocations a
JOIN (SELECT printed.*, c.value AS printed_value FROM printed
      JOIN staging.stg_deliberations__cells c USING (document_id, source_line, column_name)
      WHERE printed.is_total) p
  ON p.column_name = 'envelope_' || a.year || '_eur'
WHERE a.hours_basis IS NOT NULL AND a.amount_published_eur IS NOT NULL
GROUP BY ALL
ORDER BY 4
"""

FAP_HOURS_VS_ANNEX = """
-- The APA hours we aggregate from the monthly FAP billing lines against the hours printed for
-- the same SAD in the annex (matched through the SAD registry), and our total against TOTAL.
SELECT f.annex_apa_hours, f.fap_apa_hours, f.document_id, f.source_line, c.table_id, c.column_header,
       coalesce(f.city || ' / ', '') || f.sad_name, c.printed_decimals
FROM marts.fap_annex_hours_comparison f
JOIN staging.stg_deliberations__cells c
  ON c.document_id = f.document_id AND c.source_line = f.source_line AND c.column_name = 'apa_hours_2024'
ORDER BY f.source_line
"""

SUITES: list[Suite] = [
    # ------------------------------------------------------------------ 001: ARS indicator tables
    Suite(
        "pa_indicators", "pa_indicators", _staging("stg_pdc_cp_2026_150__pa_indicators"),
        description="Indicateurs « Personnes Âgées » du Pas-de-Calais (délibération n°2026-150)",
        rules=[
            Formula(
                "apa_per_1000_60plus", indicator("pa_indicators", "apa_per_1000_60plus"),
                [indicator("pa_indicators", "apa_home_per_1000_60plus"), indicator("pa_indicators", "apa_institution_per_1000_60plus")],
                _sum, "APA à domicile + APA en établissement pour 1000 habitants de 60 ans et plus", kind="derived_column",
            ),
            Formula(
                "apa_home_share", indicator("pa_indicators", "apa_home_share"),
                [indicator("pa_indicators", "apa_home_per_1000_60plus"), indicator("pa_indicators", "apa_institution_per_1000_60plus")],
                lambda home, inst: home / (home + inst) * HUNDRED,
                "APA à domicile / (domicile + établissement) × 100", kind="derived_column",
            ),
            Formula(
                "pop_75plus_change_2024_2030", indicator("pa_indicators", "pop_75plus_change_2024_2030"),
                [indicator("pa_indicators", "pop_75plus_2030"), indicator("pa_indicators", "pop_75plus")],
                lambda y2030, y2024: y2030 - y2024, "population de 75 ans et plus en 2030 − en 2024", kind="derived_column",
            ),
            Formula(
                "pop_75plus_growth_2024_2030", indicator("pa_indicators", "pop_75plus_growth_2024_2030"),
                [indicator("pa_indicators", "pop_75plus_2030"), indicator("pa_indicators", "pop_75plus")],
                lambda y2030, y2024: (y2030 / y2024 - 1) * HUNDRED,
                "évolution en pourcentage : (population 2030 / population 2024 − 1) × 100", kind="derived_column",
            ),
            Formula(
                "pop_75plus_share", indicator("pa_indicators", "pop_75plus_share"),
                [indicator("pa_indicators", "pop_75plus"), cell("hdf_children", "pop_0_19", "Pas-de-Calais"),
                 cell("hdf_adults", "pop_20_59", "Pas-de-Calais"), cell("hdf_adults", "pop_60plus", "Pas-de-Calais")],
                lambda p75, p0, p20, p60: p75 / (p0 + p20 + p60) * HUNDRED,
                "population de 75 ans et plus / population totale du tableau Hauts-de-France (0-19 + 20-59 + 60 et +) × 100",
            ),
            Formula(
                "apa_home_coverage_60plus", prose("apa_home_coverage_60plus"),
                [indicator("pa_indicators", "apa_home_per_1000_60plus")],
                lambda per_1000: per_1000 / 10,
                "bénéficiaires de l'APA à domicile pour 1000 habitants de 60 ans et plus (DREES 2022) / 10",
            ),
        ],
    ),
    Suite(
        "ph_indicators", "ph_indicators", _staging("stg_pdc_cp_2026_150__ph_indicators"),
        description="Indicateurs « Personnes en situation de Handicap » du Pas-de-Calais (délibération n°2026-150)",
        rules=[
            Formula(
                "severe_limitation_5_59", indicator("ph_indicators", "severe_limitation_5_59"),
                [indicator("ph_indicators", "severe_limitation_5_25"), indicator("ph_indicators", "severe_limitation_26_59")],
                _sum, "personnes de 5 à 25 ans + de 26 à 59 ans en limitation sévère", kind="derived_column",
            ),
        ],
    ),
    Suite(
        "hdf_children", "hdf_children", _staging("stg_pdc_cp_2026_150__hdf_children"),
        description="Indicateurs enfance par département des Hauts-de-France (délibération n°2026-150)",
        rules=[
            TotalRow([
                "pop_0_19", "pop_0_19_regional_share_pct", "pop_0_6", "pop_0_6_regional_share_pct",
                "aeeh_allocataires_0_19", "drl_children_eur", "drl_children_regional_share_pct",
                "ase_children", "ase_children_regional_share_pct",
            ]),
            ShareOfTotal("pop_0_19_regional_share_pct", "pop_0_19"),
            ShareOfTotal("pop_0_6_regional_share_pct", "pop_0_6"),
            ShareOfTotal("drl_children_regional_share_pct", "drl_children_eur"),
            ShareOfTotal("ase_children_regional_share_pct", "ase_children"),
            RowFormula("aeeh_rate_0_19_pct", "aeeh_rate_0_19_pct", ["aeeh_allocataires_0_19", "pop_0_19"], _pct_of,
                       "allocataires AEEH 0-19 ans / population 0-19 ans × 100"),
            RowFormula("drl_children_eur_per_inhabitant_0_19", "drl_children_eur_per_inhabitant_0_19", ["drl_children_eur", "pop_0_19"],
                       lambda drl, pop: drl / pop, "DRL enfants / population 0-19 ans"),
            RowFormula("drl_children_eur_per_aeeh_allocataire", "drl_children_eur_per_aeeh_allocataire", ["drl_children_eur", "aeeh_allocataires_0_19"],
                       lambda drl, n: drl / n, "DRL enfants / allocataires AEEH"),
            RegionalAggregate("aeeh_rate_0_19_pct", ["aeeh_allocataires_0_19"], ["pop_0_19"], HUNDRED),
            RegionalAggregate("drl_children_eur_per_inhabitant_0_19", ["drl_children_eur"], ["pop_0_19"], Decimal(1)),
            RegionalAggregate("drl_children_eur_per_aeeh_allocataire", ["drl_children_eur"], ["aeeh_allocataires_0_19"], Decimal(1)),
        ],
    ),
    Suite(
        "hdf_adults", "hdf_adults", _staging("stg_pdc_cp_2026_150__hdf_adults"),
        description="Indicateurs adultes par département des Hauts-de-France (délibération n°2026-150)",
        rules=[
            TotalRow(["pop_20_59", "pop_20_59_regional_share_pct", "pop_60plus", "pop_60plus_regional_share_pct", "drl_adults_eur"]),
            ShareOfTotal("pop_20_59_regional_share_pct", "pop_20_59"),
            ShareOfTotal("pop_60plus_regional_share_pct", "pop_60plus"),
            RowFormula("drl_adults_eur_per_inhabitant_20plus", "drl_adults_eur_per_inhabitant_20plus", ["drl_adults_eur", "pop_20_59", "pop_60plus"],
                       lambda drl, a, b: drl / (a + b), "DRL adultes / (population 20-59 ans + 60 ans et plus)"),
            RegionalAggregate("drl_adults_eur_per_inhabitant_20plus", ["drl_adults_eur"], ["pop_20_59", "pop_60plus"], Decimal(1)),
            # The AAH rate's denominator is not printed: weight the départements' rates by their 20-59 population.
            RegionalAggregate("aah_rate_pct", None, ["pop_20_59"], HUNDRED),
        ],
    ),
    Suite(
        "mdph_rights", "mdph_rights", _staging("stg_pdc_cp_2026_150__mdph_rights"),
        description="Droits ouverts MDPH pour 1000 habitants, France et Pas-de-Calais (délibération n°2026-150)",
        rules=[
            ImpliedPopulation("rights_per_1000_france", "rights_per_1000_france", "rights_open_france"),
            ImpliedPopulation("rights_per_1000_pas_de_calais", "rights_per_1000_pas_de_calais", "rights_open_pas_de_calais"),
            RowFormula("overrepresentation_pct", "overrepresentation_pct", ["rights_per_1000_pas_de_calais", "rights_per_1000_france"],
                       lambda local, national: (local / national - 1) * HUNDRED,
                       "(droits pour 1000 Pas-de-Calais / droits pour 1000 France − 1) × 100"),
            Formula(
                "mdph_right_holders_share", prose("mdph_right_holders_share"),
                [prose("mdph_right_holders"), cell("hdf_children", "pop_0_19", "Pas-de-Calais"),
                 cell("hdf_adults", "pop_20_59", "Pas-de-Calais"), cell("hdf_adults", "pop_60plus", "Pas-de-Calais")],
                lambda holders, p0, p20, p60: holders / (p0 + p20 + p60) * HUNDRED,
                "bénéficiaires d'un droit ouvert à la MDPH / population totale du tableau Hauts-de-France × 100",
            ),
        ],
    ),
    # ------------------------------------------------------------------ 002: FAP annex and budget
    Suite(
        "fap_annex", "fap_annex", _staging("stg_pdc_cp_2025_541__fap_annex"),
        description="Annexe 1 de la délibération n°2025-541 : activité APA 2024 et enveloppe par SAD",
        rules=[
            TotalRow(["apa_hours_2024", "activity_share_2024_pct", "envelope_2024_eur", "envelope_2025_eur"]),
            ShareOfTotal("activity_share_2024_pct", "apa_hours_2024"),
            Formula("envelope_2025_decision", prose("envelope_2025_decision_eur"), [total("fap_annex", "envelope_2025_eur")],
                    lambda annex: annex, "total de l'annexe 1, répartition de l'enveloppe 2025"),
            Formula("envelope_2025_report", prose("envelope_2025_report_eur"), [total("fap_annex", "envelope_2025_eur")],
                    lambda annex: annex, "total de l'annexe 1, répartition de l'enveloppe 2025"),
            Formula("envelope_2025_funds", prose("envelope_2025_report_funds_eur"), [total("fap_annex", "envelope_2025_eur")],
                    lambda annex: annex, "total de l'annexe 1, répartition de l'enveloppe 2025"),
            Formula("envelope_2025_split", prose("envelope_2025_split_eur"), [total("fap_annex", "envelope_2025_eur")],
                    lambda annex: annex, "total de l'annexe 1, répartition de l'enveloppe 2025"),
            Formula("admr_hours", prose("admr_hours_2024"), [cell("fap_annex", "apa_hours_2024", "FOUQUIÈRES-LES-BÉTHUNE / FÉDÉRATION ADMR DU PAS-DE-CALAIS")],
                    lambda hours: hours, "heures de la ligne « FÉDÉRATION ADMR DU PAS-DE-CALAIS » de l'annexe 1"),
            Formula("admr_grant_2025", prose("admr_grant_2025_eur"), [cell("fap_annex", "envelope_2025_eur", "FOUQUIÈRES-LES-BÉTHUNE / FÉDÉRATION ADMR DU PAS-DE-CALAIS")],
                    lambda amount: amount, "montant 2025 de la ligne ADMR de l'annexe 1"),
            Formula("admr_associations", prose("admr_hours_associations"), [prose("admr_associations")],
                    lambda count: count, "nombre d'associations couvertes par l'autorisation de la fédération ADMR"),
            Formula("eligible_services", row_count("fap_annex"), [prose("eligible_tariffed_services"), prose("eligible_untariffed_services")],
                    _sum, "SAD tarifés éligibles + SAD non tarifés appliquant la BAD (rapport)"),
        ],
    ),
    Suite(
        "envelope_allocation", "fap_annex", dg.AssetKey(["marts", "envelope_allocations"]),
        description="Notre répartition de l'enveloppe au prorata des heures, au centime, contre l'annexe publiée",
        reads=[*STAGING_READS, _staging("stg_pdc_cp_2025_541__fap_annex")],
        rules=[
            EngineMatchesPrinted(
                "allocation_per_sad", ALLOCATION_VS_ANNEX,
                "notre répartition de l'enveloppe au prorata des heures de l'annexe (arrondi au centime, "
                "plus forts restes)",
                description="Montant calculé par SAD (et total) = montant imprimé dans l'annexe, au centime",
            ),
        ],
    ),
    Suite(
        "fap_hours", "fap_annex", dg.AssetKey(["marts", "fap_annex_hours_comparison"]),
        description="Les heures APA facturées dans FAP (lignes mensuelles) contre les heures de l'annexe publiée",
        reads=[*STAGING_READS],
        rules=[
            EngineMatchesPrinted(
                "hours_per_sad", FAP_HOURS_VS_ANNEX,
                "somme des heures APA facturées de l'année dans les exports mensuels FAP",
                description="Heures APA FAP de l'année par SAD (et total) = heures imprimées dans l'annexe, au centième",
            ),
        ],
    ),
    Suite(
        "budget_2025_541", "budget_report_2025_541", _staging("stg_pdc_cp_2025_541__budget_report"),
        description="Imputation budgétaire de la délibération n°2025-541 (décision et rapport)",
        rules=[
            RowFormula("balance_eur", "balance_eur", ["available_eur", "proposed_eur"], lambda available, proposed: available - proposed,
                       "disponible − proposition"),
            Formula("proposed_vs_annex", cell("budget_report_2025_541", "proposed_eur", "C02-431A01 / 6511411/93431 / APA à domicile -Prestataires associations"),
                    [total("fap_annex", "envelope_2025_eur")], lambda annex: annex, "total de l'annexe 1 (enveloppe 2025) que la proposition finance"),
            Formula("expense_vs_annex", cell("budget_decision_2025_541", "expense_eur", "C02-431A01 / 6511411/93431 / APA à domicile -Prestataires associations"),
                    [total("fap_annex", "envelope_2025_eur")], lambda annex: annex, "total de l'annexe 1 (enveloppe 2025) que la dépense finance"),
            Formula("credits_decision_vs_report", cell("budget_decision_2025_541", "credits_eur", "C02-431A01 / 6511411/93431 / APA à domicile -Prestataires associations"),
                    [cell("budget_report_2025_541", "credits_eur", "C02-431A01 / 6511411/93431 / APA à domicile -Prestataires associations")],
                    lambda credits: credits, "crédits de paiement imprimés dans le rapport"),
        ],
    ),
    # ------------------------------------------------------------------ 004: Nord annexes and budget
    Suite(
        "nord_annex1", "nord_annex1_salary_compensation_2022", _staging("stg_nord_cd_2023_dira_415__annex1_salary_compensation_2022"),
        description="Annexe 1 du Nord : compléments de compensation salariale 2022 par SAD",
        rules=[
            TotalRow(["amount_eur", NORD_PA, NORD_PH]),
            _amounts_sum("nord_annex1_salary_compensation_2022", [NORD_PA, NORD_PH], "amount_eur", "amount_eur"),
            Formula("annex_total_in_report", prose("annex1_total_eur"), [total("nord_annex1_salary_compensation_2022", "amount_eur")],
                    lambda annex: annex, "total imprimé de l'annexe 1"),
            Formula("sad_count_in_report", prose("annex1_sad_count"), [row_count("nord_annex1_salary_compensation_2022")],
                    lambda n: n, "nombre de SAD de l'annexe 1"),
        ],
    ),
    Suite(
        "nord_annex4", "nord_annex4_quality_complement_2023", _staging("stg_nord_cd_2023_dira_415__annex4_quality_complement_2023"),
        description="Annexe 4 du Nord : compléments de dotation qualité 2023 par SAD",
        rules=[
            TotalRow(["amount_eur", NORD_PA, NORD_PH]),
            _amounts_sum("nord_annex4_quality_complement_2023", [NORD_PA, NORD_PH], "amount_eur", "amount_eur"),
            Formula("annex_total_in_report", prose("annex4_total_eur"), [total("nord_annex4_quality_complement_2023", "amount_eur")],
                    lambda annex: annex, "total imprimé de l'annexe 4"),
            Formula("sad_count_in_report", prose("annex4_sad_count"), [row_count("nord_annex4_quality_complement_2023")],
                    lambda n: n, "nombre de SAD de l'annexe 4"),
        ],
    ),
    Suite(
        "nord_annex5_first_cpom", "nord_annex5_first_cpom_2023", _staging("stg_nord_cd_2023_dira_415__annex5_first_cpom_2023"),
        description="Annexe 5 du Nord : dotations qualité 2023, premiers CPOM",
        rules=[
            TotalRow(["amount_eur", NORD_PA, NORD_PH]),
            _amounts_sum("nord_annex5_first_cpom_2023", [NORD_PA, NORD_PH], "amount_eur", "amount_eur"),
            Formula("sad_count_in_report", prose("annex5_sad_count"),
                    [row_count("nord_annex5_first_cpom_2023"), row_count("nord_annex5_renewed_cpom_2023")],
                    _sum, "SAD de l'annexe 5 : premiers CPOM + CPOM renouvelés"),
        ],
    ),
    Suite(
        "nord_annex5_renewed_cpom", "nord_annex5_renewed_cpom_2023", _staging("stg_nord_cd_2023_dira_415__annex5_renewed_cpom_2023"),
        description="Annexe 5 du Nord : dotations qualité 2023, CPOM renouvelés (déjà versé / reste à verser)",
        rules=[
            TotalRow(["still_to_pay_eur", NORD_PA, NORD_PH]),
            _amounts_sum("nord_annex5_renewed_cpom_2023", ["already_paid_eur", "still_to_pay_eur"], "amount_eur", "amount_eur"),
            _amounts_sum("nord_annex5_renewed_cpom_2023", [NORD_PA, NORD_PH], "still_to_pay_eur", "still_to_pay_eur"),
            Formula("renewed_sad_count_in_report", prose("annex5_renewed_sad_count"), [row_count("nord_annex5_renewed_cpom_2023")],
                    lambda n: n, "nombre de SAD à CPOM renouvelé de l'annexe 5"),
        ],
    ),
    Suite(
        "nord_budget", "nord_budget_2023", _staging("stg_nord_cd_2023_dira_415__budget"),
        description="Engagements proposés du Nord par opération, rapprochés des totaux des annexes qu'ils financent",
        rules=[
            Formula("salary_compensation_pa", cell("nord_budget_2023", "proposed_eur", "13005OP001 / 13005E01"),
                    [total("nord_annex1_salary_compensation_2022", NORD_PA)], lambda pa: pa, "total PA de l'annexe 1"),
            Formula("salary_compensation_ph", cell("nord_budget_2023", "proposed_eur", "14007OP001 / 14007E01"),
                    [total("nord_annex1_salary_compensation_2022", NORD_PH)], lambda ph: ph, "total PH de l'annexe 1"),
            Formula("quality_grants_pa", cell("nord_budget_2023", "proposed_eur", "13001OP004 / 13001E01"),
                    [total("nord_annex4_quality_complement_2023", NORD_PA), total("nord_annex5_first_cpom_2023", NORD_PA),
                     total("nord_annex5_renewed_cpom_2023", NORD_PA)],
                    _sum, "totaux PA des annexes 4 et 5 (premiers CPOM + CPOM renouvelés)"),
            Formula("quality_grants_ph", cell("nord_budget_2023", "proposed_eur", "14001OP004 / 14001E01"),
                    [total("nord_annex4_quality_complement_2023", NORD_PH), total("nord_annex5_first_cpom_2023", NORD_PH),
                     total("nord_annex5_renewed_cpom_2023", NORD_PH)],
                    _sum, "totaux PH des annexes 4 et 5 (premiers CPOM + CPOM renouvelés)"),
        ],
    ),
    Suite(
        "nord_cpom_bonus_rates", "nord_cpom_quality_bonus_rates", _staging("stg_nord_cd_2023_dira_415__cpom_quality_bonus_rates"),
        description="Bonifications horaires par action qualité : modèle de CPOM et modèle d'avenant",
        rules=[MatchingRows("bonus_eur_per_hour", "bonus_eur_per_hour", "nord_cpom_amendment_quality_bonus_rates")],
    ),
    Suite(
        "nord_compensation_rules", "nord_compensation_rules", _staging("stg_deliberations__prose_figures"),
        description="Règles de compensation du Nord (4,10 €/h, 50 % CNSA dans la limite de 2,05 €/h) et vote",
        rules=[
            Formula("cnsa_cap", prose("cnsa_cap_eur_per_hour"), [prose("compensation_eur_per_hour"), prose("cnsa_share_pct")],
                    lambda rate, share: rate * share / HUNDRED, "compensation par heure × part CNSA", kind="derived_column"),
            Formula("report_rate", prose("report_compensation_eur_per_hour"), [prose("compensation_eur_per_hour")],
                    lambda rate: rate, "compensation par heure imprimée dans les avenants"),
            Formula("report_share", prose("report_cnsa_share_pct"), [prose("cnsa_share_pct")],
                    lambda share: share, "part CNSA imprimée dans les avenants"),
            Formula("votes_expressed", prose("votes_nord_expressed"), [prose("votes_nord_for"), prose("votes_nord_against")],
                    _sum, "voix pour + voix contre", kind="derived_column"),
            Formula("votes_cast", prose("votes_nord_voting"), [prose("votes_nord_present"), prose("votes_nord_proxies")],
                    _sum, "conseillers présents au moment du vote + procurations", kind="derived_column"),
            Formula("votes_majority", prose("votes_nord_majority"), [prose("votes_nord_expressed")],
                    lambda expressed: (expressed / 2).to_integral_value(rounding="ROUND_FLOOR") + 1,
                    "moitié des suffrages exprimés arrondie à l'entier inférieur + 1", kind="derived_column"),
        ],
    ),
    # ------------------------------------------------------------------ 000: CNSA convention (prose)
    Suite(
        "cnsa_si_apa_convention", "cnsa_si_apa_convention", _staging("stg_deliberations__prose_figures"),
        description="Convention CNSA système d'information APA : montant et échéancier 60/20/20",
        rules=[
            Formula("convention_amount", prose("si_apa_convention_amount_eur"), [prose("si_apa_cnsa_contribution_eur")],
                    lambda amount: amount, "montant de l'accompagnement CNSA dans la délibération (article 2)"),
            Formula("receipt", prose("si_apa_receipt_eur"), [prose("si_apa_cnsa_contribution_eur")],
                    lambda amount: amount, "montant de l'accompagnement CNSA (article 2)"),
            Formula("report_proposal", prose("si_apa_report_proposed_eur"), [prose("si_apa_cnsa_contribution_eur")],
                    lambda amount: amount, "montant de l'accompagnement CNSA (article 2)"),
            Formula("first_instalment", prose("si_apa_first_instalment_eur"), [prose("si_apa_first_instalment_pct"), prose("si_apa_cnsa_contribution_eur")],
                    lambda pct, amount: amount * pct / HUNDRED, "part de l'acompte × montant de la convention", kind="derived_column"),
            Formula("second_instalment", prose("si_apa_second_instalment_eur"), [prose("si_apa_second_instalment_pct"), prose("si_apa_cnsa_contribution_eur")],
                    lambda pct, amount: amount * pct / HUNDRED, "part du versement complémentaire × montant", kind="derived_column"),
            Formula("balance", prose("si_apa_balance_eur"), [prose("si_apa_balance_pct"), prose("si_apa_cnsa_contribution_eur")],
                    lambda pct, amount: amount * pct / HUNDRED, "part du solde × montant", kind="derived_column"),
            Formula("schedule_total", prose("si_apa_cnsa_contribution_eur"),
                    [prose("si_apa_first_instalment_eur"), prose("si_apa_second_instalment_eur"), prose("si_apa_balance_eur")],
                    _sum, "acompte + versement complémentaire + solde", kind="derived_column"),
        ],
    ),
    Suite(
        "cnsa_grants_2026_150", "cnsa_grants_2026_150", _staging("stg_deliberations__prose_figures"),
        description="Crédits CNSA cités deux fois dans la convention 2025-2028",
        rules=[
            Formula("ami_amount", prose("ami_cnsa_action_plan_eur"), [prose("ami_cnsa_governance_eur")],
                    lambda amount: amount, "montant de l'AMI CNSA cité pour la gouvernance"),
        ],
    ),
]
