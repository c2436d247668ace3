"""Demo data from seed 002 (the FPT Deputy Ministers' Table on Service Delivery Collaboration),
plus a few initiatives from other jurisdictions so that the portfolio's charts say something."""

from __future__ import annotations

import datetime

from django.db import transaction

from carrefour.directory.models import Jurisdiction, Organization, Team, User
from carrefour.portfolio.models import (
    Achievement,
    Decision,
    Facet,
    Initiative,
    InitiativeLink,
    Meeting,
    Priority,
    Table,
    TableMember,
)

D = datetime.date

TABLE = {
    "slug": "fpt-dm-service",
    "name_en": "Federal Provincial Territorial Deputy Ministers' Table on Service Delivery Collaboration",
    "name_fr": "Table des sous-ministres fédéraux, provinciaux et territoriaux sur la collaboration en matière de prestation de services",
    "vision_en": "Collaborative leadership to accelerate the delivery of best in class public services in Canada",
    "vision_fr": "Un leadership concerté pour accélérer la prestation de services publics parmi les meilleurs au Canada",
    "description_en": (
        "The Table brings together the federal, provincial and territorial deputy ministers responsible for service "
        "delivery. Its acceleration plan: better engagement through a common vision, DM Champions, better information "
        "sharing (GCcollab) and the participation of the Municipal Service Delivery Officials (MSDO); faster progress by "
        "meeting more frequently, accelerating initiatives, and encouraging larger jurisdictions to work with smaller ones."
    ),
    "description_fr": (
        "La Table réunit les sous-ministres fédéraux, provinciaux et territoriaux responsables de la prestation des "
        "services. Son plan d'accélération : une meilleure mobilisation grâce à une vision commune, des champions "
        "sous-ministres, un meilleur partage de l'information (GCcollab) et la participation des responsables municipaux "
        "de la prestation des services (MSDO); des progrès plus rapides en se réunissant plus souvent, en accélérant les "
        "initiatives et en incitant les grandes administrations à travailler avec les plus petites."
    ),
}

PRIORITIES = [
    # key, en, fr, champion_name, champion_jurisdiction, description en, fr
    ("idm", "Identity Management", "Gestion de l'identité", "", "ca",
     "Trusted digital identity that every jurisdiction recognizes.",
     "Une identité numérique de confiance reconnue par toutes les administrations."),
    ("ddi", "Data Driven Intelligence", "Intelligence axée sur les données", "", "ab",
     "Using data to understand clients and improve services.",
     "Utiliser les données pour comprendre la clientèle et améliorer les services."),
    ("open-data", "Open Data", "Données ouvertes", "", "ab",
     "Open data shared across all orders of government.",
     "Des données ouvertes partagées entre tous les ordres de gouvernement."),
    ("ccs", "Client-Centric Services", "Services axés sur la clientèle", "", "ns",
     "Integrated services designed around life events.",
     "Des services intégrés conçus autour des événements de la vie."),
    ("s2b", "Service to Business", "Service aux entreprises", "", "bc",
     "Simpler, faster services for businesses, with one business number.",
     "Des services plus simples et plus rapides pour les entreprises, avec un seul numéro d'entreprise."),
]

# priority key, title en, title fr, summary en, summary fr, lead, partners, lead org, facets, stage, status, start
INITIATIVES = [
    ("idm", "Pan-Canadian Trust Framework (PCTF)", "Cadre de confiance pancanadien (CCP)",
     "A common framework so that digital identities issued by one jurisdiction are trusted by others.",
     "Un cadre commun pour que les identités numériques délivrées par une administration soient reconnues par les autres.",
     "ca", ["ab"], "tbs", ["mission", "enhancement"], "testing", "on_track", D(2016, 9, 1)),
    ("idm", "Canada's Digital Interchange (CDI)", "Échange numérique du Canada (ENC)",
     "Secure exchange of identity information between governments.",
     "L'échange sécurisé de renseignements d'identité entre gouvernements.",
     "ca", ["ns"], "tbs", ["mission", "adaptive"], "testing", "at_risk", D(2016, 11, 1)),
    ("ddi", "Data Driven Intelligence", "Intelligence axée sur les données",
     "A federal-provincial-territorial community of practice on using data to improve services.",
     "Une communauté de pratique fédérale-provinciale-territoriale sur l'utilisation des données pour améliorer les services.",
     "ab", ["ca", "on"], "ab-service-alberta", ["anticipatory", "adaptive"], "scoping", "on_track", D(2017, 4, 1)),
    ("open-data", "Open Data", "Données ouvertes",
     "Tools and agreements to open data across orders of government, including municipalities.",
     "Des outils et des ententes pour ouvrir les données de tous les ordres de gouvernement, y compris les municipalités.",
     "ca", ["ab"], "tbs", ["enhancement"], "implementation", "on_track", D(2016, 4, 1)),
    ("ccs", "Service Network Collaboration", "Collaboration des réseaux de service",
     "Sharing points of service and integrated service models between jurisdictions.",
     "Le partage des points de service et des modèles de services intégrés entre administrations.",
     "ca", ["ns", "nb", "on"], "service-canada", ["enhancement"], "implementation", "on_track", D(2016, 6, 1)),
    ("ccs", "Death Notification", "Avis de décès",
     "Tell government once: death registration and notification shared between jurisdictions.",
     "Le dire une seule fois au gouvernement : l'enregistrement et l'avis de décès partagés entre administrations.",
     "ca", ["nl", "on", "bc"], "esdc", ["mission", "enhancement"], "design", "on_track", D(2016, 10, 1)),
    ("s2b", "Business Number", "Numéro d'entreprise",
     "Adoption of the federal Business Number as the common business identifier in every jurisdiction.",
     "L'adoption du numéro d'entreprise fédéral comme identifiant commun des entreprises dans toutes les administrations.",
     "ca", ["bc", "on", "ns", "nb"], "cra", ["enhancement", "mission"], "scaling", "at_risk", D(2015, 4, 1)),
    ("s2b", "Expedited Business Start", "Démarrage accéléré d'entreprise",
     "Starting a business in one step across governments.",
     "Démarrer une entreprise en une seule étape auprès de tous les gouvernements.",
     "bc", ["nt", "ab", "on", "ns", "ca"], "bc-citizens-services", ["mission"], "design", "on_track", D(2017, 1, 1)),
]

# initiative title en → [(date, en, fr, by, jurisdictions, evidence)]
ACHIEVEMENTS = {
    "Pan-Canadian Trust Framework (PCTF)": [
        (D(2017, 9, 20), "Identity management roadmap endorsed by the Joint Councils and DMs' Table.",
         "Feuille de route sur la gestion de l'identité approuvée par les Conseils mixtes et la Table des SM.",
         "Joint Councils; FPT DMs' Table", ["ca"], ""),
        (D(2017, 12, 5), "Pilot proof of concept underway with AB (PCTF) with GC.",
         "Projet pilote de validation de principe en cours avec l'Alb. (CCP) et le GC.", "Alberta; Government of Canada", ["ab", "ca"], ""),
    ],
    "Canada's Digital Interchange (CDI)": [
        (D(2017, 12, 5), "Pilot proof of concept underway with NS (CDI) with GC.",
         "Projet pilote de validation de principe en cours avec la N.-É. (ENC) et le GC.", "Nova Scotia; Government of Canada", ["ns", "ca"], ""),
    ],
    "Data Driven Intelligence": [
        (D(2017, 6, 15), "DM Champion identified and FPT Community of Practice established.",
         "Champion SM désigné et communauté de pratique FPT créée.", "FPT DMs' Table", ["ab"], ""),
        (D(2017, 11, 10), "Established DDI as a PSSDC priority (TBC).",
         "L'IAD établie comme priorité du CSPFP (à confirmer).", "PSSDC", [], ""),
    ],
    "Open Data": [
        (D(2017, 7, 4), "Released DIY Open Data Toolkit for municipalities.",
         "Publication de la trousse « Données ouvertes à faire soi-même » pour les municipalités.", "Government of Canada", ["ca"],
         "http://open.canada.ca/en/do-it-yourself-open-data-toolkit"),
        (D(2017, 10, 30), "Developed an MOU for federated data pilot with AB.",
         "Élaboration d'un protocole d'entente pour un projet pilote de données fédérées avec l'Alb.", "Alberta; Government of Canada", ["ab", "ca"], ""),
    ],
    "Service Network Collaboration": [
        (D(2017, 6, 1), "Improved Points of Service Mapping Tool shared with jurisdictions.",
         "Outil amélioré de cartographie des points de service transmis aux administrations.", "Service Canada", ["ca"], ""),
        (D(2017, 9, 1), "Developed Partnership Guide on integrated service models.",
         "Élaboration d'un guide de partenariat sur les modèles de services intégrés.", "FPT service community", [], ""),
        (D(2017, 11, 22), "FPT Service Integration Workshop identified areas for collaboration.",
         "L'atelier FPT sur l'intégration des services a cerné des domaines de collaboration.", "FPT service community", [], ""),
    ],
    "Death Notification": [
        (D(2017, 8, 15), "Death Registration and Notification Blueprint distributed. NL agreed to implement the Blueprint.",
         "Plan directeur sur l'enregistrement et l'avis de décès distribué. T.-N.-L. a accepté de le mettre en œuvre.",
         "ESDC; Newfoundland and Labrador", ["ca", "nl"], ""),
        (D(2018, 1, 12), "Journey mapping completed to scope a future bereavement bundle.",
         "Cartographie du parcours terminée pour circonscrire un futur ensemble de services en cas de deuil.", "ESDC", ["ca"], ""),
    ],
    "Business Number": [
        (D(2017, 6, 20), "S2B acceleration plan was endorsed by PSSDC and the DMs' Table.",
         "Le plan d'accélération du service aux entreprises a été approuvé par le CSPFP et la Table des SM.", "PSSDC; FPT DMs' Table", [], ""),
        (D(2017, 10, 2), "Acceleration Team created to work with jurisdictions to develop a BN Adoption Playbook.",
         "Création d'une équipe d'accélération pour élaborer avec les administrations un guide d'adoption du NE.", "CRA", ["ca"], ""),
    ],
    "Expedited Business Start": [
        (D(2017, 9, 12), "BC, NT, AB, ON, NS and ESDC distributed the EBS Call to Action to business-facing partners.",
         "La C.-B., les T.N.-O., l'Alb., l'Ont., la N.-É. et EDSC ont diffusé l'appel à l'action sur le DAE aux partenaires qui servent les entreprises.",
         "BC, NT, AB, ON, NS, ESDC", ["bc", "nt", "ab", "on", "ns", "ca"], ""),
        (D(2018, 2, 1), "Acceleration team exploring pilots to advance EBS.",
         "L'équipe d'accélération explore des projets pilotes pour faire avancer le DAE.", "Acceleration Team", [], ""),
    ],
}
# An older achievement, before the report period: the report "since April 2017" leaves it out.
EARLIER = ("Business Number", D(2016, 11, 15), "BN adopted by three more provincial programs.",
           "Le NE adopté par trois autres programmes provinciaux.", "CRA", ["ca"], "")

# Other jurisdictions' initiatives, outside the table: facets and stages for the charts.
OTHERS = [
    ("durham", "durham-region", "Durham service navigation pilot", "Projet pilote de navigation des services de Durham",
     "Testing a single front door for regional social services.", "Mise à l'essai d'un guichet unique pour les services sociaux régionaux.",
     ["adaptive", "enhancement"], "testing", "on_track", ["on"]),
    ("durham", "durham-region", "Durham climate-ready infrastructure foresight", "Prospective de Durham sur les infrastructures adaptées au climat",
     "Scenarios of how a changing climate could reshape regional services by 2040.", "Des scénarios sur la façon dont le climat pourrait transformer les services régionaux d'ici 2040.",
     ["anticipatory"], "idea", "on_track", []),
    ("peel", "peel-region", "Peel housing application redesign", "Refonte de la demande de logement de Peel",
     "Redesigning the subsidized housing application with applicants.", "Refonte, avec les demandeurs, de la demande de logement subventionné.",
     ["enhancement"], "implementation", "done", []),
    ("peel", "peel-region", "Peel community safety and well-being plan", "Plan de sécurité et de bien-être communautaires de Peel",
     "A mission to reduce harm through shared data and services with partners.", "Une mission visant à réduire les préjudices grâce au partage de données et de services avec les partenaires.",
     ["mission", "adaptive"], "scaling", "at_risk", ["on"]),
    ("bc", "bc-sdsi", "BC behavioural insights for income assistance", "Sciences du comportement pour l'aide au revenu en C.-B.",
     "Randomized trials of letters and reminders to clients.", "Essais randomisés de lettres et de rappels aux clients.",
     ["enhancement", "adaptive"], "testing", "on_track", []),
    ("bc", "bc-citizens-services", "BC digital identity for services", "Identité numérique de la C.-B. pour les services",
     "The BC Services Card as a digital credential.", "La carte de services de la C.-B. comme justificatif numérique.",
     ["mission"], "scaling", "on_track", ["ca"]),
    ("bc", "bc-citizens-services", "BC emerging technologies scan", "Veille sur les technologies émergentes de la C.-B.",
     "Scanning blockchain and biometrics for future service delivery.", "Veille sur la chaîne de blocs et la biométrie pour la prestation future des services.",
     ["anticipatory"], "scoping", "blocked", []),
    ("on", "on-ods", "Ontario digital service standard", "Norme de service numérique de l'Ontario",
     "A standard that every new digital service must meet.", "Une norme que chaque nouveau service numérique doit respecter.",
     ["enhancement", "mission"], "implementation", "on_track", []),
]


# FPT Declaration on Public Sector Innovation: commitment number → initiatives that serve it.
COMMITMENTS = {
    1: ["Pan-Canadian Trust Framework (PCTF)", "Canada's Digital Interchange (CDI)", "Data Driven Intelligence", "Business Number"],
    3: ["Open Data", "Data Driven Intelligence"],
    4: ["Service Network Collaboration", "Death Notification", "Expedited Business Start"],
}


def _link_commitments(initiatives: dict[str, Initiative], admin: User | None) -> None:
    """Link the table's initiatives to the FPT declaration's commitments (none if it is not loaded)."""
    from carrefour.declarations import commitments

    wanted: dict[str, list[int]] = {}
    for number, titles in COMMITMENTS.items():
        ids = commitments.commitments_numbered(declaration_slug="fpt-public-sector-innovation", numbers=[number])
        for title in titles:
            wanted.setdefault(title, []).extend(ids)
    for title, initiative in initiatives.items():
        commitments.set_links(actor=admin, target=initiative, commitments=wanted.get(title, []))


def ensure_facets() -> dict[str, Facet]:
    """The four facets (a migration loads them; a flushed test database may have lost them)."""
    from carrefour.portfolio.facets import FACETS

    for order, data in enumerate(FACETS):
        Facet.objects.update_or_create(code=data["code"], defaults={**data, "sort_order": order})
    return {f.code: f for f in Facet.objects.all()}


@transaction.atomic
def load(stdout=None) -> None:
    jurisdictions = {j.code: j for j in Jurisdiction.objects.all()}
    orgs = {o.slug: o for o in Organization.objects.all()}
    facets = ensure_facets()
    admin = User.objects.filter(email="admin@carrefour.example").first()
    amelie = User.objects.filter(email="amelie.tremblay@canada.ca").first()
    team = Team.objects.filter(slug="fpt-dm-service").first()

    table, _ = Table.objects.update_or_create(
        slug=TABLE["slug"], defaults={**{k: v for k, v in TABLE.items() if k != "slug"},
                                      "team": team, "owner": admin, "visibility": "public"})
    table.member_jurisdictions.set([j for code, j in jurisdictions.items() if code not in ("durham", "peel")])
    TableMember.objects.filter(table=table).delete()
    TableMember.objects.create(table=table, jurisdiction=jurisdictions["ca"], name_en="Co-chair, Government of Canada",
                               name_fr="Coprésidence, gouvernement du Canada",
                               role=TableMember.Role.CO_CHAIR)
    TableMember.objects.create(table=table, jurisdiction=jurisdictions["ab"], name_en="Co-chair, Alberta",
                               name_fr="Coprésidence, Alberta",
                               role=TableMember.Role.CO_CHAIR)
    if amelie:
        TableMember.objects.create(table=table, person=amelie, jurisdiction=jurisdictions["ca"], role=TableMember.Role.SECRETARIAT)
    TableMember.objects.create(table=table, name_en="Municipal Service Delivery Officials (MSDO)",
                               name_fr="Responsables municipaux de la prestation des services (RMPS)", role=TableMember.Role.OBSERVER)

    priorities = {}
    for order, (key, en, fr, champ, champ_j, den, dfr) in enumerate(PRIORITIES):
        priorities[key], _ = Priority.objects.update_or_create(
            table=table, title_en=en,
            defaults=dict(title_fr=fr, description_en=den, description_fr=dfr, champion_name=champ,
                          champion_jurisdiction=jurisdictions[champ_j], sort_order=order, team=team,
                          owner=admin, visibility="public"))

    initiatives = {}
    for key, en, fr, sen, sfr, lead, partners, org, fcodes, stage, status, start in INITIATIVES:
        initiative, _ = Initiative.objects.update_or_create(
            table=table, title_en=en,
            defaults=dict(title_fr=fr, summary_en=sen, summary_fr=sfr, jurisdiction=jurisdictions[lead],
                          lead_organization=orgs.get(org), priority=priorities[key], stage=stage, status=status,
                          start_date=start, team=team, owner=admin, visibility="public"))
        initiative.partner_jurisdictions.set([jurisdictions[c] for c in partners])
        initiative.facets.set([facets[c] for c in fcodes])
        initiatives[en] = initiative
    _link_commitments(initiatives, admin)
    InitiativeLink.objects.update_or_create(
        initiative=initiatives["Open Data"], url="http://open.canada.ca/en/do-it-yourself-open-data-toolkit",
        defaults=dict(kind="resource", title_en="Do-It-Yourself Open Data Toolkit", title_fr="Trousse de données ouvertes à faire soi-même"))

    for title, items in ACHIEVEMENTS.items():
        for date, en, fr, by, codes, evidence in items:
            achievement, _ = Achievement.objects.update_or_create(
                initiative=initiatives[title], text_en=en,
                defaults=dict(date=date, text_fr=fr, by=by, evidence_url=evidence, is_key=True, team=team,
                              owner=admin, visibility="public"))
            achievement.jurisdictions.set([jurisdictions[c] for c in codes])
    title, date, en, fr, by, codes, evidence = EARLIER
    Achievement.objects.update_or_create(
        initiative=initiatives[title], text_en=en,
        defaults=dict(date=date, text_fr=fr, by=by, is_key=True, team=team, owner=admin, visibility="public"))

    meeting, _ = Meeting.objects.update_or_create(
        table=table, date=D(2018, 1, 25),
        defaults=dict(title_en="FPT DMs' Table meeting, January 2018", title_fr="Réunion de la Table des SM FPT, janvier 2018",
                      summary_en="Progress on priorities and preparation of the annual update to the Clerks and Cabinet Secretaries.",
                      summary_fr="Progrès des priorités et préparation de la mise à jour annuelle aux greffiers et secrétaires de cabinet.",
                      team=team, owner=admin, visibility="public"))
    earlier, _ = Meeting.objects.update_or_create(
        table=table, date=D(2017, 4, 13),
        defaults=dict(title_en="Update to the Clerks and Cabinet Secretaries, April 2017",
                      title_fr="Mise à jour aux greffiers et secrétaires de cabinet, avril 2017",
                      summary_en="The Co-Chairs presented the acceleration plan and progress on each priority.",
                      summary_fr="Les coprésidents ont présenté le plan d'accélération et les progrès de chaque priorité.",
                      team=team, owner=admin, visibility="public"))
    decisions = [
        (earlier, "decision", D(2017, 4, 13), None,
         "The Table committed to accelerating the Expedited Business Start and Death Notification and Registration.",
         "La Table s'est engagée à accélérer le démarrage accéléré d'entreprise ainsi que l'avis et l'enregistrement de décès."),
        (earlier, "decision", D(2017, 4, 13), None,
         "Clerks and Cabinet Secretaries agreed to support a more mandatory approach for Business Number adoption and to promote more timely reporting and sharing of death-related information.",
         "Les greffiers et secrétaires de cabinet ont convenu d'appuyer une approche plus obligatoire de l'adoption du numéro d'entreprise et de promouvoir une transmission plus rapide des renseignements liés aux décès."),
        (meeting, "decision", D(2018, 1, 25), None,
         "The Joint Councils and PSSDC will discuss the benefits of a Declaration on Service.",
         "Les Conseils mixtes et le CSPFP discuteront des avantages d'une déclaration sur le service."),
        (meeting, "next_step", D(2018, 1, 25), D(2018, 3, 22),
         "Based on input from the Joint Councils, prepare a mock-up of a Declaration on Service and recommend an approach to the FPT DMs' Table.",
         "À partir des commentaires des Conseils mixtes, préparer une maquette de déclaration sur le service et recommander une approche à la Table des SM FPT."),
        (meeting, "next_step", D(2018, 1, 25), D(2018, 4, 13),
         "Seek endorsement at an upcoming Clerks and Cabinet Secretaries Committee meeting (April 13 or Fall 2018, to be confirmed).",
         "Demander l'approbation à une prochaine réunion du comité des greffiers et secrétaires de cabinet (13 avril ou automne 2018, à confirmer)."),
        (meeting, "sought", D(2018, 1, 25), None,
         "Ask the Clerks and Cabinet Secretaries to adopt a public commitment to collaborate on service, e.g. a Declaration on Service, building on the Declaration on Public Sector Innovation.",
         "Demander aux greffiers et secrétaires de cabinet d'adopter un engagement public à collaborer en matière de service, par exemple une déclaration sur le service, dans la foulée de la Déclaration sur l'innovation dans le secteur public."),
        (meeting, "sought", D(2018, 1, 25), None,
         "Note the progress on the Table's priorities, to be highlighted to the FPT Clerks and Cabinet Secretaries.",
         "Prendre acte des progrès des priorités de la Table, à souligner auprès des greffiers et secrétaires de cabinet FPT."),
    ]
    for m, kind, date, due, en, fr in decisions:
        Decision.objects.update_or_create(
            table=table, text_en=en,
            defaults=dict(meeting=m, kind=kind, date=date, due_date=due, text_fr=fr, team=team, owner=admin, visibility="public"))

    for code, org, en, fr, sen, sfr, fcodes, stage, status, partners in OTHERS:
        initiative, _ = Initiative.objects.update_or_create(
            table=None, title_en=en,
            defaults=dict(title_fr=fr, summary_en=sen, summary_fr=sfr, jurisdiction=jurisdictions[code],
                          lead_organization=orgs.get(org), stage=stage, status=status, owner=admin, visibility="public",
                          team=Team.objects.filter(slug="bi-network").first()))
        initiative.partner_jurisdictions.set([jurisdictions[c] for c in partners])
        initiative.facets.set([facets[c] for c in fcodes])
    if stdout:
        stdout.write(f"  portfolio: {Initiative.objects.count()} initiatives, {Achievement.objects.count()} achievements\n")
