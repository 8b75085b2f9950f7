"""A local server speaking OpenAI's `/v1/embeddings` protocol, returning real vectors.

    async with EmbeddingsStub() as stub:
        client = EmbeddingsClient(stub.base_url, "stub-multilingual")

The vectors are a tiny multilingual "model": each word is mapped to a concept through a small
English/Ukrainian/Russian lexicon (by word beginnings: "вакцин", "vaccin" → vaccine), unknown
words to themselves; each concept is a fixed pseudo-random unit vector (seeded by its name), and a
text is the normalised sum of its concepts. So a claim and its translations get nearly the same
vector, other claims on the topic a lower cosine, and unrelated ones about zero — what a real
multilingual sentence encoder does, on the vocabulary of the tests.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np
from aiohttp import web

DIMENSIONS = 256
# concept: word beginnings in English, Ukrainian and Russian.
LEXICON = {
    "vaccine": ("vaccin", "jab", "вакцин", "щеплен", "прививк"),
    "measles": ("measles", "кор", "кір"),
    "flu": ("flu", "influenza", "грип"),
    "cause": ("caus", "виклика", "вызыва", "lead"),
    "autism": ("autis", "аутизм"),
    "infertility": ("infertil", "безпліддя", "бесплоди"),
    "children": ("child", "kid", "діт", "дит", "дет", "ребен"),
    "ban": ("ban", "prohibit", "заборон", "запрет", "запрещ"),
    "speak": ("speak", "talk", "розмовля", "говор", "разговар"),
    "russian": ("russian", "російськ", "русск", "российск"),
    "language": ("language", "мов", "язык"),
    "shop": ("shop", "store", "магазин"),
    "fine": ("fine", "штраф"),
    "kyiv": ("kyiv", "kiev", "києв", "київ", "киев"),
    "grain": ("grain", "зерн"),
    "export": ("export", "експорт", "экспорт"),
}
STOP = frozenset(
    "a an the of in on at to for from by with and or is are was were be been has have had that "
    "this it its у в на з із від до і й та що це о от и с по за для что это під под".split()
)
_WORD = re.compile(r"[^\W_]+")


def concept(word: str) -> str:
    """The concept a word stands for (the word itself when the lexicon lacks it)."""
    for name, beginnings in LEXICON.items():
        if any(word.startswith(b) for b in beginnings):
            return name
    return word


def direction_of(name: str) -> np.ndarray:
    """A fixed unit vector per concept (the same in every run)."""
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "little")
    vector = np.random.default_rng(seed).standard_normal(DIMENSIONS)
    return vector / np.linalg.norm(vector)


def embed(text: str) -> list[float]:
    """The text's vector: its concepts summed, then scaled to length 1."""
    words = [w for w in _WORD.findall(text.casefold()) if w not in STOP and len(w) > 1]
    total = np.zeros(DIMENSIONS)
    for word in words:
        total += direction_of(concept(word))
    norm = np.linalg.norm(total)
    return (total / norm if norm else total).round(6).tolist()


class EmbeddingsStub:
    """The server; `base_url` ends in /v1 like OpenAI's; `requests` counts texts embedded."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.texts_embedded = 0
        self.fail_next = 0  # answer this many requests with HTTP 500

    async def __aenter__(self) -> EmbeddingsStub:
        app = web.Application()
        app.router.add_post("/v1/embeddings", self._embeddings)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/v1"
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _embeddings(self, request: web.Request) -> web.Response:
        if self.fail_next:
            self.fail_next -= 1
            return web.json_response({"error": {"message": "overloaded"}}, status=500)
        body: dict[str, Any] = await request.json()
        texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
        self.texts_embedded += len(texts)
        data = [
            {"object": "embedding", "index": i, "embedding": embed(text)}
            for i, text in enumerate(texts)
        ]
        usage = {"prompt_tokens": sum(len(t) // 4 for t in texts), "total_tokens": 0}
        return web.json_response(
            {"object": "list", "data": data, "model": body.get("model"), "usage": usage}
        )
