"""Whether the retrieved paragraphs answer a question: a calibrated decision from the evidence.

The decision does not read the question's form. It weighs features of what retrieval found
that mean the same in every language: how much of the question's informative vocabulary the
best paragraph holds (``support``, in that paragraph's language), how similar the best
paragraphs' embeddings are to the question's and how far they stand out from the rest, whether
the dense and lexical rankings agree, whether the numbers and names the question gives are in
the paragraphs, and whether the question is in a language no paragraph is in (where lexical
overlap means little and the embedding is the only bridge).

A logistic regression over these features, fitted with cross-validation on labelled questions
by ``bench/calibrate_abstention.py``, gives the probability that the question is answerable;
its coefficients and two operating points are kept per embedding model in
``rag/data/abstention.json``, twice: for a question whose best paragraph lexical search can read
it in (its own language, or one a glossary bridges), and for one whose best paragraph is in
another language (the same evidence weighs differently there: lexical overlap is small even when
the paragraph answers, and the embedding carries the match).
Below the lower point the assistant abstains; between the two it
shows the quotes in a visible "weak support" state; above the upper it answers. An embedding
model without a calibration (a user's own) is judged on the features that do not depend on it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rag.indexing.lexical import bridged
from rag.ingest.textfix import fold
from rag.search.retrieve import Hit

FEATURES = (
    "support",
    "covered",
    "unknown",
    "similarity",
    "similarity_margin",
    "agreement",
    "numbers_found",
    "names_found",
    "other_language",
)
# The features that do not depend on the embedding model.
LEXICAL_FEATURES = ("support", "covered", "unknown", "numbers_found", "names_found", "other_language")
LEXICAL_MODEL = "lexical"

_NUMBER = re.compile(r"(?<![\w/])\d+(?:[.,]\d+)*(?:/\d+)*(?![\w/])")
_NAME = re.compile(r"(?<!^)(?<![.?!¿¡]\s)\b[^\W\d_][\w-]{3,}", re.UNICODE)


@dataclass(frozen=True)
class Calibration:
    """A fitted decision: logistic coefficients over (standardised) features and its operating points."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coefficients: tuple[float, ...]
    intercept: float
    abstain_below: float  # probability under which the assistant abstains
    confident_above: float  # probability from which the answer is not marked "weak support"

    def probability(self, values: dict[str, float]) -> float:
        """The probability that the question is answerable from these paragraphs."""
        z = self.intercept + sum(
            c * (values[name] - m) / s
            for name, m, s, c in zip(self.features, self.mean, self.scale, self.coefficients, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-z))


@cache
def _calibrations() -> dict[str, dict]:
    return json.loads(resources.files("rag").joinpath("data/abstention.json").read_text(encoding="utf-8"))


# The two evidence regimes a calibration is fitted for: the best paragraph in the question's language, or not.
SAME_LANGUAGE, OTHER_LANGUAGE = "same_language", "other_language"


@dataclass(frozen=True)
class Calibrations:
    """The decisions fitted for one embedding model, by regime (``SAME_LANGUAGE``, ``OTHER_LANGUAGE``)."""

    same_language: Calibration
    other_language: Calibration

    def for_features(self, features: dict[str, float]) -> Calibration:
        """The decision for the regime these features are in."""
        return getattr(self, regime(features))


def _calibration(fitted: dict) -> Calibration:
    return Calibration(**{key: tuple(v) if isinstance(v, list) else v for key, v in fitted.items()})


def calibration_for(embedding_model: str) -> Calibrations:
    """The calibrations fitted for an embedding model; for another model, those over the features
    that do not depend on embeddings."""
    data = _calibrations()
    fitted = data.get(embedding_model) or data[LEXICAL_MODEL]
    if SAME_LANGUAGE not in fitted:  # fitted before the two regimes (all-MiniLM-L6-v2): one decision for both
        return Calibrations(_calibration(fitted), _calibration(fitted))
    return Calibrations(_calibration(fitted[SAME_LANGUAGE]), _calibration(fitted[OTHER_LANGUAGE]))


def regime(features: dict[str, float]) -> str:
    """``OTHER_LANGUAGE`` when the best paragraph is in a language the question cannot be read in
    lexically (``lexical.bridged``), else ``SAME_LANGUAGE``."""
    return OTHER_LANGUAGE if features["best_other_language"] else SAME_LANGUAGE


def _found_share(asked: list[str], text: str) -> float:
    """The share of the question's specifics the paragraphs contain (1 when it gives none)."""
    if not asked:
        return 1.0
    return sum(item in text for item in asked) / len(asked)


def evidence_features(question: str, language: str, hits: list[Hit], support: float) -> dict[str, float]:
    """The features of what retrieval found for a question (see the module's docstring).

    Args:
        question: the standalone question.
        language: the question's language.
        hits: the retrieved paragraphs, best first.
        support: the share of the question's idf-weighted vocabulary the best paragraph holds.
    """
    texts = fold(" ".join(f"{hit.entry.text} {hit.entry.citation}" for hit in hits))
    numbers = _NUMBER.findall(question)
    names = [fold(word)[:5] for word in _NAME.findall(question.strip()) if word[:1].isupper()]
    features = {
        "support": support,
        "numbers_found": _found_share(numbers, texts),
        "names_found": _found_share(names, texts),
        "other_language": float(bool(hits) and all(hit.entry.language != language for hit in hits)),
        # not a feature of the regression: which of the two calibrations judges the question (the best
        # paragraph in a language lexical search cannot read the question in)
        "best_other_language": float(bool(hits) and not bridged(language, hits[0].entry.language)),
    }
    similarities = [hit.similarity for hit in hits if hit.similarity is not None]
    if similarities:  # the dense ranking ran (not at a zero weight)
        lexical_top = {i for i, hit in enumerate(hits) if hit.lexical_rank is not None and hit.lexical_rank <= 3}
        dense_top = {i for i, hit in enumerate(hits) if hit.dense_rank is not None and hit.dense_rank <= 3}
        features |= {
            "similarity": max(similarities),
            # how far the best paragraphs stand out from the last the dense ranking kept
            "similarity_margin": max(similarities) - min(similarities),
            "agreement": len(lexical_top & dense_top) / 3,
        }
    return features


@dataclass(frozen=True)
class Decision:
    """What to do with a question: ``answer``, ``weak`` (answer, marked as weakly supported) or ``abstain``."""

    verdict: str
    probability: float
    features: dict[str, float]


def decide(calibrations: Calibrations, features: dict[str, float]) -> Decision:
    """Answer, answer with weak support, or abstain, by the calibrated probability of the features'
    regime; without the embedding features (no dense ranking), by the calibration that does without them."""
    calibration = calibrations.for_features(features)
    if not set(calibration.features) <= set(features):
        calibration = calibration_for(LEXICAL_MODEL).for_features(features)
    probability = calibration.probability(features)
    if probability < calibration.abstain_below:
        verdict = "abstain"
    elif probability < calibration.confident_above:
        verdict = "weak"
    else:
        verdict = "answer"
    return Decision(verdict, probability, features)
