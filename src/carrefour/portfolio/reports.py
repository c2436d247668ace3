"""The progress report of a table for a date range (seed 002's "progress to highlight").

`build_report` reads the database once into a bilingual snapshot (plain JSON, stored by
background jobs); `localize` turns it into what the templates show in one language;
`render_html`, `render_pdf` and `report_rows` (CSV) all start from the snapshot.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation

from carrefour.core.i18n import pick
from carrefour.core.visibility import visible_to
from carrefour.portfolio.models import (
    Achievement,
    Decision,
    Initiative,
    Priority,
    Stage,
    Status,
    Table,
)

# Above this many initiatives the report is built by the worker, not while the page waits.
SYNC_LIMIT = 300


def _both(obj: Any, base: str) -> dict[str, str]:
    return {"en": getattr(obj, f"{base}_en", "") or "", "fr": getattr(obj, f"{base}_fr", "") or ""}


def report_size(*, table: Table, user: Any) -> int:
    return visible_to(Initiative.objects.filter(table=table), user or AnonymousUser()).count()


def build_report(
    *,
    table: Table,
    start: datetime.date,
    end: datetime.date,
    user: Any,
    on_progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    user = user or AnonymousUser()
    achievements = visible_to(Achievement.objects.all(), user).filter(
        is_key=True, date__gte=start, date__lte=end
    ).order_by("date", "id")
    initiatives = list(
        visible_to(Initiative.objects.filter(table=table), user)
        .select_related("jurisdiction")
        .prefetch_related("partner_jurisdictions", Prefetch("achievements", queryset=achievements, to_attr="in_range"))
        .order_by("pk")
    )
    priorities = list(
        visible_to(Priority.objects.filter(table=table), user).select_related("champion", "champion_jurisdiction")
    )
    by_priority: dict[int | None, list[dict[str, Any]]] = {p.pk: [] for p in priorities}
    by_priority[None] = []
    total = len(initiatives)
    for done, initiative in enumerate(initiatives, start=1):
        lead = initiative.jurisdiction
        by_priority.setdefault(initiative.priority_id if initiative.priority_id in by_priority else None, []).append({
            "id": initiative.pk,
            "url": initiative.get_absolute_url().split("/", 2)[-1],
            "title": _both(initiative, "title"),
            "lead": {"en": lead.abbreviation_en or lead.name_en, "fr": lead.abbreviation_fr or lead.name_fr},
            "partners": [
                {"en": j.abbreviation_en or j.name_en, "fr": j.abbreviation_fr or j.name_fr}
                for j in initiative.partner_jurisdictions.all()
            ],
            "stage": initiative.stage,
            "status": initiative.status,
            "achievements": [
                {"date": a.date.isoformat(), "text": _both(a, "text"), "by": a.by, "evidence_url": a.evidence_url}
                for a in initiative.in_range
            ],
        })
        if on_progress is not None and (done % 100 == 0 or done == total):
            on_progress(done, total)
    decisions = visible_to(Decision.objects.filter(table=table), user)
    sought = decisions.filter(kind=Decision.Kind.SOUGHT, date__gte=start).order_by("date", "id")
    steps = decisions.filter(kind=Decision.Kind.NEXT_STEP, date__gte=start, date__lte=end).order_by("date", "id")
    made = decisions.filter(kind=Decision.Kind.DECISION, date__gte=start, date__lte=end).order_by("date", "id")

    def decision_data(qs: Any) -> list[dict[str, Any]]:
        return [{"date": d.date.isoformat(), "text": _both(d, "text"),
                 "due": d.due_date.isoformat() if d.due_date else None} for d in qs]

    sections = []
    for priority in priorities:
        champion_who = str(priority.champion) if priority.champion_id else priority.champion_name
        cj = priority.champion_jurisdiction
        sections.append({
            "id": priority.pk,
            "title": _both(priority, "title"),
            "champion": champion_who,
            "champion_jurisdiction": {"en": cj.abbreviation_en or cj.name_en, "fr": cj.abbreviation_fr or cj.name_fr} if cj else None,
            "initiatives": by_priority.get(priority.pk, []),
        })
    if by_priority[None]:
        sections.append({"id": None, "title": None, "champion": "", "champion_jurisdiction": None,
                         "initiatives": by_priority[None]})
    return {
        "table": {"slug": table.slug, "name": _both(table, "name"), "vision": _both(table, "vision")},
        "start": start.isoformat(),
        "end": end.isoformat(),
        "generated": timezone.localdate().isoformat(),
        "sections": sections,
        "decisions": decision_data(made),
        "decisions_sought": decision_data(sought),
        "next_steps": decision_data(steps),
        "counts": {"initiatives": total, "achievements": sum(len(i["achievements"]) for s in by_priority.values() for i in s)},
    }


def localize(data: dict[str, Any], lang: str) -> dict[str, Any]:
    """The snapshot in one language: texts picked (with fallback marks), labels translated."""
    from django.utils.translation import gettext

    with translation.override(lang):
        stages = {value: str(label) for value, label in Stage.choices}
        statuses = {value: str(label) for value, label in Status.choices}
        other = gettext("Other initiatives")

        def decisions(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{**d, "date": datetime.date.fromisoformat(d["date"]), "text": pick(d["text"], lang),
                     "due": datetime.date.fromisoformat(d["due"]) if d.get("due") else None} for d in items]

        sections = []
        for s in data["sections"]:
            cj = pick(s["champion_jurisdiction"], lang) if s.get("champion_jurisdiction") else ""
            champion = f"{s['champion']} ({cj})" if s["champion"] and cj else (s["champion"] or str(cj))
            sections.append({
                "id": s["id"],
                "title": pick(s["title"], lang) if s["title"] else other,
                "champion": champion,
                "initiatives": [{
                    **i,
                    "url": f"/{lang}/{i['url']}" if i.get("url") else "",
                    "title": pick(i["title"], lang),
                    "lead": pick(i["lead"], lang),
                    "partners": [pick(p, lang) for p in i["partners"]],
                    "stage_label": stages.get(i["stage"], i["stage"]),
                    "status_label": statuses.get(i["status"], i["status"]),
                    "achievements": [{**a, "date": datetime.date.fromisoformat(a["date"]), "text": pick(a["text"], lang)}
                                     for a in i["achievements"]],
                } for i in s["initiatives"]],
            })
        return {
            "table": {"name": pick(data["table"]["name"], lang), "vision": pick(data["table"]["vision"], lang),
                      "slug": data["table"]["slug"]},
            "start": datetime.date.fromisoformat(data["start"]),
            "end": datetime.date.fromisoformat(data["end"]),
            "generated": datetime.date.fromisoformat(data["generated"]),
            "sections": sections,
            "decisions": decisions(data["decisions"]),
            "decisions_sought": decisions(data["decisions_sought"]),
            "next_steps": decisions(data["next_steps"]),
            "counts": data["counts"],
        }


def css_string(value: str) -> str:
    """`value` as a quoted CSS string: every character but letters, digits and spaces escaped
    (a classification read from the environment can close neither the string nor the style)."""
    return '"' + "".join(c if (c.isascii() and c.isalnum()) or c == " " else f"\\{ord(c):x} " for c in value) + '"'


def render_document(data: dict[str, Any], lang: str) -> str:
    """The standalone HTML document that becomes the PDF (its title is the PDF's title; the
    classification line is printed at the top and bottom of every page)."""
    from django.conf import settings
    from django.utils.safestring import mark_safe

    classification = settings.REPORT_CLASSIFICATION
    with translation.override(lang):
        return render_to_string("portfolio/report_print.html", {
            "report": localize(data, lang), "lang": lang, "classification": classification,
            "classification_css": mark_safe(css_string(classification)),  # noqa: S308 - escaped above
        })


def render_pdf(data: dict[str, Any], lang: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=render_document(data, lang)).write_pdf()


def render_pdfs(data: dict[str, Any], langs: tuple[str, ...] = ("en", "fr"),
                on_done: Callable[[str], None] | None = None) -> dict[str, bytes]:
    """The PDF in each language. WeasyPrint keeps one core busy, so where there are several the
    other languages are laid out at the same time in forked processes (they only render, never
    touch the database); `on_done(lang)` is called as each one is ready."""
    first, *others = langs
    parallel = bool(others) and (os.cpu_count() or 1) > 1
    pdfs: dict[str, bytes] = {}
    if not parallel:
        for lang in langs:
            pdfs[lang] = render_pdf(data, lang)
            if on_done:
                on_done(lang)
        return pdfs
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=len(others), mp_context=multiprocessing.get_context("fork")) as pool:
        pending = {lang: pool.submit(render_pdf, data, lang) for lang in others}
        pdfs[first] = render_pdf(data, first)
        if on_done:
            on_done(first)
        for lang, future in pending.items():
            pdfs[lang] = future.result()
            if on_done:
                on_done(lang)
    return pdfs


def report_rows(data: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """One CSV row per key achievement (and one per initiative without any in the range)."""
    report = localize(data, lang)
    rows = []
    for section in report["sections"]:
        for initiative in section["initiatives"]:
            base = {
                "priority": str(section["title"]), "champion": section["champion"],
                "initiative": str(initiative["title"]), "lead": str(initiative["lead"]),
                "partners": ", ".join(str(p) for p in initiative["partners"]),
                "stage": initiative["stage_label"], "status": initiative["status_label"],
            }
            if not initiative["achievements"]:
                rows.append({**base, "date": None, "achievement": "", "evidence": ""})
            for a in initiative["achievements"]:
                rows.append({**base, "date": a["date"], "achievement": str(a["text"]), "evidence": a["evidence_url"]})
    return rows


def report_columns() -> list[Any]:
    from django.utils.translation import gettext_lazy as _

    from carrefour.core.exports import Column

    def get(key: str) -> Callable[[dict[str, Any]], Any]:
        return lambda row: row[key]

    return [
        Column("priority", _("Priority"), get("priority")),
        Column("champion", _("Champion"), get("champion")),
        Column("initiative", _("Initiative"), get("initiative")),
        Column("lead", _("Lead jurisdiction"), get("lead")),
        Column("partners", _("Partner jurisdictions"), get("partners")),
        Column("stage", _("Stage"), get("stage")),
        Column("status", _("Status"), get("status")),
        Column("date", _("Date"), get("date")),
        Column("achievement", _("Key achievement"), get("achievement")),
        Column("evidence", _("Evidence"), get("evidence")),
    ]
