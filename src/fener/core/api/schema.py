"""OpenAPI descriptions of Fener's own authentication classes (drf-spectacular)."""

from drf_spectacular.authentication import SessionScheme


class VerifiedSessionScheme(SessionScheme):  # type: ignore[no-untyped-call]
    target_class = "fener.core.api.authentication.VerifiedSessionAuthentication"
    name = "verifiedSessionAuth"
