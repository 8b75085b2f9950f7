"""Verdicts told back: /notify on|off, and the digest message each requester receives."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.desk.notifications import Digest, Explanation, Told
from handlers import render
from handlers.context import DeskContext
from handlers.status import reply

NOTIFY_USAGE = (
    "Use /notify off to stop hearing verdicts on what you sent, /notify on to hear them again."
)
REASON_CHARS = 300


def explanation_lines(explanation: Explanation) -> list[str]:
    """Who decided, why, and the first evidence links (cards and notifications alike)."""
    who = "editor " + explanation.decided_by if explanation.editor else explanation.decided_by
    lines = [f"Decided by {escape(render.clip(who, 60))}"]
    if explanation.reason:
        lines.append(f"Reason: {escape(render.clip(explanation.reason, REASON_CHARS))}")
    if explanation.links:
        links = " · ".join(render.link(render.clip(u, 50), u) for u in explanation.links)
        lines.append(f"🔗 {links}")
    return lines


def told_block(item: Told) -> str:
    """One claim of a digest: its verdict, the claim, and the explanation."""
    mark = "🔄 updated: " if item.updated else ""
    head = f"{mark}<b>{render.status_label(item.claim.status)}</b>"
    lines = [head, render.quoted(escape(render.clip(item.claim.text, 300)))]
    lines.extend(explanation_lines(item.explanation))
    return "\n".join(lines)


def digest_message(digest: Digest) -> str:
    """The reply to one submission: the verdicts of everything it asked about."""
    updated = all(item.updated for item in digest.items)
    many = len(digest.items) > 1
    if updated:
        title = "🔄 Updated verdicts" if many else "🔄 Updated verdict"
    else:
        title = "🏁 Verdicts" if many else "🏁 Verdict"
    heading = f"<b>{title} on what you sent</b>"
    blocks = [told_block(item) for item in digest.items]
    footer = "<i>/notify off to stop these messages</i>"
    return render.fit("\n\n".join([heading, *blocks, footer]).rstrip())


async def on_notify(update: Update, context: DeskContext) -> None:
    """/notify on|off: whether verdicts on what I sent come back to me."""
    user = update.effective_user
    if user is None:
        return  # commands always come from someone
    choice = context.args[0].lower() if context.args else ""
    notices = context.services.notices
    if choice not in ("on", "off"):
        now = "on" if await notices.notify_on(user_id=user.id) else "off"
        await reply(update, f"Verdict notifications are {now} for you. {NOTIFY_USAGE}")
        return
    await notices.set_notify(user_id=user.id, on=choice == "on")
    if choice == "on":
        await reply(update, "🔔 You will hear the verdicts on what you send.")
    else:
        await reply(update, "🔕 No more verdict messages for you. /notify on brings them back.")
