"""The risk model: calibrated, explained, learning from decisions, saved without pickle."""

import numpy as np
import pytest

from fener.analytics.ads.devset import load_devset, split_devset
from fener.analytics.ads.model import RiskModel, model_metadata, promotion_decision
from fener.analytics.ads.screening import Ad, Screener, default_model
from fener.analytics.ads.training import features_of


@pytest.fixture(scope="module")
def data():
    train, held_out = split_devset(load_devset())
    return features_of(train), features_of(held_out)


def test_shipped_model_separates_held_out_ads(data):
    _, held_out = data
    metrics = default_model().evaluate(*held_out)
    assert metrics["pr_auc"] >= 0.9
    assert metrics["f1"] >= 0.85


def test_probabilities_are_calibrated_probabilities(data):
    _, (texts, indicators, labels) = data
    probabilities = default_model().predict_proba(texts, indicators)
    assert ((probabilities >= 0) & (probabilities <= 1)).all()
    # Calibration in the large: the mean predicted risk is close to the share of suspicious ads.
    share = np.mean([label == "suspicious" for label in labels])
    assert abs(probabilities.mean() - share) < 0.15


def test_every_score_comes_with_its_explanation():
    result = Screener().screen(
        Ad(
            "1",
            "Девојки 18-25 за Германија, 5000 евра месечно, без договор, само вибер 070 123 456",
        )
    )
    payload = result.as_dict()
    assert payload["label"] == "suspicious"
    assert all(isinstance(i["weight"], float) for i in payload["indicators"])
    assert payload["explanation"]["model_version"] == default_model().version_
    assert payload["explanation"]["ngrams"]


def test_learning_from_new_decisions_moves_the_score(data):
    (texts, indicators, labels), _ = data
    model = RiskModel().fit(texts, indicators, labels)
    ad = "hotel park ohrid vrabotuva kelner, plata 30.000 den, dogovor"
    before = model.predict_proba([ad], [[]])[0]
    for _ in range(5):
        model.partial_fit([ad] * 10, [[]] * 10, ["suspicious"] * 10)
    assert model.predict_proba([ad], [[]])[0] > before
    assert model.n_samples_seen_ == len(labels) + 50


def test_bad_labels_are_refused(data):
    (texts, indicators, _), _ = data
    with pytest.raises(ValueError, match="suspicious"):
        RiskModel().fit(texts[:4], indicators[:4], ["yes", "no", "yes", "no"])
    with pytest.raises(ValueError, match="two labelled ads of each kind"):
        RiskModel().fit(texts[:3], indicators[:3], ["suspicious"] * 3)


def test_save_and_load_round_trip_without_pickle(tmp_path, data):
    (texts, indicators, labels), (held_texts, held_indicators, _) = data
    model = RiskModel().fit(texts, indicators, labels)
    path = model.save(tmp_path / "model.npz", metrics={"f1": 0.9})
    loaded = RiskModel.load(path)
    assert np.allclose(
        model.predict_proba(held_texts, held_indicators),
        loaded.predict_proba(held_texts, held_indicators),
    )
    assert model_metadata(path)["metrics"] == {"f1": 0.9}
    with np.load(path, allow_pickle=False) as arrays:
        assert all(arrays[name].dtype != object for name in arrays.files)


def test_loading_refuses_other_files(tmp_path):
    pickled = tmp_path / "evil.npz"
    np.savez(pickled, metadata=np.array([{"format": "x"}], dtype=object))
    with pytest.raises(ValueError):
        RiskModel.load(pickled)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, metadata=np.array('{"format": "something-else"}'))
    with pytest.raises(ValueError, match="not a Fener risk model"):
        RiskModel.load(foreign)


def test_a_candidate_is_promoted_only_if_not_worse(data):
    (texts, indicators, labels), held_out = data
    good = RiskModel().fit(texts, indicators, labels)
    flipped = ["legitimate" if label == "suspicious" else "suspicious" for label in labels]
    bad = RiskModel().fit(texts, indicators, flipped)
    assert promotion_decision(good, None, *held_out).promote
    refused = promotion_decision(bad, good, *held_out)
    assert not refused.promote
    assert "worse" in refused.reason
    assert promotion_decision(good, good, *held_out).promote


def test_features_equal_scikit_learns_hashing_vectorizer(data):
    """The fast featuriser must give exactly HashingVectorizer's matrix (the model's contract)."""
    from fener.analytics.ads.model import _vectorizer, ngram_features

    (texts, _, _), _ = data
    texts = [*texts, "", "!!! ..", "a b", "ž_1 x2 — word's end", "один   два\nтри"]
    features = ngram_features()
    ours = features.matrix_from_indices(features.indices([features.ngrams(t) for t in texts]))
    expected = _vectorizer().transform(texts)
    assert (abs(ours - expected) > 1e-6).nnz == 0
