"""The facet self-assessment: the idea of OPSI's Portfolio Exploration Tool, in six questions.

Each answer points to one facet; the orientation is the share of answers per facet.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

FACET_CODES = ("enhancement", "mission", "adaptive", "anticipatory")

QUESTIONS = [
    {
        "key": "purpose",
        "topic": _("Purpose"),
        "label": _("What is the main purpose of your team's innovation work?"),
        "options": {
            "enhancement": _("Improve the services and processes we already run"),
            "mission": _("Reach an ambitious goal that leadership has set"),
            "adaptive": _("Respond to a change in our environment or in people's needs"),
            "anticipatory": _("Explore what the future could bring before it arrives"),
        },
    },
    {
        "key": "certainty",
        "topic": _("Purpose"),
        "label": _("How clear are the problem and its solution?"),
        "options": {
            "enhancement": _("Both are known: we need to do it better"),
            "mission": _("The goal is clear; the way there is not"),
            "adaptive": _("The situation has changed; old answers no longer fit"),
            "anticipatory": _("Neither is clear yet: we look for weak signals"),
        },
    },
    {
        "key": "risk",
        "topic": _("Risk and permission"),
        "label": _("What room do you have to take risks?"),
        "options": {
            "enhancement": _("Little: changes must be safe and incremental"),
            "mission": _("Clear permission, tied to a declared goal"),
            "adaptive": _("Room to test and adjust as we learn"),
            "anticipatory": _("Protected space to explore without immediate results"),
        },
    },
    {
        "key": "permission",
        "topic": _("Risk and permission"),
        "label": _("Who sets the direction of the work?"),
        "options": {
            "enhancement": _("Managers of existing programs"),
            "mission": _("Senior leaders or ministers, with a public commitment"),
            "adaptive": _("Front-line teams and the people we serve"),
            "anticipatory": _("Foresight or strategy teams, with partners outside government"),
        },
    },
    {
        "key": "horizon",
        "topic": _("Horizons and methods"),
        "label": _("What time horizon does your work target?"),
        "options": {
            "enhancement": _("The coming months"),
            "mission": _("A fixed deadline, a few years away"),
            "adaptive": _("Ongoing, as the situation evolves"),
            "anticipatory": _("Ten years or more"),
        },
    },
    {
        "key": "methods",
        "topic": _("Horizons and methods"),
        "label": _("Which methods do you use most?"),
        "options": {
            "enhancement": _("Process improvement, service design, A/B tests"),
            "mission": _("Roadmaps, challenges and prizes, cross-government coalitions"),
            "adaptive": _("Rapid prototyping, pilots, behavioural insights"),
            "anticipatory": _("Foresight, scenarios, horizon scanning"),
        },
    },
]


def score(answers: dict[str, str]) -> dict[str, float]:
    """Share of answers pointing to each facet, in [0, 1]."""
    counts = dict.fromkeys(FACET_CODES, 0)
    valid = 0
    for question in QUESTIONS:
        facet = answers.get(question["key"])
        if facet in counts:
            counts[facet] += 1
            valid += 1
    return {code: (counts[code] / valid if valid else 0.0) for code in FACET_CODES}
