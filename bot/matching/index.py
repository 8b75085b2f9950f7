"""An in-memory BM25 index of one team's claims, and a bounded set of them per process.

Postings are compact arrays (4 bytes a claim per distinct term, 2 for its count), so 100,000
claims take about 10 MB; `search` scores only the query's posting lists with numpy. Indexes are
built lazily on a team's first lookup and kept up to date from the claims added since; the least
recently used ones are dropped when the total passes `MAX_POSTINGS`.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

K1 = 1.2
B = 0.5  # claims are short and of similar length: length matters less than in documents
# Claims assumed not to carry a term, on top of the team's own: a young team's few claims would
# otherwise make every word they share look common and every other word look rare.
PRIOR_CLAIMS = 1000
MAX_POSTINGS = 8_000_000  # across all teams' indexes kept in memory (about 50 MB)


@dataclass
class TermIndex:
    """BM25 over one team's claims: add (claim id, terms) pairs, search with query terms."""

    ids: array[int] = field(default_factory=lambda: array("q"))
    lengths: array[float] = field(default_factory=lambda: array("f"))
    postings: dict[str, tuple[array[int], array[int]]] = field(default_factory=dict)
    total_length: int = 0
    size_postings: int = 0
    last_id: int = 0
    newest_at: datetime | None = None  # the newest claim's creation time when last brought up
    checked_at: float = 0.0  # when its claims were last counted (time.monotonic)

    def __len__(self) -> int:
        return len(self.ids)

    def add(self, claim_id: int, terms: Sequence[str]) -> None:
        """Index one claim (ids must grow: claims are added in id order)."""
        row = len(self.ids)
        self.ids.append(claim_id)
        self.lengths.append(float(len(terms)))
        self.total_length += len(terms)
        for term, count in Counter(terms).items():
            rows, counts = self.postings.setdefault(term, (array("i"), array("H")))
            rows.append(row)
            counts.append(min(count, 65535))
            self.size_postings += 1
        self.last_id = max(self.last_id, claim_id)

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency, smoothed by `PRIOR_CLAIMS` (never negative)."""
        df = len(self.postings[term][0]) if term in self.postings else 0
        return math.log(1 + (len(self.ids) + PRIOR_CLAIMS - df + 0.5) / (df + 0.5))

    def search(
        self, terms: Iterable[str], *, limit: int, before_id: int | None = None
    ) -> list[tuple[int, float]]:
        """The `limit` best (claim id, BM25 score) for the query terms, best first."""
        if not self.ids:
            return []
        scores = np.zeros(len(self.ids), dtype=np.float32)
        lengths = np.frombuffer(self.lengths, dtype=np.float32)
        average = self.total_length / len(self.ids) or 1.0
        for term, weight in Counter(terms).items():
            if term not in self.postings:
                continue
            rows_buf, counts_buf = self.postings[term]
            rows = np.frombuffer(rows_buf, dtype=np.int32)
            tf = np.frombuffer(counts_buf, dtype=np.uint16).astype(np.float32)
            norm = K1 * (1 - B + B * lengths[rows] / average)
            scores[rows] += weight * self.idf(term) * tf * (K1 + 1) / (tf + norm)
        ids = np.frombuffer(self.ids, dtype=np.int64)
        if before_id is not None:
            scores[ids >= before_id] = 0.0
        hits = int(np.count_nonzero(scores))
        if not hits:
            return []
        take = min(limit, hits)
        best = np.argpartition(-scores, take - 1)[:take]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(ids[i]), float(scores[i])) for i in best]


class IndexCache:
    """Team indexes kept in memory, least recently used dropped past a postings budget."""

    def __init__(self, max_postings: int = MAX_POSTINGS) -> None:
        self.max_postings = max_postings
        self._indexes: OrderedDict[object, TermIndex] = OrderedDict()

    def get(self, key: object) -> TermIndex | None:
        """The index kept under `key`, marked as just used."""
        index = self._indexes.get(key)
        if index is not None:
            self._indexes.move_to_end(key)
        return index

    def put(self, key: object, index: TermIndex) -> None:
        """Keep an index, dropping the least recently used others if over budget."""
        self._indexes[key] = index
        self._indexes.move_to_end(key)
        self.shrink()

    def shrink(self) -> None:
        """Drop least recently used indexes until the budget holds (the newest always stays)."""
        while len(self._indexes) > 1 and self.total_postings() > self.max_postings:
            self._indexes.popitem(last=False)

    def drop(self, key: object) -> None:
        """Forget one index (rebuilt on next use)."""
        self._indexes.pop(key, None)

    def total_postings(self) -> int:
        """Postings held across all kept indexes."""
        return sum(index.size_postings for index in self._indexes.values())
