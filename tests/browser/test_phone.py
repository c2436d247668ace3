"""At phone width (390 px) every main page of every domain fits the screen and passes axe, in both
languages: wide tables and charts scroll inside their own box, charts keep readable text and have
their data table right after them. The data is built here through the domains' services."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from tests.browser.conftest import assert_accessible

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
# Smallest text a chart may show on a phone, in CSS pixels.
MIN_CHART_FONT_PX = 11.5
# A long unbroken word, as people paste them: it must wrap, not push the page sideways.
LONG_WORD = "https://www.canada.ca/en/employment-social-development/services/benefits-renewal-simplified-form-2026"


@dataclass
class Site:
    public: list[tuple[str, str]] = field(default_factory=list)  # (name, path without the language)
    signed_in: list[tuple[str, str]] = field(default_factory=list)
    secretary_email: str = ""


def _build_directory():
    from carrefour.directory.models import Jurisdiction, Role
    from tests.directory.factories import (
        JurisdictionFactory,
        MembershipFactory,
        OrganizationFactory,
        TeamFactory,
        public_servant,
    )

    federal = JurisdictionFactory(code="ca", kind=Jurisdiction.Kind.FEDERAL, name_en="Canada", name_fr="Canada")
    ontario = JurisdictionFactory(code="on", name_en="Ontario", name_fr="Ontario")
    quebec = JurisdictionFactory(code="qc", name_en="Quebec", name_fr="Québec")
    nl = JurisdictionFactory(code="nl", name_en="Newfoundland and Labrador", name_fr="Terre-Neuve-et-Labrador")
    OrganizationFactory(name_en="Employment and Social Development Canada",
                        name_fr="Emploi et Développement social Canada")
    team = TeamFactory(name_en="Federal-provincial-territorial deputy ministers' table on service",
                       name_fr="Table fédérale-provinciale-territoriale des sous-ministres sur le service")
    secretary = public_servant(federal, display_name="Amélie Tremblay-Gagnon")
    MembershipFactory(team=team, user=secretary, role=Role.SECRETARIAT)
    return {"federal": federal, "ontario": ontario, "quebec": quebec, "nl": nl, "team": team, "secretary": secretary}


def _build_declarations(d):
    from carrefour.declarations import services
    from carrefour.declarations.models import Declaration
    from tests.declarations.factories import CommitmentFactory, DeclarationFactory

    declaration = DeclarationFactory(team=d["team"], status=Declaration.Status.DRAFTING, slug="fpt-innovation",
                                     title_en="Declaration on public-sector innovation",
                                     title_fr="Déclaration sur l'innovation dans le secteur public")
    CommitmentFactory(declaration=declaration, number=1, text_en="Experiment and measure results.",
                      text_fr="Expérimenter et mesurer les résultats.")
    CommitmentFactory(declaration=declaration, number=2, text_en=f"Publish what we learn at {LONG_WORD}.",
                      text_fr=f"Publier ce que nous apprenons à {LONG_WORD}.")
    services.declaration_publish_version(declaration=declaration, actor=d["secretary"], note_en="v1", note_fr="v1")
    services.commitment_save(declaration=declaration, actor=d["secretary"], number=1,
                             text_en="Experiment, measure results and share them.",
                             text_fr="Expérimenter, mesurer les résultats et les partager.",
                             commitment=declaration.commitments.get(number=1))
    services.declaration_publish_version(declaration=declaration, actor=d["secretary"], note_en="v2", note_fr="v2")
    services.declaration_set_status(declaration=declaration, actor=d["secretary"], status=Declaration.Status.ENDORSEMENT)
    services.endorsement_invite(declaration=declaration, actor=d["secretary"],
                                jurisdictions=[d["federal"], d["ontario"], d["quebec"], d["nl"]])
    services.endorsement_record(declaration=declaration, actor=d["secretary"], jurisdiction=d["nl"],
                                signatory_name="Jean-François Létourneau-Fitzgerald",
                                signatory_title="Clerk of the Executive Council and Secretary to Cabinet",
                                endorsed_on=timezone.localdate())
    return declaration


def _build_consultations(d):
    from carrefour.consultations import services
    from tests.consultations.factories import ConsultationFactory, question
    from tests.directory.factories import UserFactory

    open_one = ConsultationFactory(team=d["team"], slug="draft-declaration")
    closed = ConsultationFactory(team=d["team"], slug="service-review")
    citizen = UserFactory(display_name="Marie-Ève Bouchard-Lévesque")
    for c in (open_one, closed):
        paragraph = c.paragraphs.order_by("position").first()
        for category in ("clarity", "terminology", "feasibility"):
            cache.clear()  # the comment rate limit counts in the cache
            services.comment_create(consultation=c, author=citizen, body=f"{category}: {LONG_WORD}",
                                    category=category, paragraph=paragraph)
        q = question(c, "single", [{"en": "Yes, without hesitation", "fr": "Oui, sans hésiter"},
                                   {"en": "No, not as written", "fr": "Non, pas tel quel"}])
        services.answers_submit(consultation=c, user=citizen, answers={q.pk: "1"})
    services.theme_response_save(consultation=closed, actor=d["secretary"], theme_en="Terminology",
                                 theme_fr="Terminologie", response_en="We will say public servant.",
                                 response_fr="Nous dirons fonctionnaire.")
    # The consultation's time has passed: what the clock does, not a rule the services enforce.
    closed.opens_at, closed.closes_at = timezone.now() - timedelta(days=40), timezone.now() - timedelta(days=1)
    closed.save(update_fields=["opens_at", "closes_at"])
    services.report_publish(consultation=closed, actor=d["secretary"])
    return open_one, closed


def _build_portfolio(d, commitment):
    from carrefour.portfolio.facets import FACETS
    from carrefour.portfolio.models import Facet
    from tests.portfolio.factories import (
        make_achievement,
        make_admin,
        make_initiative,
        make_priority,
        make_table,
    )

    # Seed data from the migration: flushed by earlier transactional tests.
    for order, data in enumerate(FACETS):
        Facet.objects.update_or_create(code=data["code"], defaults={**data, "sort_order": order})
    facets = list(Facet.objects.order_by("sort_order"))
    admin = make_admin()
    table = make_table(actor=admin, team=d["team"], members=[d["federal"], d["ontario"], d["quebec"], d["nl"]],
                       slug="dm-service", name_en="Deputy ministers' table on service delivery",
                       name_fr="Table des sous-ministres sur la prestation des services")
    priority = make_priority(table, actor=d["secretary"])
    stages = ["idea", "scoping", "design", "testing", "implementation", "scaling", "ended"]
    statuses = ["on_track", "at_risk", "blocked", "done"]
    initiatives = []
    for i, stage in enumerate(stages):
        initiatives.append(make_initiative(
            actor=d["secretary"], jurisdiction=d["federal"], table=table, priority=priority,
            title_en=f"Simplified renewal of benefits for seniors, phase {i + 1}",
            title_fr=f"Renouvellement simplifié des prestations pour les aînés, phase {i + 1}",
            partner_jurisdictions=[d["ontario"], d["quebec"], d["nl"]], facets=facets[: 1 + i % len(facets)],
            stage=stage, status=statuses[i % len(statuses)], commitments=[commitment]))
    make_achievement(initiatives[0], actor=d["secretary"], date=timezone.localdate() - datetime.timedelta(days=3))
    return table, initiatives[0]


def _publish(owner, team, *, seed: int, effect: float, verdict: str, **plan):
    """Register an experiment, analyse its outcomes and publish them, as the owner would."""
    from carrefour.experiments import services
    from tests.experiments.factories import make_experiment, outcomes_csv, upload_checked

    experiment = make_experiment(owner, team=team, register=True, **plan)
    dataset = upload_checked(experiment=experiment, actor=owner, file=outcomes_csv(n=400, seed=seed, effect=effect))
    analysis = services.analysis_request(experiment=experiment, actor=owner, dataset=dataset, enqueue=False)
    analysis = services.analysis_run(analysis_id=analysis.pk)
    services.publication_create(experiment=experiment, actor=owner, analysis=analysis, verdict=verdict,
                                summary_en="What the experiment found.", summary_fr="Ce que l'expérience a montré.")
    return experiment


def _build_experiments(d):
    from carrefour.directory.models import Role
    from tests.directory.factories import MembershipFactory, public_servant

    owner = public_servant(d["ontario"])
    MembershipFactory(team=d["team"], user=owner, role=Role.CONTRIBUTOR)
    published = [
        _publish(owner, d["team"], seed=seed, effect=effect, verdict="worked", jurisdiction=jurisdiction,
                 title_en=f"Reminder letters for overdue tax returns in {jurisdiction.name_en}",
                 title_fr=f"Lettres de rappel pour les déclarations en retard : {jurisdiction.name_fr}",
                 subgroup_column="region")
        for seed, (jurisdiction, effect) in enumerate(((d["ontario"], 0.12), (d["quebec"], 0.05), (d["nl"], 0.08)), start=3)
    ]
    # A second group on What works.
    _publish(owner, d["team"], seed=9, effect=0.03, verdict="inconclusive", jurisdiction=d["federal"],
             intervention_type="simplified_form", outcome_domain="benefit_uptake",
             title_en="Simplified renewal form", title_fr="Formulaire de renouvellement simplifié")
    return owner, published[0]


def _build_site(part: str) -> Site:
    """The records of one part of the site (its pages, and the pages its secretariat works on)."""
    cache.clear()
    d = _build_directory()
    declaration = _build_declarations(d)
    site = Site(secretary_email=d["secretary"].email)
    if part == "people-and-texts":
        open_one, closed = _build_consultations(d)
        site.public = [
            ("home", "/"), ("search", "/search/?q=declaration"), ("whats-new", "/whats-new/"),
            ("directory", "/directory/"), ("jurisdictions", "/directory/jurisdictions/"),
            ("organizations", "/directory/organizations/"), ("people", "/directory/people/"),
            ("teams", "/directory/teams/"), ("team", f"/directory/teams/{d['team'].slug}/"),
            ("declarations", "/declarations/"), ("declaration", f"/declarations/{declaration.slug}/"),
            ("compare", f"/declarations/{declaration.slug}/versions/compare/"),
            ("commitment", f"/declarations/{declaration.slug}/commitments/1/"),
            ("consultations", "/consultations/"), ("consultation", f"/consultations/{open_one.slug}/"),
            ("what-we-heard", f"/consultations/{closed.slug}/what-we-heard/"),
        ]
        site.signed_in = [
            ("me", "/directory/me/"), ("questions", f"/consultations/{open_one.slug}/questions/"),
            ("moderation", f"/consultations/{open_one.slug}/moderation/"),
        ]
    else:
        table, initiative = _build_portfolio(d, declaration.commitments.get(number=1))
        _owner, experiment = _build_experiments(d)
        e = f"/experiments/{experiment.pk}"
        site.public = [
            ("portfolio", "/portfolio/"), ("portfolio-new", "/portfolio/new/"), ("tables", "/portfolio/tables/"),
            ("table", f"/portfolio/tables/{table.slug}/"), ("initiative", f"/portfolio/initiatives/{initiative.pk}/"),
            ("progress-report", f"/portfolio/tables/{table.slug}/report/"),
            ("experiments", "/experiments/"), ("experiment", f"{e}/"), ("registration", f"{e}/registration/"),
            ("results", f"{e}/results/"), ("what-works", "/experiments/what-works/"),
            ("what-works-group", "/experiments/what-works/reminder/tax_compliance/"), ("open-data", "/open-data/"),
            ("commitment-work", f"/declarations/{declaration.slug}/commitments/1/"),
        ]
        site.signed_in = [("experiment-data", f"{e}/data/"), ("table-members", f"/portfolio/tables/{table.slug}/members/")]
    cache.clear()
    return site


@pytest.fixture
def phone(browser, live_server, transactional_db):
    context = browser.new_context(viewport=PHONE, locale="en-CA", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


# What sticks out of the screen outside a box of its own that scrolls: the page's width, and the
# widest culprits, for the failure message.
OVERFLOW_JS = """() => {
  const W = document.documentElement.clientWidth, out = [];
  for (const el of document.querySelectorAll('#main-content *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= W + 0.5) continue;
    let p = el.parentElement, boxed = false;
    for (; p; p = p.parentElement) { if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) { boxed = true; break; } }
    if (!boxed) out.push(`${el.tagName.toLowerCase()}.${el.className} (right ${Math.round(r.right)})`);
  }
  return {width: document.documentElement.scrollWidth, culprits: out.slice(-4)};
}"""

# Every chart drawn on the screen: the smallest text it shows, whether its letters are in order,
# whether it sticks out of the screen,
# whether the scrolling box around it (if any) is focusable and named, whether the image has a
# name for assistive technologies (a narrow drawing is aria-hidden beside its named wide one), and
# whether its data table comes right after it.
CHARTS_JS = """() => [...document.querySelectorAll('#main-content svg')]
  .filter(svg => svg.getBoundingClientRect().width > 2 && (svg.getAttribute('role') === 'img' || svg.getAttribute('aria-hidden') === 'true'))
  .map(svg => {
    const rect = svg.getBoundingClientRect();
    const scale = rect.width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(getComputedStyle(t).fontSize) * scale);
    const box = svg.closest('.cf-scroll');
    const figure = svg.closest('figure');
    const image = svg.getAttribute('role') === 'img' ? svg : figure && figure.querySelector('svg[role=img]');
    const holder = figure || box || svg;
    const next = holder.nextElementSibling;
    const label = box && document.getElementById(box.getAttribute('aria-labelledby'));
    return {
      title: image && image.querySelector('title') ? image.querySelector('title').textContent : '(no image)',
      minFont: Math.min(...sizes),
      // A coordinate written the French way ("235,0") is a list to SVG: one x per letter.
      garbled: [...svg.querySelectorAll('text')].filter(t => t.getNumberOfChars() > 1
                 && t.getStartPositionOfChar(1).x < t.getStartPositionOfChar(0).x).map(t => t.textContent),
      fits: rect.right <= document.documentElement.clientWidth + 0.5,
      box: box ? box.tabIndex === 0 && box.getAttribute('role') === 'region' && !!label && !!label.textContent.trim() : null,
      named: !!image && !!image.querySelector('title'),
      tableAfter: !!next && (next.tagName === 'TABLE' || !!next.querySelector(':scope > table')),
    };
  })"""


def _sign_in(page, email: str) -> None:
    from django.conf import settings

    from carrefour.directory.models import User

    client = Client()
    client.force_login(User.objects.get(email=email))
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": page.base_url}])


def _visit(page, lang: str, name: str, path: str, problems: list[str]) -> list[dict]:
    response = page.goto(f"{page.base_url}/{lang}{path}")
    assert response is not None and response.status == 200, f"/{lang}{path} answered {response and response.status}"
    page.wait_for_load_state("networkidle")
    fit = page.evaluate(OVERFLOW_JS)
    if fit["width"] > PHONE["width"]:
        problems.append(f"/{lang}{path} is {fit['width']} px wide: {fit['culprits']}")
    charts = page.evaluate(CHARTS_JS)
    for chart in charts:
        if chart["minFont"] < MIN_CHART_FONT_PX:
            problems.append(f"/{lang}{path}: chart “{chart['title']}” shows {chart['minFont']:.1f} px text")
        if chart["box"] is None and not chart["fits"]:
            problems.append(f"/{lang}{path}: chart “{chart['title']}” is wider than the screen, with no box of its own")
        if chart["box"] is False:
            problems.append(f"/{lang}{path}: chart “{chart['title']}” scrolls in a box without focus or name")
        if chart["garbled"]:
            problems.append(f"/{lang}{path}: chart “{chart['title']}” scatters the letters of {chart['garbled'][:3]}")
        if not chart["named"]:
            problems.append(f"/{lang}{path}: a chart has no name for assistive technologies")
        if not chart["tableAfter"]:
            problems.append(f"/{lang}{path}: chart “{chart['title']}” is not followed by its data table")
    assert_accessible(page, f"phone-{name}-{lang}")
    return charts


# Two parts, so that each test stays well within the suite's per-test time limit.
@pytest.mark.parametrize("lang", ["en", "fr"])
# What works lists its groups' pooled figures; each group's forest plot is on the group's page.
@pytest.mark.parametrize(("part", "charts"), [("people-and-texts", 1), ("work-and-evidence", 4)])
def test_every_main_page_fits_a_phone_and_passes_axe(phone, part, charts, lang):
    site = _build_site(part)
    problems: list[str] = []
    charts_seen = 0
    for name, path in site.public:
        charts_seen += len(_visit(phone, lang, name, path, problems))
    _sign_in(phone, site.secretary_email)
    for name, path in site.signed_in:
        _visit(phone, lang, name, path, problems)
    assert not problems, "\n".join(problems)
    # What we heard's bars; the portfolio's two charts, the results' forest plot, What works' two
    # and its group page's one.
    assert charts_seen == charts


def test_a_wide_chart_scrolls_in_its_box_with_the_keyboard_and_the_forest_plot_fits(phone):
    _build_site("work-and-evidence")
    phone.goto(f"{phone.base_url}/en/portfolio/")
    box = phone.locator(".cf-chart-scroll").first
    scroll_width, client_width = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    assert scroll_width > client_width, "the facet-by-stage grid is expected to be wider than a phone at its readable size"
    box.focus()
    assert box.evaluate("b => b === document.activeElement")
    phone.keyboard.press("ArrowRight")
    # The browser may scroll smoothly: wait for the box to have moved.
    phone.wait_for_function("b => b.scrollLeft > 0", arg=box.element_handle(), timeout=5000)
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The forest plot needs no scrolling on a phone: its narrow drawing fits the column.
    phone.goto(f"{phone.base_url}/en/experiments/what-works/reminder/tax_compliance/")
    narrow = phone.locator("figure.cf-chart svg.cf-chart-narrow").first
    assert narrow.is_visible()
    assert narrow.evaluate("s => s.getBoundingClientRect().right <= document.documentElement.clientWidth")
    assert not phone.locator("figure.cf-chart svg.cf-chart-wide").first.evaluate("s => s.getBoundingClientRect().width > 2")
