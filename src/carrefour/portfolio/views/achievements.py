"""Editing, deleting and restoring achievements."""

from __future__ import annotations

import copy

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.core.visibility import get_visible_or_404
from carrefour.portfolio import selectors, services
from carrefour.portfolio.forms import AchievementEditForm
from carrefour.portfolio.models import Achievement
from carrefour.portfolio.permissions import can_edit_initiative, can_manage_deleted
from carrefour.portfolio.views._common import (
    confirm_delete,
    crumbs,
    require,
    restore,
    versioned_form_page,
    without,
)


def _editable_achievement(request, pk: int) -> Achievement:
    achievement = get_visible_or_404(selectors.achievement_qs(), request.user, pk=pk)
    require(can_edit_initiative(request.user, achievement.initiative))
    return achievement


@login_required
def achievement_edit(request, pk: int):
    achievement = _editable_achievement(request, pk)
    initiative = achievement.initiative
    form = AchievementEditForm(request.POST or None, instance=copy.copy(achievement))
    return versioned_form_page(
        request, form=form, model=Achievement, title=_("Edit the achievement"),
        done=_("The achievement was saved."),
        success_url=achievement.get_absolute_url(), cancel_url=achievement.get_absolute_url(),
        crumbs=crumbs((initiative.title, initiative.get_absolute_url())),
        save=lambda data, version: services.achievement_update(
            achievement=achievement, actor=request.user, data=without(data, "version"), expected_version=version),
    )


@login_required
def achievement_delete(request, pk: int):
    achievement = _editable_achievement(request, pk)
    initiative = achievement.initiative
    return confirm_delete(
        request, obj=achievement, title=_("Delete the achievement"), what=achievement.text,
        delete=lambda reason: services.achievement_delete(achievement=achievement, actor=request.user, reason=reason),
        cancel_url=achievement.get_absolute_url(), done_url=initiative.get_absolute_url() + "#timeline",
        done=_("The achievement was deleted. The table's secretariat can restore it."),
        crumbs=crumbs((initiative.title, initiative.get_absolute_url())),
    )


@login_required
@require_POST
def achievement_restore(request, pk: int):
    achievement = selectors.achievement_deleted_get(pk=pk)
    table = achievement.initiative.table if achievement is not None else None
    # A deleted record exists only for those who may restore it.
    if table is None or not can_manage_deleted(request.user, table):
        raise Http404
    return restore(
        request, back=reverse("portfolio:table_deleted", kwargs={"slug": table.slug}),
        restore=lambda reason: services.achievement_restore(achievement=achievement, actor=request.user, reason=reason),
        done=_("The achievement was restored."),
    )
