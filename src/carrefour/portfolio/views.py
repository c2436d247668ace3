"""Portfolio pages: the portfolio and its charts, tables, initiatives, achievements, reports, assessment."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import ListView

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.exports import Column, ExportMixin, bilingual, export_response
from carrefour.core.i18n import active_language
from carrefour.core.visibility import can_view, has_team_role, visible_to
from carrefour.directory.models import Team
from carrefour.portfolio import charts, reports, selectors, services
from carrefour.portfolio.forms import (
    AchievementEditForm,
    AchievementForm,
    AssessmentForm,
    DecisionEditForm,
    DecisionForm,
    DeleteForm,
    ImportForm,
    InitiativeForm,
    LinkForm,
    MeetingEditForm,
    MeetingForm,
    PortfolioFilterForm,
    PriorityForm,
    ReportForm,
    RestoreForm,
    SinceForm,
    TableCreateForm,
    TableForm,
    TableJurisdictionForm,
    TablePersonForm,
)
from carrefour.portfolio.models import (
    Achievement,
    Decision,
    Facet,
    FacetAssessment,
    Initiative,
    Meeting,
    Priority,
    ProgressReport,
    Status,
    Table,
)
from carrefour.portfolio.permissions import (
    can_create_table,
    can_edit_initiative,
    can_edit_table,
    can_manage_deleted,
    can_manage_people,
    manageable_teams,
)
from carrefour.portfolio.questionnaire import QUESTIONS


def _crumbs(*extra):
    return [(_("Portfolio"), reverse("portfolio:index")), *extra]


def _form_error(form, exc: ApplicationError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc))


# The portfolio ---------------------------------------------------------------------------------


class PortfolioView(ExportMixin, ListView):
    template_name = "portfolio/index.html"
    paginate_by = 25
    export_name = "initiatives"
    export_columns = [
        Column("id", gettext_lazy("Identifier"), "pk"),
        *bilingual("title", gettext_lazy("Title")),
        *bilingual("summary", gettext_lazy("Summary")),
        Column("lead_jurisdiction", gettext_lazy("Lead jurisdiction"), lambda i: i.jurisdiction.code),
        Column("partner_jurisdictions", gettext_lazy("Partner jurisdictions"),
               lambda i: [j.code for j in i.partner_jurisdictions.all()]),
        Column("table", gettext_lazy("Table"), lambda i: i.table.slug if i.table else None),
        Column("priority", gettext_lazy("Priority"), lambda i: i.priority.title_en if i.priority else None),
        Column("facets", gettext_lazy("Innovation facets"), lambda i: [f.code for f in i.facets.all()]),
        Column("stage", gettext_lazy("Stage")),
        Column("status", gettext_lazy("Status")),
        Column("start_date", gettext_lazy("Start date")),
        Column("end_date", gettext_lazy("End date")),
        Column("url", gettext_lazy("Address"), lambda i: i.get_absolute_url()),
    ]

    def get_filter_form(self) -> PortfolioFilterForm:
        if not hasattr(self, "_filter_form"):
            priorities = visible_to(Priority.objects.all(), self.request.user).select_related("table")
            self._filter_form = PortfolioFilterForm(self.request.GET or None, priorities=priorities)
        return self._filter_form

    def filters(self) -> dict:
        form = self.get_filter_form()
        if form.is_bound and form.is_valid():
            return {k: v for k, v in form.cleaned_data.items() if v}
        return {}

    def base_queryset(self):
        if not hasattr(self, "_base"):
            self._base = selectors.initiative_list(user=self.request.user, **self.filters())
        return self._base

    def get_queryset(self):
        return selectors.with_related(self.base_queryset()).order_by("title_" + active_language(), "pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        base = self.base_queryset()
        matrix = selectors.facet_stage_matrix(base)
        breakdown = selectors.jurisdiction_breakdown(base)
        status_labels = [str(label) for _v, label in Status.choices]
        context.update({
            "filter_form": self.get_filter_form(),
            "matrix": matrix,
            "matrix_chart": charts.matrix_chart(matrix),
            "breakdown": breakdown,
            "breakdown_chart": charts.breakdown_chart(breakdown, status_labels),
            "status_labels": status_labels,
            "facets": Facet.objects.all(),
            "tables": selectors.table_list(user=self.request.user),
            "can_add": self.request.user.is_authenticated and (
                self.request.user.is_superuser or self.request.user.is_public_servant),
        })
        return context


index = PortfolioView.as_view()


def whats_new(request):
    form = SinceForm(request.GET or None)
    since = None
    if form.is_bound and form.is_valid():
        since = form.cleaned_data["since"]
    if since is None:
        since = timezone.localdate() - datetime.timedelta(days=90)
        form = SinceForm(initial={"since": since})
    items = selectors.achievements_since(user=request.user, since=since)
    if request.GET.get("format") in ("csv", "json"):
        columns = [
            Column("date", gettext_lazy("Date")),
            Column("initiative", gettext_lazy("Initiative"), lambda a: a.initiative.title.plain),
            *bilingual("text", gettext_lazy("What happened")),
            Column("by", gettext_lazy("Who")),
            Column("evidence_url", gettext_lazy("Evidence")),
        ]
        return export_response(items, columns, request.GET["format"], f"achievements-since-{since}")
    query = f"since={since.isoformat()}"
    return render(request, "portfolio/whats_new.html", {
        "form": form, "since": since, "items": items[:200], "count": items.count(),
        "export_csv_url": f"?{query}&format=csv", "export_json_url": f"?{query}&format=json",
        "breadcrumbs": _crumbs(),
    })


# Tables ----------------------------------------------------------------------------------------


def table_list(request):
    return render(request, "portfolio/table_list.html", {
        "tables": selectors.table_list(user=request.user), "breadcrumbs": _crumbs(),
        "can_create": request.user.is_authenticated and (
            can_create_table(request.user) or manageable_teams(request.user).exists()),
    })


@login_required
def table_create(request):
    teams = manageable_teams(request.user)
    if not can_create_table(request.user) and not teams.exists():
        raise Http404
    form = TableCreateForm(request.POST or None, teams=teams, team_required=not can_create_table(request.user),
                           initial={"visibility": "government"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "member_jurisdictions"}
        try:
            table = services.table_create(actor=request.user, data=data,
                                          member_jurisdictions=list(form.cleaned_data["member_jurisdictions"]))
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The table was created. Add its priorities and members from its page."))
            return HttpResponseRedirect(table.get_absolute_url())
    return render(request, "portfolio/form.html", {
        "form": form, "title": _("Create a collaboration table"), "cancel_url": reverse("portfolio:tables"),
        "breadcrumbs": _crumbs((_("Collaboration tables"), reverse("portfolio:tables"))),
    })


def _members_page(request, table: Table, *, jurisdiction_form=None, person_form=None, status=200):
    current = list(table.member_jurisdictions.all())
    people = []
    if table.team_id:
        people = table.team.memberships.select_related("user", "jurisdiction").order_by("role", "user__display_name")
    return render(request, "portfolio/members.html", {
        "table": table, "member_jurisdictions": current, "people": people,
        "jurisdiction_form": jurisdiction_form or TableJurisdictionForm(exclude=current),
        "person_form": person_form or (TablePersonForm() if can_manage_people(request.user, table) else None),
        "breadcrumbs": _crumbs((table.name, table.get_absolute_url())),
    }, status=status)


@login_required
def table_members(request, slug: str):
    table = _visible_table(request, slug)
    if not can_edit_table(request.user, table):
        raise Http404
    if request.method == "POST":
        form = TableJurisdictionForm(request.POST, exclude=list(table.member_jurisdictions.all()))
        if form.is_valid():
            try:
                services.table_jurisdiction_add(table=table, actor=request.user,
                                                jurisdiction=form.cleaned_data["jurisdiction"])
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                messages.success(request, _("%(name)s now sits at the table.")
                                 % {"name": form.cleaned_data["jurisdiction"].name})
                return HttpResponseRedirect(reverse("portfolio:table_members", kwargs={"slug": slug}))
        return _members_page(request, table, jurisdiction_form=form, status=400)
    return _members_page(request, table)


@login_required
@require_POST
def table_jurisdiction_remove(request, slug: str, jurisdiction_id: int):
    from carrefour.directory.models import Jurisdiction

    table = _visible_table(request, slug)
    if not can_edit_table(request.user, table):
        raise Http404
    jurisdiction = get_object_or_404(Jurisdiction, pk=jurisdiction_id)
    try:
        services.table_jurisdiction_remove(table=table, actor=request.user, jurisdiction=jurisdiction)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s no longer sits at the table.") % {"name": jurisdiction.name})
    return HttpResponseRedirect(reverse("portfolio:table_members", kwargs={"slug": slug}))


@login_required
@require_POST
def table_person_add(request, slug: str):
    table = _visible_table(request, slug)
    if not can_manage_people(request.user, table):
        raise Http404
    form = TablePersonForm(request.POST)
    if form.is_valid():
        try:
            membership = services.table_person_add(table=table, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("%(person)s was added to the team as %(role)s.")
                             % {"person": membership.user, "role": membership.get_role_display()})
            return HttpResponseRedirect(reverse("portfolio:table_members", kwargs={"slug": slug}))
    return _members_page(request, table, person_form=form, status=400)


def _visible_table(request, slug: str) -> Table:
    table = get_object_or_404(Table.objects.select_related("team"), slug=slug)
    if not can_view(request.user, table):
        raise Http404
    return table


def table_detail(request, slug: str):
    table = _visible_table(request, slug)
    user = request.user
    members = table.members.select_related("jurisdiction", "person").order_by("role", "id")
    team_members = []
    if table.team_id and can_view(user, table.team):
        team_members = table.team.memberships.select_related("user", "jurisdiction").order_by("role", "user__display_name")
    decisions = visible_to(table.decisions.all(), user).select_related("meeting")
    today = timezone.localdate()
    return render(request, "portfolio/table_detail.html", {
        "table": table,
        "members": members,
        "member_jurisdictions": table.member_jurisdictions.all(),
        "team_members": team_members,
        "priorities": selectors.priorities_for(table=table, user=user),
        "unassigned": visible_to(table.initiatives.filter(priority__isnull=True), user).select_related("jurisdiction"),
        "meetings": visible_to(table.meetings.all(), user).prefetch_related("decisions"),
        "decisions": [d for d in decisions if d.kind == "decision"],
        "next_steps": [d for d in decisions if d.kind == "next_step"],
        "sought": [d for d in decisions if d.kind == "sought"],
        "can_edit": can_edit_table(user, table),
        "can_manage_deleted": user.is_authenticated and can_manage_deleted(user, table),
        "report_form": ReportForm(initial={"start": datetime.date(today.year - 1, today.month, 1), "end": today}),
        "breadcrumbs": _crumbs((_("Collaboration tables"), reverse("portfolio:tables"))),
    })


def _table_form_page(request, table: Table, form, *, title: str, create):
    if request.method == "POST" and form.is_valid():
        try:
            obj = create(form)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(getattr(obj, "get_absolute_url", table.get_absolute_url)())
    return render(request, "portfolio/form.html", {
        "form": form, "title": title, "cancel_url": table.get_absolute_url(),
        "breadcrumbs": _crumbs((table.name, table.get_absolute_url())),
    })


@login_required
def priority_create(request, slug: str):
    table = _visible_table(request, slug)
    if not can_edit_table(request.user, table):
        raise Http404
    form = PriorityForm(request.POST or None, table=table)
    return _table_form_page(request, table, form, title=_("Add a priority"), create=lambda f: services.priority_create(
        table=table, actor=request.user, data={k: v for k, v in f.cleaned_data.items() if k != "version"}))


def _versioned_form_page(request, *, form, model, save, title: str, success_url: str, cancel_url: str,
                         crumbs, done: str | None = None, template: str = "portfolio/form.html",
                         extra: dict | None = None):
    """Run a form that carries `version`: a stale save shows what changed (409), nothing overwritten."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data, form.cleaned_data.get("version"))
        except EditConflict as exc:
            conflict = exc
            form.add_error(None, str(exc))
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done or _("Saved."))
            return HttpResponseRedirect(success_url)
    return render(request, template, {
        "form": form, "title": title, "cancel_url": cancel_url, "conflict": conflict,
        "conflict_changes": _describe_changes(model, conflict.extra.get("changes", [])) if conflict else [],
        "breadcrumbs": crumbs, **(extra or {}),
    }, status=409 if conflict else 200)


def _without(data: dict, *keys: str) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


@login_required
def priority_edit(request, pk: int):
    priority = get_object_or_404(Priority.objects.select_related("table"), pk=pk, deleted_at__isnull=True)
    table = priority.table
    if not can_edit_table(request.user, table):
        raise Http404
    form = PriorityForm(request.POST or None, instance=Priority.objects.get(pk=pk), table=table)
    return _versioned_form_page(
        request, form=form, model=Priority, title=_("Edit the priority"),
        success_url=priority.get_absolute_url(), cancel_url=table.get_absolute_url(),
        crumbs=_crumbs((table.name, table.get_absolute_url())),
        save=lambda data, version: services.priority_update(
            priority=priority, actor=request.user, data=_without(data, "version"), expected_version=version),
    )


@login_required
def table_edit(request, slug: str):
    table = _visible_table(request, slug)
    if not can_edit_table(request.user, table):
        raise Http404
    form = TableForm(request.POST or None, instance=Table.objects.get(pk=table.pk))
    return _versioned_form_page(
        request, form=form, model=Table, title=_("Edit the table"),
        success_url=table.get_absolute_url(), cancel_url=table.get_absolute_url(),
        crumbs=_crumbs((table.name, table.get_absolute_url())),
        save=lambda data, version: services.table_update(
            table=table, actor=request.user, data=_without(data, "version", "member_jurisdictions"),
            m2m={"member_jurisdictions": list(data["member_jurisdictions"])}, expected_version=version),
    )


@login_required
def meeting_create(request, slug: str):
    table = _visible_table(request, slug)
    if not can_edit_table(request.user, table):
        raise Http404
    form = MeetingForm(request.POST or None)
    return _table_form_page(request, table, form, title=_("Record a meeting"), create=lambda f: services.meeting_create(
        table=table, actor=request.user, data=f.cleaned_data))


@login_required
def decision_create(request, slug: str):
    table = _visible_table(request, slug)
    if not can_edit_table(request.user, table):
        raise Http404
    form = DecisionForm(request.POST or None, table=table, initial={"date": timezone.localdate()})
    return _table_form_page(request, table, form, title=_("Record a decision or next step"),
                            create=lambda f: services.decision_create(table=table, actor=request.user, data=f.cleaned_data))


def _versioned_edit(request, *, model, pk: int, form_class, update, title: str, anchor: str):
    obj = get_object_or_404(model.objects.select_related("table"), pk=pk, deleted_at__isnull=True)
    table = obj.table
    if not can_edit_table(request.user, table):
        raise Http404
    form = form_class(request.POST or None, instance=model.objects.get(pk=pk), table=table) \
        if form_class is DecisionEditForm else form_class(request.POST or None, instance=model.objects.get(pk=pk))
    back = table.get_absolute_url() + f"#{anchor}-{obj.pk}"
    return _versioned_form_page(
        request, form=form, model=model, title=title, success_url=back, cancel_url=back,
        crumbs=_crumbs((table.name, table.get_absolute_url())),
        save=lambda data, version: update(obj, _without(data, "version"), version),
    )


@login_required
def meeting_edit(request, pk: int):
    return _versioned_edit(
        request, model=Meeting, pk=pk, form_class=MeetingEditForm, title=_("Edit the meeting"), anchor="meeting",
        update=lambda obj, data, version: services.meeting_update(meeting=obj, actor=request.user, data=data,
                                                                  expected_version=version))


@login_required
def decision_edit(request, pk: int):
    return _versioned_edit(
        request, model=Decision, pk=pk, form_class=DecisionEditForm, title=_("Edit the decision or next step"),
        anchor="decision",
        update=lambda obj, data, version: services.decision_update(decision=obj, actor=request.user, data=data,
                                                                   expected_version=version))


@login_required
def initiative_import(request, slug: str):
    table = _visible_table(request, slug)
    if not can_edit_table(request.user, table):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.initiatives_import_csv(table=table, actor=request.user, content=form.cleaned_data["file"].read())
        except services.ImportRejected as exc:
            rejected = exc.extra["rows"]
            form.add_error(None, str(exc))
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("%(count)s initiatives imported.") % {"count": len(created)})
            return HttpResponseRedirect(table.get_absolute_url())
    return render(request, "portfolio/import.html", {
        "form": form, "table": table, "rejected": rejected, "columns": services.IMPORT_COLUMNS,
        "priorities": table.priorities.filter(deleted_at__isnull=True), "facets": Facet.objects.all(),
        "breadcrumbs": _crumbs((table.name, table.get_absolute_url())),
    }, status=400 if rejected else 200)


# Initiatives -----------------------------------------------------------------------------------


def initiative_detail(request, pk: int):
    initiative = get_object_or_404(selectors.initiative_detail_qs(user=request.user), pk=pk)
    experiments = []
    if hasattr(initiative, "experiments"):
        experiments = visible_to(initiative.experiments.all(), request.user)
    from carrefour.portfolio import commitments as bridge

    return render(request, "portfolio/initiative_detail.html", {
        "initiative": initiative,
        "experiments": experiments,
        "commitments": bridge.for_target(initiative),
        "can_edit": can_edit_initiative(request.user, initiative),
        "achievement_form": AchievementForm(initial={"date": timezone.localdate()}),
        "link_form": LinkForm(),
        "breadcrumbs": _crumbs(*(
            [(initiative.table.name, initiative.table.get_absolute_url())] if initiative.table else [])),
    })


def _editable_tables(user):
    return visible_to(Table.objects.all(), user)


def _facets_help():
    return Facet.objects.all()


@login_required
def initiative_create(request):
    table = None
    if request.GET.get("table"):
        table = Table.objects.filter(slug=request.GET["table"], deleted_at__isnull=True).first()
    initial = {"table": table, "jurisdiction": request.user.jurisdiction}
    form = InitiativeForm(request.POST or None, initial=initial, tables=_editable_tables(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            initiative = services.initiative_create(actor=request.user, data=form.service_data())
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The initiative was added."))
            return HttpResponseRedirect(initiative.get_absolute_url())
    return render(request, "portfolio/initiative_form.html", {
        "form": form, "title": _("Add an initiative"), "facets": _facets_help(),
        "cancel_url": table.get_absolute_url() if table else reverse("portfolio:index"), "breadcrumbs": _crumbs(),
    })


@login_required
def initiative_edit(request, pk: int):
    initiative = get_object_or_404(Initiative.objects.select_related("table"), pk=pk, deleted_at__isnull=True)
    if not can_edit_initiative(request.user, initiative):
        raise Http404
    form = InitiativeForm(request.POST or None, instance=Initiative.objects.get(pk=pk),
                          tables=_editable_tables(request.user))
    return _versioned_form_page(
        request, form=form, model=Initiative, title=_("Edit the initiative"),
        done=_("The initiative was saved."), template="portfolio/initiative_form.html",
        extra={"facets": _facets_help(), "initiative": initiative},
        success_url=initiative.get_absolute_url(), cancel_url=initiative.get_absolute_url(),
        crumbs=_crumbs((initiative.title, initiative.get_absolute_url())),
        # service_data() applies the form's own mapping (commitments, facets, partners).
        save=lambda data, version: services.initiative_update(
            initiative=initiative, actor=request.user, data=form.service_data(), expected_version=version),
    )


def _describe_changes(model, entries):
    """Turn the audit entries of a conflict into rows: who, when, field label, old, new."""
    rows = []
    for entry in entries:
        for name, values in (entry.get("changes") or {}).items():
            try:
                label = str(model._meta.get_field(name).verbose_name)
            except Exception:  # noqa: BLE001 - an unknown key is shown as is
                label = name
            old, new = (values + [None, None])[:2] if isinstance(values, list) else (None, values)
            rows.append({"actor": entry.get("actor"), "at": entry.get("at", "")[:16].replace("T", " "),
                         "field": label, "old": old, "new": new})
    return rows


def _initiative_add(request, pk: int, *, form_class, service, done: str, title: str, anchor: str):
    """Add an entry to an initiative from the form on its page (achievement, link)."""
    initiative = get_object_or_404(Initiative, pk=pk, deleted_at__isnull=True)
    if not can_edit_initiative(request.user, initiative):
        raise Http404
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(initiative=initiative, actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(initiative.get_absolute_url() + anchor)
    return render(request, "portfolio/form.html", {
        "form": form, "title": title, "cancel_url": initiative.get_absolute_url(),
        "breadcrumbs": _crumbs((initiative.title, initiative.get_absolute_url())),
    }, status=400)


@login_required
@require_POST
def achievement_create(request, pk: int):
    return _initiative_add(
        request, pk, form_class=AchievementForm, service=services.achievement_create,
        done=_("The achievement was added."), title=_("Add an achievement"), anchor="#timeline",
    )


@login_required
@require_POST
def link_create(request, pk: int):
    return _initiative_add(
        request, pk, form_class=LinkForm, service=services.initiative_link_add,
        done=_("The link was added."), title=_("Add a resource or document"), anchor="#resources",
    )


# Editing, deleting and restoring achievements; deleted records of a table ----------------------


def _editable_achievement(request, pk: int) -> Achievement:
    achievement = get_object_or_404(Achievement.objects.select_related("initiative", "initiative__table"),
                                    pk=pk, deleted_at__isnull=True, initiative__deleted_at__isnull=True)
    if not can_edit_initiative(request.user, achievement.initiative):
        raise Http404
    return achievement


@login_required
def achievement_edit(request, pk: int):
    achievement = _editable_achievement(request, pk)
    initiative = achievement.initiative
    form = AchievementEditForm(request.POST or None, instance=Achievement.objects.get(pk=pk))
    return _versioned_form_page(
        request, form=form, model=Achievement, title=_("Edit the achievement"),
        done=_("The achievement was saved."),
        success_url=achievement.get_absolute_url(), cancel_url=achievement.get_absolute_url(),
        crumbs=_crumbs((initiative.title, initiative.get_absolute_url())),
        save=lambda data, version: services.achievement_update(
            achievement=achievement, actor=request.user, data=_without(data, "version"), expected_version=version),
    )


def _confirm_delete(request, *, obj, delete, title: str, what, cancel_url: str, done_url: str, done: str,
                    crumbs):
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete(form.cleaned_data["reason"])
        except ApplicationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(done_url)
    return render(request, "portfolio/confirm_delete.html", {
        "form": form, "title": title, "what": what, "object": obj, "cancel_url": cancel_url,
        "breadcrumbs": crumbs,
    }, status=400 if form.errors else 200)


@login_required
def initiative_delete(request, pk: int):
    initiative = get_object_or_404(Initiative.objects.select_related("table"), pk=pk, deleted_at__isnull=True)
    if not can_edit_initiative(request.user, initiative):
        raise Http404
    table = initiative.table
    return _confirm_delete(
        request, obj=initiative, title=_("Delete the initiative"), what=initiative.title,
        delete=lambda reason: services.initiative_delete(initiative=initiative, actor=request.user, reason=reason),
        cancel_url=initiative.get_absolute_url(),
        done_url=table.get_absolute_url() if table else reverse("portfolio:index"),
        done=_("The initiative was deleted. The table's secretariat can restore it."),
        crumbs=_crumbs((initiative.title, initiative.get_absolute_url())),
    )


@login_required
def achievement_delete(request, pk: int):
    achievement = _editable_achievement(request, pk)
    initiative = achievement.initiative
    return _confirm_delete(
        request, obj=achievement, title=_("Delete the achievement"), what=achievement.text,
        delete=lambda reason: services.achievement_delete(achievement=achievement, actor=request.user, reason=reason),
        cancel_url=achievement.get_absolute_url(), done_url=initiative.get_absolute_url() + "#timeline",
        done=_("The achievement was deleted. The table's secretariat can restore it."),
        crumbs=_crumbs((initiative.title, initiative.get_absolute_url())),
    )


@login_required
def table_deleted(request, slug: str):
    table = _visible_table(request, slug)
    if not can_manage_deleted(request.user, table):
        raise Http404
    initiatives = (table.initiatives.filter(deleted_at__isnull=False)
                   .select_related("jurisdiction").order_by("-deleted_at", "pk"))
    achievements = (Achievement.objects.filter(initiative__table=table, deleted_at__isnull=False,
                                               initiative__deleted_at__isnull=True)
                    .select_related("initiative").order_by("-deleted_at", "pk"))
    return render(request, "portfolio/deleted.html", {
        "table": table, "initiatives": initiatives, "achievements": achievements, "restore_form": RestoreForm(),
        "breadcrumbs": _crumbs((table.name, table.get_absolute_url())),
    })


def _restore(request, *, restore, done: str, back: str):
    form = RestoreForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Keep the reason under 500 characters."))
        return HttpResponseRedirect(back)
    try:
        restore(form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(back)
    messages.success(request, done)
    return HttpResponseRedirect(back)


@login_required
@require_POST
def initiative_restore(request, pk: int):
    initiative = get_object_or_404(Initiative.objects.select_related("table"), pk=pk, deleted_at__isnull=False)
    from carrefour.portfolio.permissions import can_restore_initiative

    if not can_restore_initiative(request.user, initiative):
        raise Http404
    back = (reverse("portfolio:table_deleted", kwargs={"slug": initiative.table.slug}) if initiative.table
            else reverse("portfolio:index"))
    return _restore(
        request, back=back,
        restore=lambda reason: services.initiative_restore(initiative=initiative, actor=request.user, reason=reason),
        done=_("The initiative “%(title)s” was restored.") % {"title": initiative.title.plain},
    )


@login_required
@require_POST
def achievement_restore(request, pk: int):
    achievement = get_object_or_404(Achievement.objects.select_related("initiative", "initiative__table"),
                                    pk=pk, deleted_at__isnull=False)
    table = achievement.initiative.table
    if table is None or not can_manage_deleted(request.user, table):
        raise Http404
    return _restore(
        request, back=reverse("portfolio:table_deleted", kwargs={"slug": table.slug}),
        restore=lambda reason: services.achievement_restore(achievement=achievement, actor=request.user, reason=reason),
        done=_("The achievement was restored."),
    )


# Progress reports ------------------------------------------------------------------------------


def _report_response(request, data: dict, fmt: str, *, table: Table):
    lang = active_language()
    name = f"{table.slug}-progress-{data['start']}-{data['end']}-{lang}"
    if fmt == "pdf":
        response = HttpResponse(reports.render_pdf(data, lang), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    if fmt == "csv":
        return export_response(reports.report_rows(data, lang), reports.report_columns(), "csv", name)
    return None


def report(request, slug: str):
    table = _visible_table(request, slug)
    form = ReportForm(request.GET or None)
    context = {"table": table, "form": form, "breadcrumbs": _crumbs((table.name, table.get_absolute_url()))}
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        size = reports.report_size(table=table, user=request.user)
        query = f"start={start.isoformat()}&end={end.isoformat()}"
        context.update({"start": start, "end": end, "query": query, "size": size})
        if size > reports.SYNC_LIMIT:
            context["too_large"] = True
            return render(request, "portfolio/report.html", context)
        data = reports.build_report(table=table, start=start, end=end, user=request.user)
        response = _report_response(request, data, request.GET.get("format", ""), table=table)
        if response is not None:
            return response
        context["report"] = reports.localize(data, active_language())
    return render(request, "portfolio/report.html", context)


@require_POST
def report_request(request, slug: str):
    table = _visible_table(request, slug)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid date range."))
        return HttpResponseRedirect(reverse("portfolio:report", kwargs={"slug": slug}))
    try:
        job = services.report_request(table=table, actor=request.user, start=form.cleaned_data["start"],
                                      end=form.cleaned_data["end"])
    except ApplicationError as exc:
        messages.error(request, str(exc))
        return HttpResponseRedirect(reverse("portfolio:report", kwargs={"slug": slug}))
    return HttpResponseRedirect(job.get_absolute_url())


def _visible_job(request, pk: int) -> ProgressReport:
    job = get_object_or_404(ProgressReport.objects.select_related("table"), pk=pk)
    if not can_view(request.user, job.table):
        raise Http404
    mine = job.requested_by_id is not None and job.requested_by_id == getattr(request.user, "pk", None)
    if job.requested_by_id is not None and not mine and not can_edit_table(request.user, job.table):
        raise Http404
    return job


def report_job(request, pk: int):
    job = _visible_job(request, pk)
    stored = getattr(job, f"pdf_{active_language()}")
    if job.state == ProgressReport.State.DONE and request.GET.get("format") == "pdf" and stored:
        return FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.rsplit("/", 1)[-1],
                            content_type="application/pdf")
    if job.state == ProgressReport.State.DONE:
        response = _report_response(request, job.data, request.GET.get("format", ""), table=job.table)
        if response is not None:
            return response
    context = {"job": job, "table": job.table,
               "breadcrumbs": _crumbs((job.table.name, job.table.get_absolute_url()))}
    if job.state == ProgressReport.State.DONE:
        context["report"] = reports.localize(job.data, active_language())
    return render(request, "portfolio/report_job.html", context)


def report_job_status(request, pk: int):
    job = _visible_job(request, pk)
    response = render(request, "portfolio/_job_status.html", {"job": job})
    if job.state in (ProgressReport.State.DONE, ProgressReport.State.FAILED) and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


# Facet self-assessment -------------------------------------------------------------------------


def _member_teams(user):
    if not user.is_authenticated:
        return Team.objects.none()
    return Team.objects.filter(memberships__user=user, deleted_at__isnull=True).distinct()


def assessment(request):
    facets = Facet.objects.all()
    form = None
    if request.user.is_authenticated:
        form = AssessmentForm(request.POST or None, teams=_member_teams(request.user))
        if request.method == "POST" and form.is_valid():
            try:
                result = services.assessment_create(actor=request.user, team=form.cleaned_data.get("team"),
                                                    answers=form.answers())
            except ApplicationError as exc:
                _form_error(form, exc)
            else:
                return HttpResponseRedirect(result.get_absolute_url())
    return render(request, "portfolio/assessment.html", {
        "form": form, "facets": facets, "questions": QUESTIONS, "breadcrumbs": _crumbs(),
    })


def assessment_detail(request, pk: int):
    result = get_object_or_404(FacetAssessment.objects.select_related("team"), pk=pk)
    if not can_view(request.user, result):
        raise Http404
    facets = list(Facet.objects.all())
    actual = selectors.actual_facet_mix(team=result.team, user=request.user) if result.team_id else {}
    rows = [{"facet": f, "orientation": result.scores.get(f.code, 0.0), "actual": actual.get(f.code, 0.0)} for f in facets]
    return render(request, "portfolio/assessment_detail.html", {
        "result": result, "rows": rows, "chart": charts.facet_bars(result.scores, actual, facets),
        "has_actual": any(actual.values()),
        "is_member": result.team_id is not None and has_team_role(request.user, result.team_id, ("member",)),
        "breadcrumbs": _crumbs((_("Facet self-assessment"), reverse("portfolio:assessment_start"))),
    })
