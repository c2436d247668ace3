"""Importing a table's initiatives from a CSV file."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import csv_cell
from carrefour.core.forms import add_application_error
from carrefour.portfolio import selectors, services
from carrefour.portfolio.forms import ImportForm
from carrefour.portfolio.permissions import can_edit_table
from carrefour.portfolio.views._common import crumbs, require, visible_table


@login_required
def initiative_import(request, slug: str):
    table = visible_table(request, slug)
    require(can_edit_table(request.user, table))
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.initiatives_import_csv(table=table, actor=request.user,
                                                      content=form.cleaned_data["file"].read())
        except services.ImportRejected as exc:
            rejected = exc.extra["rows"]
            form.add_error(None, str(exc))
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("%(count)s initiatives imported.") % {"count": len(created)})
            return HttpResponseRedirect(table.get_absolute_url())
    return render(request, "portfolio/import.html", {
        "form": form, "table": table, "rejected": rejected, "columns": services.IMPORT_COLUMNS,
        "priorities": selectors.table_priorities(table=table, user=request.user), "facets": selectors.facet_list(),
        "breadcrumbs": crumbs((table.name, table.get_absolute_url())),
    }, status=400 if rejected else 200)


@login_required
def initiative_import_template(request, slug: str):
    """A file to fill in: the column names, then one example row in the page's language.

    French Excel reads a semicolon-separated file, English Excel a comma-separated one; the byte
    order mark makes both read it as UTF-8."""
    table = visible_table(request, slug)
    require(can_edit_table(request.user, table))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.slug}-initiatives.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";" if (get_language() or "").startswith("fr") else ",")
    for row in selectors.import_template_rows(table=table, user=request.user):
        writer.writerow([csv_cell(cell) for cell in row])
    return response
