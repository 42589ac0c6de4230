"""The taxonomy of forms of exploitation and the expert panel's review of new forms.

Case workers meet forms the taxonomy lacks (recommendation 2) and propose them, in the three
languages; cases can be tagged with a proposal while it is reviewed. The expert panel
(``cases.review_forms``) promotes a proposal to the taxonomy, with the HTCDS type it is
exported as, or rejects it with a note.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from fener.cases import selectors
from fener.cases.forms_referrals import FormProposalForm, FormReviewForm
from fener.cases.models import ExploitationForm, FormStatus
from fener.cases.services import cases as case_services
from fener.cases.services.errors import WrongState
from fener.core.access import AccessDenied, allowed, get_visible, require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest
from fener.core.models.translated import localized_name_field


@login_required
def form_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if not allowed(user, "view", ExploitationForm):
        raise AccessDenied("view")
    may_propose = allowed(user, "add", ExploitationForm)
    proposal = FormProposalForm()
    if request.method == "POST":
        require(user, "add", ExploitationForm)
        proposal = FormProposalForm(request.POST)
        if proposal.is_valid():
            try:
                created = case_services.form_propose(actor=user, **proposal.cleaned_data)
            except ValidationError as error:
                apply_service_errors(proposal, error)
            else:
                messages.success(
                    request,
                    _("“%(name)s” was proposed; the expert panel will review it.")
                    % {"name": created.name},
                )
                return redirect("cases:form_list")
    forms = list(
        selectors.exploitation_forms_for(user)
        .annotate(case_count=Count("cases"))
        .order_by("-builtin", localized_name_field(), "pk")
    )
    context = {
        "taxonomy": [form for form in forms if form.status == FormStatus.PROMOTED],
        "proposals": [form for form in forms if form.status == FormStatus.PROPOSED],
        "may_propose": may_propose,
        "may_review": allowed(user, "review", ExploitationForm),
        "proposal": proposal,
    }
    return render(request, "cases/forms/form_list.html", context)


def _htcds_choices(user: Any) -> list[tuple[str, str]]:
    """The HTCDS types of the built-in forms, as the export writes them (``Other`` last)."""
    builtin = selectors.exploitation_forms_for(user).filter(builtin=True)
    choices = {form.htcds_code: f"{form.name} ({form.htcds_code})" for form in builtin}
    other = choices.pop("Other", _("Other"))
    return [*sorted(choices.items(), key=lambda item: item[1]), ("Other", other)]


@login_required
def form_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    form = get_visible(ExploitationForm.objects.select_related("proposed_by"), user, pk=pk)
    require(user, "review", form)
    if form.status != FormStatus.PROPOSED:
        messages.info(request, _("This form has already been reviewed."))
        return redirect("cases:form_list")
    review = FormReviewForm(request.POST or None, htcds_choices=_htcds_choices(user))
    if request.method == "POST" and review.is_valid():
        promote = review.cleaned_data["decision"] == "promote"
        try:
            case_services.form_review(
                actor=user,
                form=form,
                promote=promote,
                note=review.cleaned_data["note"],
                htcds_code=review.cleaned_data["htcds_code"] or "Other",
            )
        except ValidationError as error:
            apply_service_errors(review, error)
        except WrongState as error:
            messages.error(request, error.message)
            return redirect("cases:form_list")
        else:
            messages.success(
                request,
                _("“%(name)s” was added to the taxonomy.") % {"name": form.name}
                if promote
                else _("“%(name)s” was rejected.") % {"name": form.name},
            )
            return redirect("cases:form_list")
    context = {"form_record": form, "review": review, "case_count": form.cases.count()}
    return render(request, "cases/forms/form_review.html", context)
