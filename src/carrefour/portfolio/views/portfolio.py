"""The portfolio: its list with filters, charts and exports, and what's new since a date."""

from __future__ import annotations

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.generic import ListView

from carrefour.core.exports import Column, ExportMixin, bilingual, export_response
from carrefour.core.i18n import active_language
from carrefour.portfolio import charts, selectors
from carrefour.portfolio.forms import PortfolioFilterForm, SinceForm
from carrefour.portfolio.models import Status
from carrefour.portfolio.views._common import crumbs


class PortfolioView(ExportMixin, ListView):
    template_name = "portfolio/index.html"
    paginate_by = 25
    export_name = "initiatives"
    # Table and priority read as None when the reader may not see them (selectors.with_related).
    export_columns = [
        Column("id", gettext_lazy("Identifier"), "pk"),
        *bilingual("title", gettext_lazy("Title")),
        *bilingual("summary", gettext_lazy("Summary")),
        Column("lead_jurisdiction", gettext_lazy("Lead jurisdiction"), lambda i: i.jurisdiction.code),
        Column("partner_jurisdictions", gettext_lazy("Partner jurisdictions"),
               lambda i: [j.code for j in i.partner_jurisdictions.all()]),
        Column("table", gettext_lazy("Table"), lambda i: i.table.slug if i.table else None),
        Column("priority", gettext_lazy("Priority"), lambda i: i.priority.title_en if i.priority else None),
        Column("facets", gettext_lazy("Innovation facets"), lambda i: [f.code for f in i.facets.all()]),
        Column("stage", gettext_lazy("Stage")),
        Column("status", gettext_lazy("Status")),
        Column("start_date", gettext_lazy("Start date")),
        Column("end_date", gettext_lazy("End date")),
        Column("url", gettext_lazy("Address"), lambda i: i.get_absolute_url()),
    ]

    def get_filter_form(self) -> PortfolioFilterForm:
        if not hasattr(self, "_filter_form"):
            self._filter_form = PortfolioFilterForm(
                self.request.GET or None, priorities=selectors.priority_choices(user=self.request.user))
            # Each select is drawn twice (the component and its <noscript> twin): read its
            # choices once, in one plain query (not a count and a cursor per drawing).
            for field in self._filter_form.fields.values():
                if hasattr(field, "queryset"):
                    choice = field.iterator(field).choice
                    empty = [("", field.empty_label)] if field.empty_label is not None else []
                    field.choices = empty + [choice(obj) for obj in list(field.queryset)]
        return self._filter_form

    def filters(self) -> dict:
        form = self.get_filter_form()
        if form.is_bound and form.is_valid():
            return {k: v for k, v in form.cleaned_data.items() if v}
        return {}

    def base_queryset(self):
        if not hasattr(self, "_base"):
            self._base = selectors.initiative_list(user=self.request.user, **self.filters())
        return self._base

    def get_queryset(self):
        # The exports carry every column; the page only what its table shows.
        related = selectors.with_related if self.request.GET.get("format") in ("csv", "json") else selectors.with_list_related
        return related(self.base_queryset(), user=self.request.user).order_by("title_" + active_language(), "pk")

    def facets(self) -> list:
        if not hasattr(self, "_facets"):
            self._facets = list(selectors.facet_list())
        return self._facets

    def figures(self) -> dict:
        if not hasattr(self, "_figures"):
            self._figures = selectors.initiative_figures(user=self.request.user, filters=self.filters(),
                                                         facets=self.facets())
        return self._figures

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        paginator = super().get_paginator(queryset, per_page, orphans, allow_empty_first_page, **kwargs)
        # The figures counted the same rows: the paginator need not count them again.
        paginator.count = self.figures()["count"]
        return paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = self.figures()
        status_labels = [str(label) for _v, label in Status.choices]
        user = self.request.user
        context.update({
            "filter_form": self.get_filter_form(),
            "matrix": figures["matrix"],
            "matrix_chart": charts.matrix_chart(figures["matrix"]),
            "breakdown": figures["breakdown"],
            "breakdown_chart": charts.breakdown_chart(figures["breakdown"], status_labels),
            "status_labels": status_labels,
            "facets": self.facets(),
            "can_add": user.is_authenticated and (user.is_superuser or user.is_public_servant),
        })
        return context


index = PortfolioView.as_view()


def whats_new(request):
    form = SinceForm(request.GET or None)
    since = None
    if form.is_bound and form.is_valid():
        since = form.cleaned_data["since"]
    if since is None:
        since = timezone.localdate() - datetime.timedelta(days=90)
        form = SinceForm(initial={"since": since})
    items = selectors.achievements_since(user=request.user, since=since)
    if request.GET.get("format") in ("csv", "json"):
        columns = [
            Column("date", gettext_lazy("Date")),
            Column("initiative", gettext_lazy("Initiative"), lambda a: a.initiative.title.plain),
            *bilingual("text", gettext_lazy("What happened")),
            Column("by", gettext_lazy("Who")),
            Column("evidence_url", gettext_lazy("Evidence")),
        ]
        return export_response(items, columns, request.GET["format"], f"achievements-since-{since}")
    query = f"since={since.isoformat()}"
    return render(request, "portfolio/whats_new.html", {
        "form": form, "since": since, "items": items[:200], "count": items.count(),
        "export_csv_url": f"?{query}&format=csv", "export_json_url": f"?{query}&format=json",
        "breadcrumbs": crumbs(),
    })
