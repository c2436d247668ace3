"""The list of experiments, with its CSV and JSON exports."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from carrefour.core.exports import Column, ExportMixin, bilingual
from carrefour.experiments import forms, selectors


class ExperimentListView(ExportMixin, ListView):
    template_name = "experiments/index.html"
    paginate_by = 20
    export_name = "experiments"
    export_columns = [
        Column("id", gettext_lazy("ID"), "pk"),
        *bilingual("title", gettext_lazy("Title")),
        Column("jurisdiction", gettext_lazy("Jurisdiction"), lambda e: e.jurisdiction.code),
        Column("intervention_type", gettext_lazy("Intervention type")),
        Column("outcome_domain", gettext_lazy("Outcome domain")),
        Column("stage", gettext_lazy("Stage"), selectors.stage_of),
        Column("registered_at", gettext_lazy("Registered"), lambda e: e.registration.registered_at if e.is_registered else None),
        Column("sha256", gettext_lazy("Registration SHA-256"), lambda e: e.registration.sha256 if e.is_registered else None),
        Column("verdict", gettext_lazy("Verdict"), lambda e: e.publication.verdict if e.is_published else None),
        # The initiative as the reader may see it (the selector leaves a hidden one out).
        Column("initiative_en", gettext_lazy("Initiative (English)"), lambda e: e.initiative.title_en if e.initiative else None),
        Column("initiative_fr", gettext_lazy("Initiative (French)"), lambda e: e.initiative.title_fr if e.initiative else None),
        Column("url", gettext_lazy("Address"), lambda e: e.get_absolute_url()),
    ]

    def get_filter_form(self):
        if not hasattr(self, "_filter_form"):
            self._filter_form = forms.ExperimentFilterForm(self.request.GET or None)
        return self._filter_form

    def get_queryset(self):
        form = self.get_filter_form()
        filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_bound and form.is_valid() else {}
        return selectors.experiment_list(user=self.request.user, **filters)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.get_filter_form()
        return context


index = ExperimentListView.as_view()
