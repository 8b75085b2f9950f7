"""Which team something sent in private goes to: the sender's teams, and the question when
there are several (used by handlers/private.py and, for albums, handlers/media.py)."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.desk.errors import MembershipUnknown
from bot.i18n import N_, Words
from bot.records import Team, stored_id
from handlers.buttons import TeamButton
from handlers.context import DeskContext

# Each candidate team costs one getChatMember call (cached by the member gate); a bot in more
# groups than this asks fewer.
MAX_TEAMS_CHECKED = 50
CHOOSE = N_("You are in several teams. Which one should check this?")


def no_team_text(bot_username: str | None, words: Words) -> str:
    """How to get a team: add the bot to the group the fact-checkers already use."""
    if bot_username:
        # TRANSLATORS: {bot} is the bot's @username; "group info → Add members" names
        # Telegram's own menu (use the words Telegram's app shows in your language).
        return words._(
            "I can't find a team of yours: I only route forwards to a group where both you and "
            "I are members.\n\nAdd {bot} to your fact-checking group (group info → Add "
            "members), say something there once so I notice the group, then forward articles "
            "here again — or straight into the group.",
            bot="@" + bot_username,
        )
    # TRANSLATORS: "group info → Add members" names Telegram's own menu (use the words
    # Telegram's app shows in your language).
    return words._(
        "I can't find a team of yours: I only route forwards to a group where both you and I "
        "are members.\n\nAdd me to your fact-checking group (group info → Add members), say "
        "something there once so I notice the group, then forward articles here again — or "
        "straight into the group."
    )


def team_keyboard(teams: list[Team], words: Words) -> InlineKeyboardMarkup:
    """One button per team (callback data 'route:<team id>', far below 64 bytes)."""
    rows = [
        [
            InlineKeyboardButton(
                # TRANSLATORS: a button naming a team whose group has no title.
                team.title[:60] or words.pgettext("button", "Team {id}", id=team.id),
                callback_data=TeamButton(stored_id(team)).encode(),
            )
        ]
        for team in teams[:20]
    ]
    return InlineKeyboardMarkup(rows)


async def teams_of_user(context: DeskContext, user_id: int) -> list[Team]:
    """The active teams whose group Telegram says the user belongs to."""
    teams = (await context.services.views.active_teams())[:MAX_TEAMS_CHECKED]
    checks = await asyncio.gather(*(is_member(context, t.chat_id, user_id) for t in teams))
    return [team for team, member in zip(teams, checks, strict=True) if member]


async def is_member(context: DeskContext, chat_id: int, user_id: int) -> bool:
    """Whether the user is in the group now (the desk's one rule; False if Telegram won't say)."""
    try:
        return await context.services.members.is_member(chat_id, user_id)
    except MembershipUnknown:
        return False
