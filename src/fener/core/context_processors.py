"""Template context shared by every page: the navigation the user may see."""

from typing import Any

from django.http import HttpRequest

from fener.core.http import needs_second_factor, second_factor_verified
from fener.core.modules import modules_for


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Modules for the navigation, once the user is fully logged in (second factor passed)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_ready": False, "nav_modules": [], "nav_admin_modules": []}
    ready = second_factor_verified(user) or not needs_second_factor(user)
    modules = modules_for(user) if ready else []
    return {
        "nav_ready": ready,
        "nav_modules": [module for module in modules if not module.administration],
        "nav_admin_modules": [module for module in modules if module.administration],
    }
