"""Verdicts told back: /notify on|off, and the digest message each requester receives."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.desk.errors import DeskError
from bot.desk.notifications import Digest, Told
from bot.desk.views import ClaimView
from handlers import buttons, render
from handlers.buttons import SettledButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member
from handlers.status import reply
from handlers.votes import member_of

NOTIFY_USAGE = (
    "Use /notify off to stop hearing verdicts on what you sent, /notify on to hear them again."
)


def told_block(item: Told, *, names: bool = True) -> str:
    """One claim of a digest: its verdict, the claim, and the explanation."""
    mark = "🔄 updated: " if item.updated else ""
    head = f"{mark}<b>{render.status_label(item.claim.status)}</b>"
    lines = [head, render.quoted(escape(render.clip(item.claim.text, 300)))]
    lines.extend(render.explanation_lines(item.explanation, names=names))
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
    # In private the reader may be a tipline sender, who never sees the team's members.
    blocks = [told_block(item, names=not digest.private) for item in digest.items]
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


def verdict_alert(view: ClaimView) -> str:
    """The "🔒 Verdict" press: the verdict and its explanation in plain text (an alert)."""
    explanation = view.explanation
    status = render.status_label(view.claim.status)
    if explanation is None:
        return f"Claim #{view.claim.id}: {status}"
    who = ("editor " if explanation.editor else "") + explanation.decided_by
    parts = [f"Claim #{view.claim.id}: {status}", f"Decided by {who}"]
    if explanation.reason:
        parts.append(f"Reason: {explanation.reason}")
    if explanation.links:
        parts.append(f"{len(explanation.links)} evidence link(s): /claim {view.claim.id}")
    return render.clip("\n".join(parts), 200)


async def on_settled_button(update: Update, context: DeskContext) -> None:
    """A settled card's "🔒 Verdict" (explain it) or "Reopen" (editors only)."""
    press = await buttons.press_in_chat(update, SettledButton, alert=True)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    view = await context.services.views.claim_view(claim_id=button.claim_id)
    card = query.message
    if (
        view is None
        or card is None
        or view.claim.card_chat_id != chat.id
        or view.claim.card_message_id != card.message_id
    ):
        await answer(query, buttons.INVALID, alert=True)
        return
    if not button.reopen:
        await answer(query, verdict_alert(view), alert=True)
        return
    try:
        await require_member(update, context, "reopen its claims")
        change = await context.services.desk.reopen(
            chat_id=chat.id,
            claim_id=button.claim_id,
            member=member_of(update),
            reason="reopened from the card",
            is_editor=await context.services.editors.is_editor(context.bot, chat, query.from_user),
        )
    except DeskError as error:
        await answer(query, str(error), alert=True)
        return
    context.services.cards.refresh(button.claim_id)
    status = render.status_label(change.status)
    await answer(query, f"🔓 Claim #{button.claim_id} reopened: {status}")
