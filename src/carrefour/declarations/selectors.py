"""Declaration reads."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from carrefour.declarations.models import Commitment, Declaration


def commitments_for(*, target: models.Model) -> list[Commitment]:
    """The live commitments a record serves, ordered by declaration and number."""
    if target.pk is None:
        return []
    ct = ContentType.objects.get_for_model(target, for_concrete_model=True)
    return list(
        Commitment.objects.filter(
            links__content_type=ct, links__object_id=target.pk, deleted_at__isnull=True, declaration__deleted_at__isnull=True
        )
        .select_related("declaration")
        .order_by("declaration__adopted_on", "declaration__slug", "number")
    )


def commitment_choices() -> list[tuple[int, str]]:
    """(id, "FPT 2 — …") for the commitments of adopted declarations, for form choices."""
    commitments = (
        Commitment.objects.filter(
            deleted_at__isnull=True,
            declaration__deleted_at__isnull=True,
            declaration__status=Declaration.Status.ADOPTED,
        )
        .select_related("declaration")
        .order_by("declaration__adopted_on", "declaration__slug", "number")
    )
    return [(c.pk, c.label) for c in commitments]


def declaration_list(*, user) -> models.QuerySet[Declaration]:
    from carrefour.core.visibility import visible_to

    return visible_to(Declaration.objects.all(), user).annotate(
        commitment_count=models.Count("commitments", filter=models.Q(commitments__deleted_at__isnull=True), distinct=True),
        endorsement_count=models.Count(
            "endorsements", filter=models.Q(endorsements__withdrawn_at__isnull=True), distinct=True
        ),
    )


def declarations_all() -> models.QuerySet[Declaration]:
    """Every declaration, before the visibility rule (for `get_visible_or_404`)."""
    return Declaration.objects.all()


def declaration_get(*, user, slug: str) -> Declaration | None:
    from carrefour.core.visibility import visible_to

    return visible_to(Declaration.objects.all(), user).filter(slug=slug).first()


def declaration_stored(*, pk: int) -> Declaration:
    """The declaration as stored (a model form may have written unsaved values onto another copy)."""
    return Declaration.objects.get(pk=pk)


def commitments_of(*, declaration: Declaration) -> models.QuerySet[Commitment]:
    """The declaration's live commitments, by number."""
    return declaration.commitments.filter(deleted_at__isnull=True).order_by("number")


def commitment_get(*, declaration: Declaration, number: int) -> Commitment | None:
    return commitments_of(declaration=declaration).filter(number=number).first()


def commitment_next_number(*, declaration: Declaration) -> int:
    last = commitments_of(declaration=declaration).last()
    return last.number + 1 if last else 1


def versions_of(*, declaration: Declaration) -> list:
    """The declaration's published versions, newest first."""
    return list(declaration.versions.select_related("published_by").order_by("-number"))


def version_get(*, declaration: Declaration, number: int):
    return declaration.versions.filter(number=number).first()


def endorsements_of(*, declaration: Declaration) -> models.QuerySet:
    """Every endorsement of the declaration, withdrawn ones too, in the order they were given."""
    return declaration.endorsements.select_related("jurisdiction").order_by("endorsed_on", "id")


def endorsement_get(*, declaration: Declaration, pk: int):
    from carrefour.declarations.models import Endorsement

    return Endorsement.objects.filter(declaration=declaration, pk=pk).select_related("jurisdiction").first()


def signatory_jurisdictions(*, user, declaration: Declaration) -> models.QuerySet:
    """Jurisdictions this person may endorse for now: signatory, invited, not yet endorsed."""
    from carrefour.directory.models import Jurisdiction, Membership, Role

    if not user.is_authenticated or declaration.status != Declaration.Status.ENDORSEMENT:
        return Jurisdiction.objects.none()
    signatory_for = Membership.objects.filter(
        user=user, role=Role.SIGNATORY, team__deleted_at__isnull=True
    ).values("jurisdiction_id")
    return (
        Jurisdiction.objects.filter(pk__in=signatory_for)
        .filter(pk__in=declaration.invitations.values("jurisdiction_id"))
        .exclude(pk__in=declaration.endorsements.filter(withdrawn_at__isnull=True).values("jurisdiction_id"))
    )


def invitable_jurisdictions(*, declaration: Declaration) -> models.QuerySet:
    """Jurisdictions not yet invited to endorse the declaration."""
    from carrefour.directory.models import Jurisdiction

    return Jurisdiction.objects.exclude(pk__in=declaration.invitations.values("jurisdiction_id"))


def jurisdictions_not_endorsed(*, declaration: Declaration) -> models.QuerySet:
    """Jurisdictions with no standing endorsement of the declaration (a paper signature can be recorded for them)."""
    from carrefour.directory.models import Jurisdiction

    return Jurisdiction.objects.exclude(
        pk__in=declaration.endorsements.filter(withdrawn_at__isnull=True).values("jurisdiction_id")
    ).order_by("sort_order", "name_en")


def jurisdictions_all() -> models.QuerySet:
    """Every jurisdiction (the endorsement service checks which ones the person may sign for)."""
    from carrefour.directory.models import Jurisdiction

    return Jurisdiction.objects.all()


# A period of work longer than a century is no period: refuse it rather than overflow a date.
MAX_WORK_MONTHS = 1200


def work_since(*, months: int | None):
    """The start of the last `months` months (None for all time); refuse a period out of bounds."""
    import datetime

    from django.utils import timezone
    from django.utils.translation import gettext as _

    from carrefour.core.exceptions import ApplicationError

    if months is None:
        return None
    if not 1 <= months <= MAX_WORK_MONTHS:
        raise ApplicationError(
            _("Give a number of months between 1 and %(max)s.") % {"max": MAX_WORK_MONTHS}, field="months"
        )
    return timezone.now() - datetime.timedelta(days=round(months * 30.44))


def linked_work(*, commitment: Commitment, user, since=None) -> list[dict]:
    """Records linked to `commitment` that `user` may see, grouped by lead jurisdiction.

    Each model's records are fetched once through the visibility rule; with `since`, only
    records created or updated since then. Returns
    [{"jurisdiction": Jurisdiction | None, "items": [{"object", "kind", "updated_at"}]}].
    """
    from carrefour.core.visibility import visible_to

    ids_by_ct: dict[int, list[int]] = {}
    for ct_id, object_id in commitment.links.values_list("content_type_id", "object_id"):
        ids_by_ct.setdefault(ct_id, []).append(object_id)
    items = []
    for ct_id, ids in ids_by_ct.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        if model is None:
            continue
        qs = model._default_manager.filter(pk__in=ids)
        field_names = {f.name for f in model._meta.get_fields()}
        if "visibility" in field_names and "deleted_at" in field_names:
            qs = visible_to(qs, user)
        else:
            continue  # only content records carry a visibility; anything else is not shown
        if "jurisdiction" in field_names:
            qs = qs.select_related("jurisdiction")
        if since is not None and "updated_at" in field_names:
            qs = qs.filter(models.Q(updated_at__gte=since) | models.Q(created_at__gte=since))
        for obj in qs:
            items.append({"object": obj, "kind": model._meta.verbose_name, "updated_at": getattr(obj, "updated_at", None)})
    groups: dict[object, dict] = {}
    for item in items:
        jurisdiction = getattr(item["object"], "jurisdiction", None)
        key = jurisdiction.pk if jurisdiction is not None else None
        groups.setdefault(key, {"jurisdiction": jurisdiction, "items": []})["items"].append(item)
    result = sorted(
        groups.values(),
        key=lambda g: (g["jurisdiction"] is None, g["jurisdiction"].sort_order if g["jurisdiction"] else 0,
                       str(g["jurisdiction"] or "")),
    )
    for group in result:
        group["items"].sort(key=lambda i: str(i["object"].title if hasattr(i["object"], "title") else i["object"]))
    return result


def version_sections(version, lang: str) -> list[tuple[str, str, str]]:
    """The text of a version as (key, label, text) sections in `lang`, in reading order."""
    from django.utils.translation import gettext as _

    def pick(obj: dict, base: str) -> str:
        return obj.get(f"{base}_{lang}") or ""

    data = {
        "title_en": version.title_en, "title_fr": version.title_fr,
        "preamble_en": version.preamble_en, "preamble_fr": version.preamble_fr,
        "closing_en": version.closing_en, "closing_fr": version.closing_fr,
    }
    sections = [("title", _("Title"), pick(data, "title")), ("preamble", _("Preamble"), pick(data, "preamble"))]
    for c in version.commitments:
        text = pick(c, "text")
        title = pick(c, "title")
        sections.append((f"c{c['number']}", _("Commitment %(n)s") % {"n": c["number"]},
                         f"{title} — {text}" if title else text))
    sections.append(("closing", _("Closing"), pick(data, "closing")))
    return sections


def version_compare(*, old, new, lang: str) -> list[dict]:
    """Side-by-side rows comparing two versions, word by word, in `lang`."""
    from carrefour.declarations.diff import word_diff

    left = {key: (label, text) for key, label, text in version_sections(old, lang)}
    right = {key: (label, text) for key, label, text in version_sections(new, lang)}
    keys = list(left)
    for key in right:
        if key not in left:
            keys.insert(len(keys) - 1, key)  # new commitments go before the closing
    rows = []
    for key in keys:
        label = (right.get(key) or left.get(key))[0]
        old_text = left.get(key, (label, ""))[1]
        new_text = right.get(key, (label, ""))[1]
        if not old_text and not new_text:
            continue
        old_html, new_html, changed = word_diff(old_text, new_text)
        rows.append({"key": key, "label": label, "old": old_html, "new": new_html, "changed": changed,
                     "added": key not in left, "removed": key not in right})
    return rows


def endorsement_board(*, declaration: Declaration) -> dict:
    """Who was invited, who has endorsed (and when), who has not, who withdrew; when all had."""
    from carrefour.declarations.models import Endorsement, EndorsementInvitation

    invitations = list(
        EndorsementInvitation.objects.filter(declaration=declaration).select_related("jurisdiction")
    )
    endorsements = list(
        Endorsement.objects.filter(declaration=declaration)
        .select_related("jurisdiction", "version")
        .order_by("endorsed_on", "id")
    )
    active = {e.jurisdiction_id: e for e in endorsements if e.withdrawn_at is None}
    jurisdictions = {i.jurisdiction_id: i.jurisdiction for i in invitations}
    invitation_of = {i.jurisdiction_id: i for i in invitations}
    for e in endorsements:
        jurisdictions.setdefault(e.jurisdiction_id, e.jurisdiction)
    rows = []
    for jid, jurisdiction in sorted(jurisdictions.items(), key=lambda kv: (kv[1].sort_order, kv[1].name_en)):
        rows.append({
            "jurisdiction": jurisdiction,
            "endorsement": active.get(jid),
            "invitation": invitation_of.get(jid),
            "withdrawn": [e for e in endorsements if e.jurisdiction_id == jid and e.withdrawn_at is not None],
        })
    pending = [r for r in rows if r["endorsement"] is None]
    all_endorsed_on = None
    if rows and not pending:
        all_endorsed_on = max(r["endorsement"].endorsed_on for r in rows)
    return {"rows": rows, "endorsed": len(rows) - len(pending), "pending": pending, "total": len(rows),
            "all_endorsed_on": all_endorsed_on}


def declaration_team_choices(*, user) -> models.QuerySet:
    """The live teams in which `user` may start a declaration (all of them for platform administrators)."""
    from carrefour.core.visibility import is_platform_admin
    from carrefour.declarations.services import MANAGE_ROLES
    from carrefour.directory.models import Membership, Team

    teams = Team.objects.filter(deleted_at__isnull=True)
    if not is_platform_admin(user):
        if user is None or not user.is_authenticated or not user.is_active:
            return teams.none()
        teams = teams.filter(
            pk__in=Membership.objects.filter(user=user, role__in=MANAGE_ROLES).values("team_id")
        )
    return teams.order_by("name_en")


def news_items(*, user, since, limit) -> list:
    """New versions and endorsements of the declarations `user` may see, for "What's new"."""
    from django.utils.translation import gettext as _

    from carrefour.core.news import NewsItem, on_day
    from carrefour.declarations.models import DeclarationVersion, Endorsement

    visible = declaration_list(user=user)
    items = []
    for v in DeclarationVersion.objects.filter(declaration__in=visible, created_at__date__gte=since).select_related("declaration").order_by("-created_at")[:limit]:
        items.append(NewsItem(
            when=v.created_at, kind="declarations",
            title=_("%(title)s: version %(n)s") % {"title": v.declaration.title, "n": v.number},
            summary=str(v.note), url=v.declaration.get_absolute_url() + "#versions-h",
        ))
    for e in Endorsement.objects.filter(declaration__in=visible, endorsed_on__gte=since).select_related("declaration", "jurisdiction").order_by("-endorsed_on")[:limit]:
        items.append(NewsItem(
            when=on_day(e.endorsed_on), kind="declarations",
            title=_("%(jurisdiction)s endorsed “%(title)s”") % {"jurisdiction": e.jurisdiction.name, "title": e.declaration.title},
            summary=f"{e.signatory_name}, {e.signatory_title.plain}".strip(", "),
            url=e.declaration.get_absolute_url() + "#endorsements-h",
        ))
    return items


def commitment_list(*, user) -> models.QuerySet:
    """The live commitments of the declarations `user` may see."""
    from carrefour.declarations.models import Commitment

    return (Commitment.objects.filter(declaration__in=declaration_list(user=user), deleted_at__isnull=True)
            .select_related("declaration").order_by("declaration__slug", "number"))


def search_hits(*, user, terms, limit) -> list:
    """Declarations and commitments `user` may see whose text holds every term."""
    from carrefour.core.search import SearchHit, matching

    hits = [
        SearchHit(kind="declarations", title=str(d.title), summary=str(d.summary), url=d.get_absolute_url())
        for d in declaration_list(user=user).filter(matching(terms, [
            "title_en", "title_fr", "short_name_en", "short_name_fr", "summary_en", "summary_fr",
            "preamble_en", "preamble_fr", "closing_en", "closing_fr"]))[:limit]
    ]
    hits += [
        SearchHit(kind="declarations", title=f"{c.declaration.title} — {c.number}. {c.title}".rstrip(". "),
                  summary=str(c.text), url=c.get_absolute_url())
        for c in commitment_list(user=user).filter(matching(terms, ["title_en", "title_fr", "text_en", "text_fr"]))[:limit]
    ]
    return hits


def linked_work_links(*, commitment: Commitment, user, since=None) -> models.QuerySet:
    """The links of `commitment` to records `user` may see, in a stable order (paginate it in the database).

    The same records as `linked_work` (content records only, through the visibility rule; with
    `since`, those created or updated since then), filtered in the database: one subquery per
    kind of record, whatever the number of links.
    """
    from carrefour.core.visibility import visible_to

    visible = models.Q(pk__in=[])
    kinds = commitment.links.order_by().values_list("content_type_id", flat=True).distinct()
    for ct_id in kinds:
        model = ContentType.objects.get_for_id(ct_id).model_class()
        field_names = {f.name for f in model._meta.get_fields()} if model is not None else set()
        if not {"visibility", "deleted_at"} <= field_names:
            continue  # only content records carry a visibility; anything else is not shown
        targets = visible_to(model._default_manager.all(), user)
        if since is not None and "updated_at" in field_names:
            targets = targets.filter(models.Q(updated_at__gte=since) | models.Q(created_at__gte=since))
        visible |= models.Q(content_type_id=ct_id, object_id__in=targets.values("pk"))
    return commitment.links.filter(visible).order_by("content_type_id", "object_id", "pk")


def linked_work_targets(*, links) -> list[dict]:
    """The records of a page of links, in the links' order: [{"object", "kind", "jurisdiction"}].

    One query per kind of record on the page (with its jurisdiction), not one per record.
    """
    links = list(links)
    ids: dict[int, list[int]] = {}
    for link in links:
        ids.setdefault(link.content_type_id, []).append(link.object_id)
    objects: dict[tuple[int, int], models.Model] = {}
    for ct_id, pks in ids.items():
        model = ContentType.objects.get_for_id(ct_id).model_class()
        qs = model._default_manager.filter(pk__in=pks)
        if "jurisdiction" in {f.name for f in model._meta.get_fields()}:
            qs = qs.select_related("jurisdiction")
        objects.update({(ct_id, obj.pk): obj for obj in qs})
    out = []
    for link in links:
        obj = objects.get((link.content_type_id, link.object_id))
        if obj is not None:
            out.append({"object": obj, "kind": obj._meta.model_name, "jurisdiction": getattr(obj, "jurisdiction", None)})
    return out
