"""OpenAPI descriptions of Fener's own authentication classes (drf-spectacular)."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class VerifiedSessionScheme(SessionScheme):  # type: ignore[no-untyped-call]
    target_class = "fener.core.api.authentication.VerifiedSessionAuthentication"
    name = "verifiedSessionAuth"


class FenerTokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "fener.core.api.authentication.FenerTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Personal token from your profile page: `Token <value>`.",
        }
