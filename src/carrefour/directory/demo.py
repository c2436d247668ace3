"""Demo data for the directory, drawn from the seeds (000: the 14 governments; 004: networks)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import transaction

from carrefour.directory.models import Jurisdiction, Membership, Organization, Role, Team, User
from carrefour.directory.services import user_refresh_jurisdiction

DEMO_PASSWORD = "carrefour-demo-2026"  # noqa: S105 - demo accounts only, printed by `make demo`

JURISDICTIONS = [
    # code, kind, name_en, name_fr, abbr_en, abbr_fr, domains, website
    ("ca", "federal", "Government of Canada", "Gouvernement du Canada", "GC", "GC", ["canada.ca", "gc.ca"], "https://www.canada.ca"),
    ("nl", "provincial", "Newfoundland and Labrador", "Terre-Neuve-et-Labrador", "NL", "T.-N.-L.", ["gov.nl.ca"], "https://www.gov.nl.ca"),
    ("pe", "provincial", "Prince Edward Island", "Île-du-Prince-Édouard", "PE", "Î.-P.-É.", ["gov.pe.ca"], "https://www.princeedwardisland.ca"),
    ("ns", "provincial", "Nova Scotia", "Nouvelle-Écosse", "NS", "N.-É.", ["novascotia.ca"], "https://novascotia.ca"),
    ("nb", "provincial", "New Brunswick", "Nouveau-Brunswick", "NB", "N.-B.", ["gnb.ca"], "https://www2.gnb.ca"),
    ("qc", "provincial", "Quebec", "Québec", "QC", "QC", ["gouv.qc.ca", "quebec.ca"], "https://www.quebec.ca"),
    ("on", "provincial", "Ontario", "Ontario", "ON", "ON", ["ontario.ca"], "https://www.ontario.ca"),
    ("mb", "provincial", "Manitoba", "Manitoba", "MB", "MB", ["gov.mb.ca"], "https://www.gov.mb.ca"),
    ("sk", "provincial", "Saskatchewan", "Saskatchewan", "SK", "SK", ["gov.sk.ca"], "https://www.saskatchewan.ca"),
    ("ab", "provincial", "Alberta", "Alberta", "AB", "AB", ["gov.ab.ca"], "https://www.alberta.ca"),
    ("bc", "provincial", "British Columbia", "Colombie-Britannique", "BC", "C.-B.", ["gov.bc.ca"], "https://www2.gov.bc.ca"),
    ("yt", "territorial", "Yukon", "Yukon", "YT", "YN", ["gov.yk.ca", "yukon.ca"], "https://yukon.ca"),
    ("nt", "territorial", "Northwest Territories", "Territoires du Nord-Ouest", "NT", "T.N.-O.", ["gov.nt.ca"], "https://www.gov.nt.ca"),
    ("nu", "territorial", "Nunavut", "Nunavut", "NU", "NU", ["gov.nu.ca"], "https://www.gov.nu.ca"),
]

MUNICIPALITIES = [
    ("durham", "on", "Regional Municipality of Durham", "Municipalité régionale de Durham", "Durham", "Durham", ["durham.ca"], "https://www.durham.ca"),
    ("peel", "on", "Region of Peel", "Région de Peel", "Peel", "Peel", ["peelregion.ca"], "https://www.peelregion.ca"),
]

ORGANIZATIONS = [
    # slug, kind, jurisdiction, name_en, name_fr, acronym_en, acronym_fr
    ("pco", "department", "ca", "Privy Council Office", "Bureau du Conseil privé", "PCO", "BCP"),
    ("pco-iiu", "department", "ca", "Impact and Innovation Unit, Privy Council Office", "Unité de l'impact et de l'innovation, Bureau du Conseil privé", "IIU", "UII"),
    ("tbs", "department", "ca", "Treasury Board of Canada Secretariat", "Secrétariat du Conseil du Trésor du Canada", "TBS", "SCT"),
    ("esdc", "department", "ca", "Employment and Social Development Canada", "Emploi et Développement social Canada", "ESDC", "EDSC"),
    ("cra", "agency", "ca", "Canada Revenue Agency", "Agence du revenu du Canada", "CRA", "ARC"),
    ("ised", "department", "ca", "Innovation, Science and Economic Development Canada", "Innovation, Sciences et Développement économique Canada", "ISED", "ISDE"),
    ("service-canada", "agency", "ca", "Service Canada", "Service Canada", "", ""),
    ("csps", "agency", "ca", "Canada School of Public Service", "École de la fonction publique du Canada", "CSPS", "EFPC"),
    ("on-ods", "department", "on", "Ontario Digital Service", "Service numérique de l'Ontario", "ODS", "SNO"),
    ("bc-citizens-services", "department", "bc", "Ministry of Citizens' Services", "Ministère des Services aux citoyens", "", ""),
    ("bc-sdsi", "department", "bc", "Ministry of Social Development and Social Innovation", "Ministère du Développement social et de l'Innovation sociale", "", ""),
    ("ab-service-alberta", "department", "ab", "Service Alberta", "Service Alberta", "", ""),
    ("nl-opee", "department", "nl", "Office of Public Engagement", "Bureau de la participation publique", "", ""),
    ("nb-service", "agency", "nb", "Service New Brunswick", "Services Nouveau-Brunswick", "SNB", "SNB"),
    ("durham-region", "municipality", "durham", "Regional Municipality of Durham", "Municipalité régionale de Durham", "", ""),
    ("peel-region", "municipality", "peel", "Region of Peel", "Région de Peel", "", ""),
    ("oecd-opsi", "international", None, "OECD Observatory of Public Sector Innovation", "Observatoire de l'innovation dans le secteur public de l'OCDE", "OPSI", "OPSI"),
    ("sheridan", "academic", "on", "Sheridan College", "Collège Sheridan", "", ""),
    ("uvic", "academic", "bc", "University of Victoria", "Université de Victoria", "UVic", "UVic"),
    ("queens", "academic", "on", "Queen's University", "Université Queen's", "", ""),
    ("rotman", "academic", "on", "Rotman School of Management, University of Toronto", "École de gestion Rotman, Université de Toronto", "", ""),
    ("laurier", "academic", "on", "Wilfrid Laurier University", "Université Wilfrid-Laurier", "", ""),
    ("western", "academic", "on", "Western University", "Université Western", "", ""),
    ("harvard-bs", "academic", None, "Harvard Business School", "Harvard Business School", "HBS", "HBS"),
    ("mars-discovery", "non_profit", "on", "MaRS Discovery District", "MaRS Discovery District", "MaRS", "MaRS"),
    ("fn-technology-council", "indigenous", "bc", "First Nations Technology Council", "Conseil des technologies des Premières Nations", "", ""),
    ("civic-tech-co", "private", "on", "Civic Design Co-operative", "Coopérative de design civique", "", ""),
]

TEAMS = [
    # slug, kind, visibility, name_en, name_fr, description_en, description_fr, jurisdiction, org
    ("adm-experimentation", "committee", "government", "Assistant Deputy Ministers Committee on Experimentation",
     "Comité des sous-ministres adjoints sur l'expérimentation",
     "Established in March 2017 in response to the Experimentation Direction for Deputy Heads, the Committee brings together senior management across departments and central agencies to advance the experimentation commitment.",
     "Créé en mars 2017 en réponse à l'Orientation sur l'expérimentation à l'intention des administrateurs généraux, le Comité réunit la haute direction de ministères et d'organismes centraux afin de faire progresser l'engagement envers l'expérimentation.",
     "ca", "pco-iiu"),
    ("bi-cop", "community", "public", "Behavioural Insights Community of Practice", "Communauté de pratique en sciences du comportement",
     "A horizontal network of employees, practitioners and researchers that shares information, research methodologies and experimentation results. Membership is open to all public servants, at all levels. Co-chaired by the IIU and Employment and Social Development Canada.",
     "Un réseau horizontal d'employés, de praticiens et de chercheurs qui échangent de l'information, des méthodes de recherche et des résultats d'expérimentation. Ouverte à tous les fonctionnaires, à tous les niveaux. Coprésidée par l'UII et Emploi et Développement social Canada.",
     "ca", "pco-iiu"),
    ("bi-network", "network", "public", "Behavioural Insights Network — Federal, Provincial, Municipal", "Réseau des sciences du comportement — fédéral, provincial, municipal",
     "A forum for federal, provincial, territorial and municipal governments working in behavioural insights to share experience and make linkages and project partnerships.",
     "Un forum où les gouvernements fédéral, provinciaux, territoriaux et municipaux actifs en sciences du comportement échangent leur expérience et nouent des liens et des partenariats de projet.",
     None, "pco-iiu"),
    ("impact-measurement", "committee", "government", "Impact Measurement Technical Working Group", "Groupe de travail technique sur la mesure de l'impact",
     "Established in August 2018; meets quarterly. Senior evaluators, performance measurement experts and results and delivery advisors who advance impact measurement practices across the federal government.",
     "Créé en août 2018; se réunit chaque trimestre. Évaluateurs principaux, spécialistes de la mesure du rendement et conseillers en résultats et en exécution qui font progresser la mesure de l'impact au gouvernement fédéral.",
     "ca", "pco-iiu"),
    ("fpt-dm-service", "table", "public", "FPT Deputy Ministers' Table on Service Delivery Collaboration", "Table des sous-ministres FPT sur la collaboration en prestation de services",
     "Federal, provincial and territorial deputy ministers responsible for service delivery, working together on shared priorities.",
     "Sous-ministres fédéraux, provinciaux et territoriaux responsables de la prestation des services, qui travaillent ensemble à des priorités communes.",
     None, None),
]

PEOPLE = [
    # email, display name, org, job title, public profile, is_superuser
    ("admin@carrefour.example", "Carrefour Administrator", None, "Platform administrator", False, True),
    ("amelie.tremblay@canada.ca", "Amélie Tremblay", "pco-iiu", "Director, Impact and Innovation Unit", True, False),
    ("raj.patel@ontario.ca", "Raj Patel", "on-ods", "Senior Policy Advisor, Service Design", True, False),
    ("sarah.whitehorse@gov.bc.ca", "Sarah Whitehorse", "bc-citizens-services", "Behavioural Insights Lead", True, False),
    ("marc.leblanc@durham.ca", "Marc LeBlanc", "durham-region", "Manager, Service Innovation", True, False),
    ("citizen@example.org", "Jordan Citizen", None, "", False, False),
]


@transaction.atomic
def load(stdout=None) -> None:
    jurisdictions: dict[str, Jurisdiction] = {}
    for order, (code, kind, en, fr, aen, afr, domains, web) in enumerate(JURISDICTIONS):
        jurisdictions[code], _ = Jurisdiction.objects.update_or_create(
            code=code,
            defaults=dict(kind=kind, name_en=en, name_fr=fr, abbreviation_en=aen, abbreviation_fr=afr,
                          email_domains=domains, website=web, sort_order=order),
        )
    for order, (code, parent, en, fr, aen, afr, domains, web) in enumerate(MUNICIPALITIES, start=50):
        jurisdictions[code], _ = Jurisdiction.objects.update_or_create(
            code=code,
            defaults=dict(kind="municipal", parent=jurisdictions[parent], name_en=en, name_fr=fr,
                          abbreviation_en=aen, abbreviation_fr=afr, email_domains=domains, website=web, sort_order=order),
        )
    orgs: dict[str, Organization] = {}
    for slug, kind, jcode, en, fr, aen, afr in ORGANIZATIONS:
        orgs[slug], _ = Organization.objects.update_or_create(
            slug=slug,
            defaults=dict(kind=kind, jurisdiction=jurisdictions.get(jcode) if jcode else None,
                          name_en=en, name_fr=fr, acronym_en=aen, acronym_fr=afr),
        )
    users: dict[str, User] = {}
    for email, name, org, title, public, superuser in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=DEMO_PASSWORD, is_superuser=superuser, is_staff=superuser)
        user.display_name = name
        user.organization = orgs.get(org) if org else None
        user.job_title = title
        user.profile_public = public
        user.save()
        EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
        user_refresh_jurisdiction(user=user)
        users[email] = user
    admin = users["admin@carrefour.example"]
    for slug, kind, vis, en, fr, den, dfr, jcode, org in TEAMS:
        team, _ = Team.objects.update_or_create(
            slug=slug,
            defaults=dict(kind=kind, visibility=vis, name_en=en, name_fr=fr, description_en=den, description_fr=dfr,
                          jurisdiction=jurisdictions.get(jcode) if jcode else None,
                          organization=orgs.get(org) if org else None, owner=admin),
        )
        Membership.objects.get_or_create(user=users["amelie.tremblay@canada.ca"], team=team,
                                         role=Role.SECRETARIAT if kind in ("table", "committee") else Role.EDITOR)
        if slug in ("bi-network", "fpt-dm-service"):
            for email in ("raj.patel@ontario.ca", "sarah.whitehorse@gov.bc.ca", "marc.leblanc@durham.ca"):
                Membership.objects.get_or_create(user=users[email], team=team, role=Role.MEMBER)
    if stdout:
        stdout.write(f"  directory: {Jurisdiction.objects.count()} jurisdictions, {Organization.objects.count()} organizations, "
                     f"{Team.objects.count()} teams, {User.objects.count()} people\n")
