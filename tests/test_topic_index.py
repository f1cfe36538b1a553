"""The topic index (bot.core.content.topic_index): a question scored against every topic's
documents, checked against the cosines worked out by hand in plain Python."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from bot.core.content.topic_index import CENTROID, IDF_FLOOR, SUPPORT, TopicIndex

DOCS = [
    ("fees", Counter({"fee": 1, "agent": 1})),
    ("fees", Counter({"fee": 2, "receipt": 1})),
    ("fees", Counter({"cash": 1})),
    ("passport", Counter({"passport": 1, "agent": 1})),
    ("helpline", Counter({"call": 1, "help": 1})),   # one document: no second best
    ("empty", Counter()),                            # left out
]


def weigh(feature: str, count: int, idf: float) -> float:
    return (1.0 + math.log(count)) * idf * (2.0 if feature == "agent" else 1.0)


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(f, 0.0) for f, w in a.items())
    return dot / (math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values())))


def expected(question: dict[str, float], norm: float) -> dict[str, float]:
    """Each topic's score, the slow way: cosines with every document and with the centroid."""
    topics = {t for t, c in DOCS if c}
    df = Counter(f for t in topics for f in {f for tt, c in DOCS if tt == t for f in c})
    idf = {f: math.log((1 + len(topics)) / (1 + n)) + IDF_FLOOR for f, n in df.items()}
    vectors: dict[str, list[dict[str, float]]] = {}
    for tid, counts in DOCS:
        if counts:
            vec = {f: weigh(f, c, idf[f]) for f, c in counts.items()}
            length = math.sqrt(sum(w * w for w in vec.values()))
            vectors.setdefault(tid, []).append({f: w / length for f, w in vec.items()})
    qlen = math.sqrt(sum(w * w for w in question.values()))
    out = {}
    for tid, docs in vectors.items():
        cos = [*sorted((cosine(question, d) * qlen for d in docs), reverse=True), 0.0]
        centroid = Counter()
        for d in docs:
            centroid.update(d)
        if cos[0] > 0:
            out[tid] = min(1.0, ((1 - CENTROID) * ((1 - SUPPORT) * cos[0] + SUPPORT * cos[1])
                                 + CENTROID * cosine(question, centroid) * qlen) / norm)
    return out


@pytest.fixture(scope="module")
def index() -> TopicIndex:
    return TopicIndex(DOCS, weigh)


def test_topics_and_idf(index: TopicIndex) -> None:
    assert index.topics == ("fees", "helpline", "passport")   # by id; the empty one left out
    assert index.idf["agent"] < index.idf["fee"]   # in two topics of three
    assert index.unit["agent"] == weigh("agent", 1, index.idf["agent"])
    assert "receipt" in set(index.features())


@pytest.mark.parametrize("question", [
    {"fee": 1.0}, {"agent": 2.0}, {"fee": 0.5, "agent": 1.0, "call": 3.0}, {"cash": 1.0},
    {"passport": 1.0, "receipt": 0.25},
])
def test_scores_are_the_cosines_mixed(index: TopicIndex, question: dict[str, float]) -> None:
    for extra in (0.0, 4.0):   # unknown words make the question longer
        norm = math.sqrt(sum(w * w for w in question.values()) + extra)
        got = index.scores(question, norm)
        want = expected(question, norm)
        assert dict(got) == pytest.approx(want)
        assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)


def test_the_weight_once_shortcut_gives_the_same_scores(index: TopicIndex) -> None:
    unit = {f: index.unit[f] for f in ("fee", "agent")}
    almost = {f: w * (1 + 1e-15) for f, w in unit.items()}
    assert dict(index.scores(unit, 1.0)) == pytest.approx(dict(index.scores(almost, 1.0)))


def test_ties_keep_topic_order_and_unshared_topics_are_left_out() -> None:
    twins = TopicIndex([("zeta", Counter({"same": 1})), ("alpha", Counter({"same": 1})),
                        ("mid", Counter({"other": 1}))], weigh)
    tied = twins.scores({"same": 1.0}, 1.0)
    assert tied == [("alpha", tied[0][1]), ("zeta", tied[0][1])]   # mid shares nothing
    assert twins.scores({}, 1.0) == []


def test_scores_never_exceed_one(index: TopicIndex) -> None:
    assert all(s <= 1.0 for _, s in index.scores({"call": 1.0, "help": 1.0}, 0.1))
