"""Demo declarations from the seeds: the FPT Declaration on Public Sector Innovation (000), an
OECD-style draft in consultation (001) and the mock-up Declaration on Service in review (002)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from carrefour.core.services import model_create, model_update
from carrefour.declarations.models import Declaration
from carrefour.declarations.services import (
    commitment_save,
    declaration_create,
    declaration_publish_version,
    declaration_set_status,
    declaration_update,
    endorsement_record,
)
from carrefour.directory.models import Jurisdiction, Role, Team, User
from carrefour.directory.services import membership_add

FPT_PREAMBLE_EN = """To achieve meaningful and lasting results for the people we serve, governments need to work in new and inventive ways with a greater focus on what works and what doesn't. Innovation can do more than just drive strong economic growth. It has the potential to solve the big challenges that we face as Canadians.

Innovation, experimentation and openness require constant effort—even if they present risks. We need to be ambitious, nimble and collaborative to achieve meaningful and lasting results. We need to rely on the diversity, ingenuity and creativity of Canadians to solve real problems. In times of considerable change and uncertainty, the greatest risk is refusing to take chances and try new things.

Following this third annual Clerks and Cabinet Secretaries Conference on Policy Innovation, we, the Federal, Provincial and Territorial Clerks and Cabinet Secretaries, commit to taking the following actions to support innovation in the public sector:"""

FPT_PREAMBLE_FR = """Afin d'obtenir des résultats concrets et durables pour les populations qu'ils servent, les gouvernements doivent trouver des façons nouvelles et créatrices de travailler, en portant une attention à ce qui fonctionne et à ce qui ne fonctionne pas. L'innovation n'est pas un simple moteur de croissance économique, elle a le potentiel de résoudre les grands défis auxquels nous sommes confrontés en tant que Canadiens.

Il importe de déployer des efforts constants en matière d'innovation, d'expérimentation et d'ouverture, et ce même si cela comporte des risques. Nous devons faire preuve d'ambition et de souplesse et travailler en collaboration, afin d'obtenir des résultats concrets et durables. Nous devons nous appuyer sur la diversité, l'ingéniosité et la créativité des Canadiens pour résoudre les problèmes réels. En cette période de changements et d'incertitude considérables, le plus grand risque est en fait celui d'avoir peur d'oser et d'essayer de nouvelles façons de faire.

À la suite de cette troisième Conférence annuelle des greffiers et des secrétaires de Cabinet sur l'innovation en matière de politiques, nous, les greffiers et les secrétaires de Cabinet fédéral, provinciaux et territoriaux, nous engageons à prendre les mesures suivantes en vue d'appuyer l'innovation dans le secteur public :"""

FPT_CLOSING_EN = """Canada is a resilient, inclusive, diverse and outward-looking country. These are our strengths. But we must build on them and be even more inventive if we are to succeed in the face of rapid social, economic, environmental and technological change. Rapid innovation is now the norm in the scientific, business and social sectors. Embracing this innovation is no less important in the public sector and is crucial to building inclusive, sustainable communities."""

FPT_CLOSING_FR = """Le Canada est un pays résilient, inclusif, diversifié et visionnaire. Ce sont nos forces, et nous devons nous appuyer sur celles-ci pour devenir encore plus créatifs si nous voulons réussir dans un contexte de changements rapides sur le plan social, économique, environnemental et technologique. L'innovation rapide est désormais la norme dans les secteurs scientifiques, commerciaux et sociaux. L'adhésion à cette culture d'innovation n'en est pas moins importante pour le secteur public et elle est essentielle pour bâtir des collectivités inclusives et durables."""

FPT_COMMITMENTS = [
    ("New ideas and tools", "Idées et outils nouveaux",
     "Seeking out and applying new insights, ideas, tools and technologies to complex problems by working within and across governments to continuously improve policies, programs and services;",
     "Rechercher et appliquer des points de vue, des idées, des outils et des technologies nouveaux pour résoudre des problèmes complexes au sein des gouvernements et entre ceux-ci dans le but de continuellement améliorer les politiques, les programmes et les services;"),
    ("Experiment and measure results", "Expérimenter et mesurer les résultats",
     "Experimenting and measuring results by identifying what works and what doesn't, so that we can invest where we can have the greatest impact;",
     "Expérimenter et mesurer les résultats en cernant ce qui fonctionne et ce qui ne fonctionne pas, de sorte à investir dans ce qui produira le meilleur impact;"),
    ("Share knowledge and data openly", "Transmettre les connaissances et les données",
     "Sharing knowledge and data with citizens in an open and transparent way, while learning from them and incorporating their expertise and input into our work;",
     "Transmettre les connaissances et les données aux citoyens, de façon ouverte et transparente, tout en apprenant de ces derniers et en intégrant leurs expertises et leurs points de vue à notre travail;"),
    ("Put citizens first", "Donner la priorité aux citoyens",
     "Putting citizens first by collaborating with all sectors of society including Indigenous Peoples, the non-profit and private sectors, and civil society to co-design and implement better policies, programs and services;",
     "Donner la priorité aux citoyens en collaborant avec tous les secteurs de la société, y compris les peuples autochtones, les organismes des secteurs caritatif et privé, et la société civile pour concevoir et mettre en œuvre conjointement de meilleurs politiques, programmes et services;"),
    ("Prizes, challenges and outcomes-based funding", "Défis, prix et financement axé sur les résultats",
     "Exploring opportunities to work together on prizes, challenges and other outcomes-based funding mechanisms; and",
     "Saisir les occasions de collaborer sur des projets de défis et de prix, et d'autres mécanismes de financement axés sur les résultats;"),
    ("Continue the dialogue", "Poursuivre le dialogue",
     "Continuing the dialogue on innovation and experimentation across Canada by sharing experiences and knowledge, making linkages and establishing partnerships.",
     "Poursuivre le dialogue en matière d'innovation et d'expérimentation dans l'ensemble du Canada en échangeant nos expériences et connaissances, en tissant des liens et en établissant des partenariats dans le cadre de projets."),
]

# Who signed for each government in November 2017, as the demo tells it: invented people, with the
# title of the office each head of the public service holds, in English and in French.
FPT_SIGNATORIES = {
    "ca": ("Catherine Roy", "Clerk of the Privy Council and Secretary to the Cabinet",
           "Greffière du Conseil privé et secrétaire du Cabinet"),
    "nl": ("Michael Walsh", "Clerk of the Executive Council and Secretary to Cabinet",
           "Greffier du Conseil exécutif et secrétaire du Cabinet"),
    "pe": ("Anne MacDonald", "Clerk of the Executive Council and Secretary to Cabinet",
           "Greffière du Conseil exécutif et secrétaire du Cabinet"),
    "ns": ("David Campbell", "Clerk of the Executive Council", "Greffier du Conseil exécutif"),
    "nb": ("Julie Cormier", "Clerk of the Executive Council and Secretary to Cabinet",
           "Greffière du Conseil exécutif et secrétaire du Cabinet"),
    "qc": ("Marc Gagnon", "Secretary General of the Executive Council", "Secrétaire général du Conseil exécutif"),
    "on": ("Laura Bennett", "Secretary of the Cabinet and Head of the Ontario Public Service",
           "Secrétaire du Conseil des ministres et cheffe de la fonction publique de l'Ontario"),
    "mb": ("Paul Friesen", "Clerk of the Executive Council and Cabinet Secretary",
           "Greffier du Conseil exécutif et secrétaire du Cabinet"),
    "sk": ("Karen Olson", "Deputy Minister to the Premier and Cabinet Secretary",
           "Sous-ministre auprès du premier ministre et secrétaire du Cabinet"),
    "ab": ("Steven Kowalski", "Deputy Minister of Executive Council", "Sous-ministre du Conseil exécutif"),
    "bc": ("Emily Chen", "Deputy Minister to the Premier and Cabinet Secretary",
           "Sous-ministre auprès du premier ministre et secrétaire du Cabinet"),
    "yt": ("Daniel Frost", "Deputy Minister, Executive Council Office", "Sous-ministre, Bureau du Conseil exécutif"),
    "nt": ("Marie Lafferty", "Secretary to Cabinet", "Secrétaire du Cabinet"),
    "nu": ("Robert Hughes", "Deputy Minister of Executive and Intergovernmental Affairs",
           "Sous-ministre de l'Exécutif et des Affaires intergouvernementales"),
}

# Today's signatory account for each government (demo people: Ontario and British Columbia have theirs
# in the directory; the others are role accounts on the reserved `.example` domain, with no password).
SIGNATORY_ACCOUNTS = {"on": "raj.patel@ontario.ca", "bc": "sarah.whitehorse@gov.bc.ca"}
FRENCH_FIRST = {"qc", "nb"}

OECD_PREAMBLE_EN = """Governments face complex, interconnected challenges and rapid change. Innovation is not only about improving what exists; it is also about anticipating what comes next, including weak signals of emerging change, and responding to a changing world.

Adherents to this Declaration recognise that innovation is a strategic and systemic activity of the public sector, and that every civil servant has a role to play. They commit to the following principles:"""

OECD_PREAMBLE_FR = """Les gouvernements font face à des défis complexes et interreliés et à des changements rapides. L'innovation ne consiste pas seulement à améliorer l'existant; elle consiste aussi à anticiper l'avenir, y compris les signaux faibles de changements émergents, et à s'adapter à un monde en évolution.

Les adhérents à la présente Déclaration reconnaissent que l'innovation est une activité stratégique et systémique du secteur public, et que chaque fonctionnaire a un rôle à jouer. Ils s'engagent à respecter les principes suivants :"""

OECD_PRINCIPLES = [
    ("Embrace and enhance innovation", "Adopter et renforcer l'innovation",
     "Embrace and enhance innovation within the public sector: acknowledge innovation as a strategic priority, provide it with a mandate, resources and a portfolio approach across its different facets.",
     "Adopter et renforcer l'innovation dans le secteur public : reconnaître l'innovation comme une priorité stratégique et lui donner un mandat, des ressources et une approche de portefeuille couvrant ses différentes facettes."),
    ("Encourage and equip public servants", "Encourager et outiller les fonctionnaires",
     "Encourage and equip all public servants to innovate: build capabilities, give permission to try new approaches, and recognise that failure is part of experimentation.",
     "Encourager et outiller tous les fonctionnaires afin qu'ils innovent : renforcer les capacités, autoriser l'essai de nouvelles approches et reconnaître que l'échec fait partie de l'expérimentation."),
    ("Cultivate partnerships and involve different voices", "Cultiver des partenariats et faire entendre des voix différentes",
     "Cultivate new partnerships and involve different voices: work with citizens, Indigenous peoples, civil society, academia and business, and across levels of government.",
     "Cultiver de nouveaux partenariats et faire participer des voix différentes : travailler avec les citoyens, les peuples autochtones, la société civile, le milieu universitaire et les entreprises, et entre les ordres de gouvernement."),
    ("Support exploration, iteration and testing", "Soutenir l'exploration, l'itération et l'essai",
     "Support exploration, iteration and testing: make room for exploring weak signals, prototyping and rigorous testing, and adapt rules that hinder learning.",
     "Soutenir l'exploration, l'itération et l'essai : faire place à l'exploration des signaux faibles, au prototypage et à l'évaluation rigoureuse, et adapter les règles qui entravent l'apprentissage."),
    ("Diffuse lessons and share practices", "Diffuser les leçons et partager les pratiques",
     "Diffuse lessons and share practices: share what works and what does not, openly and across borders, so that successful approaches spread and mistakes are not repeated.",
     "Diffuser les leçons et partager les pratiques : faire connaître ce qui fonctionne et ce qui ne fonctionne pas, ouvertement et au-delà des frontières, afin que les approches fructueuses se répandent et que les erreurs ne se répètent pas."),
]

OECD_CLOSING_EN = "Adherents will report on their experience with this Declaration and share lessons through the Observatory of Public Sector Innovation."
OECD_CLOSING_FR = "Les adhérents rendront compte de leur expérience de la présente Déclaration et partageront les leçons apprises par l'intermédiaire de l'Observatoire de l'innovation dans le secteur public."

SERVICE_PREAMBLE_EN = """We, the Federal, Provincial and Territorial Clerks and Cabinet Secretaries, recognize that the way we deliver service is a reflection of our governments. Our ability to serve clients builds trust and confidence.

Building on the Declaration on Public Sector Innovation, we commit to collaborate to accelerate the delivery of best-in-class public services in Canada:"""

SERVICE_PREAMBLE_FR = """Nous, les greffiers et les secrétaires de Cabinet fédéral, provinciaux et territoriaux, reconnaissons que la façon dont nous offrons les services reflète nos gouvernements. Notre capacité à servir nos clients bâtit la confiance.

Dans le prolongement de la Déclaration sur l'innovation dans le secteur public, nous nous engageons à collaborer pour accélérer la prestation de services publics de premier ordre au Canada :"""

SERVICE_COMMITMENTS = [
    ("Client-centric services", "Des services axés sur le client",
     "Putting clients at the centre of service design and delivery, so that individuals and businesses save time and money.",
     "Placer les clients au centre de la conception et de la prestation des services, afin que les particuliers et les entreprises économisent temps et argent."),
    ("Collaboration across jurisdictions", "Collaboration entre les administrations",
     "Collaborating within and across jurisdictions to improve the client experience and avoid duplication by sharing expertise, tools and resources.",
     "Collaborer au sein des administrations et entre elles pour améliorer l'expérience client et éviter le dédoublement en partageant l'expertise, les outils et les ressources."),
    ("Integrated, trusted and secure services", "Des services intégrés, fiables et sécuritaires",
     "Building the integrated, trusted and secure foundations that services need, including identity management and the adoption of the Business Number.",
     "Bâtir les fondations intégrées, fiables et sécuritaires dont les services ont besoin, y compris la gestion de l'identité et l'adoption du numéro d'entreprise."),
    ("New insights, tools and technologies", "Points de vue, outils et technologies nouveaux",
     "Working together to seek out new insights, tools and technologies to improve service delivery to Canadians and businesses.",
     "Travailler ensemble pour trouver des points de vue, des outils et des technologies nouveaux afin d'améliorer la prestation des services aux Canadiens et aux entreprises."),
]


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _signatories(admin: User, stdout=None) -> Team:
    """A team of the heads of the public service, with a signatory for each of the fourteen governments."""
    team = Team.objects.filter(slug="fpt-clerks").first()
    if team is None:
        team = model_create(model=Team, actor=admin, data={
            "slug": "fpt-clerks", "kind": Team.Kind.JURISDICTION, "visibility": "public",
            "name_en": "Federal, Provincial and Territorial Clerks and Cabinet Secretaries",
            "name_fr": "Greffiers et secrétaires de Cabinet fédéral, provinciaux et territoriaux",
            "description_en": "The fourteen heads of the public service, who endorse joint declarations on behalf of their governments.",
            "description_fr": "Les quatorze chefs de la fonction publique, qui endossent les déclarations communes au nom de leur gouvernement.",
            "owner": admin,
        })
    for jurisdiction in Jurisdiction.objects.filter(code__in=FPT_SIGNATORIES):
        user = _signatory_account(jurisdiction)
        membership_add(team=team, user=user, role=Role.SIGNATORY, actor=admin, jurisdiction=jurisdiction)
    secretariat = User.objects.filter(email="amelie.tremblay@canada.ca").first()
    if secretariat is not None:
        membership_add(team=team, user=secretariat, role=Role.SECRETARIAT, actor=admin)
    _say(stdout, "  signatories: fpt-clerks\n")
    return team


def _signatory_account(jurisdiction: Jurisdiction) -> User:
    email = SIGNATORY_ACCOUNTS.get(jurisdiction.code)
    user = User.objects.filter(email=email).first() if email else None
    if user is not None:
        return user
    email = f"signatory.{jurisdiction.code}@carrefour.example"
    user = User.objects.filter(email=email).first()
    if user is None:
        name, title_en, title_fr = FPT_SIGNATORIES[jurisdiction.code]
        french = jurisdiction.code in FRENCH_FIRST
        user = User.objects.create_user(email=email, password=None, display_name=name,
                                        job_title=title_fr if french else title_en,
                                        preferred_language="fr" if french else "en")
    return user


def _declaration(*, actor, team, slug, data, commitments) -> Declaration:
    declaration = declaration_create(actor=actor, team=team, slug=slug, data={**data, "status": "drafting"})
    for number, (title_en, title_fr, text_en, text_fr) in enumerate(commitments, start=1):
        commitment_save(declaration=declaration, actor=actor, number=number, title_en=title_en,
                        title_fr=title_fr, text_en=text_en, text_fr=text_fr)
    return declaration


@transaction.atomic
def load(stdout=None) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    if admin is None:
        _say(stdout, "  declarations: load the directory first\n")
        return
    clerks = _signatories(admin, stdout)
    service_team = Team.objects.filter(slug="fpt-dm-service").first()
    innovation_team = Team.objects.filter(slug="adm-experimentation").first()

    if not Declaration.objects.filter(slug="fpt-public-sector-innovation").exists():
        fpt = _declaration(actor=admin, team=clerks, slug="fpt-public-sector-innovation", commitments=FPT_COMMITMENTS, data={
            "short_name_en": "FPT", "short_name_fr": "FPT",
            "title_en": "Declaration on Public Sector Innovation",
            "title_fr": "Déclaration sur l'innovation dans le secteur public",
            "summary_en": "Signed in November 2017 by all fourteen Federal, Provincial and Territorial Clerks and Cabinet Secretaries: the first joint document they all signed, now a signpost for innovation across Canada's public services.",
            "summary_fr": "Signée en novembre 2017 par les quatorze greffiers et secrétaires de Cabinet fédéral, provinciaux et territoriaux : le premier document commun qu'ils ont tous signé, devenu un point de repère pour l'innovation dans les fonctions publiques du Canada.",
            "preamble_en": FPT_PREAMBLE_EN, "preamble_fr": FPT_PREAMBLE_FR,
            "closing_en": FPT_CLOSING_EN, "closing_fr": FPT_CLOSING_FR,
            "visibility": "public",
        })
        version = declaration_publish_version(declaration=fpt, actor=admin, note_en="Text as signed.", note_fr="Texte signé.")
        signed = datetime.date(2017, 11, 1)
        _dated(version, signed)
        declaration_set_status(declaration=fpt, actor=admin, status=Declaration.Status.ENDORSEMENT)
        for jurisdiction in Jurisdiction.objects.filter(code__in=FPT_SIGNATORIES):
            name, title_en, title_fr = FPT_SIGNATORIES[jurisdiction.code]
            endorsement_record(declaration=fpt, actor=admin, jurisdiction=jurisdiction, signatory_name=name,
                               signatory_title_en=title_en, signatory_title_fr=title_fr, endorsed_on=signed,
                               note="Declaration signed at the Clerks and Cabinet Secretaries Conference")
        declaration_set_status(declaration=fpt, actor=admin, status=Declaration.Status.ADOPTED)
        model_update(instance=fpt, actor=admin, data={"adopted_on": signed}, note="date of signature")
        _say(stdout, "  declaration: FPT Declaration on Public Sector Innovation (adopted, 14 endorsements)\n")

    if not Declaration.objects.filter(slug="oecd-public-sector-innovation").exists():
        oecd = _declaration(actor=admin, team=innovation_team or clerks, slug="oecd-public-sector-innovation",
                            commitments=OECD_PRINCIPLES, data={
            "short_name_en": "OECD", "short_name_fr": "OCDE",
            "title_en": "Draft Declaration on Public Sector Innovation (OECD model)",
            "title_fr": "Projet de déclaration sur l'innovation dans le secteur public (modèle de l'OCDE)",
            "summary_en": "A draft modelled on the OECD Declaration on Public Sector Innovation (adopted May 2019), open for public comment on its clarity, terminology and feasibility.",
            "summary_fr": "Un projet inspiré de la Déclaration de l'OCDE sur l'innovation dans le secteur public (adoptée en mai 2019), ouvert aux commentaires du public sur sa clarté, sa terminologie et sa faisabilité.",
            "preamble_en": OECD_PREAMBLE_EN, "preamble_fr": OECD_PREAMBLE_FR,
            "closing_en": OECD_CLOSING_EN, "closing_fr": OECD_CLOSING_FR,
            "visibility": "public",
        })
        version = declaration_publish_version(declaration=oecd, actor=admin, note_en="Draft for public consultation.",
                                              note_fr="Projet soumis à la consultation publique.")
        _dated(version, timezone.localdate() - datetime.timedelta(days=8))  # the day before its consultation opened
        declaration_set_status(declaration=oecd, actor=admin, status=Declaration.Status.CONSULTATION)
        _say(stdout, "  declaration: OECD-model draft (in consultation)\n")

    if not Declaration.objects.filter(slug="declaration-on-service").exists():
        team = service_team or clerks
        service = _declaration(actor=admin, team=team, slug="declaration-on-service", commitments=SERVICE_COMMITMENTS, data={
            "short_name_en": "DoS", "short_name_fr": "DSS",
            "title_en": "Declaration on Service (mock-up)",
            "title_fr": "Déclaration sur le service (maquette)",
            "summary_en": "A mock-up prepared by the FPT Deputy Ministers' Table on Service Delivery Collaboration for members to review, before endorsement by the Clerks and Cabinet Secretaries.",
            "summary_fr": "Une maquette préparée par la Table des sous-ministres FPT sur la collaboration en prestation de services, soumise à l'examen des membres avant l'approbation des greffiers et secrétaires de Cabinet.",
            "preamble_en": SERVICE_PREAMBLE_EN, "preamble_fr": SERVICE_PREAMBLE_FR,
            "closing_en": "Innovation is at the heart of service.", "closing_fr": "L'innovation est au cœur du service.",
            "visibility": "public",
        })
        version = declaration_publish_version(declaration=service, actor=admin,
                                              note_en="Mock-up based on input from the Joint Councils.",
                                              note_fr="Maquette fondée sur les commentaires des Conseils mixtes.")
        _dated(version, timezone.localdate() - datetime.timedelta(days=53))  # the day before its member review opened
        # A member's review suggestion, in the working draft but not yet published as a version.
        declaration_update(declaration=service, actor=admin, data={
            "closing_en": "Innovation is at the heart of service: the way we deliver service is a reflection of our governments.",
            "closing_fr": "L'innovation est au cœur du service : la façon dont nous offrons les services reflète nos gouvernements.",
        })
        declaration_set_status(declaration=service, actor=admin, status=Declaration.Status.REVIEW)
        _say(stdout, "  declaration: Declaration on Service mock-up (in review)\n")


def _dated(version, day: datetime.date) -> None:
    """Replayed history: a version carries the day it was published, not the day the demo loads."""
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    type(version).objects.filter(pk=version.pk).update(created_at=when)
