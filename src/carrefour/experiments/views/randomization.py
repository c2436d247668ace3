"""Randomization of a units file and the assignment download."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.experiments import forms, selectors, services
from carrefour.experiments.uploads import use_streaming_upload
from carrefour.experiments.views._common import _crumbs, _get_editable, upload_form


@csrf_exempt
@login_required
def randomize(request, pk: int):
    use_streaming_upload(request)
    return _randomize(request, pk)


@csrf_protect
def _randomize(request, pk: int):
    experiment = _get_editable(request, pk)
    form, usable = upload_form(request, forms.UnitsForm)
    if usable:
        try:
            services.randomization_run(
                experiment=experiment, actor=request.user, units_file=form.cleaned_data["file"],
                seed=form.cleaned_data["seed"],
            )
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The units were assigned to arms."))
            return HttpResponseRedirect(reverse("experiments:randomize", kwargs={"pk": pk}))
    randomizations = list(selectors.randomization_list(experiment=experiment)[:10])
    latest = randomizations[0] if randomizations else None
    names = selectors.arm_names(experiment)
    return render(
        request,
        "experiments/randomize.html",
        {
            "experiment": experiment,
            "form": form,
            "latest": latest,
            "earlier": randomizations[1:],
            "arms": [(a, names.get(a, a)) for a in experiment.arm_labels],
            "breadcrumbs": _crumbs((str(experiment.title), experiment.get_absolute_url())),
        },
    )


@login_required
def assignment_download(request, pk: int, rid: int):
    experiment = _get_editable(request, pk)
    randomization = selectors.randomization_get(experiment=experiment, pk=rid)
    if randomization is None:
        raise Http404
    return FileResponse(
        open(randomization.assignment_path, "rb"),  # noqa: SIM115 - FileResponse closes it
        as_attachment=True,
        filename=f"experiment-{experiment.pk}-assignment-seed-{randomization.seed}.csv",
        content_type="text/csv",
    )
