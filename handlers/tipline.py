"""The public tipline: /tipline on|off for editors, the deep link's /start, tips sent in private,
the team's "block sender" button, and /forget."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.desk.errors import DeskError
from bot.desk.people import Member, display_name
from bot.desk.tipline import TiplineRefused, TiplineState, deep_link
from bot.i18n import N_, Words
from bot.i18n import words as words_in
from bot.records import Team, stored_id
from handlers import buttons
from handlers.buttons import BlockSenderButton, answer
from handlers.context import DeskContext
from handlers.intake import queue_submission
from handlers.membership import require_member
from handlers.status import reply
from handlers.submissions import ReadDraft
from handlers.votes import member_of

log = logging.getLogger(__name__)

TIPLINE_USAGE = N_("Use /tipline on to open the public tipline, /tipline off to close it.")
# TRANSLATORS: {team} is the name of the team's group; keep /notify off and /forget as they are.
WELCOME = N_(
    "👋 This is the tipline of {team}.\n\n"
    "Send me a text, a link or a forward you want checked. The desk will look at it, and I'll "
    "tell you the verdict here.\n\n"
    "/notify off — no verdict messages · /forget — delete what I know about you"
)
FORGOTTEN = N_(
    "Done: your name and user id are gone from the desk's records, and so are your pending "
    "verdict messages. What you sent stays as anonymous tips. Telegram's raw updates I keep "
    "for a week to recognise re-deliveries are then deleted too."
)
NOTHING_TO_FORGET = N_(
    "I keep no tipline data about you. (Team members: your name stays on your votes and notes; "
    "ask an editor.)"
)


def tipline_text(state: TiplineState | None, bot_username: str, words: Words) -> str:
    """Where the tipline stands, with the link to share."""
    usage = words._(TIPLINE_USAGE)
    if state is None:
        # TRANSLATORS: {usage} is "Use /tipline on to open the public tipline, …".
        return words._("The tipline is off. {usage}", usage=usage)
    link = deep_link(bot_username, state)
    if not state.enabled:
        # TRANSLATORS: {link} is the tipline's t.me link; {usage} "Use /tipline on to open…".
        return words._(
            "The tipline is off (its link {link} says so). {usage}", link=escape(link), usage=usage
        )
    # TRANSLATORS: {link} is the tipline's t.me link, on a line of its own.
    return words._(
        "📮 The tipline is on. Share this link: anyone who opens it can send the desk things "
        "to check in private, and hears the verdict.\n{link}\n\n"
        "Tips arrive here marked 📮, with a button to block the sender. /tipline off closes it.",
        link=escape(link),
    )


async def on_tipline(update: Update, context: DeskContext) -> None:
    """/tipline [on|off] in the team's group: open, close or show the public tipline."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return  # commands always come in a chat
    if chat.type == "private":
        await reply(update, context.words._("Use /tipline in your team's group."))
        return
    choice = context.args[0].lower() if context.args else ""
    tiplines = context.services.tiplines
    if choice in ("on", "off"):
        is_editor = await context.services.editors.is_editor(
            context.bot, chat, update.effective_user, message
        )
        state: TiplineState | None = await tiplines.switch(
            chat_id=chat.id, on=choice == "on", is_editor=is_editor
        )
    elif choice:
        await reply(update, context.words._(TIPLINE_USAGE))
        return
    else:
        state = await tiplines.state(chat_id=chat.id)
    await reply(update, tipline_text(state, context.bot.username, context.words))


async def on_start_tip(update: Update, context: DeskContext) -> None:
    """/start tip-<token> in private: someone opened a team's tipline link."""
    user = update.effective_user
    if user is None:
        return  # commands always come from someone
    payload = context.args[0] if context.args else ""
    tiplines = context.services.tiplines
    team = await tiplines.team_of_link(payload=payload)
    words = context.words
    if team is None:
        await reply(update, words._("This tipline is closed. Thanks for wanting to help!"))
        return
    if await _is_member(context, team, user.id):
        # TRANSLATORS: {team} is the name of the team's group.
        text = words._(
            "You are in {team} already: forward me things and they go to the team's queue as "
            "usual.",
            team=escape(team.title),
        )
        await reply(update, text)
        return
    await tiplines.welcome(team=team, member=Member.of(user))
    # TRANSLATORS: stands for the team's name in "This is the tipline of {team}" when it has none.
    team_name = team.title or words._("the fact desk")
    await reply(update, words._(WELCOME, team=escape(team_name)))


async def route_tip(update: Update, context: DeskContext, read: ReadDraft) -> bool:
    """A private message from a tipline sender: queue it for their team; False if not one."""
    user = update.effective_user
    if user is None:
        return False
    try:
        team = await context.services.tiplines.admit(user_id=user.id)
    except TiplineRefused as error:
        await reply(update, escape(error.say(context.words)))
        return True
    if team is None:
        return False
    received = await queue_submission(update, context, read, team=team, source="tipline")
    if received is not None:
        await _tell_team(context, team, Member.of(user), stored_id(received.article))
    return True


async def _tell_team(context: DeskContext, team: Team, member: Member, article_id: int) -> None:
    """Mark the tip in the team's group, with a button to block its sender."""
    tip = await context.services.tiplines.tip_id(user_id=member.id, article_id=article_id)
    if tip is None:
        return
    words = await _team_words(context, team)
    block = words.pgettext("button", "🚫 Block sender")
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(block, callback_data=BlockSenderButton(tip).encode())]]
    )
    # TRANSLATORS: in the team's group; {sender} is the tipline sender's name.
    text = words._(
        "📮 Tipline: {sender} sent article #{id} (/claim its claims as usual).",
        sender=escape(display_name(member)),
        id=article_id,
    )
    try:
        await context.bot.send_message(team.chat_id, text, parse_mode="HTML", reply_markup=markup)
    except TelegramError as error:  # the tip is queued all the same
        log.warning("Could not tell team %s about a tip: %s", team.id, error)


async def on_block_sender(update: Update, context: DeskContext) -> None:
    """The team's "🚫 Block sender" under a tip: no more tips from that person."""
    press = await buttons.press_in_chat(update, BlockSenderButton, words=context.words, alert=True)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    words = context.words
    try:
        await require_member(update, context, N_("block tipline senders"))
        said = await context.services.tiplines.block(chat_id=chat.id, request_id=button.request_id)
    except DeskError as error:
        await answer(query, error.say(words), alert=True)
        return
    await answer(query, words._(said))
    notice = query.message
    if isinstance(notice, Message) and notice.text_html:
        who = escape(display_name(member_of(update)))
        # TRANSLATORS: added under a tip in the team's group; {member} is who blocked its sender.
        blocked = words._("🚫 Blocked by {member}.", member=who)
        try:
            await notice.edit_text(f"{notice.text_html}\n{blocked}", parse_mode="HTML")
        except TelegramError as error:
            log.info("Could not mark the tip as blocked: %s", error)


async def on_forget(update: Update, context: DeskContext) -> None:
    """/forget in private: delete a tipline sender's personal data (the claims stay)."""
    user = update.effective_user
    if user is None:
        return  # commands always come from someone
    forgotten = await context.services.tiplines.forget(user_id=user.id)
    await reply(update, context.words._(FORGOTTEN if forgotten else NOTHING_TO_FORGET))


async def _team_words(context: DeskContext, team: Team) -> Words:
    """The words of the team's group (a tip is told there, not in the sender's chat)."""
    return words_in(await context.services.languages.of_group(team.chat_id))


async def _is_member(context: DeskContext, team: Team, user_id: int) -> bool:
    """Whether the user is in the team's group now (then they are no tipline sender)."""
    try:
        return await context.services.members.is_member(team.chat_id, user_id)
    except DeskError:
        return False
