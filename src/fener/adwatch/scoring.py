"""The screener that scores ads in this installation: the current model version, or the model
shipped with Fener while no version has been trained here."""

from __future__ import annotations

from fener.adwatch.models import ModelVersion
from fener.analytics.ads.model import RiskModel
from fener.analytics.ads.screening import Screener, default_model

_CACHE: dict[int, Screener] = {}


def current_model_version() -> ModelVersion | None:
    return ModelVersion.objects.filter(current=True).first()


def current_screener() -> tuple[Screener, ModelVersion | None]:
    """The screener of the current model version (loaded once per version and process)."""
    version = current_model_version()
    if version is None:
        return Screener(default_model()), None
    screener = _CACHE.get(version.pk)
    if screener is None:
        _CACHE.clear()
        screener = Screener(RiskModel.from_bytes(bytes(version.payload)))
        _CACHE[version.pk] = screener
    return screener, version
