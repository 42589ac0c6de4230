"""System check: the identity vault's key must be usable before the server starts."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from fener.cases import vault


@checks.register(checks.Tags.security)
def data_key_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from django.conf import settings

    try:
        vault.configured_secrets()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="cases.E001")]
    if not settings.FENER_DATA_KEY:
        return [
            checks.Warning(
                "FENER_DATA_KEY is empty: identity data are encrypted with a public development "
                "key (DEBUG only). Never keep real data this way.",
                id="cases.W001",
            )
        ]
    return []
