"""Sentence embeddings for the evaluation and training scripts, cached on disk.

The cache lives in ``.cache/embeddings/`` at the repository root (ignored by git): one ``.npz``
file per encoder, holding the SHA-1 of each sentence and its vector (float16). A sentence not in
the cache is embedded (in batches) and added, so the first run of ``make eval`` with the extra
spends a few minutes embedding the ~36,000 training sentences and later runs only read them.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO / ".cache" / "embeddings"


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def cached_embeddings(texts: Sequence[str], *, cache_dir: Path = CACHE_DIR) -> np.ndarray:
    """Embeddings of ``texts`` (float32 rows) with the extra's encoder, from the cache or made."""
    from importlib.metadata import version

    from bot.extraction.embeddings import ENCODER_NAME, ENCODER_PACKAGE, default_encoder

    path = cache_dir / f"{ENCODER_NAME}-{version(ENCODER_PACKAGE)}.npz"
    known: dict[str, np.ndarray] = {}
    if path.is_file():
        with np.load(path) as data:
            known = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = [_key(t) for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in known}.items())
    if missing:
        print(f"embedding {len(missing)} sentences (cached in {path})", file=sys.stderr)
        encoder = default_encoder()
        step = 2048
        for i in range(0, len(missing), step):
            part = missing[i : i + step]
            vectors = encoder.encode([t for _, t in part]).astype(np.float16)
            known.update(zip([k for k, _ in part], vectors, strict=True))
            print(f"  {min(i + step, len(missing))}/{len(missing)}", file=sys.stderr)
        cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(known)), vectors=np.stack(list(known.values())))
        tmp.replace(path)
    return np.stack([known[k] for k in keys]).astype(np.float32)
