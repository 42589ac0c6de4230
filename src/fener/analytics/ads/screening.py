"""Screening: one call from an ad's text to the output of ``fener ads screen``."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from fener.analytics.ads.analysis import Analysis, analyse
from fener.analytics.ads.indicators import IndicatorSettings
from fener.analytics.ads.model import RiskModel

BATCH_SIZE = 256


@dataclass(frozen=True)
class Ad:
    """An ad as it arrives: ``id`` and ``text``, and what the source knows about it."""

    id: str
    text: str
    lang: str | None = None
    channel: str | None = None
    posted_at: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Screening:
    """The result for one ad (the command-line contract, plus the model's explanation)."""

    id: str
    analysis: Analysis
    risk: float
    label: str
    indicator_weights: dict[str, float] = field(default_factory=dict)
    top_ngrams: list[tuple[str, float]] = field(default_factory=list)
    model_version: str = ""

    def as_dict(self) -> dict[str, Any]:
        indicators = []
        for indicator in self.analysis.indicators:
            entry = indicator.as_dict()
            entry["weight"] = round(self.indicator_weights.get(indicator.code, indicator.weight), 4)
            indicators.append(entry)
        return {
            "id": self.id,
            "lang": self.analysis.language.language,
            "script": self.analysis.language.script,
            "risk": round(self.risk, 4),
            "label": self.label,
            "indicators": indicators,
            "entities": self.analysis.entities.as_dict(),
            "explanation": {
                "model_version": self.model_version,
                "ngrams": [{"text": text, "weight": round(w, 4)} for text, w in self.top_ngrams],
            },
        }


@lru_cache(maxsize=1)
def default_model() -> RiskModel:
    """The model shipped with Fener, trained on the authored development set."""
    resource = resources.files("fener.analytics.ads").joinpath("data", "risk_model.npz")
    with resources.as_file(resource) as path:
        return RiskModel.load(path)


_PREPARED = False


def prepare_batch_process(screener: Screener) -> None:
    """Make a process that screens many ads ready for the long run (once per process).

    Loads the language detector and the model by screening one ad, then moves every object
    loaded so far into the garbage collector's permanent generation (``gc.freeze``): the
    detector, lexicons and model are never garbage, and without this every full collection
    walks them again (measured at about 4 % of screening time); young collections are made
    less frequent. Called by the command-line and Spark engines, never by the web application.
    """
    global _PREPARED
    if _PREPARED:
        return
    screener.screen(Ad("warm-up", "Barame rabotnici za Germanija, plata 1500 evra mesecno"))
    gc.collect()
    gc.freeze()
    # Screening allocates many short-lived containers that reference counting frees at once;
    # young-generation passes every 700 allocations then find almost nothing. Every 20,000 is
    # enough for a batch process (measured: a third of the collector's remaining cost).
    gc.set_threshold(20_000, 20, 100)
    _PREPARED = True


class Screener:
    """Screens ads with one model and one set of reference tables.

    >>> screener = Screener()
    >>> text = "Девојки 18-25 за хостеси во Германија, 5000 евра месечно, без договор, јавете се на вибер"
    >>> result = screener.screen(Ad("1", text))
    >>> result.label, [i.code for i in result.analysis.indicators][:3]
    ('suspicious', ['HIGH_PAY', 'VAGUE_EMPLOYER', 'APPEARANCE_AGE_GENDER'])
    """

    def __init__(
        self,
        model: RiskModel | None = None,
        settings: IndicatorSettings | None = None,
        explain: int = 5,
    ) -> None:
        self.model = model or default_model()
        self.settings = settings or IndicatorSettings()
        self.explain = explain

    def screen(self, ad: Ad) -> Screening:
        return next(iter(self.screen_many([ad])))

    def screen_many(self, ads: Iterable[Ad]) -> Iterator[Screening]:
        """Screen in batches (the model scores a batch at once)."""
        batch: list[Ad] = []
        for ad in ads:
            batch.append(ad)
            if len(batch) >= BATCH_SIZE:
                yield from self._screen_batch(batch)
                batch = []
        if batch:
            yield from self._screen_batch(batch)

    def _screen_batch(self, ads: Sequence[Ad]) -> list[Screening]:
        analyses = [analyse(ad.text, ad.lang, self.settings) for ad in ads]
        codes = [[indicator.code for indicator in analysis.indicators] for analysis in analyses]
        texts = [analysis.folded.text for analysis in analyses]
        probabilities, explanations = self.model.score_many(texts, codes, self.explain)
        weights = self.model.indicator_weights()
        results = []
        for ad, analysis, probability, top_ngrams in zip(
            ads, analyses, probabilities, explanations, strict=True
        ):
            results.append(
                Screening(
                    id=ad.id,
                    analysis=analysis,
                    risk=float(probability),
                    label=self.model.label_for(float(probability)),
                    indicator_weights={i.code: weights[i.code] for i in analysis.indicators},
                    top_ngrams=top_ngrams,
                    model_version=self.model.version_,
                )
            )
        return results
