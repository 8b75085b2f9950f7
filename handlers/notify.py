"""Verdicts told back: /notify on|off, and the digest message each requester receives."""

from __future__ import annotations

from html import escape

from telegram import Update

from bot.desk.errors import DeskError
from bot.desk.notifications import Digest, Told
from bot.desk.views import ClaimView
from bot.i18n import N_, Words
from handlers import buttons, render
from handlers.buttons import SettledButton, answer
from handlers.context import DeskContext
from handlers.membership import require_member
from handlers.status import reply
from handlers.votes import member_of

# TRANSLATORS: keep "/notify off" and "/notify on" as they are.
NOTIFY_USAGE = N_(
    "Use /notify off to stop hearing verdicts on what you sent, /notify on to hear them again."
)


def told_block(item: Told, words: Words, *, names: bool = True) -> str:
    """One claim of a digest: its verdict, the claim, and the explanation."""
    status = render.status_label(item.claim.status, words)
    if item.updated:
        # TRANSLATORS: a claim's verdict changed since the last message; {status} is "❌ false".
        head = words._("🔄 updated: <b>{status}</b>", status=status)
    else:
        head = f"<b>{status}</b>"
    lines = [head, render.quoted(escape(render.clip(item.claim.text, 300)), words)]
    lines.extend(render.explanation_lines(item.explanation, words, names=names))
    return "\n".join(lines)


def digest_message(digest: Digest, words: Words) -> str:
    """The reply to one submission: the verdicts of everything it asked about."""
    updated = all(item.updated for item in digest.items)
    many = len(digest.items) > 1
    if updated and many:
        # TRANSLATORS: the heading of the message that tells a member the verdicts on what they
        # sent (this one: verdicts that changed since they were told).
        heading = words._("<b>🔄 Updated verdicts on what you sent</b>")
    elif updated:
        heading = words._("<b>🔄 Updated verdict on what you sent</b>")
    elif many:
        # TRANSLATORS: the heading of the message that tells a member the verdicts on what they
        # sent.
        heading = words._("<b>🏁 Verdicts on what you sent</b>")
    else:
        heading = words._("<b>🏁 Verdict on what you sent</b>")
    # In private the reader may be a tipline sender, who never sees the team's members.
    blocks = [told_block(item, words, names=not digest.private) for item in digest.items]
    footer = words._("<i>/notify off to stop these messages</i>")
    return render.fit("\n\n".join([heading, *blocks, footer]).rstrip())


async def on_notify(update: Update, context: DeskContext) -> None:
    """/notify on|off: whether verdicts on what I sent come back to me."""
    user = update.effective_user
    if user is None:
        return  # commands always come from someone
    said = context.words
    choice = context.args[0].lower() if context.args else ""
    notices = context.services.notices
    if choice not in ("on", "off"):
        if await notices.notify_on(user_id=user.id):
            now = said._("Verdict notifications are on for you.")
        else:
            now = said._("Verdict notifications are off for you.")
        await reply(update, f"{now} {said._(NOTIFY_USAGE)}")
        return
    await notices.set_notify(user_id=user.id, on=choice == "on")
    if choice == "on":
        await reply(update, said._("🔔 You will hear the verdicts on what you send."))
    else:
        await reply(
            update, said._("🔕 No more verdict messages for you. /notify on brings them back.")
        )


def verdict_alert(view: ClaimView, words: Words) -> str:
    """The "🔒 Verdict" press: the verdict and its explanation in plain text (an alert)."""
    explanation = view.explanation
    # TRANSLATORS: a settled card's "🔒 Verdict" alert; {status} is the verdict ("❌ false").
    verdict = words._(
        "Claim #{id}: {status}",
        id=view.claim.id,
        status=render.status_label(view.claim.status, words),
    )
    if explanation is None:
        return verdict
    parts = [verdict, render.decided_line(explanation, words)]
    if explanation.reason:
        reason = render.desk_reason(explanation.reason, words) or explanation.reason
        parts.append(words._("Reason: {reason}", reason=reason))
    if explanation.links:
        parts.append(
            # TRANSLATORS: in the "🔒 Verdict" alert: /claim {id} shows the links.
            words.ngettext(
                "{n} evidence link: /claim {id}",
                "{n} evidence links: /claim {id}",
                len(explanation.links),
                id=view.claim.id,
            )
        )
    return render.clip("\n".join(parts), 200)


async def on_settled_button(update: Update, context: DeskContext) -> None:
    """A settled card's "🔒 Verdict" (explain it) or "Reopen" (editors only)."""
    said = context.words
    press = await buttons.press_in_chat(update, SettledButton, words=said, alert=True)
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
        await answer(query, said._(buttons.INVALID), alert=True)
        return
    if not button.reopen:
        await answer(query, verdict_alert(view, said), alert=True)
        return
    try:
        # TRANSLATORS: completes "Only members of {team} can {action}."
        await require_member(update, context, N_("reopen its claims"))
        change = await context.services.desk.reopen(
            chat_id=chat.id,
            claim_id=button.claim_id,
            member=member_of(update),
            reason=render.CARD_REOPENED,
            is_editor=await context.services.editors.is_editor(context.bot, chat, query.from_user),
        )
    except DeskError as error:
        await answer(query, error.say(said), alert=True)
        return
    context.services.cards.refresh(button.claim_id)
    status = render.status_label(change.status, said)
    # TRANSLATORS: the answer to "Reopen" on a settled card; {status} is "🆕 open".
    await answer(
        query, said._("🔓 Claim #{id} reopened: {status}", id=button.claim_id, status=status)
    )
