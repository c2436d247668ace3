"""A table's agenda: its priorities, meetings, and decisions or next steps."""

from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.core.visibility import get_visible_or_404
from carrefour.portfolio import selectors, services
from carrefour.portfolio.forms import (
    DecisionEditForm,
    DecisionForm,
    MeetingEditForm,
    MeetingForm,
    PriorityForm,
)
from carrefour.portfolio.models import Decision, Priority, Table
from carrefour.portfolio.permissions import can_edit_table
from carrefour.portfolio.views._common import (
    crumbs,
    require,
    versioned_form_page,
    visible_table,
    without,
)


def _table_form_page(request, table: Table, form, *, title: str, create):
    if request.method == "POST" and form.is_valid():
        try:
            obj = create(form)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return HttpResponseRedirect(getattr(obj, "get_absolute_url", table.get_absolute_url)())
    return render(request, "portfolio/form.html", {
        "form": form, "title": title, "cancel_url": table.get_absolute_url(),
        "breadcrumbs": crumbs((table.name, table.get_absolute_url())),
    })


def _editable_table(request, slug: str) -> Table:
    table = visible_table(request, slug)
    require(can_edit_table(request.user, table))
    return table


@login_required
def priority_create(request, slug: str):
    table = _editable_table(request, slug)
    form = PriorityForm(request.POST or None, table=table)
    return _table_form_page(request, table, form, title=_("Add a priority"), create=lambda f: services.priority_create(
        table=table, actor=request.user, data=without(f.cleaned_data, "version")))


@login_required
def meeting_create(request, slug: str):
    table = _editable_table(request, slug)
    form = MeetingForm(request.POST or None)
    return _table_form_page(request, table, form, title=_("Record a meeting"), create=lambda f: services.meeting_create(
        table=table, actor=request.user, data=f.cleaned_data))


@login_required
def decision_create(request, slug: str):
    table = _editable_table(request, slug)
    form = DecisionForm(request.POST or None, table=table, initial={"date": timezone.localdate()})
    return _table_form_page(request, table, form, title=_("Record a decision or next step"),
                            create=lambda f: services.decision_create(table=table, actor=request.user, data=f.cleaned_data))


@login_required
def priority_edit(request, pk: int):
    priority = get_visible_or_404(selectors.priority_qs(), request.user, pk=pk)
    table = priority.table
    require(can_edit_table(request.user, table))
    # The form works on a copy: a refused save leaves the record the service compares with untouched.
    form = PriorityForm(request.POST or None, instance=copy.copy(priority), table=table)
    return versioned_form_page(
        request, form=form, model=Priority, title=_("Edit the priority"),
        success_url=priority.get_absolute_url(), cancel_url=table.get_absolute_url(),
        crumbs=crumbs((table.name, table.get_absolute_url())),
        save=lambda data, version: services.priority_update(
            priority=priority, actor=request.user, data=without(data, "version"), expected_version=version),
    )


def _versioned_edit(request, *, obj, form, update, title: str, anchor: str):
    table = obj.table
    back = table.get_absolute_url() + f"#{anchor}-{obj.pk}"
    return versioned_form_page(
        request, form=form, model=type(obj), title=title, success_url=back, cancel_url=back,
        crumbs=crumbs((table.name, table.get_absolute_url())),
        save=lambda data, version: update(obj, without(data, "version"), version),
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = get_visible_or_404(selectors.meeting_qs(), request.user, pk=pk)
    require(can_edit_table(request.user, meeting.table))
    return _versioned_edit(
        request, obj=meeting, form=MeetingEditForm(request.POST or None, instance=copy.copy(meeting)),
        title=_("Edit the meeting"), anchor="meeting",
        update=lambda obj, data, version: services.meeting_update(meeting=obj, actor=request.user, data=data,
                                                                  expected_version=version))


@login_required
def decision_edit(request, pk: int):
    decision: Decision = get_visible_or_404(selectors.decision_qs(), request.user, pk=pk)
    require(can_edit_table(request.user, decision.table))
    return _versioned_edit(
        request, obj=decision,
        form=DecisionEditForm(request.POST or None, instance=copy.copy(decision), table=decision.table),
        title=_("Edit the decision or next step"), anchor="decision",
        update=lambda obj, data, version: services.decision_update(decision=obj, actor=request.user, data=data,
                                                                   expected_version=version))

