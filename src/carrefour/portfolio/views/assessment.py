"""The facet self-assessment: the questionnaire, and a result beside the team's actual mix."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.forms import add_application_error
from carrefour.core.visibility import get_visible_or_404, has_team_role
from carrefour.portfolio import charts, selectors, services
from carrefour.portfolio.forms import AssessmentForm
from carrefour.portfolio.questionnaire import QUESTIONS
from carrefour.portfolio.views._common import crumbs


def assessment(request):
    form = None
    if request.user.is_authenticated:
        form = AssessmentForm(request.POST or None, teams=selectors.member_teams(user=request.user))
        if request.method == "POST" and form.is_valid():
            try:
                result = services.assessment_create(actor=request.user, team=form.cleaned_data.get("team"),
                                                    answers=form.answers())
            except ApplicationError as exc:
                add_application_error(form, exc)
            else:
                return HttpResponseRedirect(result.get_absolute_url())
    return render(request, "portfolio/assessment.html", {
        "form": form, "facets": selectors.facet_list(), "questions": QUESTIONS, "breadcrumbs": crumbs(),
    })


def assessment_detail(request, pk: int):
    result = get_visible_or_404(selectors.assessment_qs(), request.user, pk=pk)
    facets = list(selectors.facet_list())
    actual = selectors.actual_facet_mix(team=result.team, user=request.user) if result.team_id else {}
    rows = [{"facet": f, "orientation": result.scores.get(f.code, 0.0), "actual": actual.get(f.code, 0.0)}
            for f in facets]
    return render(request, "portfolio/assessment_detail.html", {
        "result": result, "rows": rows, "chart": charts.facet_bars(result.scores, actual, facets),
        "has_actual": any(actual.values()),
        "is_member": result.team_id is not None and has_team_role(request.user, result.team_id, ("member",)),
        "breadcrumbs": crumbs((_("Facet self-assessment"), reverse("portfolio:assessment_start"))),
    })
