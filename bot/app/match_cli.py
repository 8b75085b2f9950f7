"""`factcheck-bot match --chat CHAT_ID [--top K] [--json]`: look claims up in a team's history.

One claim a line on stdin; for each, one line out — JSON (`--json`) or a readable table. The
lookup is the one the chat runs (`bot.matching.service.look_up`), so this is the matcher's test
bench: `is_match` is what makes a card say "Matches #N".
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from bot.app.config import Settings
from bot.desk.errors import NoTeam
from bot.matching.embeddings import EmbeddingsClient
from bot.matching.service import Lookup, Match, look_up, team_of_chat, use_embeddings
from storage.db import Database

TEXT_WIDTH = 60


def match_json(match: Match) -> dict[str, Any]:
    """One candidate in the JSON shape of docs/matching.md."""
    return {
        "claim_id": match.claim_id,
        "text": match.text,
        "score": match.score,
        "verdict": match.verdict,
        "url": match.url,
        "checked_at": match.verdict_at.isoformat() if match.verdict_at else None,
    }


def lookup_json(lookup: Lookup) -> str:
    """One output line for `--json`."""
    body = {
        "query": lookup.query,
        "is_match": lookup.is_match,
        "matches": [match_json(m) for m in lookup.matches],
    }
    return json.dumps(body, ensure_ascii=False)


def lookup_table(lookup: Lookup) -> str:
    """A readable block: the query, the bot's decision, then one row per candidate."""
    head = f"Matches #{lookup.matches[0].claim_id}" if lookup.is_match else "No match"
    lines = [f"{lookup.query}", f"  → {head}"]
    for rank, m in enumerate(lookup.matches, 1):
        text = m.text if len(m.text) <= TEXT_WIDTH else m.text[: TEXT_WIDTH - 1] + "…"
        verdict = (m.verdict or m.status).replace("_", " ")
        when = f"{m.verdict_at:%Y-%m-%d}" if m.verdict_at else "-"
        note = f"  (vetoed: {m.veto})" if m.veto else ""
        lines.append(
            f"  {rank}. #{m.claim_id:<6} {m.score:5.1f}  {verdict:10} {when:10} {text}{note}"
        )
    return "\n".join(lines)


async def run_match(
    args: argparse.Namespace,
    settings: Settings,
    lines: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> int:
    """Answer each line of `lines` on `out`; 2 when the chat has no team."""
    db = Database(settings.database_url)
    client = None
    if settings.embeddings_url:
        client = EmbeddingsClient(
            settings.embeddings_url,
            settings.embeddings_model,
            api_key=settings.embeddings_api_key.get_secret_value(),
            same_claim=settings.embeddings_same_claim,
        )
        use_embeddings(db, client)
    try:
        try:
            team_id = await team_of_chat(db, chat_id=args.chat)
        except NoTeam:
            print(f"factcheck-bot match: no team for chat {args.chat}", file=sys.stderr)
            return 2
        for line in lines:
            text = line.strip()
            if not text:
                continue
            lookup = await look_up(
                db, team_id=team_id, text=text, top=args.top, threshold=settings.match_threshold
            )
            print(lookup_json(lookup) if args.json else lookup_table(lookup), file=out, flush=True)
        return 0
    finally:
        if client is not None:
            await client.close()
        await db.dispose()
