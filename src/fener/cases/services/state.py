"""Which cases may still be written to."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fener.cases.models import Case
from fener.cases.services.errors import WrongState


def require_writable(case: Case, *, closed_too: bool = False) -> None:
    """Refuse writes to an anonymised case (nothing may be added after its identity was
    erased: retention would never see it) and, unless ``closed_too``, to a closed case."""
    if case.anonymised_at is not None:
        raise WrongState(_("This case has been anonymised and can no longer be changed."))
    if not closed_too and not case.is_open:
        raise WrongState(_("A closed case cannot be changed; reopen it first."))
