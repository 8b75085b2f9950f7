"""After intake: extract an article's claims in the background and post the summary and cards."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import TelegramError
from telegram.ext import Application

from bot.desk.budget import reserve_cards
from bot.intake.intake import Extracted
from handlers import render
from handlers.context import Services
from handlers.queue_anyway import queue_anyway_keyboard
from storage import teams as team_q

log = logging.getLogger(__name__)

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


async def publish_article(application: Application, article_id: int) -> None:
    """Extract the article's claims, then replace "Got it…" with the summary and post cards."""
    services: Services = application.bot_data.services
    try:
        extracted = await services.intake.extract(article_id)
    except Exception:
        log.exception("Extraction failed for article %s", article_id)
        await _say(application, article_id, "⚠️ I could not extract claims from this article.")
        return
    if extracted is None:
        return
    article = extracted.article
    async with services.db.read() as session:
        team = await team_q.get_team_by_id(session, team_id=article.team_id)
    if team is None or not team.active:
        return
    # Within the group's message budget (bot/desk/budget.py): the cards that do not fit now are
    # deferred in the same transaction that decided it, and the summary lists them.
    plan = await reserve_cards(
        services.db,
        team_id=team.id,
        article_id=article.id,
        claim_ids=[c.id for c in extracted.claims],
        cards_at_once=team.cards_at_once or services.settings.cards_at_once,
        cards_per_minute=services.settings.cards_per_minute,
    )
    posted = plan.post
    found = await services.views.source_of(article)
    source = render.link(found.label, found.link)
    await _summary(application, extracted, source, posted, busy=plan.busy)
    for claim in extracted.claims[:posted]:
        await services.cards.post(claim, chat_id=team.chat_id, thread_id=article.thread_id)


async def _summary(
    application: Application, extracted: Extracted, source: str, posted: int, *, busy: bool
) -> None:
    """Edit the status message into the article's summary (or send it if that fails)."""
    article = extracted.article
    text = render.summary_message(extracted, source, posted, busy=busy)
    markup = None
    if extracted.offer_whole:  # nothing queued: the member may still queue the text as one claim
        other_language = extracted.refused_language is not None
        markup = queue_anyway_keyboard(article.id, other_language=other_language)
    if await _edit(application, article.chat_id, article.status_message_id, text, markup):
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


async def _edit(
    application: Application,
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


async def _say(application: Application, article_id: int, text: str) -> None:
    """Tell the chat something about an article via its status message."""
    services: Services = application.bot_data.services
    async with services.db.read() as session:
        from storage.articles import get_article

        article = await get_article(session, article_id=article_id)
    if article is not None:
        await _edit(application, article.chat_id, article.status_message_id, text)


async def resume_extractions(application: Application) -> None:
    """Finish extractions that a restart interrupted."""
    services: Services = application.bot_data.services
    async with services.db.read() as session:
        from storage.articles import unfinished_extractions

        pending = await unfinished_extractions(session)
    for article_id in pending:
        log.info("Resuming extraction of article %s", article_id)
        application.create_task(publish_article(application, article_id))
