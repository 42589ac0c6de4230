"""The identity vault's pages: reading with a stated purpose, editing, documents.

Nothing here shows identity data in answer to a GET. The user first states why they need the
data (a :class:`~fener.cases.vocabulary.ReadPurpose`, written to the audit log by the
selector), and only the answer to that POST carries names, numbers or documents. Every page is
sent with ``Cache-Control: no-store`` so that no browser or proxy keeps a copy.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fener.cases import selectors
from fener.cases.forms import DocumentForm, IdentityForm, ReadPurposeForm
from fener.cases.models import Case, IdentityDocument
from fener.cases.services import identity as identity_services
from fener.cases.services.errors import StaleEdit, WrongState
from fener.cases.vocabulary import ReadPurpose
from fener.core.access import allowed, require
from fener.core.forms import apply_service_errors
from fener.core.http import AuthenticatedHttpRequest

_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "application/pdf": "pdf"}


def _case_for(request: AuthenticatedHttpRequest, code: str, action: str) -> Case:
    case = selectors.case_get(request.user, code, "view")
    require(request.user, action, case)
    return case


def _purpose_page(
    request: AuthenticatedHttpRequest, case: Case, form: ReadPurposeForm, status: int = 200
) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "may_edit": allowed(request.user, "change_identity", case) and case.anonymised_at is None,
    }
    return render(request, "cases/identity_purpose.html", context, status=status)


@never_cache
@login_required
def identity_view(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """GET: the purpose form. POST with a purpose: the identity data (an audited read)."""
    user = request.user
    case = _case_for(request, code, "read_identity")
    if request.method != "POST":
        return _purpose_page(request, case, ReadPurposeForm())
    form = ReadPurposeForm(request.POST)
    if not form.is_valid():
        return _purpose_page(request, case, form, status=400)
    purpose = form.cleaned_data["purpose"]
    record = selectors.identity_for(user, case, purpose=purpose)
    context = {
        "case": case,
        "record": record,
        "documents": selectors.documents_of(user, case),
        "purpose": purpose,
        "purpose_label": ReadPurpose(purpose).label,
        "may_edit": allowed(user, "change_identity", case) and case.anonymised_at is None,
    }
    return render(request, "cases/identity.html", context)


@never_cache
@login_required
def identity_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A POST with a purpose opens the form filled in (an audited read); a POST with ``save``
    writes it, refused if someone saved the record since the form was opened."""
    user = request.user
    case = _case_for(request, code, "change_identity")
    if request.method != "POST":
        return redirect("cases:identity", code=case.code)
    if "save" not in request.POST:
        purpose_form = ReadPurposeForm(request.POST)
        if not purpose_form.is_valid():
            return _purpose_page(request, case, purpose_form, status=400)
        record = selectors.identity_for(
            user,
            case,
            purpose=purpose_form.cleaned_data["purpose"],
        )
        form = IdentityForm(initial=IdentityForm.initial_from(record))
        return render(request, "cases/identity_edit.html", {"case": case, "form": form})
    form = IdentityForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            identity_services.identity_save(
                actor=user,
                case=case,
                data=form.identity_input(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleEdit as error:
            form.add_error(None, error.message)
            status = 409
        except WrongState as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The identity data were saved."))
            return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/identity_edit.html", {"case": case, "form": form}, status=status)


@never_cache
@login_required
def document_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """Upload a photo or document into the vault (PNG, JPEG or PDF, checked by content)."""
    user = request.user
    case = _case_for(request, code, "change_identity")
    if request.method != "POST":
        return render(request, "cases/document_add.html", {"case": case, "form": DocumentForm()})
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        # Read one byte past the limit at most: the service refuses what is too large, and a
        # huge upload is never held in memory whole.
        content = upload.read(settings.FENER_DOCUMENT_MAX_BYTES + 1)
        try:
            identity_services.document_add(
                actor=user,
                case=case,
                kind=form.cleaned_data["kind"],
                filename=upload.name or "",
                content=content,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except WrongState as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The document was stored, encrypted."))
            return redirect("cases:case_detail", code=case.code)
    return render(request, "cases/document_add.html", {"case": case, "form": form}, status=400)


def _download_name(case: Case, document: IdentityDocument) -> str:
    """A neutral file name: the stored one may carry the person's name into a download folder."""
    extension = _EXTENSIONS.get(document.content_type, "bin")
    return f"{case.code}-{document.kind}-{document.pk}.{extension}"


@never_cache
@login_required
@require_POST
def document_download(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    """The document's content, for a stated purpose (an audited read)."""
    user = request.user
    case = _case_for(request, code, "read_identity")
    form = ReadPurposeForm(request.POST)
    if not form.is_valid():
        return _purpose_page(request, case, form, status=400)
    document = selectors.document_for(
        user,
        case,
        pk,
        purpose=form.cleaned_data["purpose"],
    )
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_download_name(case, document)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
