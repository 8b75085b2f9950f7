"""/export: the team's claims as a file in the chat (editors)."""

from __future__ import annotations

import asyncio
import tempfile

from telegram import Update

from bot.desk.errors import BadArguments, NotAnEditor
from bot.desk.export import export_filename, parse_since
from bot.i18n import N_
from handlers.context import DeskContext
from handlers.render import status_names

FORMATS = ("csv", "json", "claimreview")
# TRANSLATORS: how to use /export; keep csv, json, claimreview and the date's form as they are.
USAGE = N_(
    "Use /export [csv|json|claimreview] [since YYYY-MM-DD], for example /export csv 2026-11-01."
)
CAPTIONS = {
    # TRANSLATORS: what an exported file holds, in its caption ("12 claims — one row per claim").
    "csv": N_("one row per claim"),
    "json": N_("full detail with notes and history"),
    "claimreview": N_("schema.org ClaimReview for claims with a verdict"),
}


async def on_export(update: Update, context: DeskContext) -> None:
    """Send the team's claims as CSV, JSON or ClaimReview JSON-LD."""
    services = context.services
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or message is None:
        return  # commands always come as a message in a chat
    if not await services.editors.is_editor(context.bot, chat, user, message):
        raise NotAnEditor(N_("export the team's claims"))
    args = [a.lower() for a in context.args or []]
    fmt = args[0] if args else "csv"
    if fmt not in FORMATS:
        # TRANSLATORS: {format} is what was typed after /export; {usage} how to use it.
        unknown = N_("“{format}” is not an export format. {usage}")
        raise BadArguments(unknown, format=fmt[:20], usage=USAGE)
    since = parse_since(args[1]) if len(args) > 1 else None
    team = await services.desk.team_of(chat_id=chat.id)
    settings = services.settings
    # A temporary file, not memory: a large team's export streams through it.
    with tempfile.TemporaryFile() as out:
        stats = await services.exports.write(
            out,
            chat_id=chat.id,
            fmt=fmt,
            since=since,
            org_url=settings.export_org_url,
            review_url=settings.export_review_url,
            status_name=status_names(context.words),
        )
        await asyncio.to_thread(out.seek, 0)
        await message.reply_document(
            out,
            filename=export_filename(team, fmt),
            # TRANSLATORS: an exported file's caption; {what} is what it holds.
            caption=context.words.ngettext(
                "{n} claim — {what}", "{n} claims — {what}", stats.claims, what=CAPTIONS[fmt]
            ),
        )
