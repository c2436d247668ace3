"""Django side of `make bench-web` (bench/web_bench.py runs it as a subprocess).

It runs inside the tree under test (that tree's `src` first on PYTHONPATH, DATABASE_URL set to
the bench database) and prints one JSON document on its last line of output:

- ``seed --initiatives N --experiments M``: bring the bench database to N seeded initiatives
  (2 achievements each) and M seeded published experiments, with bulk_create. Rows are the
  ones the services would make (owner, team, both languages, audit entries, commitment links,
  registration hash) but written in a few statements. Seeded rows belong to the bench user
  `bench.seed@canada.ca`, which is how a later run knows they are there (and skips them).
- ``prepare --pages JSON``: log the demo user in (a session cookie for wrk), resolve one
  initiative and one results page, and count the SQL queries of one request per page and
  visitor (Django's test client, in-process, CaptureQueriesContext).
- ``profile --pages JSON``: cProfile one request per page; the top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import copy
import cProfile
import datetime
import io
import json
import os
import pstats
import random
import secrets
import sys
import time
from typing import Any

BENCH_EMAIL = "bench.seed@canada.ca"
DEMO_EMAIL = "amelie.tremblay@canada.ca"
DEMO_PASSWORD = "carrefour-demo-2026"  # noqa: S105 - the demo's published password (README, `make demo`)
ACHIEVEMENTS_PER_INITIATIVE = 2

# Words the seeded titles are built from: varied enough that search, sorting and facets see a
# realistic spread; "service" appears in about a fifth of them, as in the demo's own portfolio.
THEMES = [
    ("Digital identity", "Identité numérique"), ("Business start", "Démarrage d'entreprise"),
    ("Service navigation", "Navigation des services"), ("Death notification", "Avis de décès"),
    ("Benefit uptake", "Recours aux prestations"), ("Open data", "Données ouvertes"),
    ("Client experience", "Expérience client"), ("Permits and licences", "Permis et licences"),
    ("Accessible forms", "Formulaires accessibles"), ("Tell us once", "Dites-le-nous une fois"),
]
KINDS = [
    ("pilot", "projet pilote"), ("service redesign", "refonte du service"), ("platform", "plateforme"),
    ("roadmap", "feuille de route"), ("community of practice", "communauté de pratique"),
]
PLACES = [
    ("for rural residents", "pour les résidents ruraux"), ("for small businesses", "pour les petites entreprises"),
    ("for newcomers", "pour les nouveaux arrivants"), ("for seniors", "pour les aînés"),
    ("across regions", "dans toutes les régions"), ("for Indigenous communities", "pour les communautés autochtones"),
    ("in service centres", "dans les centres de service"),
]


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carrefour.config.settings")
    import django

    django.setup()


def _visibility(n: int) -> str:
    """Mostly public; 6 % government, 3 % private, as a real portfolio."""
    r = n % 100
    return "private" if r < 3 else "government" if r < 9 else "public"


def _bench_user() -> Any:
    from carrefour.directory.models import User

    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        user = User.objects.create_user(email=BENCH_EMAIL, password=None)
        try:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.get_or_create(user=user, email=BENCH_EMAIL, defaults={"verified": True, "primary": True})
        except ImportError:  # pragma: no cover - allauth is a dependency
            pass
    return user


def _audit(rows: list[Any], actor: Any, fields: tuple[str, ...], note: str = "") -> None:
    """The CREATE audit entries model_create would write, in bulk."""
    from django.contrib.contenttypes.models import ContentType

    from carrefour.core.models import AuditEntry

    if not rows:
        return
    ct = ContentType.objects.get_for_model(type(rows[0]))
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(
                content_type=ct, object_id=str(r.pk), object_repr=str(getattr(r, fields[0]))[:300], actor=actor,
                action=AuditEntry.Action.CREATE, note=note, at=r.created_at,
                changes={f: [None, getattr(r, f)] for f in fields if getattr(r, f, None) not in (None, "")},
            )
            for r in rows
        ],
        batch_size=2000,
    )


def _commitment_links(rows: list[Any], actor: Any, every: int) -> None:
    from django.contrib.contenttypes.models import ContentType

    try:
        from carrefour.declarations.models import Commitment, CommitmentLink
    except ImportError:
        return
    commitments = list(Commitment.objects.filter(declaration__slug="fpt-public-sector-innovation").order_by("number"))
    if not commitments or not rows:
        return
    ct = ContentType.objects.get_for_model(type(rows[0]))
    CommitmentLink.objects.bulk_create(
        [CommitmentLink(commitment=commitments[k % len(commitments)], content_type=ct, object_id=r.pk, created_by=actor)
         for k, r in enumerate(rows) if k % every == 0],
        batch_size=2000, ignore_conflicts=True,
    )


def seed_initiatives(total: int, actor: Any) -> int:
    from django.db import transaction
    from django.utils import timezone

    from carrefour.directory.models import Jurisdiction, Organization
    from carrefour.portfolio.models import (
        Achievement,
        Facet,
        Initiative,
        Priority,
        Stage,
        Status,
        Table,
    )

    existing = Initiative.objects.filter(owner=actor).count()
    if existing >= total:
        return 0
    tables = list(Table.objects.filter(deleted_at__isnull=True))
    priorities = list(Priority.objects.filter(deleted_at__isnull=True, table__in=tables).select_related("table"))
    jurisdictions = list(Jurisdiction.objects.order_by("pk"))
    organizations = list(Organization.objects.order_by("pk"))
    facets = list(Facet.objects.all())
    if not jurisdictions:
        raise SystemExit("the demo is not loaded (no jurisdictions)")
    today = timezone.localdate()
    now = timezone.now()
    new: list[Initiative] = []
    for n in range(existing, total):
        theme, kind, place = THEMES[n % len(THEMES)], KINDS[(n // 10) % len(KINDS)], PLACES[(n // 50) % len(PLACES)]
        # Four in five sit under a table's priority; the rest are a jurisdiction's own work.
        priority = priorities[n % len(priorities)] if priorities and n % 5 else None
        lead = jurisdictions[(n * 7) % len(jurisdictions)]
        start = today - datetime.timedelta(days=30 + (n * 13) % 2400)
        new.append(Initiative(
            title_en=f"{theme[0]} {kind[0]} {place[0]} ({lead.code.upper()}-{n + 1:05d})",
            title_fr=f"{theme[1]} : {kind[1]} {place[1]} ({lead.code.upper()}-{n + 1:05d})",
            summary_en=(f"{lead.name_en} leads this {kind[0]} with its partners to improve {theme[0].lower()} "
                        f"{place[0]}: one service, designed with the people who use it, measured and shared."),
            summary_fr=(f"{lead.name_fr} mène ce {kind[1]} avec ses partenaires pour améliorer "
                        f"« {theme[1].lower()} » {place[1]} : un service conçu avec les personnes qui l'utilisent, "
                        "mesuré et partagé."),
            jurisdiction=lead,
            lead_organization=organizations[n % len(organizations)] if organizations and n % 3 == 0 else None,
            table=priority.table if priority else None, priority=priority,
            team=priority.table.team if priority else None,
            stage=Stage.values[n % len(Stage.values)], status=Status.values[(n // 7) % len(Status.values)],
            commitments_text="", start_date=start, end_date=start + datetime.timedelta(days=365 + n % 700) if n % 4 == 0 else None,
            visibility=_visibility(n), owner=actor, created_at=now - datetime.timedelta(minutes=total - n),
        ))
    with transaction.atomic():
        created = Initiative.objects.bulk_create(new, batch_size=1000)
        Partner = Initiative.partner_jurisdictions.through
        Tagged = Initiative.facets.through
        Partner.objects.bulk_create(
            [Partner(initiative_id=i.pk, jurisdiction_id=jurisdictions[(k * 7 + d) % len(jurisdictions)].pk)
             for k, i in enumerate(created) for d in (3, 5)[: 1 + k % 2]],
            batch_size=5000, ignore_conflicts=True)
        if facets:
            Tagged.objects.bulk_create(
                [Tagged(initiative_id=i.pk, facet_id=facets[(k + d) % len(facets)].pk)
                 for k, i in enumerate(created) for d in range(1 + k % 2)],
                batch_size=5000, ignore_conflicts=True)
        achievements = [
            Achievement(
                initiative=i, date=min(today, (i.start_date or today) + datetime.timedelta(days=20 + 90 * j + k % 60)),
                text_en=f"Milestone {j + 1}: {i.title_en.split(' (')[0].lower()} tested with users; results shared with partners.",
                text_fr=f"Jalon {j + 1} : essai auprès des usagers; résultats transmis aux partenaires.",
                by="Service delivery team" if j else str(i.jurisdiction.name_en), is_key=j == 0 or k % 2 == 0,
                visibility=i.visibility, team=i.team, owner=actor, created_at=i.created_at,
            )
            for k, i in enumerate(created) for j in range(ACHIEVEMENTS_PER_INITIATIVE)
        ]
        achievements = Achievement.objects.bulk_create(achievements, batch_size=2000)
        Involved = Achievement.jurisdictions.through
        Involved.objects.bulk_create(
            [Involved(achievement_id=a.pk, jurisdiction_id=a.initiative.jurisdiction_id) for a in achievements],
            batch_size=5000, ignore_conflicts=True)
        _audit(created, actor, ("title_en", "title_fr", "summary_en", "summary_fr", "stage", "status", "visibility"))
        _audit(achievements, actor, ("text_en", "text_fr", "by", "visibility"))
        _commitment_links(created, actor, every=3)
    return len(created)


def _shift_result(result: dict[str, Any], outcome: str, delta: float) -> dict[str, Any]:
    """The analysis result with its primary effect (first arm vs control) moved by `delta`."""
    result = copy.deepcopy(result)
    for r in result.get("results", []):
        if r.get("outcome") == outcome and r.get("effects"):
            e = r["effects"][0]
            for key in ("estimate", "ci_low", "ci_high"):
                if isinstance(e.get(key), (int, float)):
                    e[key] = e[key] + delta
    return result


def seed_experiments(total: int, actor: Any) -> int:
    """Clone the demo's published experiments (every row of their workflow) into `total` more."""
    from django.db import transaction
    from django.utils import timezone

    from carrefour.directory.models import Jurisdiction
    from carrefour.experiments import plan as plan_module
    from carrefour.experiments.models import (
        Analysis,
        Dataset,
        Experiment,
        InterventionType,
        OutcomeDomain,
        Publication,
        Randomization,
        Registration,
    )
    from carrefour.portfolio.models import Initiative

    existing = Experiment.objects.filter(owner=actor).count()
    if existing >= total:
        return 0
    templates = list(
        Publication.objects.exclude(experiment__owner=actor).select_related("experiment", "analysis", "analysis__dataset")
        .order_by("pk")
    )
    if not templates:
        raise SystemExit("the demo has no published experiment to clone (load_demo first)")
    jurisdictions = list(Jurisdiction.objects.order_by("pk"))
    initiatives = list(Initiative.objects.filter(owner=actor, visibility="public").order_by("pk").values_list("pk", flat=True)[:2000])
    combos = [(t, d) for t in InterventionType.values for d in OutcomeDomain.values]
    rng = random.Random(20261202 + existing)
    now = timezone.now()
    skip = {"id", "pk"}
    exp_fields = [f.name for f in Experiment._meta.concrete_fields if f.name not in skip]
    plans = []
    for n in range(existing, total):
        pub = templates[n % len(templates)]
        src = pub.experiment
        src.registration  # noqa: B018 - fetched once per template, reused by every clone
        e = Experiment(**{f: getattr(src, f) for f in exp_fields})
        e.intervention_type, e.outcome_domain = combos[(n * 11) % len(combos)]
        e.jurisdiction = jurisdictions[(n * 5) % len(jurisdictions)]
        e.title_en = f"{src.title_en} — replication {n + 1} ({e.jurisdiction.code.upper()})"
        e.title_fr = f"{src.title_fr} — réplication {n + 1} ({e.jurisdiction.code.upper()})"
        e.initiative_id = initiatives[n % len(initiatives)] if initiatives and n % 4 == 0 else None
        e.visibility, e.owner, e.version, e.deleted_at = _visibility(n), actor, 1, None
        e.created_at = now - datetime.timedelta(days=40 + n % 900, minutes=n)
        delta = rng.gauss(0.0, 0.03)
        plans.append((pub, e, delta))
    with transaction.atomic():
        experiments = Experiment.objects.bulk_create([e for _, e, _ in plans], batch_size=500)
        registrations, randomizations, datasets = [], [], []
        latest: dict[int, Any] = {}
        for (pub, _, _), e in zip(plans, experiments, strict=True):
            src_reg = pub.experiment.registration
            at = (e.created_at + datetime.timedelta(days=7)).replace(microsecond=0)
            public = list(src_reg.public_fields)
            salts = {k: secrets.token_hex(16) for k in plan_module.SWITCHABLE if k not in public}
            document = plan_module.registration_document(
                experiment_id=e.pk, registered_at=at.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
                plan=plan_module.plan_values(e), public_fields=public, salts=salts,
            )
            data = plan_module.canonical_bytes(document)
            registrations.append(Registration(
                experiment=e, registered_at=at, registered_by=actor, canonical_json=data.decode("utf-8"),
                sha256=plan_module.sha256_hex(data), public_fields=public, salts=salts, created_at=at,
            ))
            if pub.pk not in latest:
                latest[pub.pk] = Randomization.objects.filter(experiment=pub.experiment).order_by("-created_at").first()
            src_rand = latest[pub.pk]
            if src_rand is not None:
                randomizations.append(Randomization(
                    **{f.name: getattr(src_rand, f.name) for f in Randomization._meta.concrete_fields
                       if f.name not in ("id", "experiment", "created_by")},
                ))
                randomizations[-1].experiment, randomizations[-1].created_by = e, actor
                randomizations[-1].created_at = at + datetime.timedelta(days=3)
            src_ds = pub.analysis.dataset
            datasets.append(None if src_ds is None else Dataset(
                **{f.name: getattr(src_ds, f.name) for f in Dataset._meta.concrete_fields
                   if f.name not in ("id", "experiment", "uploaded_by", "created_at")},
                experiment=e, uploaded_by=actor, created_at=at + datetime.timedelta(days=100),
            ))
        Registration.objects.bulk_create(registrations, batch_size=500)
        Randomization.objects.bulk_create(randomizations, batch_size=500)
        Dataset.objects.bulk_create([d for d in datasets if d is not None], batch_size=500)
        analyses = []
        for (pub, _, delta), e, ds in zip(plans, experiments, datasets, strict=True):
            src_an = pub.analysis
            a = Analysis(**{f.name: getattr(src_an, f.name) for f in Analysis._meta.concrete_fields
                            if f.name not in ("id", "experiment", "dataset", "requested_by")})
            a.experiment, a.dataset, a.requested_by = e, ds, actor
            a.created_at = e.created_at + datetime.timedelta(days=110)
            a.result = _shift_result(src_an.result, pub.outcome, delta)
            analyses.append(a)
        analyses = Analysis.objects.bulk_create(analyses, batch_size=500)
        publications = []
        for (pub, _, delta), e, a in zip(plans, experiments, analyses, strict=True):
            estimate = pub.estimate + delta
            verdict = ("worked" if estimate > 0 else "harmful") if abs(estimate) > 1.96 * pub.std_error else (
                "did_not_work" if abs(estimate) < 0.5 * pub.std_error else "inconclusive")
            publications.append(Publication(
                experiment=e, analysis=a, verdict=verdict, summary_en=pub.summary_en, summary_fr=pub.summary_fr,
                published_at=e.created_at + datetime.timedelta(days=200), published_by=actor,
                outcome=pub.outcome, outcome_kind=pub.outcome_kind, arm=pub.arm, estimate=estimate,
                std_error=pub.std_error, ci_low=pub.ci_low + delta, ci_high=pub.ci_high + delta, n=pub.n,
                created_at=e.created_at + datetime.timedelta(days=200),
            ))
        publications = Publication.objects.bulk_create(publications, batch_size=500)
        _audit(experiments, actor, ("title_en", "title_fr", "intervention_type", "outcome_domain", "visibility"))
        _audit(publications, actor, ("verdict", "summary_en", "summary_fr", "outcome", "estimate"))
        _commitment_links(experiments, actor, every=1)
    # bulk_create skips the services, so the stored What works pooling is rebuilt once here.
    from carrefour.experiments.services.evidence import evidence_rebuild

    evidence_rebuild()
    return len(experiments)


def cmd_seed(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection

    started = time.perf_counter()
    actor = _bench_user()
    added_i = seed_initiatives(args.initiatives, actor)
    added_e = seed_experiments(args.experiments, actor)
    if added_i or added_e:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    from carrefour.experiments.models import Publication
    from carrefour.portfolio.models import Achievement, Initiative

    return {
        "added_initiatives": added_i, "added_experiments": added_e, "seconds": round(time.perf_counter() - started, 1),
        "initiatives": Initiative.objects.count(), "achievements": Achievement.objects.count(),
        "publications": Publication.objects.count(),
    }


def _resolve(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill in the pages whose address depends on the data: one initiative, one results page."""
    from carrefour.experiments.models import Publication
    from carrefour.portfolio.models import Initiative

    actor = _bench_user()
    initiative = Initiative.objects.filter(owner=actor, visibility="public", deleted_at__isnull=True).order_by("pk")
    initiative = initiative[initiative.count() // 2] if initiative.exists() else Initiative.objects.order_by("pk").first()
    publication = (Publication.objects.filter(experiment__owner=actor, experiment__visibility="public").order_by("pk").first()
                   or Publication.objects.order_by("pk").first())
    out = []
    for page in pages:
        path = page["path"]
        if path == "{initiative}":
            path = f"/en{initiative.get_absolute_url()}" if not initiative.get_absolute_url().startswith("/en/") else initiative.get_absolute_url()
        elif path == "{results}":
            path = f"/en/experiments/{publication.experiment_id}/results/"
        out.append({**page, "path": path})
    return out


def _login_client() -> Any:
    from django.test import Client

    client = Client()
    if not client.login(email=DEMO_EMAIL, password=DEMO_PASSWORD):
        from carrefour.directory.models import User

        client.force_login(User.objects.get(email=DEMO_EMAIL))
    return client


def cmd_prepare(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()  # allows the test client's testserver host, and records templates
    pages = _resolve(json.loads(args.pages))
    signed = _login_client()
    cookie = signed.cookies[settings.SESSION_COOKIE_NAME].value
    counts: dict[str, dict[str, Any]] = {}
    for page in pages:
        Client().get(page["path"])  # warm-up (templates compiled, caches filled): not counted
        for who, client in (("anonymous", Client()), ("signed in", signed)):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(page["path"])
                body = b"".join(response.streaming_content) if response.streaming else response.content
            counts[f"{page['path']}|{who}"] = {
                "queries": len(ctx.captured_queries), "status": response.status_code, "bytes": len(body),
                "seconds": round(time.perf_counter() - started, 3),
            }
    # The session the test client made lives in the bench database: gunicorn accepts it.
    return {"pages": pages, "cookie": {"name": settings.SESSION_COOKIE_NAME, "value": cookie}, "counts": counts}


def cmd_profile(args: argparse.Namespace) -> dict[str, Any]:
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    pages = _resolve(json.loads(args.pages))
    client = Client()
    client.get("/robots.txt")  # warm imports and URL resolvers
    out: dict[str, Any] = {}
    root = os.path.realpath(os.environ.get("BENCH_TREE", os.getcwd()))
    for page in pages:
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        client.get(page["path"])
        profiler.disable()
        seconds = time.perf_counter() - started
        stats = pstats.Stats(profiler, stream=io.StringIO())
        rows = []
        for (filename, line, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
            rows.append((cumulative, filename, line, name))
        rows.sort(reverse=True)
        # The project's own functions first: they say where the time goes (Django's frames are wrappers).
        own = [r for r in rows if os.path.realpath(r[1]).startswith(os.path.join(root, "src"))]
        # Middleware and the view itself wrap the whole request: skip them, show what they call.
        inner = [r for r in own if r[0] < 0.9 * seconds]
        own = inner if len(inner) >= args.top else own
        out[page["path"]] = {
            "seconds": round(seconds, 3),
            "own": [{"cumulative": round(c, 3), "where": f"{os.path.relpath(f, root)}:{ln}", "function": fn}
                    for c, f, ln, fn in own[: args.top]],
            "all": [{"cumulative": round(c, 3), "where": f"{os.path.basename(f)}:{ln}", "function": fn}
                    for c, f, ln, fn in rows[2: 2 + args.top]],
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    seed = sub.add_parser("seed")
    seed.add_argument("--initiatives", type=int, default=10_000)
    seed.add_argument("--experiments", type=int, default=1_000)
    for name in ("prepare", "profile"):
        p = sub.add_parser(name)
        p.add_argument("--pages", required=True, help="JSON list of {path, label}")
        p.add_argument("--top", type=int, default=5)
    args = parser.parse_args(argv)
    _setup()
    result = {"seed": cmd_seed, "prepare": cmd_prepare, "profile": cmd_profile}[args.command](args)
    sys.stdout.write("\n" + json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
