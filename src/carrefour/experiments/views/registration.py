"""Registration, its verification and file, deviations and disclosures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.core.visibility import can_edit
from carrefour.experiments import forms, selectors, services
from carrefour.experiments import plan as plan_module
from carrefour.experiments.views._common import _crumbs, _get, _get_editable


@login_required
def register(request, pk: int):
    experiment = _get_editable(request, pk)
    if experiment.is_registered:
        return HttpResponseRedirect(reverse("experiments:registration", kwargs={"pk": pk}))
    form = forms.RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.experiment_register(
                experiment=experiment,
                actor=request.user,
                public_fields=form.cleaned_data["public_fields"],
                embargo_until=form.cleaned_data["embargo_until"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The plan is registered and frozen."))
            return HttpResponseRedirect(reverse("experiments:registration", kwargs={"pk": pk}))
    return render(
        request,
        "experiments/register.html",
        {"form": form, "experiment": experiment, "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url()))},
    )


def _registration(request, pk: int):
    experiment = _get(request, pk)
    if not experiment.is_registered:
        raise Http404
    return experiment, experiment.registration


def registration(request, pk: int):
    """The hash, the time stamp, the canonical JSON to download, and how to verify it."""
    experiment, registration = _registration(request, pk)
    editor = can_edit(request.user, experiment)
    hidden = registration.is_embargoed and not editor
    check = None
    upload_error = None
    if request.method == "POST" and request.FILES.get("file"):
        data = request.FILES["file"].read(10 * 1024 * 1024)
        check = services.registration_verify(registration=registration, data=data)
    elif not hidden:
        check = services.registration_verify(registration=registration)
    elif request.method == "POST":
        upload_error = _("Choose a file to check.")
    return render(
        request,
        "experiments/registration.html",
        {
            "experiment": experiment,
            "registration": registration,
            "hidden": hidden,
            "check": check,
            "uploaded": request.method == "POST",
            "upload_error": upload_error,
            "editor": editor,
            "disclosures": [] if hidden else selectors.disclosure_checks(registration=registration),
            "file_name": f"experiment-{experiment.pk}-registration.json",
            "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url())),
        },
    )


def registration_json(request, pk: int):
    """The exact bytes that were hashed (download and run sha256sum on them)."""
    experiment, registration = _registration(request, pk)
    if registration.is_embargoed and not can_edit(request.user, experiment):
        raise Http404
    response = HttpResponse(registration.canonical_json.encode("utf-8"), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="experiment-{experiment.pk}-registration.json"'
    return response


@login_required
def deviation_create(request, pk: int):
    experiment = _get_editable(request, pk)
    form = forms.DeviationForm(request.POST or None, initial={"plan_field": request.GET.get("field", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.deviation_declare(experiment=experiment, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The deviation was recorded beside the registered plan."))
            return HttpResponseRedirect(experiment.get_absolute_url() + "#plan")
    return render(
        request,
        "experiments/deviation_form.html",
        {"form": form, "experiment": experiment, "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url()))},
    )


@login_required
@require_POST
def disclose(request, pk: int):
    """Make public a part of the registered plan that was kept internal (cannot be undone)."""
    experiment = _get_editable(request, pk)
    key = request.POST.get("plan_field", "")
    try:
        services.plan_field_disclose(experiment=experiment, actor=request.user, plan_field=key)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(experiment.get_absolute_url() + "#plan")
    messages.success(request, _("“%(part)s” is now in the public version, with the salt that lets anyone check it "
                                "against the registration file.") % {"part": plan_module.plan_field_label(key)})
    return HttpResponseRedirect(experiment.get_absolute_url() + f"#plan-{key}")
