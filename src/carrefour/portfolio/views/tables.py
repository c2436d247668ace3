"""Collaboration tables: the list, creating one, its page, editing it, its members, what was deleted."""

from __future__ import annotations

import copy
import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.portfolio import selectors, services
from carrefour.portfolio.forms import (
    ReportForm,
    RestoreForm,
    TableCreateForm,
    TableForm,
    TableJurisdictionForm,
    TablePersonForm,
)
from carrefour.portfolio.models import Table
from carrefour.portfolio.permissions import (
    can_create_table,
    can_edit_table,
    can_manage_deleted,
    can_manage_people,
    manageable_teams,
)
from carrefour.portfolio.views._common import (
    crumbs,
    require,
    versioned_form_page,
    visible_table,
    without,
)


def table_list(request):
    return render(request, "portfolio/table_list.html", {
        "tables": selectors.table_list(user=request.user), "breadcrumbs": crumbs(),
        "can_create": request.user.is_authenticated and (
            can_create_table(request.user) or manageable_teams(request.user).exists()),
    })


@login_required
def table_create(request):
    teams = manageable_teams(request.user)
    require(can_create_table(request.user) or teams.exists())
    form = TableCreateForm(request.POST or None, teams=teams, team_required=not can_create_table(request.user),
                           initial={"visibility": "government"})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "member_jurisdictions"}
        try:
            table = services.table_create(actor=request.user, data=data,
                                          member_jurisdictions=list(form.cleaned_data["member_jurisdictions"]))
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The table was created. Add its priorities and members from its page."))
            return HttpResponseRedirect(table.get_absolute_url())
    return render(request, "portfolio/form.html", {
        "form": form, "title": _("Create a collaboration table"), "cancel_url": reverse("portfolio:tables"),
        "breadcrumbs": crumbs((_("Collaboration tables"), reverse("portfolio:tables"))),
    })


def table_detail(request, slug: str):
    table = visible_table(request, slug)
    user = request.user
    today = timezone.localdate()
    return render(request, "portfolio/table_detail.html", {
        "table": table,
        **selectors.table_page(table=table, user=user),
        "can_edit": can_edit_table(user, table),
        "can_manage_deleted": user.is_authenticated and can_manage_deleted(user, table),
        "report_form": ReportForm(initial={"start": datetime.date(today.year - 1, today.month, 1), "end": today}),
        "breadcrumbs": crumbs((_("Collaboration tables"), reverse("portfolio:tables"))),
    })


@login_required
def table_edit(request, slug: str):
    table = visible_table(request, slug)
    require(can_edit_table(request.user, table))
    form = TableForm(request.POST or None, instance=copy.copy(table))
    return versioned_form_page(
        request, form=form, model=Table, title=_("Edit the table"),
        success_url=table.get_absolute_url(), cancel_url=table.get_absolute_url(),
        crumbs=crumbs((table.name, table.get_absolute_url())),
        save=lambda data, version: services.table_update(
            table=table, actor=request.user, data=without(data, "version", "member_jurisdictions"),
            m2m={"member_jurisdictions": list(data["member_jurisdictions"])}, expected_version=version),
    )


# Members -----------------------------------------------------------------------------------------


def _members_page(request, table: Table, *, jurisdiction_form=None, person_form=None, status=200):
    current = selectors.table_member_jurisdictions(table=table)
    return render(request, "portfolio/members.html", {
        "table": table, "member_jurisdictions": current, "people": selectors.table_team_memberships(table=table),
        "jurisdiction_form": jurisdiction_form or TableJurisdictionForm(exclude=current),
        "person_form": person_form or (TablePersonForm() if can_manage_people(request.user, table) else None),
        "breadcrumbs": crumbs((table.name, table.get_absolute_url())),
    }, status=status)


@login_required
def table_members(request, slug: str):
    table = visible_table(request, slug)
    require(can_edit_table(request.user, table))
    if request.method == "POST":
        form = TableJurisdictionForm(request.POST, exclude=selectors.table_member_jurisdictions(table=table))
        if form.is_valid():
            try:
                services.table_jurisdiction_add(table=table, actor=request.user,
                                                jurisdiction=form.cleaned_data["jurisdiction"])
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                messages.success(request, _("%(name)s now sits at the table.")
                                 % {"name": form.cleaned_data["jurisdiction"].name})
                return HttpResponseRedirect(reverse("portfolio:table_members", kwargs={"slug": slug}))
        return _members_page(request, table, jurisdiction_form=form, status=400)
    return _members_page(request, table)


@login_required
@require_POST
def table_jurisdiction_remove(request, slug: str, jurisdiction_id: int):
    table = visible_table(request, slug)
    require(can_edit_table(request.user, table))
    jurisdiction = selectors.table_member_jurisdiction(table=table, pk=jurisdiction_id)
    if jurisdiction is None:
        raise Http404
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
    table = visible_table(request, slug)
    require(can_manage_people(request.user, table))
    form = TablePersonForm(request.POST)
    if form.is_valid():
        try:
            membership = services.table_person_add(table=table, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("%(person)s was added to the team as %(role)s.")
                             % {"person": membership.user, "role": membership.get_role_display()})
            return HttpResponseRedirect(reverse("portfolio:table_members", kwargs={"slug": slug}))
    return _members_page(request, table, person_form=form, status=400)


# What was deleted ----------------------------------------------------------------------------------


@login_required
def table_deleted(request, slug: str):
    table = visible_table(request, slug)
    require(can_manage_deleted(request.user, table))
    return render(request, "portfolio/deleted.html", {
        "table": table, **selectors.table_deleted_records(table=table), "restore_form": RestoreForm(),
        "breadcrumbs": crumbs((table.name, table.get_absolute_url())),
    })
