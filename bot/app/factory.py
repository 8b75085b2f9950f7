"""The application factory: builds the python-telegram-bot Application with its services."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import (
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    ExtBot,
)
from telegram.request import BaseRequest

import handlers
from bot.app.config import Settings, check_token
from bot.app.http import AiohttpRequest
from bot.app.notifier import Notifier
from bot.app.pump import UpdatePump
from bot.app.ratelimit import SharedPace, TelegramLimits
from bot.desk.desk import Desk
from bot.desk.export import Exports
from bot.desk.imports import Imports
from bot.desk.languages import Languages
from bot.desk.membership import MemberGate
from bot.desk.notifications import Notices, Outbox
from bot.desk.people import KnownNames
from bot.desk.publication import Publication
from bot.desk.requests import Requests
from bot.desk.teams import Teams
from bot.desk.tipline import Tiplines
from bot.desk.views import Views
from bot.extraction.base import Extractor
from bot.extraction.offline import OfflineExtractor
from bot.extraction.scoring import make_scorer
from bot.intake.intake import Intake
from bot.intake.media.ocr import OcrReader, tesseract_status
from bot.intake.media.service import Media
from bot.intake.progress import ProgressMessages
from bot.intake.web.fetch import PageFetcher
from bot.matching.embeddings import EmbeddingsClient
from bot.matching.service import Matches, use_embeddings
from handlers.cards import CardPublisher
from handlers.context import BotData, DeskApplication, DeskContext, Services
from handlers.editors import EditorCheck
from handlers.membership import TelegramMembers
from storage import pace as pace_q
from storage.db import Database

if TYPE_CHECKING:
    from bot.app.webhook import WebhookServer

log = logging.getLogger(__name__)


def openai_configured(settings: Settings) -> bool:
    """Whether the operator set up an OpenAI-compatible endpoint (teams may then choose it)."""
    return settings.extractor == "openai" or bool(
        settings.openai_base_url or settings.openai_api_key.get_secret_value()
    )


def build_extractors(settings: Settings, db: Database | None) -> dict[str, Extractor]:
    """The offline extractor, and the OpenAI-compatible one when it is configured."""
    offline = OfflineExtractor(scorer=make_scorer(settings.claim_scorer))
    extractors: dict[str, Extractor] = {"offline": offline}
    if openai_configured(settings):
        from bot.extraction.cache import DatabaseExtractionCache
        from bot.extraction.openai import OpenAIExtractor
        from storage.extraction_cache import StoredJsonCache

        extractors["openai"] = OpenAIExtractor(
            api_key=settings.openai_api_key.get_secret_value(),
            base_url=settings.openai_base_url,
            model=settings.openai_model,
            fallback=offline,
            timeout=settings.openai_timeout_seconds,
            max_retries=settings.openai_max_retries,
            chunk_tokens=settings.openai_chunk_tokens,
            cache=DatabaseExtractionCache(StoredJsonCache(db)) if db is not None else None,
        )
    return extractors


def build_services(settings: Settings, application: DeskApplication) -> Services:
    """Every service the handlers use, wired to one database."""
    db = Database(
        settings.database_url,
        echo=settings.database_echo,
        pool_size=settings.database_pool_size,
    )
    fetcher = PageFetcher(
        allowed_hosts=settings.fetch_allowed_hosts,
        read_timeout=settings.fetch_timeout_seconds,
        max_bytes=settings.fetch_max_bytes,
        max_redirects=settings.fetch_max_redirects,
    )
    intake = Intake(
        db,
        fetcher=fetcher,
        extractors=build_extractors(settings, db),
        default_extractor=settings.extractor,
        max_claims=settings.max_claims,
        match_threshold=settings.match_threshold,
    )
    names = KnownNames()  # one cache of written names for the desk and team bookkeeping
    desk = Desk(
        db,
        default_quorum=settings.quorum,
        default_cards=settings.cards_at_once,
        default_extractor=settings.extractor,
        names=names,
    )
    views = Views(db)
    matches = Matches(db)
    languages = Languages(db)
    if settings.embeddings_url:  # matching by meaning too (docs/matching.md)
        use_embeddings(db, EmbeddingsClient(
            settings.embeddings_url, settings.embeddings_model,
            api_key=settings.embeddings_api_key.get_secret_value(),
            same_claim=settings.embeddings_same_claim,
        ))  # fmt: skip
    return Services(
        settings=settings,
        db=db,
        desk=desk,
        views=views,
        intake=intake,
        cards=CardPublisher(
            application,
            desk=desk,
            views=views,
            matches=matches,
            languages=languages,
            delay=settings.card_edit_delay_seconds,
        ),
        editors=EditorCheck(settings.editor_ids, ttl=settings.admin_cache_seconds),
        members=MemberGate(TelegramMembers(application.bot)),
        teams=Teams(db, names=names),
        publication=Publication(
            db,
            default_cards=settings.cards_at_once,
            cards_per_minute=settings.cards_per_minute,
        ),
        progress=ProgressMessages(db),
        matches=matches,
        exports=Exports(db),
        imports=Imports(db, max_bytes=settings.max_import_bytes),
        requests=Requests(db),
        notices=Notices(db),
        tiplines=Tiplines(
            db,
            per_minute=settings.tipline_per_minute,
            per_day=settings.tipline_per_day,
            names=names,
        ),
        media=build_media(settings, db),
        languages=languages,
    )


def build_media(settings: Settings, db: Database) -> Media:
    """Images and albums: OCR with Tesseract when it is installed (said once at start-up)."""
    ocr = OcrReader(
        max_pixels=settings.max_image_pixels,
        timeout=settings.ocr_timeout_seconds,
        concurrency=settings.ocr_concurrency,
        status=tesseract_status(settings.tesseract_cmd),
    )
    if not ocr.status.ready or ocr.status.missing:
        log.warning(ocr.status.install_hint)  # one line: what to install
    return Media(
        db,
        ocr=ocr,
        max_image_bytes=settings.max_image_bytes,
        album_quiet=settings.album_quiet_seconds,
        worker=worker_name(settings),
    )


async def _prepare(application: DeskApplication) -> None:
    """Migrate the database, set the command menus, and resume unfinished work."""
    services = application.bot_data.require_services()
    await services.db.upgrade()
    await handlers.set_command_menus(application)
    await handlers.resume_unfinished(application)


async def _close_bot_clients(application: DeskApplication) -> None:
    """Close the Bot API HTTP clients, also after an initialize that failed at getMe: PTB then
    leaves them open and its own shutdown does nothing (the bot never counted as initialized).
    """
    # Bot._request holds the two clients (getUpdates' and the rest's); no public accessor has both.
    for request in application.bot._request:
        await request.shutdown()  # a no-op for a client already closed


async def _close_services(services: Services) -> None:
    """Close the HTTP clients and the database, each whatever became of the others."""
    async with AsyncExitStack() as stack:
        stack.push_async_callback(services.db.dispose)
        stack.push_async_callback(services.intake.fetcher.close)
        for extractor in services.intake.extractors.values():
            close = getattr(extractor, "close", None)
            if close is not None:
                stack.push_async_callback(close)


def build_application(settings: Settings, *, request: BaseRequest | None = None) -> DeskApplication:
    """Build the Application: bot client, typed context, services, handlers, error handler."""
    token = check_token(settings)
    # Typed with an open bot type: the rate limiter below, when settings ask for one, sets it.
    builder: ApplicationBuilder[
        ExtBot[Any], DeskContext, dict[Any, Any], dict[Any, Any], BotData, Any
    ] = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .context_types(ContextTypes(context=DeskContext, bot_data=BotData))
        # A reply quotes the member's message; if they deleted it meanwhile, send it anyway.
        .defaults(Defaults(allow_sending_without_reply=True))
        .updater(None)  # updates come through bot.app.pump: stored before they are acknowledged
        # No post_init/post_shutdown hooks: they fire only under run_polling/run_webhook, which
        # this bot never calls. `running_bot` is the one lifecycle.
    )
    if settings.rate_limit:
        builder = builder.rate_limiter(
            TelegramLimits(
                group_per_minute=settings.group_messages_per_minute,
                overall_per_second=settings.messages_per_second,
                max_retries=3,
            )
        )
    # aiohttp under python-telegram-bot's request interface (bot/app/http.py: a fifth of the CPU
    # of its default HTTPXRequest per call). A connection for every update applied at once: each
    # makes its calls (getChatMember, the answer) one after another, and with fewer connections
    # the calls of a burst of first presses queued in the client (docs/performance.md, session 12).
    builder = builder.request(
        request
        or AiohttpRequest(
            connection_pool_size=settings.updates_at_once, read_timeout=15, write_timeout=15
        )
    )
    builder = builder.get_updates_request(
        AiohttpRequest(connection_pool_size=1, read_timeout=settings.poll_timeout + 10)
    )
    application = builder.build()
    services = application.bot_data.services = build_services(settings, application)
    limiter = application.bot.rate_limiter
    engine = services.db.solo
    if isinstance(limiter, TelegramLimits) and engine is not None:
        # Telegram's overall limit counts the bot, not a process: on PostgreSQL, where several
        # processes can share the work, every message also books a turn in the database.
        limiter.share(
            SharedPace(
                lambda size, window: pace_q.book_turn(engine, size=size, window=window),
                per_second=settings.messages_per_second,
            )
        )
    handlers.register(application)
    return application


def worker_name(settings: Settings) -> str:
    """This process's name in the update store (unfinished work is resumed under it)."""
    return settings.worker_id or f"{socket.gethostname()}"


@asynccontextmanager
async def running_bot(
    settings: Settings, *, receive: bool = True
) -> AsyncIterator[DeskApplication]:
    """Run the bot inside an `async with` block: polling (or webhook) into the update store.

    Used by `factcheck-bot run`, the demo and the tests alike. With `receive=False` the process
    only works off the shared store (a second worker on PostgreSQL).
    """
    application = build_application(settings)
    services = application.bot_data.require_services()
    # Every resource is registered the moment it exists and released in reverse order on every
    # path: a normal stop, an error while running, and a start that failed half-way (Telegram
    # unreachable, the database refusing the migration): `factcheck-bot run` tries again and
    # must find the port, the database and the HTTP clients free.
    async with AsyncExitStack() as stack:
        stack.push_async_callback(_close_services, services)
        stack.push_async_callback(_close_bot_clients, application)
        await application.initialize()
        stack.push_async_callback(application.shutdown)
        stack.push_async_callback(services.cards.flush)  # final card edits need the bot client
        await _prepare(application)
        await application.start()
        stack.push_async_callback(application.stop)
        receive = receive and settings.receive_updates
        if receive:
            # Verdicts back to requesters, sent by the process that receives updates only: a
            # group's messages then pace through one process's flood windows. A second worker's
            # notifier posted into groups the receiver was already filling (load run, 2026-12-07:
            # up to 25 messages a minute into one group; 20 with this), and the outbox waits,
            # durably, while the receiver is down.
            notifier = _notifier(application, services, settings)
            await notifier.start()
            stack.push_async_callback(notifier.stop)
        pump = UpdatePump(
            application,
            services.db,
            worker_id=worker_name(settings),
            receive=receive and not settings.webhook_url,
            poll_timeout=settings.poll_timeout,
            concurrency=settings.updates_at_once,
            housekeeping=_housekeeping,
            units=application.bot_data.units,  # where DeskContext finds each update's unit
        )
        if receive and settings.webhook_url:
            webhook = await _start_webhook(application, pump, settings, settings.webhook_url)
            stack.push_async_callback(webhook.cleanup)
        elif receive:
            await application.bot.delete_webhook(drop_pending_updates=False)
        stack.push_async_callback(pump.stop)
        services.cards.activity = pump.activity  # a refresh goes out once the bot has caught up
        await pump.start()
        application.bot_data.pump = pump
        yield application


def _notifier(application: DeskApplication, services: Services, settings: Settings) -> Notifier:
    """The sender loop of the verdict outbox (bot/app/notifier.py)."""
    outbox = Outbox(services.db, worker=worker_name(settings), delay=settings.notify_delay_seconds)
    return Notifier(
        application,
        outbox,
        languages=services.languages,
        per_group_per_minute=settings.notify_per_group_per_minute,
        per_second=settings.notify_per_second,
    )


async def _housekeeping(pump: UpdatePump) -> None:
    """Periodic work the pump runs: re-post cards whose first send failed."""
    await handlers.repost_unposted_cards(
        pump.application, worker=pump.worker_id, started_at=pump.started_at
    )
    await handlers.resume_albums(pump.application)  # albums whose reader went away


async def _start_webhook(
    application: DeskApplication, pump: UpdatePump, settings: Settings, url: str
) -> WebhookServer:
    """Serve the webhook at `url` (settings.webhook_url) and tell Telegram where it is."""
    from bot.app.webhook import start_webhook_server, webhook_path

    secret = settings.webhook_secret.get_secret_value()
    runner = await start_webhook_server(
        pump,
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        path=webhook_path(url),
        secret=secret,
    )
    try:
        await application.bot.set_webhook(
            url, secret_token=secret, allowed_updates=Update.ALL_TYPES
        )
    except BaseException:
        await runner.cleanup()  # the port is free for the next attempt
        raise
    return runner
