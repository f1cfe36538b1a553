"""The topic index: every document of every topic as a TF-IDF vector, and a question scored
against all of them at once.

A document is a feature count (`answering.features`); the caller says how a feature is
weighted from its count and idf (`weigh`). Document frequency is counted over topics, not
documents: a word in every example of one topic is what identifies that topic, so it must not
be weighted down. Each document vector is normalised; each topic also has a centroid (the
normalised sum of its documents: the words of a question may be spread over several examples
of the right topic).

A topic's score mixes the cosine of the question with its best document, its second best
(SUPPORT) and its centroid (CENTROID). Scoring is one sparse matrix-vector product: the
posting lists of the question's features are gathered into one array and summed per document
and per centroid with `numpy.bincount`, which adds in the same order as a loop over the
features would (so the scores are exactly those of the plain-Python loop this replaced:
benchmarks/reading_identical.py), then each topic's best two documents come from one
`numpy.partition` over a topics x documents table.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import chain

import numpy as np

SUPPORT = 0.15   # weight of a topic's second-best document in its score
CENTROID = 0.2   # weight of the topic centroid in a topic's score
IDF_FLOOR = 1.0  # idf = log((1 + topics) / (1 + topics with the feature)) + floor

Weigh = Callable[[str, int, float], float]   # (feature, count, idf) -> weight


class TopicIndex:
    """Documents of topics, ready to score a question. Immutable once built; thread-safe."""

    def __init__(self, documents: Iterable[tuple[str, Mapping[str, int]]], weigh: Weigh) -> None:
        """`documents`: (topic id, feature counts); empty ones are left out. A topic's
        documents keep their order; topics are ordered by id."""
        docs = sorted(((tid, feats) for tid, feats in documents if feats), key=lambda d: d[0])
        by_topic: dict[str, set[str]] = defaultdict(set)
        for tid, feats in docs:
            by_topic[tid].update(feats.keys())
        df: Counter[str] = Counter()
        for feats_of_topic in by_topic.values():
            df.update(feats_of_topic)
        n_topics = len(by_topic) or 1
        self.idf = {f: math.log((1 + n_topics) / (1 + c)) + IDF_FLOOR for f, c in df.items()}
        self.max_idf = math.log(1 + n_topics) + IDF_FLOOR

        # A feature's weight in a question or document that has it once (most features are
        # there once).
        self.unit = {f: weigh(f, 1, idf) for f, idf in self.idf.items()}

        # Normalised document vectors and topic centroids, as posting lists per feature
        # (slots and values).
        slots: dict[str, list[int]] = defaultdict(list)
        values: dict[str, list[float]] = defaultdict(list)
        centroids: dict[str, dict[str, float]] = {}
        spans: list[list] = []   # [topic id, first document, end]
        unit, idf = self.unit, self.idf
        for i, (tid, feats) in enumerate(docs):
            weights = {f: unit[f] if c == 1 else weigh(f, c, idf[f]) for f, c in feats.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            centroid = centroids.setdefault(tid, defaultdict(float))
            for f, w in weights.items():
                slots[f].append(i)
                values[f].append(w / norm)
                centroid[f] += w / norm
            if spans and spans[-1][0] == tid:
                spans[-1][2] = i + 1
            else:
                spans.append([tid, i, i + 1])
        self.topics: tuple[str, ...] = tuple(tid for tid, _, _ in spans)
        n_docs = len(docs)
        # One accumulator row: documents, then one padding slot (-1, below any score), then
        # the centroids. A centroid's entries follow the documents in each posting list.
        self._pad = n_docs
        self._slots = n_docs + 1 + len(spans)
        for t, vec in enumerate(centroids.values()):
            norm = math.sqrt(sum(w * w for w in vec.values())) or 1.0
            for f, w in vec.items():
                slots[f].append(n_docs + 1 + t)
                values[f].append(w / norm)
        # The posting lists one after the other in flat arrays (slots, values, and values
        # multiplied by the weight once), each feature's pieces ready as views of them.
        end = sum(len(s) for s in slots.values())
        slot = np.fromiter(chain.from_iterable(slots.values()), np.intp, end)
        value = np.fromiter(chain.from_iterable(values.values()), float, end)
        unit_value = np.repeat(np.fromiter((unit[f] for f in slots), float, len(slots)),
                               [len(s) for s in slots.values()]) * value
        self._postings: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, float]] = {}
        start = 0
        for f, fslots in slots.items():
            piece = slice(start, start + len(fslots))
            self._postings[f] = (slot[piece], value[piece], unit_value[piece], unit[f])
            start = piece.stop
        # topics x documents: each row a topic's document slots, padded with the padding slot
        width = max((end - start for _, start, end in spans), default=1)
        table = np.full((len(spans), max(width, 2)), self._pad, dtype=np.intp)
        for t, (_, start, end) in enumerate(spans):
            table[t, :end - start] = np.arange(start, end)
        self._table = table

    def features(self) -> Iterable[str]:
        """Every feature of every document (the keys of `idf`)."""
        return self.idf.keys()

    def scores(self, weights: Mapping[str, float], norm: float) -> list[tuple[str, float]]:
        """(topic id, score 0..1) best first, for every topic that shares a feature with the
        question. `weights`: the question's known features (each in the index) and their
        weights; `norm`: the question vector's length (it may count unknown features too)."""
        if not weights:
            return []
        postings = self._postings
        slots, values = [], []
        for f, w in weights.items():
            slot, value, unit_value, unit = postings[f]
            slots.append(slot)
            values.append(unit_value if w == unit else value * w)
        acc = np.bincount(np.concatenate(slots), np.concatenate(values), self._slots)
        acc[self._pad] = -1.0
        by_topic = acc[self._table]   # a new array: partitioned in place
        width = by_topic.shape[1]
        by_topic.partition(width - 2, axis=1)
        two = by_topic[:, width - 2:]
        best, second = two[:, 1], np.maximum(two[:, 0], 0.0)   # one document: no second
        centroid = acc[self._pad + 1:]
        mixed = np.minimum(1.0, ((1 - CENTROID) * ((1 - SUPPORT) * best + SUPPORT * second)
                                 + CENTROID * centroid) / norm)
        shared = np.flatnonzero(best > 0.0)
        ranked = shared[np.argsort(-mixed[shared], kind="stable")]   # ties: in topic order
        topics = self.topics
        return list(zip([topics[t] for t in ranked.tolist()], mixed[ranked].tolist(), strict=True))
