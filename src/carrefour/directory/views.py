"""Directory pages: jurisdictions, organizations, people, teams, and one's own profile."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import Column, ExportMixin, bilingual
from carrefour.core.forms import add_application_error
from carrefour.directory import selectors, services
from carrefour.directory.forms import (
    JurisdictionFilterForm,
    OrganizationFilterForm,
    ProfileForm,
    TeamFilterForm,
)


def index(request):
    return render(request, "directory/index.html", selectors.directory_counts(user=request.user))


class FilteredListView(ExportMixin, ListView):
    filter_form_class = None
    paginate_by = 25

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._filter_form = self.filter_form_class(self.request.GET or None)
        return self._filter_form

    def filters(self) -> dict:
        form = self.get_filter_form()
        if form.is_bound and form.is_valid():
            return {k: v for k, v in form.cleaned_data.items() if v}
        return {}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.get_filter_form()
        return context


class JurisdictionListView(FilteredListView):
    template_name = "directory/jurisdiction_list.html"
    filter_form_class = JurisdictionFilterForm
    paginate_by = 50
    export_name = "jurisdictions"
    export_columns = [
        Column("code", gettext_lazy("Code")),
        Column("kind", gettext_lazy("Kind"), lambda j: j.get_kind_display()),
        *bilingual("name", gettext_lazy("Name")),
        *bilingual("abbreviation", gettext_lazy("Abbreviation")),
        Column("email_domains", gettext_lazy("Email domains")),
        Column("parent", gettext_lazy("Within"), lambda j: j.parent.code if j.parent else None),
    ]

    def get_queryset(self):
        return selectors.jurisdiction_list(**self.filters())


def jurisdiction_detail(request, code: str):
    jurisdiction = selectors.jurisdiction_get(code=code)
    return render(
        request,
        "directory/jurisdiction_detail.html",
        {
            "jurisdiction": jurisdiction,
            "organizations": selectors.jurisdiction_organizations(jurisdiction=jurisdiction),
            "children": selectors.jurisdiction_children(jurisdiction=jurisdiction),
            "breadcrumbs": [(_("Directory"), reverse("directory:index")), (_("Jurisdictions"), reverse("directory:jurisdictions"))],
        },
    )


class OrganizationListView(FilteredListView):
    template_name = "directory/organization_list.html"
    filter_form_class = OrganizationFilterForm
    export_name = "organizations"
    export_columns = [
        Column("slug", gettext_lazy("Short name")),
        Column("kind", gettext_lazy("Kind"), lambda o: o.get_kind_display()),
        *bilingual("name", gettext_lazy("Name")),
        *bilingual("acronym", gettext_lazy("Acronym")),
        Column("jurisdiction", gettext_lazy("Jurisdiction"), lambda o: o.jurisdiction.code if o.jurisdiction else None),
        Column("website", gettext_lazy("Website")),
    ]

    def get_queryset(self):
        return selectors.organization_list(**self.filters())


def organization_detail(request, slug: str):
    organization = selectors.organization_get(slug=slug)
    people = selectors.person_list(viewer=request.user, organization=organization)
    return render(
        request,
        "directory/organization_detail.html",
        {
            "organization": organization,
            "people": people,
            "breadcrumbs": [(_("Directory"), reverse("directory:index")), (_("Organizations"), reverse("directory:organizations"))],
        },
    )


class PersonListView(ListView):
    template_name = "directory/person_list.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.person_list(viewer=self.request.user)


def person_detail(request, pk: int):
    person = selectors.person_get(viewer=request.user, pk=pk)
    return render(request, "directory/person_detail.html", {"person": person})


class TeamListView(FilteredListView):
    template_name = "directory/team_list.html"
    filter_form_class = TeamFilterForm
    export_name = "teams"
    export_columns = [
        Column("slug", gettext_lazy("Short name")),
        Column("kind", gettext_lazy("Kind"), lambda t: t.get_kind_display()),
        *bilingual("name", gettext_lazy("Name")),
        Column("visibility", gettext_lazy("Visibility"), lambda t: t.get_visibility_display()),
        Column("member_count", gettext_lazy("Members")),
    ]

    def get_queryset(self):
        return selectors.team_list(user=self.request.user, **self.filters())


def team_detail(request, slug: str):
    team = selectors.team_get(user=request.user, slug=slug)
    return render(
        request,
        "directory/team_detail.html",
        {"team": team, "members": selectors.team_members(team=team)},
    )


@login_required
def me(request):
    # The form validates its own copy; the service audits the stored values → new ones on another
    # (request.user is a lazy wrapper, not a model instance the audit can describe).
    user = selectors.user_get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=selectors.user_get(pk=user.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_profile(user=user, actor=user, data=form.cleaned_data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("Your profile was saved."))
            return HttpResponseRedirect(reverse("directory:me"))
    return render(
        request,
        "directory/me.html",
        {"form": form, "memberships": selectors.user_teams(user=user)},
    )
