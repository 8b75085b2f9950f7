"""The Telegram edge: every handler, registered in one ordered list."""

from __future__ import annotations

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    Update,
)
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from handlers import (
    admin,
    buttons,
    export,
    imports,
    intake,
    language,
    matches,
    media,
    membership,
    notes,
    notify,
    private,
    queue_anyway,
    status,
    tipline,
    votes,
)
from handlers.context import DeskApplication
from handlers.errors import on_error
from handlers.publish import resume_extractions
from handlers.retry import repost_unposted_cards

GROUP_COMMANDS = [
    ("status", "The queue at a glance, or /status <id>"),
    ("check", "Check a text or link, or reply to a message"),
    ("queue", "Open claims, page by page"),
    ("claim", "One claim in full: /claim <id>"),
    ("mine", "Claims I took"),
    ("note", "Add a note: /note <id> <text>"),
    ("verdict", "Editors: /verdict <id> <rating> [reason]"),
    ("reopen", "Editors: reopen a claim"),
    ("dismiss", "Editors: dismiss a claim"),
    ("settings", "Team settings"),
    ("export", "Editors: claims as CSV, JSON or ClaimReview"),
    ("import", "Editors: import fact-checks (reply to a ClaimReview file)"),
    ("notify", "Verdicts on what I sent: /notify on|off"),
    ("tipline", "Editors: the public tipline, /tipline on|off"),
    ("help", "What I do"),
]
PRIVATE_COMMANDS = [
    ("start", "How to use the fact desk"),
    ("check", "Check a text or link"),
    ("notify", "Verdicts on what I sent: /notify on|off"),
    ("forget", "Tipline senders: delete what the bot knows about me"),
    ("help", "What I do"),
]

# New messages only: an edited message must never become a second article.
NEW_GROUP_MESSAGES = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS
NEW_PRIVATE_MESSAGES = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
# Voice messages, video notes and videos have no text: handlers/media_readers.py reads them.
RECORDINGS = filters.VOICE | filters.VIDEO_NOTE | filters.VIDEO
IMPORT_FILE = (
    filters.UpdateType.MESSAGE & filters.Document.ALL & filters.CaptionRegex(imports.CAPTION)
)
SOMETHING_TO_CHECK = (
    filters.TEXT | filters.CAPTION | filters.Document.ALL | RECORDINGS
) & ~filters.COMMAND


def register(application: DeskApplication) -> None:
    """Add every handler. Order matters: the first matching handler in a group wins."""
    # Group -1 runs before everything else and never stops the update: remember who is where.
    application.add_handler(TypeHandler(Update, membership.remember_member), group=-1)
    # Group -2 before that: which language this chat is spoken to in (handlers/language.py).
    application.add_handler(TypeHandler(Update, language.resolve_words), group=-2)

    # A tipline's deep link (/start tip-<token>) before the plain /start; /forget is private.
    application.add_handler(
        CommandHandler(
            "start",
            tipline.on_start_tip,
            filters=NEW_PRIVATE_MESSAGES & filters.Regex(r"^/start tip-"),
        )
    )
    application.add_handler(
        CommandHandler("forget", tipline.on_forget, filters=NEW_PRIVATE_MESSAGES)
    )
    # In private, /check goes to the sender's team, not to a "team" of one.
    application.add_handler(
        CommandHandler("check", private.on_private_check, filters=NEW_PRIVATE_MESSAGES)
    )
    # /check replying to a photo, an image file or a sticker reads the image (handlers/media.py).
    application.add_handler(
        CommandHandler(
            "check",
            media.on_check_image,
            filters=filters.UpdateType.MESSAGE & filters.ChatType.GROUPS & media.REPLY_TO_IMAGE,
        )
    )
    command_handlers = [
        ("start", status.on_start),
        ("help", status.on_help),
        ("status", status.on_status),
        ("claim", status.on_claim),
        ("queue", status.on_queue),
        ("mine", status.on_mine),
        ("check", intake.on_check),
        ("note", notes.on_note),
        ("verdict", admin.on_verdict),
        ("reopen", admin.on_reopen),
        ("dismiss", admin.on_dismiss),
        ("settings", admin.on_settings),
        ("export", export.on_export),
        ("import", imports.on_import),
        ("notify", notify.on_notify),
        ("tipline", tipline.on_tipline),
        ("language", language.on_language),
    ]
    for name, callback in command_handlers:
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    # One pattern per button kind, from its codec (handlers/buttons.py).
    button_handlers = [
        (buttons.VoteButton, votes.on_vote),
        (buttons.TakeButton, votes.on_assign),
        (buttons.QueueButton, status.on_queue_page),
        (buttons.SettingButton, admin.on_settings_button),
        (buttons.MatchButton, matches.on_match_button),
        (buttons.TeamButton, private.on_team_choice),
        (buttons.QueueWholeButton, queue_anyway.on_queue_anyway),
        (buttons.SettledButton, notify.on_settled_button),
        (buttons.BlockSenderButton, tipline.on_block_sender),
    ]
    for kind, callback in button_handlers:
        application.add_handler(CallbackQueryHandler(callback, pattern=buttons.pattern(kind)))
    application.add_handler(CallbackQueryHandler(votes.on_unknown_button))

    application.add_handler(
        ChatMemberHandler(membership.on_my_membership, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    # Someone joined, left or was banned: who may vote changed (bot/desk/membership.py).
    application.add_handler(
        ChatMemberHandler(membership.on_member_change, ChatMemberHandler.CHAT_MEMBER)
    )
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, membership.on_migrate))

    # A reply to one of our cards is a note, not an article: check it before intake.
    application.add_handler(
        MessageHandler(NEW_GROUP_MESSAGES & filters.REPLY & ~filters.COMMAND, notes.on_card_reply),
        group=1,
    )
    # A file captioned /import is fact-checks for the history, not an article: before intake.
    application.add_handler(MessageHandler(IMPORT_FILE, imports.on_import_document), group=2)
    # Photos and image files (an album's parts too) are read with OCR before anything is said.
    application.add_handler(
        MessageHandler(NEW_GROUP_MESSAGES & media.IMAGES & ~filters.COMMAND, media.on_group_image),
        group=2,
    )
    application.add_handler(
        MessageHandler(NEW_GROUP_MESSAGES & SOMETHING_TO_CHECK, intake.on_group_message), group=2
    )
    application.add_handler(
        MessageHandler(
            NEW_PRIVATE_MESSAGES & media.IMAGES & ~filters.COMMAND, private.on_private_image
        ),
        group=2,
    )
    application.add_handler(
        MessageHandler(NEW_PRIVATE_MESSAGES & SOMETHING_TO_CHECK, private.on_private_message),
        group=2,
    )
    application.add_error_handler(on_error)


async def set_command_menus(application: DeskApplication) -> None:
    """Publish the command menu for groups and for private chats."""
    bot = application.bot
    await bot.set_my_commands(
        [BotCommand(n, d) for n, d in GROUP_COMMANDS], scope=BotCommandScopeAllGroupChats()
    )
    await bot.set_my_commands(
        [BotCommand(n, d) for n, d in PRIVATE_COMMANDS], scope=BotCommandScopeAllPrivateChats()
    )


resume_albums = media.resume_albums

__all__ = [
    "register",
    "repost_unposted_cards",
    "resume_albums",
    "resume_unfinished",
    "set_command_menus",
]


async def resume_unfinished(application: DeskApplication) -> None:
    """Pick up work a restart interrupted (extractions under way, albums being read)."""
    await resume_extractions(application)
    await media.resume_albums(application, restarted=True)
