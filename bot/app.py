"""The application factory: builds the python-telegram-bot Application with its services."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest, HTTPXRequest

import handlers
from bot.config import Settings, check_token
from bot.desk import Desk
from bot.extraction.base import Extractor
from bot.extraction.offline import OfflineExtractor
from bot.intake import Intake
from bot.views import Views
from bot.web.fetch import PageFetcher
from handlers.cards import CardPublisher
from handlers.context import BotData, DeskContext, Services
from handlers.editors import EditorCheck
from storage.db import Database

log = logging.getLogger(__name__)


def build_extractors(settings: Settings) -> dict[str, Extractor]:
    """The offline extractor, and the OpenAI-compatible one when a key or endpoint is set."""
    offline = OfflineExtractor()
    extractors: dict[str, Extractor] = {"offline": offline}
    if settings.extractor == "openai" or settings.openai_base_url:
        from bot.extraction.openai import OpenAIExtractor

        extractors["openai"] = OpenAIExtractor(
            api_key=settings.openai_api_key.get_secret_value() or "not-needed",
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            fallback=offline,
            timeout=settings.openai_timeout_seconds,
            max_retries=settings.openai_max_retries,
            chunk_tokens=settings.openai_chunk_tokens,
        )
    return extractors


def build_services(settings: Settings, application: Application) -> Services:
    """Every service the handlers use, wired to one database."""
    db = Database(settings.database_url, echo=settings.database_echo)
    fetcher = PageFetcher(
        allowed_hosts=settings.fetch_allowed_hosts,
        read_timeout=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
    )
    intake = Intake(
        db,
        fetcher=fetcher,
        extractors=build_extractors(settings),
        default_extractor=settings.extractor,
        max_claims=settings.max_claims,
    )
    return Services(
        settings=settings,
        db=db,
        desk=Desk(
            db,
            default_quorum=settings.quorum,
            default_cards=settings.cards_at_once,
            default_extractor=settings.extractor,
        ),
        views=Views(db),
        intake=intake,
        cards=CardPublisher(application, delay=settings.card_edit_delay_seconds),
        editors=EditorCheck(settings.editor_ids, ttl=settings.admin_cache_seconds),
    )


async def _post_init(application: Application) -> None:
    """Migrate the database, set the command menus, and resume unfinished work."""
    services: Services = application.bot_data.services
    await services.db.upgrade()
    await handlers.set_command_menus(application)
    await handlers.resume_unfinished(application)


async def _post_shutdown(application: Application) -> None:
    """Close the HTTP clients and the database."""
    services: Services = application.bot_data.services
    await services.cards.flush()
    await services.intake.fetcher.close()
    await services.db.dispose()


def build_application(settings: Settings, *, request: BaseRequest | None = None) -> Application:
    """Build the Application: bot client, typed context, services, handlers, error handler."""
    token = check_token(settings)
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .context_types(ContextTypes(context=DeskContext, bot_data=BotData))
        .concurrent_updates(64)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.rate_limit:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    builder = builder.request(
        request or HTTPXRequest(connection_pool_size=16, read_timeout=15, write_timeout=15)
    )
    builder = builder.get_updates_request(HTTPXRequest(read_timeout=settings.poll_timeout + 10))
    application = builder.build()
    application.bot_data.services = build_services(settings, application)
    handlers.register(application)
    return application


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[Application]:
    """Run the bot with long polling inside an `async with` block (tests, the demo)."""
    application = build_application(settings)
    async with application:
        await _post_init(application)
        await application.updater.start_polling(
            poll_interval=0.0, timeout=settings.poll_timeout, drop_pending_updates=False
        )
        await application.start()
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
            await _post_shutdown(application)
