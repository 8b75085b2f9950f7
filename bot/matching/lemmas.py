"""Ukrainian lemmas for claim matching: pymorphy3's, looked up in the helper process, cached.

Snowball has no Ukrainian stemmer, so `bot.matching.text` reduces Ukrainian words to their
lemmas with pymorphy3. Its Ukrainian dictionary (about 20 MiB once loaded) stays in the
helper process of `bot.extraction.helper`, which answers a batch of words per request; the bot
keeps only the answers, in two bounded LRU caches (the lemmas, and whether the dictionary knows
a word). The lemmas are pymorphy3's own, so the matcher's figures are unchanged.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

from bot.extraction import helper

CACHE_SIZE = 50_000  # answers kept per cache (each about 0.3 kB: 15 MB when full)
BATCH = 5_000  # words a request at most


def lemma(word: str) -> str:
    """pymorphy3's normal form of one Ukrainian word form (its most likely parse)."""
    return lemmatiser().lemmas((word,))[0]


def lemmas(words: Sequence[str]) -> list[str]:
    """The lemmas of many words, in one request for those not cached."""
    return lemmatiser().lemmas(words)


def known(words: Sequence[str]) -> list[bool]:
    """Whether the Ukrainian dictionary has each word form."""
    return lemmatiser().known(words)


@cache
def lemmatiser() -> Lemmatiser:
    """The process's one lemma cache, asking the process's helper."""
    return Lemmatiser(helper.ask)


class Lemmatiser:
    """Ukrainian lemmas and "is this a Ukrainian word", asked of `ask` and cached (LRU)."""

    def __init__(
        self, ask: Callable[[str, Sequence[str]], list[Any]], *, cache_size: int = CACHE_SIZE
    ) -> None:
        self.ask = ask
        self.cache_size = cache_size
        self._lemmas: OrderedDict[str, str] = OrderedDict()
        self._known: OrderedDict[str, bool] = OrderedDict()
        self._lock = threading.Lock()

    def lemmas(self, words: Sequence[str]) -> list[str]:
        """The lemma of each word, asking only for those not cached."""
        with self._lock:
            return self._answers(self._lemmas, "lemma", words)

    def known(self, words: Sequence[str]) -> list[bool]:
        """Whether the dictionary knows each word form."""
        with self._lock:
            return self._answers(self._known, "known", words)

    def __len__(self) -> int:
        return len(self._lemmas) + len(self._known)

    def _answers(self, table: OrderedDict[str, Any], op: str, words: Sequence[str]) -> list[Any]:
        """Cached answers, the missing ones asked for first; the oldest dropped past the size."""
        self._fill(table, op, words)
        found = []
        for word in words:
            table.move_to_end(word)
            found.append(table[word])
        while len(table) > self.cache_size:
            table.popitem(last=False)
        return found

    def _fill(self, table: OrderedDict[str, Any], op: str, words: Iterable[str]) -> None:
        """Ask for the words the table lacks and keep the answers."""
        missing = list(dict.fromkeys(word for word in words if word not in table))
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            table.update(zip(batch, self.ask(op, batch), strict=True))
