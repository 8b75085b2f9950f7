"""Intake handlers: forwards, links, pasted articles, /check and documents in a team's group."""

from __future__ import annotations

import logging
import re
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.desk.errors import BadArguments, DeskError
from bot.desk.requests import Asking, RequestSource
from bot.i18n import N_
from bot.intake.intake import Received
from bot.intake.progress import ProgressRef
from bot.records import ExtractionState, Team, stored_id
from handlers import render
from handlers.context import DeskContext
from handlers.publish import NO_PREVIEW, publish_article
from handlers.queue_anyway import queue_anyway_keyboard
from handlers.submissions import (
    ReadDraft,
    command_argument,
    draft_from_text,
    link_reader,
    parse_message,
    read_submission,
    static_reader,
    with_text,
)

log = logging.getLogger(__name__)

# A member who asks to check something is heard: two words ("Putin dead") are enough.
MIN_CHECK_WORDS = 2
READING = N_("Got it — reading the article…")
TIPLINE_THANKS = N_("🙏 Thanks, the desk will look at it. I'll tell you the verdict here.")
READING_AGAIN = N_("Got it — reading the article again (I was interrupted)…")
CHECK_USAGE = N_("Send /check with a text or a link, or reply /check to the message to check.")


async def on_group_message(update: Update, context: DeskContext) -> None:
    """Queue a forward, a link, a document or a long pasted text; ignore short chatter."""
    if update.effective_message is None:
        return  # registered for messages
    read = read_submission(context.services, update.effective_message, context.words)
    if read is not None:
        await queue_submission(update, context, read)
    else:
        await answer_known_claim(update, context)


async def answer_known_claim(update: Update, context: DeskContext) -> None:
    """Answer chatter that says a settled claim again, where the team turned that on.

    Only on the matcher's confident decision: a maybe never interrupts the chat.
    """
    message, chat = update.effective_message, update.effective_chat
    text = (message.text or message.caption or "") if message is not None else ""
    if message is None or chat is None or not text:
        return
    services = context.services
    known = await services.matches.answer_in_chat(
        chat_id=chat.id, text=text, threshold=services.settings.match_threshold
    )
    if known is not None:
        await message.reply_text(
            render.already_checked(known, context.words),
            parse_mode="HTML",
            link_preview_options=NO_PREVIEW,
            allow_sending_without_reply=True,
        )


async def on_check(update: Update, context: DeskContext) -> None:
    """Queue the text or link after /check, or the message /check replies to."""
    await queue_submission(update, context, check_reader(update, context))


def check_reader(update: Update, context: DeskContext) -> ReadDraft:
    """What /check asks to check: its argument, or the message it replies to.

    With privacy mode on the bot sees only the command, but Telegram includes the message it
    replies to, so everything needed is in this one update.
    """
    message = update.effective_message
    if message is None:  # a command always comes as a message
        raise BadArguments(CHECK_USAGE)
    argument = command_argument(message)
    intake = context.services.intake
    if argument:
        parsed = with_text(parse_message(message), argument)
        if parsed.only_links:
            return link_reader(intake, parsed, "check")
    elif message.reply_to_message is not None:
        read = read_submission(
            context.services, message.reply_to_message, context.words, min_chars=1, kind="check"
        )
        if read is not None:
            return read
        parsed = parse_message(message.reply_to_message)
        if not parsed.text:
            raise BadArguments(N_("That message has no text or link I can check."))
    else:
        raise BadArguments(CHECK_USAGE)
    if len(re.findall(r"\w+", parsed.text)) < MIN_CHECK_WORDS:
        raise BadArguments(
            N_("That is too short to hold a checkable claim: send the whole sentence.")
        )
    return static_reader(draft_from_text(parsed, kind="check"))


async def queue_submission(
    update: Update,
    context: DeskContext,
    read: ReadDraft,
    *,
    team: Team | None = None,
    status: Message | None = None,
    source: RequestSource | None = None,
) -> Received | None:
    """Answer at once, read the draft, queue it once, and extract claims in the background.

    `team` is where the article goes (default: this chat's team); when it is another chat (a
    forward sent in private), the cards go there and this chat gets a confirmation. Returns
    what intake made of it (None when nothing was submitted).
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None  # submissions come as messages in a chat
    words = context.words
    if status is None:
        status = await _progress_message(update, context, message)
    else:
        await _edit(status, words._(READING))
    try:
        draft = await read()
    except DeskError as error:  # a page, a file or a recording that could not be read
        await _edit(status, f"⚠️ {escape(error.say(words))}")
        return None
    except TelegramError as error:
        log.warning("Could not download a document: %s", error)
        await _edit(status, words._("⚠️ I could not download that file from Telegram; try again."))
        return None
    if not draft.text.strip():
        await _edit(status, words._("⚠️ There is no text in that message to check."))
        return None
    services = context.services
    elsewhere = team is not None and team.chat_id != chat.id
    if team is None:
        team = await services.teams.joined(
            chat_id=chat.id,
            title=chat.title or "",
            chat_type=chat.type,
            is_forum=bool(chat.is_forum),
        )
    member = update.effective_user
    received = await services.intake.submit(
        draft,
        team_id=stored_id(team),
        submitted_by=member.id if member else 0,
        chat_id=team.chat_id,
        thread_id=None if elsewhere else _topic(message),
        status_message_id=None if elsewhere else status.message_id,
        asked=asking(message, kind=draft.kind, source=source),
    )
    if source == "tipline":  # a tipline sender sees no queue, only thanks (handlers/tipline.py)
        await _edit(status, words._(TIPLINE_THANKS))
        if not received.duplicate:
            context.application.create_task(
                publish_article(context.application, stored_id(received.article)), update=update
            )
        return received
    if received.duplicate:
        for claim_id in await services.requests.claim_ids_of(
            article_id=stored_id(received.article)
        ):
            services.cards.refresh(claim_id)  # the card shows the new "Asked N times"
        asked = draft.kind == "check"
        await answer_duplicate(update, context, received, status, team=team, asked=asked)
        return received
    if elsewhere:
        routed = render.routed_message(team.title, stored_id(received.article), words)
        await _edit(status, routed)
    else:
        await _edit(status, words._("Got it — extracting claims…"))
    context.application.create_task(
        publish_article(context.application, stored_id(received.article)), update=update
    )
    return received


async def answer_duplicate(
    update: Update,
    context: DeskContext,
    received: Received,
    status: Message,
    *,
    team: Team,
    asked: bool,
) -> None:
    """Point at the team's earlier copy; when it has no claims, offer to queue it anyway.

    /check always queues: a member who asks to check a text the desk already read without
    finding claims gets it queued as one claim at once.
    """
    services = context.services
    article, chat = received.article, update.effective_chat
    done = article.extraction_state in (ExtractionState.DONE, ExtractionState.FAILED)
    if asked and done and not received.progress:
        queued = await services.intake.queue_whole(
            article_id=stored_id(article), chat_id=team.chat_id
        )
        source = await services.views.source_of(queued.article)
        text = render.queued_whole_message(
            queued.article,
            render.link(source.said(context.words), source.link),
            queued.claim,
            context.words,
        )
        await _edit(status, text)
        if queued.new:
            here = chat is not None and team.chat_id == chat.id
            message = update.effective_message
            thread_id = _topic(message) if here and message is not None else None
            await services.cards.post(queued.claim, chat_id=team.chat_id, thread_id=thread_id)
        return
    source = await services.views.source_of(article)
    markup = None
    # The button works in the team's group only (in private it would name another chat).
    here = chat is not None and team.chat_id == chat.id
    if done and not received.progress and here:
        markup = queue_anyway_keyboard(
            stored_id(article), other_language=False, words=context.words
        )
    text = render.duplicate_message(
        received,
        render.link(source.said(context.words), source.link),
        context.words,
        offer_whole=markup is not None,
    )
    await _edit(status, text, markup)


async def _progress_message(update: Update, context: DeskContext, message: Message) -> Message:
    """Say "Got it" once per update: a delivery after a crash edits the message sent before."""
    progress = context.services.progress
    earlier = await progress.recall(update.update_id)
    if earlier is not None:
        try:
            edited = await context.bot.edit_message_text(
                context.words._(READING_AGAIN),
                chat_id=earlier.chat_id,
                message_id=earlier.message_id,
                link_preview_options=NO_PREVIEW,
            )
        except TelegramError as error:  # deleted meanwhile: a new message is the next best
            log.info("Could not reuse the earlier progress message: %s", error)
        else:
            if isinstance(edited, Message):
                return edited
    status = await message.reply_text(context.words._(READING), allow_sending_without_reply=True)
    await progress.remember(update.update_id, ProgressRef(status.chat_id, status.message_id))
    return status


def asking(message: Message, *, kind: str, source: RequestSource | None) -> Asking:
    """The member's message a submission came in (a request: the verdict is told back to it).

    After a team choice in private the update is the bot's question, which replies to it.
    """
    if message.from_user is not None and message.from_user.is_bot and message.reply_to_message:
        message = message.reply_to_message
    private = message.chat.type == "private"
    if source is None:
        source = "check" if kind == "check" else "private" if private else "group"
    return Asking(message.chat_id, message.message_id, private, source)


def _topic(message: Message) -> int | None:
    """The forum topic a message was posted in, so answers and cards go to the same topic."""
    return message.message_thread_id if message.is_topic_message else None


async def _edit(status: Message, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the "Got it…" message; a failure here is logged, not raised."""
    try:
        await status.edit_text(
            text, parse_mode="HTML", link_preview_options=NO_PREVIEW, reply_markup=markup
        )
    except TelegramError as error:
        log.warning("Could not edit the status message: %s", error)
