"""Model management: retraining from decisions, the promotion gate, and which version scores."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from fener.adwatch.insight_tasks import model_retrain_task
from fener.adwatch.models import Ad, ModelVersion
from fener.adwatch.services.decisions import ad_decide
from fener.adwatch.services.ingestion import ads_ingest
from fener.adwatch.services.models import model_promote, model_retrain
from fener.analytics.ads.devset import load_devset, split_devset
from fener.analytics.ads.model import RiskModel
from fener.analytics.ads.screening import Ad as EngineAd
from fener.analytics.ads.screening import Screener, default_model
from fener.analytics.ads.training import features_of
from fener.core.access import AccessDenied, NotFound
from fener.core.models import AuditEvent
from tests.adwatch.conftest import CLEAN, SUSPICIOUS

pytestmark = pytest.mark.django_db

PER_LABEL = 25


def _devset_examples():
    """25 ads of each label from the development set (its held-out part, so the model
    shipped with Fener has not learnt them)."""
    _, held_out = split_devset(load_devset())
    suspicious = [ad for ad in held_out if ad["label"] == "suspicious"][:PER_LABEL]
    legitimate = [ad for ad in held_out if ad["label"] == "legitimate"][:PER_LABEL]
    assert len(suspicious) == len(legitimate) == PER_LABEL
    return suspicious + legitimate


def _decide_all(source, monitor, examples, *, invert=False):
    records = [(n, {"id": ad["id"], "text": ad["text"]}) for n, ad in enumerate(examples, 1)]
    outcome = ads_ingest(source=source, records=records, actor=monitor)
    assert not outcome.refused
    for example in examples:
        ad = Ad.objects.get(external_id=example["id"])
        suspicious = (example["label"] == "suspicious") != invert
        ad_decide(
            actor=monitor,
            ad=ad,
            action="takedown" if suspicious else "dismiss",
            reason="reviewed",
        )


def test_retraining_with_no_decisions_learns_from_the_development_set(monitor):
    version = model_retrain(actor=monitor)

    evaluation = version.evaluation
    assert evaluation["held_out"]["source"] == "development set"
    assert evaluation["training"]["decisions"] == 0
    assert version.training_size == evaluation["training"]["development_set"] > 300
    assert evaluation["compared_with"] == "shipped"
    assert set(evaluation["candidate"]) >= {"pr_auc", "f1", "precision", "recall", "brier"}
    assert (
        evaluation["candidate"]["n"] == evaluation["current"]["n"] == evaluation["held_out"]["size"]
    )
    assert evaluation["current"]["pr_auc"] > 0.9 and evaluation["candidate"]["pr_auc"] > 0.9
    # Kept either way; current only if the gate found it not worse than the shipped model.
    assert version.current is version.promoted is evaluation["promote"]
    assert version.decision_reason == evaluation["reason"]
    model = RiskModel.from_bytes(bytes(version.payload))
    screener = Screener(model)
    assert screener.screen(EngineAd("1", SUSPICIOUS)).label == "suspicious"
    assert screener.screen(EngineAd("2", CLEAN)).label == "legitimate"
    assert AuditEvent.objects.filter(action="adwatch.model_train", actor=monitor).count() == 1
    promotions = AuditEvent.objects.filter(action="adwatch.model_promote", actor=monitor)
    assert promotions.count() == int(evaluation["promote"])


def test_retraining_holds_out_a_fixed_fifth_of_the_decided_ads(source, monitor):
    from fener.adwatch.services.models import held_out_decision, training_data

    _decide_all(source, monitor, _devset_examples())
    # A later "keep watching" on a decided ad does not take its label away.
    ad = Ad.objects.order_by("pk").first()
    ad_decide(actor=monitor, ad=ad, action="watch", reason="still looking")
    decided = list(Ad.objects.filter(decisions__isnull=False).distinct())
    expected_held = {a.text for a in decided if held_out_decision(a.pk)}
    assert 0 < len(expected_held) < len(decided)

    version = model_retrain(actor=monitor)

    evaluation = version.evaluation
    held = evaluation["held_out"]
    assert held["source"] in {"decisions", "development set"}
    data = training_data()
    assert evaluation["training"]["decisions"] == data.decisions_trained
    assert data.decisions_trained <= len(decided) - len(expected_held)
    judged = {" ".join(example["text"].split()).casefold() for example in data.held_out}
    assert not judged & {" ".join(e["text"].split()).casefold() for e in data.train}
    assert version.training_size == (
        evaluation["training"]["decisions"] + evaluation["training"]["development_set"]
    )
    assert evaluation["candidate"]["n"] == evaluation["current"]["n"] == held["size"]
    assert version.decision_reason == evaluation["reason"]
    assert version.current == evaluation["promote"]
    # Held-out ads are never learnt, and stay held out when more decisions arrive.
    assert not expected_held & {example["text"] for example in data.train}
    new_ad = ads_ingest(
        source=source, records=[(1, {"text": "Another decided ad, unrelated."})], actor=monitor
    ).stored[0]
    ad_decide(actor=monitor, ad=new_ad, action="dismiss", reason="fine")
    assert not expected_held & {example["text"] for example in training_data().train}


def _inverted_model(examples):
    """A model that learnt the opposite of the development set (and of ``examples``)."""
    flip = {"suspicious": "legitimate", "legitimate": "suspicious"}
    inverted = [{**ad, "label": flip[ad["label"]]} for ad in load_devset() + examples]
    return RiskModel().fit(*features_of(inverted))


def test_a_candidate_worse_than_the_current_model_is_kept_but_not_promoted(source, monitor):
    """Reviewers here decide the opposite of the development set; the current model agrees
    with them, so a candidate that learnt mostly from the development set is worse."""
    examples = _devset_examples()
    _decide_all(source, monitor, examples, invert=True)
    current = ModelVersion.objects.create(
        version="inverted",
        payload=_inverted_model(examples).to_bytes(),
        trained_at="2026-01-01T00:00:00Z",
        current=True,
        promoted=True,
    )

    candidate = model_retrain(actor=monitor)

    assert candidate.evaluation["compared_with"] == "inverted"
    assert candidate.evaluation["promote"] is False
    assert "worse on held-out" in candidate.evaluation["reason"]
    assert not candidate.current and not candidate.promoted
    current.refresh_from_db()
    assert current.current
    assert not AuditEvent.objects.filter(action="adwatch.model_promote").exists()

    # Promoting it by hand is refused too, with the reason, and changes nothing.
    with pytest.raises(ValidationError, match="worse"):
        model_promote(actor=monitor, version=candidate)
    candidate.refresh_from_db()
    current.refresh_from_db()
    assert current.current and not candidate.current
    assert not AuditEvent.objects.filter(action="adwatch.model_promote").exists()


def _version(name, model=None):
    """A stored version (by default the shipped model: never worse than itself)."""
    return ModelVersion.objects.create(
        version=name,
        payload=(model or default_model()).to_bytes(),
        trained_at=timezone.now(),
    )


def test_promotion_by_hand_is_audited_and_new_ads_are_scored_by_the_new_version(source, monitor):
    first = _version("first")
    model_promote(actor=monitor, version=first)
    first.refresh_from_db()
    assert first.current
    second = _version("second")
    ads_ingest(source=source, records=[(1, {"text": SUSPICIOUS})], actor=monitor)
    assert Ad.objects.get(text=SUSPICIOUS).model_version == first

    model_promote(actor=monitor, version=second)

    first.refresh_from_db()
    second.refresh_from_db()
    assert second.current and second.promoted and not first.current
    assert second.decision_reason.startswith("promoted by hand")
    event = AuditEvent.objects.filter(action="adwatch.model_promote", target_id=str(second.pk))
    assert event.get().before["previous"] == first.version
    ads_ingest(source=source, records=[(1, {"text": CLEAN})], actor=monitor)
    assert Ad.objects.get(text=CLEAN).model_version == second
    # Every version is kept, and each ad remembers the version that scored it.
    assert ModelVersion.objects.count() == 2
    assert Ad.objects.get(text=SUSPICIOUS).model_version == first


def test_promoting_the_current_version_or_an_unreadable_one_is_refused(monitor):
    current = _version("current")
    model_promote(actor=monitor, version=current)
    with pytest.raises(ValidationError, match="already the current"):
        model_promote(actor=monitor, version=current)
    broken = ModelVersion.objects.create(
        version="broken", payload=b"not a model", trained_at=timezone.now()
    )
    with pytest.raises(ValidationError, match="cannot be read"):
        model_promote(actor=monitor, version=broken)
    broken.refresh_from_db()
    assert not broken.current


@pytest.mark.parametrize("role", ["police_investigator", "national_coordinator", "case_worker"])
def test_only_model_managers_retrain_or_promote(make_user, monitor, role):
    spare = _version("spare")
    events = AuditEvent.objects.count()
    user = make_user(role)

    with pytest.raises(AccessDenied):
        model_retrain(actor=user)
    with pytest.raises(NotFound):
        model_promote(actor=user, version=spare)

    spare.refresh_from_db()
    assert not spare.current and ModelVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_the_background_task_retrains_for_the_user_who_asked(monitor):
    result = model_retrain_task.call(actor_id=monitor.pk)
    version = ModelVersion.objects.get()
    assert result == {"version": version.version, "current": version.current}
    assert version.evaluation["held_out"]["source"] == "development set"
