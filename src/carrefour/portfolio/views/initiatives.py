"""Initiatives: their page, adding, editing, deleting and restoring one, and adding to its timeline."""

from __future__ import annotations

import copy
import uuid

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
from carrefour.core.visibility import get_visible_or_404, is_platform_admin
from carrefour.declarations import commitments
from carrefour.experiments.selectors import experiments_for_initiative
from carrefour.portfolio import selectors, services
from carrefour.portfolio.forms import AchievementForm, InitiativeForm, LinkForm
from carrefour.portfolio.models import Initiative
from carrefour.portfolio.permissions import can_edit_initiative, can_restore_initiative
from carrefour.portfolio.views._common import (
    confirm_delete,
    crumbs,
    require,
    restore,
    versioned_form_page,
)


def initiative_detail(request, pk: int):
    initiative = get_visible_or_404(selectors.initiative_detail_qs(user=request.user), request.user, pk=pk)
    table = initiative.table  # None when the reader may not see it
    return render(request, "portfolio/initiative_detail.html", {
        "initiative": initiative,
        "experiments": experiments_for_initiative(user=request.user, initiative=initiative),
        "commitments": commitments.for_target(initiative),
        "can_edit": can_edit_initiative(request.user, initiative),
        "achievement_form": AchievementForm(initial={"date": timezone.localdate()}),
        "link_form": LinkForm(),
        "breadcrumbs": crumbs(*([(table.name, table.get_absolute_url())] if table else [])),
    })


def _form_choices(user, initiative: Initiative | None = None) -> dict:
    tables = selectors.tables_for_new_initiative(user=user, initiative=initiative)
    return {"tables": tables, "priorities": selectors.priorities_for_new_initiative(user=user, tables=tables)}


@login_required
def initiative_create(request):
    choices = _form_choices(request.user)
    # Public servants add initiatives for their jurisdiction; others only in a table they edit.
    require(request.user.is_public_servant or is_platform_admin(request.user) or choices["tables"].exists())
    table = selectors.table_by_slug(user=request.user, slug=request.GET["table"]) if request.GET.get("table") else None
    # A one-time token: the same form sent twice (a double click, a resent request) adds one initiative.
    initial = {"table": table, "jurisdiction": request.user.jurisdiction, "request_token": uuid.uuid4().hex}
    form = InitiativeForm(request.POST or None, initial=initial, **choices)
    refusal = None
    if table is not None and not choices["tables"].filter(pk=table.pk).exists():
        # Linked from a table they may see but not add to: say why before they fill the form in.
        try:
            services.initiative_create_check(actor=request.user, table=table,
                                             jurisdiction_ids={request.user.jurisdiction_id} - {None})
        except ApplicationError as exc:
            refusal = str(exc)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data.get("request_token") or ""
        sent = selectors.initiative_by_request_token(user=request.user, request_token=token)
        if sent is not None:
            messages.info(request, _("This form was already sent: here is the initiative it added."))
            return HttpResponseRedirect(sent.get_absolute_url())
        try:
            initiative = services.initiative_create(actor=request.user, data=form.service_data(), request_token=token)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The initiative was added."))
            return HttpResponseRedirect(initiative.get_absolute_url())
    return render(request, "portfolio/initiative_form.html", {
        "form": form, "title": _("Add an initiative"), "facets": selectors.facet_list(), "refusal": refusal,
        "cancel_url": table.get_absolute_url() if table else reverse("portfolio:index"), "breadcrumbs": crumbs(),
    })


@login_required
def initiative_edit(request, pk: int):
    initiative = get_visible_or_404(selectors.initiative_qs(), request.user, pk=pk)
    require(can_edit_initiative(request.user, initiative))
    form = InitiativeForm(request.POST or None, instance=copy.copy(initiative),
                          **_form_choices(request.user, initiative))
    return versioned_form_page(
        request, form=form, model=Initiative, title=_("Edit the initiative"),
        done=_("The initiative was saved."), template="portfolio/initiative_form.html",
        extra={"facets": selectors.facet_list(), "initiative": initiative},
        success_url=initiative.get_absolute_url(), cancel_url=initiative.get_absolute_url(),
        crumbs=crumbs((initiative.title, initiative.get_absolute_url())),
        # service_data() applies the form's own mapping (commitments, facets, partners).
        save=lambda data, version: services.initiative_update_merged(
            initiative=initiative, actor=request.user, data=form.service_data(), expected_version=version),
    )


@login_required
def initiative_delete(request, pk: int):
    initiative = get_visible_or_404(selectors.initiative_qs(), request.user, pk=pk)
    require(can_edit_initiative(request.user, initiative))
    table = initiative.table
    return confirm_delete(
        request, obj=initiative, title=_("Delete the initiative"), what=initiative.title,
        delete=lambda reason: services.initiative_delete(initiative=initiative, actor=request.user, reason=reason),
        cancel_url=initiative.get_absolute_url(),
        done_url=table.get_absolute_url() if table else reverse("portfolio:index"),
        done=_("The initiative was deleted. The table's secretariat can restore it."),
        crumbs=crumbs((initiative.title, initiative.get_absolute_url())),
    )


@login_required
@require_POST
def initiative_restore(request, pk: int):
    initiative = selectors.initiative_deleted_get(pk=pk)
    # A deleted record exists only for those who may restore it.
    if initiative is None or not can_restore_initiative(request.user, initiative):
        raise Http404
    back = (reverse("portfolio:table_deleted", kwargs={"slug": initiative.table.slug}) if initiative.table
            else reverse("portfolio:index"))
    return restore(
        request, back=back,
        restore=lambda reason: services.initiative_restore(initiative=initiative, actor=request.user, reason=reason),
        done=_("The initiative “%(title)s” was restored.") % {"title": initiative.title.plain},
    )


def _initiative_add(request, pk: int, *, form_class, service, done: str, title: str, anchor: str):
    """Add an entry to an initiative from the form on its page (achievement, link)."""
    initiative = get_visible_or_404(selectors.initiative_qs(), request.user, pk=pk)
    require(can_edit_initiative(request.user, initiative))
    form = form_class(request.POST)
    if form.is_valid():
        try:
            service(initiative=initiative, actor=request.user, data=form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(initiative.get_absolute_url() + anchor)
    return render(request, "portfolio/form.html", {
        "form": form, "title": title, "cancel_url": initiative.get_absolute_url(),
        "breadcrumbs": crumbs((initiative.title, initiative.get_absolute_url())),
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
