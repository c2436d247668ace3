"""Demo experiments: realistic plans across jurisdictions, with synthetic data (numpy, seeded).

Each published experiment goes through the real workflow: plan → registration → randomization
of a generated units file → outcome data drawn from that assignment → analysis by
carrefour.stats (run synchronously here) → publication with a verdict. Null and negative
results are included, so the evidence pages pool real numbers.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from carrefour.declarations import commitments as commitment_links
from carrefour.directory.models import Jurisdiction, Team, User
from carrefour.experiments import services
from carrefour.experiments.models import Experiment
from carrefour.portfolio import selectors as portfolio_selectors

ARMS_2 = [
    {"label": "control", "name_en": "Current practice", "name_fr": "Pratique actuelle", "allocation": 1},
    {"label": "treatment", "name_en": "New approach", "name_fr": "Nouvelle approche", "allocation": 1},
]


def _arms(en: str, fr: str) -> list[dict[str, Any]]:
    return [ARMS_2[0], {**ARMS_2[1], "name_en": en, "name_fr": fr}]


def _outcome(column: str, en: str, fr: str, kind: str = "binary", primary: bool = True) -> dict[str, Any]:
    return {"column": column, "label_en": en, "label_fr": fr, "kind": kind, "primary": primary}


EXPERIMENTS: list[dict[str, Any]] = [
    {
        "title_en": "Reminder letters for on-time tax payment",
        "title_fr": "Lettres de rappel pour le paiement des impôts à temps",
        "owner": "amelie.tremblay@canada.ca", "team": "bi-network", "jurisdiction": "ca",
        "type": "reminder", "domain": "tax_compliance",
        "question_en": "Does a plain-language reminder letter sent two weeks before the balance-due date increase on-time payment?",
        "question_fr": "Une lettre de rappel en langage clair envoyée deux semaines avant la date d'échéance augmente-t-elle le paiement à temps?",
        "hypothesis_en": "The reminder raises on-time payment by at least 2 percentage points.",
        "hypothesis_fr": "Le rappel augmente le paiement à temps d'au moins 2 points de pourcentage.",
        "intervention_en": "A one-page letter naming the amount, the date and the three ways to pay.",
        "intervention_fr": "Une lettre d'une page indiquant le montant, la date et les trois façons de payer.",
        "population_en": "Individuals with a balance owing who paid late at least once in the previous three years.",
        "population_fr": "Particuliers ayant un solde dû qui ont payé en retard au moins une fois au cours des trois dernières années.",
        "unit_en": "Taxpayer", "unit_fr": "Contribuable",
        "arms": _arms("Reminder letter", "Lettre de rappel"),
        "outcomes": [
            _outcome("paid_on_time", "Paid by the due date", "Payé à la date d'échéance"),
            _outcome("days_late", "Days late", "Jours de retard", "continuous", False),
        ],
        "covariates": ["prior_late"], "strata": ["region"], "subgroup": "region",
        "n": 12000, "base": 0.58, "effects": [0.035], "seed": 101,
        "registered": (2023, 2, 6), "published": (2023, 9, 14), "verdict": "worked",
        "summary_en": "People who got the letter paid on time more often: about 5 percentage points more than those who did not. The letter is now sent to everyone in this group.",
        "summary_fr": "Les personnes qui ont reçu la lettre ont payé à temps plus souvent : environ 5 points de pourcentage de plus que les autres. La lettre est maintenant envoyée à tout ce groupe.",
        "deviation": {
            "plan_field": "population",
            "description_en": "Taxpayers in Nunavut were left out: the mail run there could not meet the send date.",
            "description_fr": "Les contribuables du Nunavut ont été exclus : l'envoi postal ne pouvait pas respecter la date prévue.",
            "reason_en": "Mail delivery schedule.", "reason_fr": "Calendrier de livraison du courrier.",
        },
    },
    {
        "title_en": "Email reminders for employer health tax instalments",
        "title_fr": "Rappels par courriel pour les acomptes de l'impôt-santé des employeurs",
        "owner": "raj.patel@ontario.ca", "team": "bi-network", "jurisdiction": "on",
        "type": "reminder", "domain": "tax_compliance",
        "question_en": "Does an email reminder improve on-time instalments by small employers?",
        "question_fr": "Un rappel par courriel améliore-t-il le versement à temps des acomptes par les petits employeurs?",
        "unit_en": "Employer account", "unit_fr": "Compte d'employeur",
        "arms": _arms("Email reminder", "Rappel par courriel"),
        "outcomes": [_outcome("paid_on_time", "Instalment paid on time", "Acompte versé à temps")],
        "covariates": ["prior_late"], "strata": ["region"],
        "n": 6000, "base": 0.71, "effects": [0.006], "seed": 102,
        "registered": (2024, 1, 15), "published": (2024, 8, 2), "verdict": "inconclusive",
        "summary_en": "On-time instalments rose slightly with the email, but the difference could be chance. A larger trial would be needed to be sure.",
        "summary_fr": "Les acomptes versés à temps ont légèrement augmenté avec le courriel, mais l'écart pourrait être dû au hasard. Un essai plus grand serait nécessaire.",
    },
    {
        "title_en": "Property tax reminder postcards",
        "title_fr": "Cartes postales de rappel de l'impôt foncier",
        "owner": "amelie.tremblay@canada.ca", "team": "bi-network", "jurisdiction": "nb",
        "type": "reminder", "domain": "tax_compliance",
        "question_en": "Does a reminder postcard increase on-time property tax payment?",
        "question_fr": "Une carte postale de rappel augmente-t-elle le paiement à temps de l'impôt foncier?",
        "unit_en": "Property owner", "unit_fr": "Propriétaire",
        "arms": _arms("Reminder postcard", "Carte postale de rappel"),
        "outcomes": [_outcome("paid_on_time", "Paid by the due date", "Payé à la date d'échéance")],
        "covariates": [], "strata": ["region"],
        "n": 8000, "base": 0.83, "effects": [0.0], "seed": 103,
        "registered": (2024, 3, 4), "published": (2024, 11, 20), "verdict": "did_not_work",
        "summary_en": "The postcard made no measurable difference: owners paid on time at the same rate with or without it. The postcards were discontinued, saving printing and postage.",
        "summary_fr": "La carte postale n'a eu aucun effet mesurable : les propriétaires ont payé à temps au même taux avec ou sans elle. L'envoi a cessé, ce qui économise l'impression et l'affranchissement.",
    },
    {
        "title_en": "Simplified income assistance application form",
        "title_fr": "Formulaire simplifié de demande d'aide au revenu",
        "owner": "sarah.whitehorse@gov.bc.ca", "team": "bi-network", "jurisdiction": "bc",
        "type": "simplified_form", "domain": "benefit_uptake",
        "question_en": "Does a shorter form with plain-language questions increase completed applications?",
        "question_fr": "Un formulaire plus court aux questions en langage clair augmente-t-il le nombre de demandes remplies?",
        "unit_en": "Applicant", "unit_fr": "Demandeur",
        "arms": _arms("Simplified form", "Formulaire simplifié"),
        "outcomes": [
            _outcome("completed", "Application completed", "Demande remplie"),
            _outcome("minutes", "Minutes to complete", "Minutes pour remplir", "continuous", False),
        ],
        "covariates": ["age"], "strata": ["region"], "initiative": "BC behavioural insights for income assistance",
        "n": 5000, "base": 0.62, "effects": [0.052], "seed": 104,
        "registered": (2023, 5, 10), "published": (2024, 2, 1), "verdict": "worked",
        "summary_en": "With the simplified form, about 5 more applicants in 100 completed their application, and they took less time.",
        "summary_fr": "Avec le formulaire simplifié, environ 5 demandeurs de plus sur 100 ont rempli leur demande, et plus rapidement.",
    },
    {
        "title_en": "Simplified disability benefit renewal form",
        "title_fr": "Formulaire simplifié de renouvellement des prestations d'invalidité",
        "owner": "amelie.tremblay@canada.ca", "team": "bi-network", "jurisdiction": "ca",
        "type": "simplified_form", "domain": "benefit_uptake",
        "question_en": "Does a pre-filled, two-page renewal form increase on-time renewals?",
        "question_fr": "Un formulaire de renouvellement prérempli de deux pages augmente-t-il les renouvellements à temps?",
        "unit_en": "Beneficiary", "unit_fr": "Prestataire",
        "arms": _arms("Pre-filled form", "Formulaire prérempli"),
        "outcomes": [_outcome("completed", "Renewed on time", "Renouvelé à temps")],
        "covariates": ["age"], "strata": ["region"],
        "n": 9000, "base": 0.74, "effects": [0.028], "seed": 105,
        "registered": (2024, 6, 3), "published": (2025, 3, 12), "verdict": "worked",
        "summary_en": "The pre-filled form increased on-time renewals by about 5 percentage points.",
        "summary_fr": "Le formulaire prérempli a augmenté les renouvellements à temps d'environ 5 points de pourcentage.",
    },
    {
        "title_en": "Simplified child benefit form",
        "title_fr": "Formulaire simplifié de prestation pour enfants",
        "owner": "amelie.tremblay@canada.ca", "team": "bi-network", "jurisdiction": "ns",
        "type": "simplified_form", "domain": "benefit_uptake",
        "question_en": "Does removing optional questions from the child benefit form increase applications?",
        "question_fr": "Retirer les questions facultatives du formulaire de prestation pour enfants augmente-t-il les demandes?",
        "unit_en": "Household", "unit_fr": "Ménage",
        "arms": _arms("Shorter form", "Formulaire plus court"),
        "outcomes": [_outcome("completed", "Application completed", "Demande remplie")],
        "covariates": [], "strata": ["region"],
        "n": 3000, "base": 0.55, "effects": [-0.006], "seed": 106,
        "registered": (2025, 1, 20), "published": (2025, 7, 30), "verdict": "inconclusive",
        "summary_en": "We could not tell whether the shorter form helped: the estimate is close to zero and the interval is wide.",
        "summary_fr": "Nous ne pouvons pas dire si le formulaire plus court a aidé : l'estimation est proche de zéro et l'intervalle est large.",
    },
    {
        "title_en": "Default online renewal for health cards",
        "title_fr": "Renouvellement en ligne par défaut des cartes Santé",
        "owner": "raj.patel@ontario.ca", "team": "bi-network", "jurisdiction": "on",
        "type": "default_option", "domain": "service_access",
        "question_en": "Does making online renewal the default option (with in-person still available) increase renewals before expiry?",
        "question_fr": "Faire du renouvellement en ligne l'option par défaut (le service en personne restant offert) augmente-t-il les renouvellements avant l'expiration?",
        "unit_en": "Card holder", "unit_fr": "Titulaire de carte",
        "arms": [
            ARMS_2[0],
            {"label": "default_online", "name_en": "Online by default", "name_fr": "En ligne par défaut", "allocation": 1},
            {"label": "default_reminder", "name_en": "Online by default, with reminder", "name_fr": "En ligne par défaut, avec rappel", "allocation": 1},
        ],
        "outcomes": [_outcome("renewed", "Renewed before expiry", "Renouvelé avant l'expiration")],
        "covariates": ["age"], "strata": ["region"], "subgroup": "region",
        "n": 15000, "base": 0.66, "effects": [0.061, 0.074], "seed": 107,
        "registered": (2024, 9, 9), "published": (2025, 5, 5), "verdict": "worked",
        "summary_en": "Making online renewal the default raised renewals before expiry by about 7 percentage points; adding a reminder helped a little more.",
        "summary_fr": "Faire du renouvellement en ligne l'option par défaut a augmenté les renouvellements avant l'expiration d'environ 7 points de pourcentage; un rappel a aidé un peu plus.",
    },
    {
        "title_en": "Default electronic notices for vehicle registration",
        "title_fr": "Avis électroniques par défaut pour l'immatriculation des véhicules",
        "owner": "amelie.tremblay@canada.ca", "team": "bi-network", "jurisdiction": "qc",
        "type": "default_option", "domain": "service_access",
        "question_en": "Does sending renewal notices by email by default (paper on request) increase on-time renewal?",
        "question_fr": "L'envoi par défaut des avis de renouvellement par courriel (papier sur demande) augmente-t-il le renouvellement à temps?",
        "unit_en": "Vehicle owner", "unit_fr": "Propriétaire de véhicule",
        "arms": _arms("Email notice by default", "Avis par courriel par défaut"),
        "outcomes": [_outcome("renewed", "Renewed on time", "Renouvelé à temps")],
        "covariates": ["age"], "strata": ["region"],
        "n": 10000, "base": 0.79, "effects": [0.031], "seed": 108,
        "registered": (2025, 2, 17), "published": (2025, 10, 1), "verdict": "worked",
        "summary_en": "Email notices by default increased on-time renewals by about 4 percentage points, and cut paper.",
        "summary_fr": "Les avis par courriel par défaut ont augmenté les renouvellements à temps d'environ 4 points de pourcentage et réduit le papier.",
    },
    {
        "title_en": "Online booking as the first service channel",
        "title_fr": "La réservation en ligne comme premier mode de service",
        "owner": "marc.leblanc@durham.ca", "team": "bi-network", "jurisdiction": "durham",
        "type": "service_channel", "domain": "service_access",
        "question_en": "Does directing residents first to online booking (instead of the phone line) increase completed service requests?",
        "question_fr": "Diriger d'abord les résidents vers la réservation en ligne (plutôt que la ligne téléphonique) augmente-t-il les demandes de service menées à terme?",
        "unit_en": "Resident request", "unit_fr": "Demande d'un résident",
        "arms": _arms("Online booking first", "Réservation en ligne d'abord"),
        "outcomes": [_outcome("completed", "Request completed", "Demande menée à terme")],
        "covariates": ["age"], "strata": ["region"], "subgroup": "region",
        "initiative": "Durham service navigation pilot",
        "n": 7000, "base": 0.81, "effects": [-0.034], "seed": 109,
        "registered": (2024, 4, 22), "published": (2025, 1, 15), "verdict": "harmful",
        "summary_en": "Fewer requests were completed when residents were sent online first — about 4 percentage points fewer, mostly among older residents. The phone line stays the first channel.",
        "summary_fr": "Moins de demandes ont été menées à terme quand les résidents étaient dirigés d'abord en ligne — environ 4 points de pourcentage de moins, surtout chez les aînés. La ligne téléphonique reste le premier mode de service.",
    },
    {
        "title_en": "Text-message appointment confirmations",
        "title_fr": "Confirmations de rendez-vous par message texte",
        "owner": "marc.leblanc@durham.ca", "team": "bi-network", "jurisdiction": "peel",
        "type": "service_channel", "domain": "service_access",
        "question_en": "Do text-message confirmations reduce missed service appointments?",
        "question_fr": "Les confirmations par message texte réduisent-elles les rendez-vous de service manqués?",
        "unit_en": "Appointment", "unit_fr": "Rendez-vous",
        "arms": _arms("Text confirmation", "Confirmation par texto"),
        "outcomes": [_outcome("completed", "Appointment kept", "Rendez-vous respecté")],
        "covariates": [], "strata": ["region"],
        "n": 4000, "base": 0.86, "effects": [0.012], "seed": 110,
        "registered": (2025, 4, 7), "published": (2025, 11, 3), "verdict": "inconclusive",
        "summary_en": "Slightly more appointments were kept with text confirmations, but the difference is within what chance could produce.",
        "summary_fr": "Un peu plus de rendez-vous ont été respectés avec les confirmations par texto, mais l'écart reste dans ce que le hasard pourrait produire.",
    },
]

IN_PROGRESS = {
    "title_en": "Social norms letters for timely benefit reporting",
    "title_fr": "Lettres sur les normes sociales pour la déclaration à temps des prestations",
    "owner": "sarah.whitehorse@gov.bc.ca", "team": "bi-network", "jurisdiction": "bc",
    "type": "social_norms", "domain": "benefit_uptake",
    "question_en": "Does telling recipients that most people report on time increase on-time monthly reports?",
    "question_fr": "Dire aux prestataires que la plupart des gens déclarent à temps augmente-t-il les déclarations mensuelles à temps?",
    "unit_en": "Recipient", "unit_fr": "Prestataire",
    "arms": _arms("Social norms letter", "Lettre sur les normes sociales"),
    "outcomes": [_outcome("reported_on_time", "Reported on time", "Déclaré à temps")],
    "covariates": [], "strata": ["region"],
    "registered": (2026, 9, 1), "embargo_days": 120,
}

REGIONS = np.array(["north", "south", "east", "west"])


def _when(ymd: tuple[int, int, int]) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*ymd, 10, 0))  # noqa: DTZ001 - made aware here


def _initiative(title: str | None) -> Any:
    """The portfolio initiative an experiment belongs to, when the portfolio demo has it."""
    if not title:
        return None
    return portfolio_selectors.initiative_qs().filter(title_en__startswith=title).first()


def _commitments() -> list[int]:
    """FPT commitment 2, "Experiment and measure results" (none until the declarations demo has loaded)."""
    return commitment_links.commitments_numbered(declaration_slug="fpt-public-sector-innovation", numbers=[2])


def _plan_data(spec: dict[str, Any], jurisdiction: Jurisdiction, team: Team | None) -> dict[str, Any]:
    data = {k: spec.get(k, "") for k in (
        "title_en", "title_fr", "question_en", "question_fr", "hypothesis_en", "hypothesis_fr",
        "intervention_en", "intervention_fr", "population_en", "population_fr", "unit_en", "unit_fr")}
    first = spec["outcomes"][0]
    data.update(
        {
            "comparison_en": "Current practice (no change).",
            "comparison_fr": "Pratique actuelle (aucun changement).",
            "analysis_plan_en": "Difference in means (Lin's covariate adjustment when covariates are listed) with HC2 standard errors, strata fixed effects; Holm adjustment across outcomes and arms.",
            "analysis_plan_fr": "Différence des moyennes (ajustement de Lin lorsque des covariables sont indiquées) avec erreurs types HC2 et effets fixes des strates; correction de Holm sur l'ensemble des résultats et des groupes.",
            "ethics_en": "Reviewed under the department's experimentation directive. No personal information leaves the program's systems; only aggregate results are published.",
            "ethics_fr": "Examiné selon la directive ministérielle sur l'expérimentation. Aucun renseignement personnel ne quitte les systèmes du programme; seuls des résultats agrégés sont publiés.",
            "intervention_type": spec["type"],
            "outcome_domain": spec["domain"],
            "jurisdiction": jurisdiction,
            "team": team,
            "visibility": "public",
            "arms": spec["arms"],
            "outcomes": spec["outcomes"],
            "covariates": spec.get("covariates", []),
            "strata": spec.get("strata", []),
            "subgroup_column": spec.get("subgroup", ""),
            "power_outcome": first["kind"],
            "power_baseline": spec.get("base", 0.6),
            "power_mde": 0.03,
            "power_target": 0.8,
        }
    )
    return data


def _units(n: int, rng: np.random.Generator) -> pa.Table:
    return pa.table(
        {
            "unit_id": np.arange(1, n + 1, dtype=np.int64),
            "region": rng.choice(REGIONS, size=n),
            "age": rng.integers(18, 90, size=n).astype(np.int64),
            "prior_late": rng.binomial(1, 0.35, size=n).astype(np.int64),
        }
    )


def _outcomes(spec: dict[str, Any], assignment: pa.Table, rng: np.random.Generator) -> pa.Table:
    arms = [a["label"] for a in spec["arms"]]
    arm = np.array(assignment.column("arm").to_pylist())
    age = assignment.column("age").to_numpy()
    prior = assignment.column("prior_late").to_numpy()
    region = np.array(assignment.column("region").to_pylist())
    p = np.full(len(arm), spec["base"]) - 0.08 * (prior - 0.35) + 0.001 * (age - 50)
    p = p + np.where(region == "north", -0.03, 0.0)
    for label, effect in zip(arms[1:], spec["effects"], strict=True):
        extra = effect * (1.4 if spec["domain"] == "service_access" and effect < 0 else 1.0)
        p = p + np.where(arm == label, np.where(age > 65, extra * 1.5, extra * 0.85), 0.0)
    p = np.clip(p, 0.01, 0.99)
    columns: dict[str, Any] = {name: assignment.column(name) for name in assignment.column_names}
    first = spec["outcomes"][0]["column"]
    columns[first] = rng.binomial(1, p).astype(np.int64)
    for extra in spec["outcomes"][1:]:
        treated = (arm != arms[0]).astype(float)
        if extra["column"] == "days_late":
            columns["days_late"] = np.round(np.clip(rng.gamma(2.0, 6.0, len(arm)) - 3.0 * treated, 0, None), 1)
        else:
            columns[extra["column"]] = np.round(rng.normal(38.0 - 6.5 * treated, 11.0), 1)
    return pa.table(columns)


def _demo_experiment(spec: dict[str, Any], users: dict[str, User], tmp: Path) -> Experiment:
    owner = users[spec["owner"]]
    jurisdiction = Jurisdiction.objects.get(code=spec["jurisdiction"])
    team = Team.objects.filter(slug=spec.get("team")).first()
    data = _plan_data(spec, jurisdiction, team)
    data["initiative"] = _initiative(spec.get("initiative"))
    experiment = services.experiment_create(actor=owner, data=data, commitments=_commitments())
    if "registered" not in spec:
        return experiment
    embargo = None
    if spec.get("embargo_days"):
        embargo = timezone.localdate() + datetime.timedelta(days=spec["embargo_days"])
    public = [k for k in services.plan_module.SWITCHABLE if k != "ethics" or spec.get("seed", 0) % 2]
    services.experiment_register(
        experiment=experiment, actor=owner, public_fields=public, embargo_until=embargo,
        at=min(_when(spec["registered"]), timezone.now()),
    )
    experiment.refresh_from_db()
    if "seed" not in spec:
        return experiment
    rng = np.random.default_rng(spec["seed"])
    units_path = tmp / f"units-{spec['seed']}.csv"
    pacsv.write_csv(_units(spec["n"], rng), str(units_path))
    with units_path.open("rb") as f:
        randomization = services.randomization_run(
            experiment=experiment, actor=owner, units_file=File(f, name="units.csv"), seed=spec["seed"]
        )
    assignment = pacsv.read_csv(randomization.assignment_path)
    data_path = tmp / f"outcomes-{spec['seed']}.parquet"
    pq.write_table(_outcomes(spec, assignment, rng), str(data_path))
    with data_path.open("rb") as f:
        dataset = services.dataset_upload(
            experiment=experiment, actor=owner, file=File(f, name="outcomes.parquet"), enqueue=False
        )
    dataset = services.dataset_check(dataset_id=dataset.pk)  # what the task worker does, here at once
    if not dataset.is_ready:
        raise RuntimeError(f"demo data refused: {dataset.error_code} {dataset.error_params}")
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    analysis = services.analysis_run(analysis_id=analysis.pk)
    if analysis.status != analysis.Status.DONE:
        raise RuntimeError(f"demo analysis failed: {analysis.error}")
    if spec.get("deviation"):
        deviation = services.deviation_declare(experiment=experiment, actor=owner, **spec["deviation"])
        # Replayed history: declared a month after registration, as it happened, not on the day the demo loads.
        declared = min(_when(spec["registered"]) + datetime.timedelta(days=30), timezone.now())
        type(deviation).objects.filter(pk=deviation.pk).update(created_at=declared)
    services.publication_create(
        experiment=experiment, actor=owner, analysis=analysis, verdict=spec["verdict"],
        summary_en=spec["summary_en"], summary_fr=spec["summary_fr"],
        published_at=min(_when(spec["published"]), timezone.now()),
    )
    return experiment


def load(stdout=None) -> None:
    """Create the demo experiments that do not exist yet (matched by English title)."""
    emails = {s["owner"] for s in [*EXPERIMENTS, IN_PROGRESS]}
    users = {u.email: u for u in User.objects.filter(email__in=emails)}
    if len(users) < len(emails):
        if stdout:
            stdout.write("  experiments: demo people missing; load the directory first")
        return
    created = 0
    with tempfile.TemporaryDirectory() as tmp:
        for spec in [*EXPERIMENTS, IN_PROGRESS]:
            if Experiment.objects.filter(title_en=spec["title_en"]).exists():
                continue
            with transaction.atomic():
                _demo_experiment(spec, users, Path(tmp))
            created += 1
    if stdout:
        stdout.write(f"  experiments: {created} created")
