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

from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, Lazy, words
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

# The command menus, each description a message (Telegram: at most 256 characters).
GROUP_COMMANDS: list[tuple[str, Lazy]] = [
    # TRANSLATORS: descriptions of the bot's commands in Telegram's command menu (at most 256
    # characters; keep the /commands and what is in <…> and […] as they are).
    ("status", N_("The queue at a glance, or /status <id>")),
    ("check", N_("Check a text or link, or reply to a message")),
    ("queue", N_("Open claims, page by page")),
    ("claim", N_("One claim in full: /claim <id>")),
    ("mine", N_("Claims I took")),
    ("note", N_("Add a note: /note <id> <text>")),
    ("verdict", N_("Editors: /verdict <id> <rating> [reason]")),
    ("reopen", N_("Editors: reopen a claim")),
    ("dismiss", N_("Editors: dismiss a claim")),
    ("settings", N_("Team settings")),
    ("export", N_("Editors: claims as CSV, JSON or ClaimReview")),
    ("import", N_("Editors: import fact-checks (reply to a ClaimReview file)")),
    ("notify", N_("Verdicts on what I sent: /notify on|off")),
    ("tipline", N_("Editors: the public tipline, /tipline on|off")),
    ("language", N_("The language I speak here")),
    ("help", N_("What I do")),
]
PRIVATE_COMMANDS: list[tuple[str, Lazy]] = [
    # TRANSLATORS: descriptions of the bot's commands in the command menu of a private chat.
    ("start", N_("How to use the fact desk")),
    ("check", N_("Check a text or link")),
    ("notify", N_("Verdicts on what I sent: /notify on|off")),
    ("forget", N_("Tipline senders: delete what the bot knows about me")),
    ("language", N_("The language I speak to you")),
    ("help", N_("What I do")),
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
    """Publish the command menu for groups and for private chats, in each language we speak.

    English is the menu of every client; a client set to Ukrainian or Russian gets its own
    (Telegram picks the menu by the user's `language_code`).
    """
    bot = application.bot
    menus = [
        (GROUP_COMMANDS, BotCommandScopeAllGroupChats()),
        (PRIVATE_COMMANDS, BotCommandScopeAllPrivateChats()),
    ]
    for code in LANGUAGES:
        said = words(code)
        menu_language = None if code == DEFAULT_LANGUAGE else code
        for commands, scope in menus:
            menu = [BotCommand(name, said._(description)) for name, description in commands]
            await bot.set_my_commands(menu, scope=scope, language_code=menu_language)


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
