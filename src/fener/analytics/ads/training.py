"""Training the risk model on the development set, and evaluating it on held-out ads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fener.analytics.ads.analysis import analyse
from fener.analytics.ads.devset import load_devset, split_devset
from fener.analytics.ads.model import RiskModel


def features_of(ads: list[dict[str, Any]]) -> tuple[list[str], list[list[str]], list[str]]:
    """(folded texts, indicator codes found by the rules, labels) for annotated ads."""
    texts, indicators, labels = [], [], []
    for ad in ads:
        analysis = analyse(ad["text"], ad.get("lang"))
        texts.append(analysis.folded.text)
        indicators.append([indicator.code for indicator in analysis.indicators])
        labels.append(ad["label"])
    return texts, indicators, labels


def train_on_devset(path: Path | None = None) -> tuple[RiskModel, dict[str, float]]:
    """Fit on the training part of the development set; metrics are on the held-out part."""
    train, held_out = split_devset(load_devset())
    model = RiskModel().fit(*features_of(train))
    metrics = model.evaluate(*features_of(held_out))
    if path is not None:
        model.save(path, metrics=metrics)
    return model, metrics
