"""The one permission gatekeeper.

Every selector, service, view and API endpoint asks this module, never the user object or
Django's permission flags directly. A decision depends on the user's roles (their permission
codes), the user's institution and, for models whose policy knows it, team membership.

Two rules hold everywhere:

* A denied read answers exactly like a missing record: :func:`get_visible` raises
  :class:`NotFound` (an ``Http404``) whether the row does not exist or may not be seen.
* A denied write on a record the user may not even see is also :class:`NotFound`; on a
  record they may see but not change it is :class:`AccessDenied` (HTTP 403).

Each model with access rules registers a :class:`Policy` with :func:`register_policy`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)


class NotFound(Http404):
    """The record does not exist, or the user may not know that it does."""


class AccessDenied(PermissionDenied):
    """The user may see the record but not perform the action."""


class Policy:
    """Access rules for one model. Subclasses override the two methods.

    ``visible`` narrows a queryset to the rows ``user`` may act on with ``action``;
    ``allows`` decides for one object, or for the model class when there is no object yet
    (``add``).
    """

    def visible(
        self, user: Any, action: str, queryset: models.QuerySet[Any]
    ) -> models.QuerySet[Any]:
        return queryset.none()

    def allows(self, user: Any, action: str, target: Any) -> bool:
        return False


_POLICIES: dict[type[models.Model], Policy] = {}


def register_policy(model: type[models.Model]) -> Any:
    """Class decorator: register the decorated :class:`Policy` subclass for ``model``."""

    def decorator(policy_class: type[Policy]) -> type[Policy]:
        _POLICIES[model] = policy_class()
        return policy_class

    return decorator


def _policy_for(model: type[models.Model]) -> Policy:
    try:
        return _POLICIES[model]
    except KeyError:
        raise LookupError(f"No access policy is registered for {model.__name__}") from None


def is_active_user(user: Any) -> bool:
    """An authenticated, active account whose institution is active too."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and user.institution.is_active
    )


def has_permission(user: Any, code: str) -> bool:
    """Whether an active user's roles grant the permission ``code``."""
    return is_active_user(user) and code in user.permission_codes()


def allowed(user: Any, action: str, target: models.Model | type[models.Model]) -> bool:
    """Whether ``user`` may perform ``action`` on ``target`` (an object or a model class)."""
    if not is_active_user(user):
        return False
    # __class__ rather than type(): request.user is a lazy proxy around the real account.
    model = target if isinstance(target, type) else target.__class__
    return _policy_for(model).allows(user, action, target)


def require(user: Any, action: str, target: models.Model | type[models.Model]) -> None:
    """Raise unless ``user`` may perform ``action``; hide records the user may not see."""
    if allowed(user, action, target):
        return
    if isinstance(target, models.Model) and not allowed(user, "view", target):
        raise NotFound()
    raise AccessDenied(action)


def restrict[M: models.Model](
    queryset: models.QuerySet[M], user: Any, action: str = "view"
) -> models.QuerySet[M]:
    """The rows of ``queryset`` that ``user`` may act on with ``action``."""
    if not is_active_user(user):
        return queryset.none()
    return _policy_for(queryset.model).visible(user, action, queryset)


def get_visible[M: models.Model](
    queryset: models.QuerySet[M], user: Any, action: str = "view", **lookup: Any
) -> M:
    """One row the user may act on, or :class:`NotFound` (never a hint that it exists)."""
    try:
        return restrict(queryset, user, action).get(**lookup)
    except (ObjectDoesNotExist, ValueError, TypeError):
        raise NotFound() from None
