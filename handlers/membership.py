"""Membership: the bot's own (added, removed, group upgraded) and the members' (who may act)."""

from __future__ import annotations

import logging

from telegram import Bot, ChatMember, Update
from telegram.error import BadRequest, TelegramError

from bot.desk.errors import MembershipUnknown
from bot.desk.membership import MemberStatus
from bot.desk.people import Member
from bot.i18n import N_, Lazy, words
from handlers.context import DeskContext

log = logging.getLogger(__name__)


class TelegramMembers:
    """The `MemberDirectory` of `bot.desk.membership`: getChatMember through the bot's client."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def status(self, chat_id: int, user_id: int) -> MemberStatus | None:
        """The user's status in the chat; None when Telegram knows no such member."""
        try:
            member = await self.bot.get_chat_member(chat_id, user_id)
        except BadRequest as error:
            # "user not found", "member not found", "PARTICIPANT_ID_INVALID": not in the group.
            log.info("No membership of %s in %s: %s", user_id, chat_id, error)
            return None
        except TelegramError as error:
            log.warning("Could not check membership of %s in %s: %s", user_id, chat_id, error)
            raise MembershipUnknown() from error
        return MemberStatus(member.status, bool(getattr(member, "is_member", False)))


async def require_member(update: Update, context: DeskContext, action: Lazy) -> None:
    """Refuse (NotAMember, with the reason) unless the sender is in this group now.

    `action` is marked for translation: `require_member(update, context, N_("vote on its claims"))`.

    An anonymous admin speaks as the group itself: only admins can, so that passes.
    """
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or chat.type not in ("group", "supergroup"):
        return
    if update.callback_query is None and message is not None and message.sender_chat is not None:
        if message.sender_chat.id == chat.id:
            return
    await context.services.members.require(
        chat_id=chat.id, user_id=user.id if user else 0, team=chat.title or "", action=action
    )


async def on_member_change(update: Update, context: DeskContext) -> None:
    """Forget the cached membership of a user who joined, left or was banned."""
    change = update.chat_member
    if change is None:
        return  # registered for chat_member updates
    member = change.new_chat_member or change.old_chat_member
    if change.chat is None or member is None or member.user is None:
        return  # not a change Telegram would send
    context.services.members.forget(change.chat.id, member.user.id)


# TRANSLATORS: the bot's first message in a group it was just added to.
GREETING = N_(
    "Hello, fact desk! 👋 Forward me articles, channel posts or links (or reply /check to a "
    "message) and I'll queue their checkable claims here. /help lists everything."
)


async def on_my_membership(update: Update, context: DeskContext) -> None:
    """Create the team when the bot joins a group; stop posting (keep data) when it leaves."""
    change = update.my_chat_member
    if change is None:
        return  # registered for my_chat_member updates
    chat = change.chat
    if chat.type not in ("group", "supergroup"):
        return
    joined = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
    services = context.services
    if joined:
        await services.teams.joined(
            chat_id=chat.id,
            title=chat.title or "",
            chat_type=chat.type,
            is_forum=bool(chat.is_forum),
        )
        if change.old_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED):
            # The team's language: an editor's earlier choice, else most members' (it was
            # looked up before the team existed, so not from `context.words`).
            services.languages.members_changed(chat.id)
            adder = change.from_user.language_code if change.from_user else None
            said = words(await services.languages.of_group(chat.id, adder))
            await context.bot.send_message(chat.id, said._(GREETING))
    else:
        await services.teams.left(chat_id=chat.id)


async def on_migrate(update: Update, context: DeskContext) -> None:
    """Keep the queue when a group becomes a supergroup (its chat id changes)."""
    message = update.effective_message
    if message is None:
        return  # registered for service messages
    if message.migrate_to_chat_id:
        old, new = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old, new = message.migrate_from_chat_id, message.chat.id
    else:
        return
    await context.services.teams.migrated(old_chat_id=old, new_chat_id=new)


async def remember_member(update: Update, context: DeskContext) -> None:
    """Note who speaks in which team's group (to route their private forwards)."""
    _forget_joins_and_leaves(update, context)
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or user.is_bot or chat.type not in ("group", "supergroup"):
        return
    # A button press is always on one of our messages: the team exists and the vote itself
    # records the member.
    if update.callback_query is not None:
        return
    recorded = await context.services.teams.saw_member(
        Member.of(user),
        chat_id=chat.id,
        title=chat.title or "",
        chat_type=chat.type,
        is_forum=bool(chat.is_forum),
    )
    if recorded:  # a member's language counts now: the team's may follow the majority
        context.services.languages.members_changed(chat.id)


def _forget_joins_and_leaves(update: Update, context: DeskContext) -> None:
    """A join or leave message changes who may act: drop those users' cached answers."""
    message = update.message
    if message is None:
        return
    changed = list(message.new_chat_members or ())
    if message.left_chat_member is not None:
        changed.append(message.left_chat_member)
    for user in changed:
        context.services.members.forget(message.chat.id, user.id)
