"""Hybrid paragraph retrieval: dense (the vectors Chroma holds) and BM25 in each paragraph's language, fused by rank."""

from __future__ import annotations

import functools
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

import numpy as np

from rag.config import Settings
from rag.indexing.index import Entry, IndexMissingError, Manifest, RagIndexError, read_manifest
from rag.indexing.lexical import LexicalIndex, read_as
from rag.indexing.query_encoder import in_background
from rag.ingest.paragraphs import SUBPARAGRAPH_MARK
from rag.ingest.textfix import valid_text
from rag.languages.language import detect_language
from rag.languages.language import preload as preload_language_model
from rag.search.references import DocumentNames, matches, parse_reference

logger = logging.getLogger(__name__)

Mode = Literal["hybrid", "dense", "bm25"]
# Titles, headings and date lines name things but rarely answer; the reference matcher finds them.
_NOT_CONTENT = {"title", "heading", "date"}
# The label of a sub-paragraph ends with its mark: "6 a)", "5 (a)", "12 (ii)".
_ITEM_MARK = re.compile(rf"{SUBPARAGRAPH_MARK}$")


@dataclass(frozen=True)
class Hit:
    """A paragraph found for a question.

    Attributes:
        entry: the indexed paragraph.
        score: fused reciprocal-rank score (higher is better); in ``dense`` mode the
            cosine similarity, in ``bm25`` mode the BM25 score.
        dense_rank: 1-based rank in the dense ranking, None when not in it.
        lexical_rank: 1-based rank in the BM25 ranking, None when not in it.
        cited: the question designates this paragraph by its number or section.
        similarity: cosine similarity of its embedding with the question's, when the dense
            ranking has it.
    """

    entry: Entry
    score: float
    dense_rank: int | None = None
    lexical_rank: int | None = None
    cited: bool = False
    similarity: float | None = None


class ParagraphIndex:
    """An opened index: manifest, Chroma collection, BM25 and the embedding model."""

    def __init__(self, settings: Settings) -> None:
        """Open the index the settings name.

        Raises:
            IndexMissingError: no index for these settings, or one written before searches read
                their vectors from it (``rag index`` writes them, without embedding anything again).
        """
        self.settings = settings
        self.manifest: Manifest = read_manifest(settings)
        home = settings.index_dir / self.manifest.name
        if not self.manifest.vectors_file or not (home / self.manifest.vectors_file).is_file():
            raise IndexMissingError(
                f"The index in {settings.index_dir} has no vector file beside it (it was built by an older "
                "version). Run `rag index`: nothing is embedded again."
            )
        # The question encoder and the language model load in background threads (most of their time is
        # spent outside the GIL: ONNX Runtime, LZMA) while the index files open here.
        self._encoder = in_background(self._load_encoder) if settings.searches_dense else None
        self._vector = functools.lru_cache(maxsize=4096)(self._embed)
        preload_language_model()
        self.vectors = np.load(home / self.manifest.vectors_file, mmap_mode="r")
        self.lexical = LexicalIndex.load(home / self.manifest.bm25_dir, len(self.manifest.entries))
        self.names = DocumentNames(self.manifest.entries)
        self.by_id = {entry.para_id: entry for entry in self.manifest.entries}
        # the languages of the paragraphs, commonest first
        counts = Counter(entry.language for entry in self.manifest.entries)
        self.languages = tuple(language for language, _ in counts.most_common())
        self._signatures: dict[str, list[Entry]] = {}
        self._items: dict[str, list[Entry]] = {}
        for entry in self.manifest.entries:
            if entry.kind == "signature":
                self._signatures.setdefault(entry.doc_id, []).append(entry)
            parent = entry.para_id.rpartition("-")[0]
            if parent in self.by_id and _ITEM_MARK.search(entry.paragraph):
                self._items.setdefault(parent, []).append(entry)

    def notes_called(self, entry: Entry) -> list[Entry]:
        """The footnotes a paragraph calls ("…dont la Déclaration de Vienne est le fruit³")."""
        return [self.by_id[para_id] for para_id in entry.notes if para_id in self.by_id]

    def items(self, entry: Entry) -> list[Entry]:
        """The lettered sub-paragraphs of a paragraph ("6 a)", "6 b)"… of paragraph 6), in order."""
        return self._items.get(entry.para_id, [])

    def similarities(self, question: str, texts: list[str]) -> list[float] | None:
        """The cosine of each text's embedding with the question's, both embedded as queries (the
        symmetric use of a model such as e5); None when the settings give the embeddings no weight."""
        if not self.settings.searches_dense:
            return None
        question_vector = self._vector(question)
        return [float(question_vector @ self._vector(text)) for text in texts]

    def _embed(self, text: str) -> np.ndarray:
        """A text embedded as a question, L2-normalised (``_vector`` keeps the last few thousand)."""
        vector = np.asarray(self.embeddings.embed_query(text), dtype=np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-12)

    def signatures(self, entry: Entry) -> list[Entry]:
        """The signature of the letter that covers a paragraph's document (none without a letter)."""
        return self._signatures.get(entry.doc_id, []) if entry.letter else []

    @property
    def embeddings(self):
        """What embeds questions (waits for the background load started when the index was opened)."""
        if self._encoder is None:  # not loaded ahead: the settings give the dense ranking no weight
            self._encoder = in_background(self._load_encoder)
        return self._encoder.result()

    def _load_encoder(self):
        """The light encoder (``rag.indexing.query_encoder``) where it can embed questions, else the full stack."""
        settings = self.settings
        model, backend, export_dir = (
            self.manifest.embedding_model,
            settings.embedding_backend,
            settings.embedding_export_dir,
        )
        if settings.query_encoder == "light":
            from rag.indexing.query_encoder import load_query_encoder

            encoder = load_query_encoder(model, backend, export_dir)
            if encoder is not None:
                return encoder
        from rag.indexing.embeddings import load_embeddings

        return load_embeddings(model, backend, export_dir)

    def allowed(self, docs: list[str] | None, sections: list[str] | None) -> list[int] | None:
        """Positions of the entries that pass the filters; None when nothing is filtered."""
        if not docs and not sections:
            return None
        return [i for i, entry in enumerate(self.manifest.entries) if _passes(entry, docs, sections)]

    def dense(self, question: str, n: int, allowed: list[int] | None) -> list[tuple[int, float]]:
        """Best entries by cosine similarity of their vectors to the question's, as (position, similarity).

        Exact: every allowed entry is compared (a matrix product over the memory-mapped vectors of the
        manifest's entries, which is what Chroma holds for them); ties keep the entries' order.
        """
        pool = np.arange(len(self.manifest.entries)) if allowed is None else np.asarray(allowed, dtype=np.int64)
        if not len(pool):
            return []
        vector = self._vector(question)
        if vector.shape != self.vectors.shape[1:]:
            raise RagIndexError(
                f"Questions are embedded in {vector.shape[0]} dimensions and the index in {self.vectors.shape[1]}: "
                "it was built with another model. Run `rag index`."
            )
        similarities = (self.vectors if allowed is None else self.vectors[pool]) @ vector
        best = np.argsort(-similarities, kind="stable")[:n]
        return [(int(pool[i]), float(similarities[i])) for i in best]

    @property
    def main_language(self) -> str:
        """The language most paragraphs are in (English for an empty index): that of a question too
        short to tell ("Et 2002 ?")."""
        return self.languages[0] if self.languages else "en"

    def question_language(self, question: str) -> str:
        """The language of a question; the documents' main language when it is too short to tell."""
        return detect_language(question, default=self.main_language)

    def bm25(self, question: str, n: int, allowed: list[int] | None, language: str) -> list[tuple[int, float]]:
        """Best entries by BM25, the question read in each language of the paragraphs (``queries``)."""
        if allowed is not None and not allowed:
            return []
        query = {target: read_as(question, language, target) for target in self.languages or (language,)}
        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.manifest.entries), dtype=np.float32)
            mask[allowed] = 1.0
        return self.lexical.search(query, n, mask)

    def search(
        self,
        question: str,
        k: int,
        mode: Mode = "hybrid",
        docs: list[str] | None = None,
        sections: list[str] | None = None,
    ) -> list[Hit]:
        """The ``k`` best paragraphs for a question.

        Hybrid mode fuses the dense and BM25 rankings, and the paragraphs the question
        cites by number, by weighted reciprocal rank fusion. The weight of the dense side
        depends on whether the question is in a language of the paragraphs (settings
        ``dense_weight`` and ``dense_weight_other_language``: see the README for the
        measurements behind the defaults); a zero weight skips the encoder.

        Raises:
            ValueError: ``k`` is below 1.
        """
        if k < 1:
            raise ValueError(f"k is the number of paragraphs to return: at least 1, not {k}.")
        question = valid_text(question)
        allowed = self.allowed(docs, sections)
        settings = self.settings
        language = self.question_language(question)
        if mode == "dense":
            return [
                Hit(self.manifest.entries[p], s, dense_rank=r, similarity=s)
                for r, (p, s) in enumerate(self.dense(question, k, allowed), 1)
            ]
        if mode == "bm25":
            return [
                Hit(self.manifest.entries[p], s, lexical_rank=r)
                for r, (p, s) in enumerate(self.bm25(question, k, allowed, language), 1)
            ]
        dense_weight = settings.dense_weight if language in self.languages else settings.dense_weight_other_language
        fused: dict[int, list[float | int | None]] = {}
        cited = self.cited(question, language, allowed)
        # a zero weight skips the encoder; the abstention decision then does without similarities
        dense = self.dense(question, settings.fetch_k, allowed) if dense_weight else []
        similarity = dict(dense)
        rankings = (
            (dense, dense_weight, 1),
            (self.bm25(question, settings.fetch_k, allowed, language), 1.0, 2),
            (cited, settings.reference_weight, 0),
        )
        for ranking, weight, slot in rankings:
            for rank, (position, _) in enumerate(ranking, 1):
                record = fused.setdefault(position, [0.0, None, None])
                entry_weight = weight
                if slot and self.manifest.entries[position].kind in _NOT_CONTENT:
                    entry_weight *= settings.heading_weight
                record[0] += entry_weight / (settings.rrf_k + rank)
                if slot:
                    record[slot] = rank
        best = sorted(fused.items(), key=lambda item: -item[1][0])[:k]
        designated = {position for position, _ in cited}
        return [
            Hit(self.manifest.entries[p], float(s), d, lx, p in designated, similarity.get(p)) for p, (s, d, lx) in best
        ]

    def cited(self, question: str, language: str, allowed: list[int] | None) -> list[tuple[int, float]]:
        """Paragraphs the question designates by number or section, in the documents it names."""
        reference = parse_reference(question)
        if reference.empty:
            return []
        named = self.names.named(question, language)
        if len(named) == len(self.names.doc_ids):
            named = set()
        pool = range(len(self.manifest.entries)) if allowed is None else allowed
        found = [
            (position, 1.0)
            for position in pool
            if matches(self.manifest.entries[position], reference)
            and (not named or self.manifest.entries[position].doc_id in named)
        ]
        return found if len(found) <= self.settings.fetch_k else []


def _passes(entry: Entry, docs: list[str] | None, sections: list[str] | None) -> bool:
    if docs:
        names = (entry.source.casefold(), entry.doc_title.casefold(), entry.short_title.casefold())
        if not any(wanted.casefold() in name for wanted in docs for name in names):
            return False
    if sections:
        return any(wanted.casefold() in entry.section.casefold() for wanted in sections)
    return True
