"""OPSI's four innovation facets (seed 001), as data: loaded by a migration, used by the questionnaire."""

from __future__ import annotations

FACETS = [
    {
        "code": "enhancement",
        "name_en": "Enhancement-oriented",
        "name_fr": "Axée sur l'amélioration",
        "definition_en": "Improving existing practices: upgrading what works to achieve greater efficiency, effectiveness and better outcomes within existing structures.",
        "definition_fr": "Améliorer les pratiques existantes : perfectionner ce qui fonctionne pour gagner en efficience, en efficacité et en résultats, dans les structures en place.",
        "question_en": "How might we do X better?",
        "question_fr": "Comment pourrions-nous mieux faire X?",
    },
    {
        "code": "mission",
        "name_en": "Mission-oriented",
        "name_fr": "Axée sur une mission",
        "definition_en": "Achieving ambitious goals: setting a clear outcome or overarching objective and mobilising people and resources towards it, even when the path is unknown.",
        "definition_fr": "Atteindre des objectifs ambitieux : fixer un résultat clair ou un objectif global et y mobiliser les personnes et les ressources, même lorsque le chemin est inconnu.",
        "question_en": "How might we achieve X?",
        "question_fr": "Comment pourrions-nous atteindre X?",
    },
    {
        "code": "adaptive",
        "name_en": "Adaptive",
        "name_fr": "Adaptative",
        "definition_en": "Responding to a changing world: testing and trying new approaches in response to a changed operating environment or new needs.",
        "definition_fr": "Réagir à un monde qui change : tester et essayer de nouvelles approches devant un contexte de travail transformé ou de nouveaux besoins.",
        "question_en": "How might our evolved situation change how we do X?",
        "question_fr": "Comment l'évolution de notre situation pourrait-elle changer notre façon de faire X?",
    },
    {
        "code": "anticipatory",
        "name_en": "Anticipatory",
        "name_fr": "Anticipative",
        "definition_en": "Engaging with weak signals early: exploring emerging possibilities to shape change rather than only react to it.",
        "definition_fr": "Réagir tôt aux signaux faibles : explorer les possibilités émergentes pour façonner le changement plutôt que seulement y réagir.",
        "question_en": "How might emerging possibilities fundamentally change what X could or should be?",
        "question_fr": "Comment les possibilités émergentes pourraient-elles changer fondamentalement ce que X pourrait ou devrait être?",
    },
]
