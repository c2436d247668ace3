"""Demo consultations: the OECD-model draft declaration open for comment (seed 001, with the kind of
feedback it received on clarity, terminology and feasibility) and a closed member review of the
Declaration on Service mock-up (seed 002) with its "What we heard"."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from carrefour.consultations.models import Comment, Consultation
from carrefour.consultations.services import (
    answers_submit,
    comment_create,
    comment_support,
    consultation_create,
    paragraphs_from_declaration,
    question_add,
    report_publish,
    theme_response_save,
)
from carrefour.core.services import model_update
from carrefour.declarations.models import Declaration
from carrefour.directory.models import User

OECD_COMMENTS = [
    # author, paragraph (its English label, without the title; None: the draft as a whole), category, language, body
    ("citizen@example.org", "Preamble, paragraph 2", "terminology", "fr",
     "Le préambule anglais dit « every civil servant » alors que le principe 2 parle de « public servants ». "
     "Au Canada, on dit « public servant » en anglais et « fonctionnaire » en français : il faudrait harmoniser."),
    ("raj.patel@ontario.ca", "OECD 4", "terminology", "en",
     "“Weak signals” is jargon for most readers outside foresight circles. Define it in a footnote, or say "
     "“early signs of emerging change”."),
    ("sarah.whitehorse@gov.bc.ca", "OECD 2", "feasibility", "en",
     "Saying that failure is part of experimentation is welcome, but it will only change behaviour if audit "
     "practice treats experiments as a distinct activity. Please make that explicit."),
    ("marc.leblanc@durham.ca", "OECD 3", "clarity", "en",
     "Name municipal governments explicitly among the partners: much of the service delivery that citizens "
     "see happens at the local level."),
    ("citizen@example.org", None, "clarity", "fr",
     "Le texte est clair dans l'ensemble, mais il manque des exemples concrets pour chaque principe."),
]

OECD_REPLIES = [
    # author, index of the comment replied to, language, body
    ("citizen@example.org", 1, "fr",
     "D'accord : « signaux faibles » n'est pas plus clair en français. Un exemple aiderait beaucoup."),
]

SERVICE_COMMENTS = [
    # The preamble has two paragraphs: the commitments start at the third paragraph of the draft.
    ("raj.patel@ontario.ca", "DoS 3", "feasibility", "en",
     "Identity management and Business Number adoption are the right foundations, but the declaration should "
     "not set dates that jurisdictions cannot all meet."),
    ("sarah.whitehorse@gov.bc.ca", "DoS 2", "clarity", "en",
     "“Collaborating within and across jurisdictions” could say how: shared tools, shared standards, shared teams."),
    ("marc.leblanc@durham.ca", None, "other", "en",
     "Please include municipalities in the endorsement, through the Municipal Service Delivery Officials."),
]


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _paragraph(consultation, label: str | None):
    """The paragraph whose English label is `label` ("DoS 3" matches "DoS 3 — Integrated…"), by what it says, not where."""
    if label is None:
        return None
    for paragraph in consultation.paragraphs.all():
        if paragraph.label_en == label or paragraph.label_en.startswith(f"{label} — "):
            return paragraph
    raise LookupError(f"no paragraph labelled {label!r} in {consultation.slug}")


def _post(consultation, comments) -> list[Comment]:
    posted = []
    for email, label, category, language, body in comments:
        author = _user(email)
        if author is None:
            continue
        posted.append(comment_create(consultation=consultation, author=author, body=body, category=category,
                                     paragraph=_paragraph(consultation, label), language=language))
    return posted


@transaction.atomic
def load(stdout=None) -> None:
    admin = User.objects.filter(is_superuser=True).order_by("pk").first()
    now = timezone.now()
    oecd = Declaration.objects.filter(slug="oecd-public-sector-innovation").first()
    if admin is not None and oecd is not None and not Consultation.objects.filter(slug="oecd-draft-declaration").exists():
        consultation = consultation_create(
            actor=admin, team=oecd.team, slug="oecd-draft-declaration", subject=oecd, visibility="public",
            title_en="Public consultation: draft Declaration on Public Sector Innovation",
            title_fr="Consultation publique : projet de déclaration sur l'innovation dans le secteur public",
            summary_en="Modelled on the OECD's public consultation (November 2018 to 22 February 2019). Tell us whether "
                       "the draft is clear, whether its terms (such as “weak signals”, “civil servant” or “public servant”) "
                       "work for you, and whether its actions are feasible.",
            summary_fr="Inspirée de la consultation publique de l'OCDE (novembre 2018 au 22 février 2019). Dites-nous si le "
                       "projet est clair, si ses termes (comme « signaux faibles », « civil servant » ou « public servant ») "
                       "vous conviennent et si ses mesures sont réalisables.",
            opens_at=now - timedelta(days=7), closes_at=now + timedelta(days=60),
            paragraphs=paragraphs_from_declaration(oecd),
        )
        clear = question_add(consultation=consultation, actor=admin, kind="single",
                             text_en="Overall, is the draft clear?", text_fr="Dans l'ensemble, le projet est-il clair?",
                             choices=[{"en": "Yes", "fr": "Oui"}, {"en": "Partly", "fr": "En partie"},
                                      {"en": "No", "fr": "Non"}])
        principles = question_add(
            consultation=consultation, actor=admin, kind="multiple",
            text_en="Which principles matter most for your organization?",
            text_fr="Quels principes comptent le plus pour votre organisation?",
            choices=[{"en": c.title_en, "fr": c.title_fr} for c in oecd.commitments.order_by("number")],
        )
        missing = question_add(consultation=consultation, actor=admin, kind="text",
                               text_en="What is missing from the draft?", text_fr="Que manque-t-il au projet?")
        posted = _post(consultation, OECD_COMMENTS)
        for email, index, language, body in OECD_REPLIES:
            author = _user(email)
            if author is not None and index < len(posted):
                comment_create(consultation=consultation, author=author, body=body, parent=posted[index], language=language)
        for email, target in (("raj.patel@ontario.ca", 0), ("sarah.whitehorse@gov.bc.ca", 0), ("marc.leblanc@durham.ca", 1)):
            supporter = _user(email)
            if supporter is not None and target < len(posted) and posted[target].author_id != supporter.pk:
                comment_support(comment=posted[target], user=supporter)
        for email, answers in (
            ("citizen@example.org", {clear.pk: "1", principles.pk: ["2", "4"], missing.pk: "Des exemples concrets."}),
            ("raj.patel@ontario.ca", {clear.pk: "0", principles.pk: ["1", "3"]}),
            ("sarah.whitehorse@gov.bc.ca", {clear.pk: "1", principles.pk: ["1"],
                                            missing.pk: "How audit offices will treat experiments."}),
        ):
            person = _user(email)
            if person is not None:
                answers_submit(consultation=consultation, user=person, answers=answers)
        if stdout is not None:
            stdout.write("  consultation: OECD-model draft declaration (open, comments in EN and FR)\n")

    service = Declaration.objects.filter(slug="declaration-on-service").first()
    if admin is not None and service is not None and not Consultation.objects.filter(slug="declaration-on-service-review").exists():
        consultation = consultation_create(
            actor=admin, team=service.team, slug="declaration-on-service-review", subject=service, visibility="public",
            title_en="Member review: Declaration on Service mock-up",
            title_fr="Examen par les membres : maquette de la Déclaration sur le service",
            summary_en="Members of the FPT Deputy Ministers' Table reviewed the mock-up before recommending an approach.",
            summary_fr="Les membres de la Table des sous-ministres FPT ont examiné la maquette avant de recommander une approche.",
            opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=1),
            paragraphs=paragraphs_from_declaration(service),
        )
        _post(consultation, SERVICE_COMMENTS)
        # The review period is over: it ran for three weeks, a month ago.
        model_update(instance=consultation, actor=admin, note="review period",
                     data={"opens_at": now - timedelta(days=52), "closes_at": now - timedelta(days=31)})
        theme_response_save(
            consultation=consultation, actor=admin, category="feasibility",
            theme_en="Dates and targets", theme_fr="Échéances et cibles",
            response_en="The declaration will state shared directions, not dates; each jurisdiction sets its own targets.",
            response_fr="La déclaration énoncera des orientations communes, sans échéances; chaque administration fixe ses propres cibles.",
        )
        theme_response_save(
            consultation=consultation, actor=admin, category="other",
            theme_en="Municipal participation", theme_fr="Participation municipale",
            response_en="The Table will invite the Municipal Service Delivery Officials to review the next version.",
            response_fr="La Table invitera les responsables municipaux de la prestation de services à examiner la prochaine version.",
        )
        report_publish(consultation=consultation, actor=admin)
        if stdout is not None:
            stdout.write("  consultation: Declaration on Service member review (closed, “What we heard” published)\n")
