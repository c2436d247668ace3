"""What the portfolio's pages share: breadcrumbs, refusals, versioned forms, delete and restore."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError, EditConflict
from carrefour.core.forms import add_application_error
from carrefour.core.visibility import get_visible_or_404
from carrefour.portfolio import selectors
from carrefour.portfolio.forms import DeleteForm, RestoreForm
from carrefour.portfolio.models import Table


def crumbs(*extra):
    return [(_("Portfolio"), reverse("portfolio:index")), *extra]


def require(allowed: bool) -> None:
    """Refuse a change to a record the person sees (fetched through get_visible_or_404): 403."""
    if not allowed:
        raise PermissionDenied


def visible_table(request, slug: str) -> Table:
    return get_visible_or_404(selectors.table_qs(), request.user, slug=slug)


def without(data: dict, *keys: str) -> dict:
    return {k: v for k, v in data.items() if k not in keys}


def _rebase(form, extra: dict) -> None:
    """After a conflict, the form keeps the person's text, takes the others' values where only
    they changed something, and the current version: sent again, it overwrites nothing else."""
    data = form.data.copy()
    for name, value in (extra.get("kept") or {}).items():
        if name not in form.fields:
            continue
        if isinstance(value, list):
            data.setlist(name, [str(v) for v in value])
        elif value is None or value is False:
            data.pop(name, None)
            if value is None:
                data[name] = ""
        else:
            data[name] = "on" if value is True else str(value)
    data["version"] = str(extra["version"])
    form.data = data


def versioned_form_page(request, *, form, model, save, title: str, success_url: str, cancel_url: str,
                        crumbs, done: str | None = None, template: str = "portfolio/form.html",
                        extra: dict[str, Any] | None = None):
    """Run a form that carries `version`: a stale save shows what changed (409), nothing overwritten.

    `save` may merge (a `MergedUpdate`): the person is told which fields kept someone else's
    change; when both changed the same field, both values are shown, the form keeps the person's
    text and carries the current version, so that sending it again saves theirs over."""
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data, form.cleaned_data.get("version"))
        except EditConflict as exc:
            conflict = exc
            form.add_error(None, str(exc))
            if exc.extra.get("conflicts"):
                _rebase(form, exc.extra)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            kept = getattr(result, "kept", ())
            if kept:
                messages.success(request, _(
                    "Saved. While you were editing, someone else changed %(fields)s: their changes were kept "
                    "and yours were saved with them.") % {
                    "fields": ", ".join(selectors.field_label(model, name) for name in kept)})
            else:
                messages.success(request, done or _("Saved."))
            return HttpResponseRedirect(success_url)
    changes = fields = []
    if conflict is not None:
        changes = selectors.conflict_changes(model=model, entries=conflict.extra.get("changes", []), user=request.user)
        fields = selectors.conflict_fields(model=model, conflicts=conflict.extra.get("conflicts", []),
                                           user=request.user)
    return render(request, template, {
        "form": form, "title": title, "cancel_url": cancel_url, "conflict": conflict,
        "conflict_changes": changes, "conflict_fields": fields, "breadcrumbs": crumbs, **(extra or {}),
    }, status=409 if conflict else 200)


def confirm_delete(request, *, obj, delete, title: str, what, cancel_url: str, done_url: str, done: str, crumbs):
    form = DeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delete(form.cleaned_data["reason"])
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, done)
            return HttpResponseRedirect(done_url)
    return render(request, "portfolio/confirm_delete.html", {
        "form": form, "title": title, "what": what, "object": obj, "cancel_url": cancel_url,
        "breadcrumbs": crumbs,
    }, status=400 if form.errors else 200)


def restore(request, *, restore, done: str, back: str):
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
