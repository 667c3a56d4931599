"""Fit the abstention decision (rag/answering/abstention.py) on labelled questions, and measure it.

For every question of the fitting sets, the paragraphs are retrieved as the assistant retrieves
them and the evidence features computed; a logistic regression (scikit-learn) over them predicts
whether the question is answerable. Out-of-fold probabilities (5-fold cross-validation) give the
operating points and the precision/recall table; the model fitted on all of them is what
``--write`` stores in rag/data/abstention.json for the index's embedding model (and, over the
features that do not depend on embeddings, for any other model), one for questions whose best
paragraph is in their own language and one for those whose best paragraph is in another
(``rag.answering.abstention.regime``). ``--test`` sets are measured with those final models only: they
are not fitted on. Every set is retrieved from the index of the settings (``RAG_INDEX_DIR``): one
index of all the documents the sets are about.

    RAG_CORPUS_DIR=… RAG_INDEX_DIR=… .venv/bin/python bench/calibrate_abstention.py \\
        eval/questions.jsonl eval/blind/dev.jsonl eval/un_en_es.jsonl eval/blind2/dev.jsonl [--write]
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from rag.answering.abstention import FEATURES, LEXICAL_FEATURES, LEXICAL_MODEL, OTHER_LANGUAGE, SAME_LANGUAGE, regime
from rag.answering.assistant import Assistant
from rag.answering.extractive import evidence
from rag.config import Settings
from rag.evaluation.questions import load_questions
from rag.search.conversation import standalone_question

CALIBRATIONS = Path(__file__).resolve().parent.parent / "rag" / "data" / "abstention.json"
# The operating points: at most this share of answerable questions abstained on (out of fold) ...
MAX_FALSE_ABSTENTIONS = 0.05
# ... and at most this share of them marked "weak support" (a mark on most answers would tell nothing).
MAX_WEAK_ANSWERABLE = 0.15


def question_features(assistant: Assistant, files: list[Path], k: int) -> tuple:
    """Feature rows, labels (answerable) and questions of question files, retrieved as the assistant does."""
    rows, labels, questions = [], [], []
    for path in files:
        for question in load_questions(path):
            turns = question.messages
            history = [{"role": "user", "content": turn} for turn in turns[:-1]]
            language = assistant.language_of(turns[-1], history)
            query = standalone_question(turns)
            hits = assistant.index.search(query, k)
            last_turn = turns[-1] if len(turns) > 1 else None
            _, _, features = evidence(query, language, hits, assistant.vocabulary, last_turn)
            rows.append(features)
            labels.append(question.answerable)
            questions.append(question)
    return rows, np.array(labels), questions


def _matrix(rows: list[dict[str, float]], names: tuple[str, ...]) -> np.ndarray:
    return np.array([[row[name] for name in names] for row in rows])


def _model() -> object:
    return make_pipeline(StandardScaler(), LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000))


def operating_points(probabilities: np.ndarray, answerable: np.ndarray) -> tuple[float, float]:
    """The highest abstention threshold that keeps false abstentions within bounds, and the highest
    weak-support threshold that marks few answerable questions."""
    candidates = np.linspace(0.0, 1.0, 201)
    lower = max(t for t in candidates if np.mean(probabilities[answerable] < t) <= MAX_FALSE_ABSTENTIONS)
    upper = max(
        t
        for t in candidates
        if t >= lower and np.mean(probabilities[answerable] < t) <= MAX_FALSE_ABSTENTIONS + MAX_WEAK_ANSWERABLE
    )
    return float(lower), float(upper)


def table(probabilities: np.ndarray, answerable: np.ndarray) -> list[str]:
    """Markdown rows: per threshold, abstention on unanswerable, false abstentions, precision of answering."""
    lines = [
        "| threshold | abstains on unanswerable | false abstentions | precision of answering |",
        "|---|---|---|---|",
    ]
    for threshold in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        answered = probabilities >= threshold
        right = int(np.sum(~answered & ~answerable))
        wrong = int(np.sum(~answered & answerable))
        precision = np.sum(answered & answerable) / max(1, np.sum(answered))
        lines.append(
            f"| {threshold:.1f} | {right}/{int(np.sum(~answerable))} | {wrong}/{int(np.sum(answerable))} "
            f"| {precision:.3f} |"
        )
    return lines


def fitted(model: object, names: tuple[str, ...], lower: float, upper: float) -> dict:
    """The fitted pipeline as rag.answering.abstention.Calibration's fields."""
    scaler, regression = model.named_steps["standardscaler"], model.named_steps["logisticregression"]
    return {
        "features": list(names),
        "mean": [float(v) for v in scaler.mean_],
        "scale": [float(v) if v > 0 else 1.0 for v in scaler.scale_],
        "coefficients": [float(v) for v in regression.coef_[0]],
        "intercept": float(regression.intercept_[0]),
        "abstain_below": lower,
        "confident_above": upper,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("fit", type=Path, nargs="+", help="question sets to fit on")
    parser.add_argument("--test", type=Path, nargs="*", default=[], help="question sets to measure only")
    parser.add_argument("--write", action="store_true", help="store the calibration in rag/data/abstention.json")
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    settings = Settings()
    assistant = Assistant(settings)
    index = assistant.index
    rows, answerable, _ = question_features(assistant, args.fit, settings.k)
    unanswerable = int(np.sum(~answerable))
    print(f"fitted on {len(rows)} questions ({unanswerable} unanswerable), model {index.manifest.embedding_model}\n")
    calibrations = json.loads(CALIBRATIONS.read_text(encoding="utf-8"))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    tests = {path: question_features(assistant, [path], settings.k) for path in args.test}
    for key, names in ((index.manifest.embedding_model, FEATURES), (LEXICAL_MODEL, LEXICAL_FEATURES)):
        calibrations[key] = {}
        for part in (SAME_LANGUAGE, OTHER_LANGUAGE):
            # a question none of whose paragraphs the dense ranking kept has no similarity: at run time
            # the calibration without embeddings judges it, so it is not fitted on here
            chosen = np.array([regime(row) == part and set(names) <= set(row) for row in rows])
            matrix, labels = (
                _matrix([r for r, keep in zip(rows, chosen, strict=True) if keep], names),
                answerable[chosen],
            )
            out_of_fold = cross_val_predict(_model(), matrix, labels, cv=folds, method="predict_proba")[:, 1]
            lower, upper = operating_points(out_of_fold, labels)
            model = _model().fit(matrix, labels)
            calibrations[key][part] = fitted(model, names, lower, upper)
            print(f"## {key}, {part} ({len(labels)} questions, {int(np.sum(~labels))} unanswerable)")
            print(f"features {', '.join(names)}")
            print(f"operating points (out of fold): abstain below {lower:.3f}, weak support below {upper:.3f}")
            coefficients = model.named_steps["logisticregression"].coef_[0]
            print(
                "coefficients (standardised): "
                + ", ".join(f"{n} {c:+.2f}" for n, c in zip(names, coefficients, strict=True))
            )
            print("\nout of fold, on the fitting sets:")
            print("\n".join(table(out_of_fold, labels)))
            for path, (test_rows, test_answerable, _) in tests.items():
                kept = [i for i, row in enumerate(test_rows) if regime(row) == part and set(names) <= set(row)]
                if not kept:
                    continue
                probabilities = model.predict_proba(_matrix([test_rows[i] for i in kept], names))[:, 1]
                print(f"\n{path} (not fitted on):")
                print("\n".join(table(probabilities, test_answerable[kept])))
            print()
    if args.write:
        CALIBRATIONS.write_text(json.dumps(calibrations, indent=1) + "\n", encoding="utf-8")
        print(f"written to {CALIBRATIONS}")


if __name__ == "__main__":
    main()
