"""Retraining the ad risk model from reviewers' decisions, and promoting a version.

Training data are the authored development set (its training part) plus the latest labelled
decision on each ad, so that a young installation with ten decisions still learns from a few
hundred examples, and an older one learns more and more from its own reviewers.

Every fifth labelled decision of each label (in the order of the ads) is held out, never
trained on, and both the candidate and the current model are scored on it; the candidate becomes
current only if :func:`~fener.analytics.ads.model.promotion_decision` finds it not worse.
Until there are at least :data:`MIN_HELD_OUT_PER_LABEL` held-out decisions of each label, the
held-out part of the development set is used instead (the evaluation says which).

Every version is kept. Which version scored each ad is on the ad (``model_version``).
"""

from __future__ import annotations

import hashlib
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fener.adwatch.models import Decision, ModelVersion
from fener.adwatch.services.ingestion import text_key
from fener.analytics.ads.devset import load_devset, split_devset
from fener.analytics.ads.model import PromotionDecision, RiskModel, promotion_decision
from fener.analytics.ads.screening import default_model
from fener.analytics.ads.training import features_of
from fener.core.access import require
from fener.core.audit import audit_record, audit_snapshot
from fener.core.models import User

HELD_OUT_EVERY = 5
MIN_HELD_OUT_PER_LABEL = 2
SHIPPED_MODEL = "shipped"


@dataclass(frozen=True)
class TrainingData:
    """Labelled ads to learn from and to evaluate on, and where they came from."""

    train: list[dict[str, Any]]
    held_out: list[dict[str, Any]]
    held_out_source: str  # "decisions" or "development set"
    decisions_trained: int
    devset_trained: int


def labelled_decisions() -> list[dict[str, Any]]:
    """The latest decision with a training label on each ad, in the order of the ads.

    A later "keep watching" (no label) does not erase an earlier label.
    """
    latest: dict[int, dict[str, Any]] = {}
    rows = (
        Decision.objects.exclude(training_label="")
        .order_by("ad_id", "-created_at", "-pk")
        .values_list("ad_id", "training_label", "ad__text", "ad__language")
    )
    for ad_id, label, text, language in rows:
        if ad_id not in latest:
            latest[ad_id] = {"ad": ad_id, "text": text, "lang": language or None, "label": label}
    return [latest[ad_id] for ad_id in sorted(latest)]


def held_out_decision(ad_id: int) -> bool:
    """Whether decisions on this ad are kept for judging models (about one in five).

    Decided by a hash of the ad's id alone, so an ad never moves between training and judging
    as decisions are added: a model is never judged on an ad it (or the current one) learnt.
    """
    digest = hashlib.sha256(f"fener-held-out:{ad_id}".encode()).digest()
    return digest[0] % HELD_OUT_EVERY == 0


def split_decisions(
    examples: list[dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Training and held-out decisions, by :func:`held_out_decision` of each ad."""
    train: list[dict[str, Any]] = []
    held_out: list[dict[str, Any]] = []
    for example in examples:
        (held_out if held_out_decision(example["ad"]) else train).append(example)
    return train, held_out


def training_data() -> TrainingData:
    """The development set's training part and the decisions' training part; the held-out
    decisions, or the development set's held-out part while there are too few decisions."""
    decision_train, decision_held_out = split_decisions(labelled_decisions())
    devset_train, devset_held_out = split_devset(load_devset())
    per_label: dict[str, int] = defaultdict(int)
    for example in decision_held_out:
        per_label[example["label"]] += 1
    # Held-out decisions are never learnt, whichever set judges this time (nor their texts
    # through the development set), so that they can judge this model and later ones fairly.
    never_learnt = {text_key(example["text"]) for example in decision_held_out}
    if min(per_label["suspicious"], per_label["legitimate"]) >= MIN_HELD_OUT_PER_LABEL:
        held_out, source = decision_held_out, "decisions"
    else:
        # Too few to judge on: judged on the development set's held-out part; the held-out
        # decisions are still never learnt, so that they can judge later models fairly.
        held_out, source = devset_held_out, "development set"
    held_texts = never_learnt | {text_key(example["text"]) for example in held_out}
    decision_train = [
        example for example in decision_train if text_key(example["text"]) not in held_texts
    ]
    # An ad of the development set that reviewers decided on must not be learnt and tested.
    base = [ad for ad in devset_train if text_key(ad["text"]) not in held_texts]
    return TrainingData(
        train=base + decision_train,
        held_out=held_out,
        held_out_source=source,
        decisions_trained=len(decision_train),
        devset_trained=len(base),
    )


def current_model() -> tuple[RiskModel, ModelVersion | None]:
    """The model that scores ads now: the current version, or the one shipped with Fener."""
    version = ModelVersion.objects.filter(current=True).first()
    if version is None:
        return default_model(), None
    return RiskModel.from_bytes(bytes(version.payload)), version


def _finite(metrics: dict[str, float] | None) -> dict[str, float | None] | None:
    if metrics is None:
        return None
    return {
        name: (round(value, 4) if math.isfinite(value) else None) for name, value in metrics.items()
    }


def _judge(candidate: RiskModel, data: TrainingData) -> tuple[PromotionDecision, str]:
    """Score the candidate and the current model (the shipped one while no version is
    current, so there is always a model to beat) on the same held-out labels."""
    current, version = current_model()
    texts, indicators, labels = features_of(data.held_out)
    decision = promotion_decision(candidate, current, texts, indicators, labels)
    return decision, version.version if version is not None else SHIPPED_MODEL


def _evaluation(data: TrainingData, decision: PromotionDecision, compared: str) -> dict[str, Any]:
    labels = [example["label"] for example in data.held_out]
    return {
        "held_out": {
            "source": data.held_out_source,
            "size": len(labels),
            "suspicious": labels.count("suspicious"),
            "legitimate": labels.count("legitimate"),
        },
        "training": {
            "decisions": data.decisions_trained,
            "development_set": data.devset_trained,
        },
        "candidate": _finite(decision.candidate),
        "current": _finite(decision.current),
        "compared_with": compared,
        "promote": decision.promote,
        "reason": decision.reason,
    }


def _make_current(*, actor: User | None, version: ModelVersion, reason: str) -> None:
    """Make ``version`` the current model (the caller holds a transaction)."""
    previous = ModelVersion.objects.select_for_update().filter(current=True).first()
    if previous is not None:
        previous.current = False
        previous.save(update_fields=["current"])
    before = audit_snapshot(version)
    version.current = True
    version.promoted = True
    version.decision_reason = reason[:300]
    version.save(update_fields=["current", "promoted", "decision_reason"])
    audit_record(
        actor=actor,
        action="adwatch.model_promote",
        target=version,
        before={**before, "previous": previous.version if previous else SHIPPED_MODEL},
        after=audit_snapshot(version),
    )


def model_retrain(*, actor: User) -> ModelVersion:
    """Train a candidate, evaluate it against the current model and keep it as a version.

    It becomes current at once if it is not worse on the held-out labels; otherwise it is
    kept, with the reason, and the current model stays.
    """
    require(actor, "add", ModelVersion)
    data = training_data()
    candidate = RiskModel().fit(*features_of(data.train))
    decision, compared = _judge(candidate, data)
    evaluation = _evaluation(data, decision, compared)
    with transaction.atomic():
        now_current = ModelVersion.objects.select_for_update().filter(current=True).first()
        current_label = now_current.version if now_current else SHIPPED_MODEL
        promote = decision.promote
        reason = decision.reason
        if promote and current_label != compared:
            promote = False
            reason = "the current model changed during training: promote this version explicitly"
        version = ModelVersion.objects.create(
            version=f"r{candidate.version_}",
            payload=candidate.to_bytes(metrics=decision.candidate),
            trained_at=timezone.now(),
            training_size=len(data.train),
            evaluation={**evaluation, "promote": promote, "reason": reason},
            decision_reason=reason[:300],
        )
        audit_record(
            actor=actor,
            action="adwatch.model_train",
            target=version,
            after={
                "version": version.version,
                "training_size": version.training_size,
                "held_out": evaluation["held_out"],
                "promote": promote,
                "reason": reason,
            },
        )
        if promote:
            _make_current(actor=actor, version=version, reason=reason)
    return version


def model_promote(*, actor: User, version: ModelVersion) -> ModelVersion:
    """Make ``version`` current, if it is not worse than the current model on the held-out
    labels of today (judged again now: the current model may have changed since it was
    trained). A worse version is refused with the reason."""
    require(actor, "promote", version)
    if version.current:
        raise ValidationError(_("This version is already the current model."))
    try:
        candidate = RiskModel.from_bytes(bytes(version.payload))
    except ValueError:
        raise ValidationError(_("This version cannot be read; it cannot be promoted.")) from None
    data = training_data()
    decision, compared = _judge(candidate, data)
    if not decision.promote:
        raise ValidationError(
            _(
                "Not promoted: on the held-out %(source)s this version is worse than the "
                "current model (%(reason)s)."
            )
            % {"source": data.held_out_source, "reason": decision.reason}
        )
    with transaction.atomic():
        now_current = ModelVersion.objects.select_for_update().filter(current=True).first()
        if (now_current.version if now_current else SHIPPED_MODEL) != compared:
            raise ValidationError(_("The current model changed meanwhile; try again."))
        version.refresh_from_db()
        _make_current(actor=actor, version=version, reason=f"promoted by hand: {decision.reason}")
    return version
