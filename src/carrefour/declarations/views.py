"""Declaration pages: thin views over selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from carrefour.core.exceptions import ApplicationError
from carrefour.core.exports import Column, bilingual, export_response
from carrefour.core.forms import add_application_error
from carrefour.core.i18n import active_language
from carrefour.core.visibility import can_edit, get_visible_or_404, require_edit
from carrefour.declarations import forms, selectors, services
from carrefour.declarations.models import Declaration


def _declaration_or_404(request, slug):
    """The declaration, if this person may see it (404 otherwise, as for one that does not exist)."""
    return get_visible_or_404(selectors.declarations_all(), request.user, slug=slug)


def _editor_or_403(request, declaration) -> None:
    """Its secretariat and its editors change the draft; anyone else who sees it is refused (403)."""
    if not services.declaration_can_manage(user=request.user, declaration=declaration):
        require_edit(request.user, declaration)


def _crumbs(declaration=None):
    crumbs = [(_("Declarations"), reverse("declarations:index"))]
    if declaration is not None:
        crumbs.append((declaration.title.plain, declaration.get_absolute_url()))
    return crumbs


EXPORT_COLUMNS = [
    Column("slug", gettext_lazy("Short name")),
    *bilingual("title", gettext_lazy("Title")),
    Column("status", gettext_lazy("Status")),
    Column("adopted_on", pgettext_lazy("date of adoption", "Adopted")),
    Column("commitments", gettext_lazy("Commitments"), lambda d: d.commitment_count),
    Column("endorsements", gettext_lazy("Endorsements"), lambda d: d.endorsement_count),
    Column("url", gettext_lazy("Address"), lambda d: d.get_absolute_url()),
]


def index(request):
    declarations = selectors.declaration_list(user=request.user)
    fmt = request.GET.get("format")
    if fmt in ("csv", "json"):
        return export_response(declarations, EXPORT_COLUMNS, fmt, "declarations")
    return render(request, "declarations/index.html", {
        "declarations": declarations, "export_csv_url": "?format=csv", "export_json_url": "?format=json",
        "can_create": services.declaration_can_create(user=request.user),
    })


@login_required
def create(request):
    """Start a declaration in drafting, for a team where the person is secretariat or administrator."""
    teams = selectors.declaration_team_choices(user=request.user)
    if not teams.exists():
        raise PermissionDenied
    form = forms.DeclarationCreateForm(request.POST or None, teams=teams,
                                       initial={"team": teams.first() if teams.count() == 1 else None})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "team"}
        try:
            declaration = services.declaration_create(actor=request.user, team=form.cleaned_data["team"], data=data)
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The declaration was created, in drafting. Add its commitments below."))
            return redirect(declaration.get_absolute_url() + "#commitments-h")
    return render(request, "declarations/new.html", {"form": form, "breadcrumbs": _crumbs()})


def detail(request, slug):
    declaration = _declaration_or_404(request, slug)
    manager = services.declaration_can_manage(user=request.user, declaration=declaration)
    endorse_choices = selectors.signatory_jurisdictions(user=request.user, declaration=declaration)
    context = {
        "declaration": declaration,
        "commitments": selectors.commitments_of(declaration=declaration),
        "versions": selectors.versions_of(declaration=declaration),
        "board": selectors.endorsement_board(declaration=declaration),
        "consultations": _consultations(request.user, declaration),
        "manager": manager,
        "editor": manager or can_edit(request.user, declaration),
        "editable": declaration.status not in (Declaration.Status.ADOPTED, Declaration.Status.RETIRED),
        "breadcrumbs": _crumbs(),
    }
    if manager:
        context["publish_form"] = forms.PublishVersionForm()
        context["status_form"] = forms.StatusForm(choices=_status_choices(declaration))
        if declaration.status == Declaration.Status.ENDORSEMENT:
            context["invite_form"] = forms.InviteForm(queryset=_invitable(declaration))
            context["paper_form"] = forms.PaperEndorsementForm(
                queryset=selectors.jurisdictions_not_endorsed(declaration=declaration), prefix="paper")
            context["assign_form"] = forms.SignatoryAssignForm(queryset=selectors.jurisdictions_all(), prefix="assign")
    if endorse_choices.exists():
        context["endorse_form"] = forms.EndorseForm(
            queryset=endorse_choices,
            initial={"signatory_name": str(request.user), "signatory_title_en": request.user.job_title,
                     "signatory_title_fr": request.user.job_title, "endorsed_on": timezone.localdate()},
        )
    context["withdrawable"] = {
        row["endorsement"].pk
        for row in context["board"]["rows"]
        if row["endorsement"] is not None
        and (manager or services.is_signatory(user=request.user, jurisdiction=row["jurisdiction"]))
    } if request.user.is_authenticated else set()
    return render(request, "declarations/detail.html", context)


def _consultations(user, declaration):
    # Consultations build on declarations (not the reverse), so read them only when the page asks.
    from carrefour.consultations.selectors import consultations_about

    return list(consultations_about(subject=declaration, user=user))


def _status_choices(declaration):
    labels = dict(Declaration.Status.choices)
    return [(s, labels[s]) for s in services.TRANSITIONS.get(declaration.status, ())]


def _invitable(declaration):
    return selectors.invitable_jurisdictions(declaration=declaration)


@login_required
def edit(request, slug):
    declaration = _declaration_or_404(request, slug)
    _editor_or_403(request, declaration)
    form = forms.DeclarationForm(request.POST or None, instance=declaration,
                                 initial={"expected_version": declaration.version})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "expected_version"}
        fresh = selectors.declaration_stored(pk=declaration.pk)
        try:
            services.declaration_update(declaration=fresh, actor=request.user, data=data,
                                        expected_version=form.cleaned_data["expected_version"])
        except ApplicationError as exc:
            add_application_error(form, exc)
        else:
            messages.success(request, _("The draft was saved."))
            return redirect(declaration.get_absolute_url())
    return render(request, "declarations/form.html", {
        "form": form, "declaration": declaration, "heading": _("Edit the draft"), "breadcrumbs": _crumbs(declaration),
    })


@login_required
def commitment_edit(request, slug, number=None):
    declaration = _declaration_or_404(request, slug)
    commitment = _commitment_or_404(declaration, number) if number is not None else None
    _editor_or_403(request, declaration)
    initial = {}
    if commitment is None:
        initial["number"] = selectors.commitment_next_number(declaration=declaration)
    form = forms.CommitmentForm(request.POST or None, instance=commitment, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            # The model form wrote the new values onto `commitment`; the service compares with the stored ones.
            stored = _commitment_or_404(declaration, number) if commitment is not None else None
            services.commitment_save(declaration=declaration, actor=request.user, commitment=stored,
                                     **{k: form.cleaned_data[k] for k in ("number", "title_en", "title_fr", "text_en", "text_fr")})
        except ApplicationError as exc:
            if commitment is not None:
                commitment.refresh_from_db()
            add_application_error(form, exc)
        else:
            messages.success(request, _("The commitment was saved."))
            return redirect(declaration.get_absolute_url() + "#commitments-h")
    heading = _("Add a commitment") if commitment is None else _("Edit commitment %(n)s") % {"n": commitment.number}
    return render(request, "declarations/form.html", {
        "form": form, "declaration": declaration, "heading": heading, "breadcrumbs": _crumbs(declaration),
    })


def _post_action(request, declaration, form, action, success):
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(declaration.get_absolute_url())


@login_required
@require_POST
def publish(request, slug):
    declaration = _declaration_or_404(request, slug)
    return _post_action(
        request, declaration, forms.PublishVersionForm(request.POST),
        lambda d: services.declaration_publish_version(declaration=declaration, actor=request.user, **d),
        _("A new version was published."),
    )


@login_required
@require_POST
def set_status(request, slug):
    declaration = _declaration_or_404(request, slug)
    return _post_action(
        request, declaration, forms.StatusForm(request.POST, choices=Declaration.Status.choices),
        lambda d: services.declaration_set_status(declaration=declaration, actor=request.user, status=d["status"]),
        _("The status was changed."),
    )


@login_required
@require_POST
def invite(request, slug):
    declaration = _declaration_or_404(request, slug)
    return _post_action(
        request, declaration, forms.InviteForm(request.POST, queryset=_invitable(declaration)),
        lambda d: services.endorsement_invite(declaration=declaration, actor=request.user, jurisdictions=d["jurisdictions"]),
        _("The jurisdictions were invited to endorse."),
    )


@login_required
@require_POST
def remind(request, slug):
    declaration = _declaration_or_404(request, slug)
    try:
        reminded = services.endorsement_remind(declaration=declaration, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        names = ", ".join(str(i.jurisdiction.name) for i in reminded)
        messages.success(request, ngettext(
            "A reminder was sent to the signatories of %(names)s.",
            "Reminders were sent to the signatories of %(count)d jurisdictions: %(names)s.", len(reminded),
        ) % {"count": len(reminded), "names": names})
    return redirect(declaration.get_absolute_url() + "#endorsements-h")


@login_required
@require_POST
def endorse(request, slug):
    declaration = _declaration_or_404(request, slug)
    return _post_action(
        request, declaration, forms.EndorseForm(request.POST, queryset=selectors.jurisdictions_all()),
        lambda d: services.endorsement_create(declaration=declaration, actor=request.user, **d),
        _("Thank you: the endorsement was recorded."),
    )


@login_required
@require_POST
def record_paper(request, slug):
    """The secretariat records a signature made on paper."""
    declaration = _declaration_or_404(request, slug)
    form = forms.PaperEndorsementForm(request.POST, prefix="paper",
                                      queryset=selectors.jurisdictions_not_endorsed(declaration=declaration))
    return _post_action(
        request, declaration, form,
        lambda d: services.endorsement_record(declaration=declaration, actor=request.user, **d),
        _("The signature made on paper was recorded."),
    )


@login_required
@require_POST
def assign_signatory(request, slug):
    """The secretariat names a person who may endorse on a jurisdiction's behalf."""
    declaration = _declaration_or_404(request, slug)
    form = forms.SignatoryAssignForm(request.POST, prefix="assign", queryset=selectors.jurisdictions_all())
    return _post_action(
        request, declaration, form,
        lambda d: services.endorsement_signatory_assign(declaration=declaration, actor=request.user, **d),
        _("The signatory was named: they can now endorse online on the jurisdiction's behalf."),
    )


@login_required
@require_POST
def withdraw(request, slug, pk):
    declaration = _declaration_or_404(request, slug)
    endorsement = selectors.endorsement_get(declaration=declaration, pk=pk)
    if endorsement is None:
        raise Http404
    return _post_action(
        request, declaration, forms.WithdrawForm(request.POST),
        lambda d: services.endorsement_withdraw(endorsement=endorsement, actor=request.user, reason=d["reason"]),
        _("The withdrawal was recorded."),
    )


def version_detail(request, slug, number):
    declaration = _declaration_or_404(request, slug)
    version = selectors.version_get(declaration=declaration, number=number)
    if version is None:
        raise Http404(_("No such version."))
    return render(request, "declarations/version.html", {
        "declaration": declaration, "version": version,
        "sections": selectors.version_sections(version, active_language()),
        "breadcrumbs": _crumbs(declaration),
    })


def compare(request, slug):
    declaration = _declaration_or_404(request, slug)
    versions = {v.number: v for v in selectors.versions_of(declaration=declaration)}
    numbers = sorted(versions)
    context = {"declaration": declaration, "breadcrumbs": _crumbs(declaration), "numbers": numbers}
    if len(numbers) < 2:
        return render(request, "declarations/compare.html", context)
    data = request.GET if "a" in request.GET or "b" in request.GET else {"a": numbers[-2], "b": numbers[-1]}
    form = forms.CompareForm(data, numbers=numbers)
    context["form"] = form
    if not form.is_valid():
        # The fields' own errors live in web components that show nothing without JavaScript:
        # say above the form which versions exist, and answer 404 (that pair of versions does not).
        form.add_error(None, _("There is no such version to compare. Choose two of this declaration's versions: %(numbers)s.")
                       % {"numbers": ", ".join(str(n) for n in numbers)})
        return render(request, "declarations/compare.html", context, status=404)
    old, new = versions[form.cleaned_data["a"]], versions[form.cleaned_data["b"]]
    context.update(old=old, new=new, rows=selectors.version_compare(old=old, new=new, lang=active_language()))
    return render(request, "declarations/compare.html", context)


def _commitment_or_404(declaration, number):
    commitment = selectors.commitment_get(declaration=declaration, number=number)
    if commitment is None:
        raise Http404(_("No such commitment."))
    return commitment


def commitment_detail(request, slug, number):
    declaration = _declaration_or_404(request, slug)
    commitment = _commitment_or_404(declaration, number)
    recent = request.GET.get("period") == "12m"
    groups = selectors.linked_work(commitment=commitment, user=request.user,
                                   since=selectors.work_since(months=12) if recent else None)
    context = {
        "declaration": declaration,
        "commitment": commitment,
        "groups": groups,
        "recent": recent,
        "total": sum(len(g["items"]) for g in groups),
        "breadcrumbs": _crumbs(declaration),
    }
    return render(request, "declarations/commitment.html", context)
