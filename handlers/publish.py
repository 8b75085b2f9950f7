"""After intake: extract an article's claims in the background and post the summary and cards."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, ReplyParameters
from telegram.error import TelegramError

from bot.i18n import N_, Lazy, Words, words
from bot.intake.intake import Extracted
from bot.matching.answers import KnownVerdict
from bot.records import stored_id
from handlers import render
from handlers.context import DeskApplication
from handlers.queue_anyway import queue_anyway_keyboard

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def publish_article(application: DeskApplication, article_id: int) -> None:
    """Extract the article's claims, then replace "Got it…" with the summary and post cards."""
    services = application.bot_data.require_services()
    try:
        extracted = await services.intake.extract(article_id)
    except Exception:
        log.exception("Extraction failed for article %s", article_id)
        await _say(application, article_id, N_("⚠️ I could not extract claims from this article."))
        return
    if extracted is None:
        return
    article = extracted.article
    # Within the group's message budget (bot/desk/budget.py): the cards that do not fit now are
    # deferred in the same transaction that decided it, and the summary lists them.
    plan = await services.publication.plan_article(
        article, [stored_id(c) for c in extracted.claims]
    )
    if plan is None:
        return  # the bot left the group
    posted = plan.post
    found = await services.views.source_of(article)
    said = await _words_of(application, article.chat_id)
    source = render.link(found.said(said), found.link)
    # Claims the desk has settled before are answered at once, in the summary (issue 15 item 5).
    known = await services.matches.known_verdicts(
        claim_ids=[stored_id(c) for c in extracted.claims],
        team_id=article.team_id,
        post=None if extracted.refused_language else article.text,
        threshold=services.settings.match_threshold,
    )
    await _summary(application, extracted, source, posted, busy=plan.busy, known=known)
    if known:
        await _answer_in_private(application, article_id, known)
    for claim in extracted.claims[:posted]:
        await services.cards.post(claim, chat_id=plan.chat_id, thread_id=article.thread_id)


async def _summary(
    application: DeskApplication,
    extracted: Extracted,
    source: str,
    posted: int,
    *,
    busy: bool,
    known: Sequence[KnownVerdict] = (),
) -> None:
    """Edit the status message into the article's summary (or send it if that fails)."""
    article = extracted.article
    said = await _words_of(application, article.chat_id)
    text = render.summary_message(extracted, source, posted, said, busy=busy, known=known)
    markup = None
    if extracted.offer_whole:  # nothing queued: the member may still queue the text as one claim
        other_language = extracted.refused_language is not None
        markup = queue_anyway_keyboard(
            stored_id(article), other_language=other_language, words=said
        )
    if await _edit(application, article.chat_id, article.status_message_id, text, markup):
        return
    if article.chat_id is None:
        log.warning("Article %s has no chat to post its summary in", article.id)
        return
    try:
        await application.bot.send_message(
            article.chat_id,
            text,
            parse_mode="HTML",
            message_thread_id=article.thread_id,
            link_preview_options=NO_PREVIEW,
            reply_markup=markup,
        )
    except TelegramError as error:
        log.warning("Could not post the summary of article %s: %s", article.id, error)


async def _answer_in_private(
    application: DeskApplication, article_id: int, known: Sequence[KnownVerdict]
) -> None:
    """Tell whoever sent the article in private what the desk already knows about it."""
    services = application.bot_data.require_services()
    for chat_id, message_id in await services.matches.private_asks(article_id=article_id):
        said = await _words_of(application, chat_id)  # the private chat's, not the group's
        text = "\n".join(render.already_checked(item, said, in_group=False) for item in known)
        reply = (
            ReplyParameters(message_id, allow_sending_without_reply=True) if message_id else None
        )
        try:
            await application.bot.send_message(
                chat_id, text, parse_mode="HTML", link_preview_options=NO_PREVIEW,
                reply_parameters=reply,
            )  # fmt: skip
        except TelegramError as error:  # blocked or gone: the group's summary still says it
            log.warning("Could not answer article %s in chat %s: %s", article_id, chat_id, error)


async def _edit(
    application: DeskApplication,
    chat_id: int | None,
    message_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> bool:
    """Edit a message the bot sent; False when there is none or Telegram refuses."""
    if chat_id is None or message_id is None:
        return False
    try:
        await application.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            parse_mode="HTML",
            link_preview_options=NO_PREVIEW,
            reply_markup=markup,
        )
    except TelegramError as error:
        log.warning("Could not edit message %s in %s: %s", message_id, chat_id, error)
        return False
    return True


async def _say(application: DeskApplication, article_id: int, message: Lazy) -> None:
    """Tell the chat something about an article via its status message."""
    services = application.bot_data.require_services()
    article = await services.publication.article(article_id)
    if article is not None:
        said = await _words_of(application, article.chat_id)
        await _edit(application, article.chat_id, article.status_message_id, said._(message))


async def _words_of(application: DeskApplication, chat_id: int | None) -> Words:
    """The words of the chat an article's summary goes to (this runs outside any update: the
    extraction may resume after a restart)."""
    if chat_id is None:
        return words()
    return words(await application.bot_data.require_services().languages.of_chat(chat_id))


async def resume_extractions(application: DeskApplication) -> None:
    """Finish extractions that a restart interrupted."""
    services = application.bot_data.require_services()
    for article_id in await services.publication.unfinished_extractions():
        log.info("Resuming extraction of article %s", article_id)
        application.create_task(publish_article(application, article_id))
