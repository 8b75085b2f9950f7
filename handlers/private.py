"""Private chats: route what a member sends the bot privately to their team's group."""

from __future__ import annotations

import logging
import weakref

from telegram import Message, Update

from bot.desk.tipline import TiplineRefused
from bot.i18n import N_
from bot.records import Team
from handlers import buttons, media
from handlers.buttons import TeamButton, answer
from handlers.context import DeskContext
from handlers.intake import check_reader, queue_submission
from handlers.status import reply
from handlers.submissions import ReadDraft, read_submission
from handlers.teams_choice import CHOOSE, is_member, no_team_text, team_keyboard, teams_of_user
from handlers.tipline import route_tip

log = logging.getLogger(__name__)

# Forwards waiting for the sender to pick a team; the oldest are forgotten first.
MAX_PENDING = 500

# Albums from someone without a team already answered (each part would hear it again), per
# running bot, bounded: a second worker may answer once more.
_ANSWERED_ALBUMS: weakref.WeakKeyDictionary[object, dict[str, None]] = weakref.WeakKeyDictionary()
# TRANSLATORS: keep "/check &lt;text&gt;" as it is (it shows as "/check <text>").
PRIVATE_HINT = N_(
    "Forward me an article or a channel post, send a link or a document, or use "
    "/check &lt;text&gt;: I'll queue its claims in your team's group."
)


async def on_private_message(update: Update, context: DeskContext) -> None:
    """Route a forward, link, document or long text sent in private to the sender's team."""
    if update.effective_message is None:
        return  # registered for messages
    read = read_submission(context.services, update.effective_message, context.words)
    if read is None:
        await reply(update, context.words._(PRIVATE_HINT))
        return
    await _route(update, context, read)


async def on_private_image(update: Update, context: DeskContext) -> None:
    """A photo or an image file sent in private: read with OCR for the sender's team."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return  # registered for messages
    if message.media_group_id:  # an album: gathered, then routed once (route_album)
        teams = await teams_of_user(context, user.id)
        team = teams[0] if teams else await _tip_team(context, user.id)
        if team is not None:
            await media.gather_part(update, context, message, message.media_group_id, team=team)
            return
        answered = _ANSWERED_ALBUMS.setdefault(context.application, {})
        key = f"{message.chat.id}:{message.media_group_id}"
        if key in answered:
            return  # told for the album's first part
        answered[key] = None
        while len(answered) > MAX_PENDING:
            answered.pop(next(iter(answered)))
    await _route(update, context, media.image_reader(context, [message]), image=message)


async def _tip_team(context: DeskContext, user_id: int) -> Team | None:
    """The team of a tipline sender who may send now (the album is filed under it)."""
    try:
        return await context.services.tiplines.admit(user_id=user_id)
    except TiplineRefused:
        return None  # each part hears why (route_tip)


async def on_private_check(update: Update, context: DeskContext) -> None:
    """/check in private: route its text, its link or the replied-to message to the team."""
    await _route(update, context, check_reader(update, context))


async def _route(
    update: Update, context: DeskContext, read: ReadDraft, *, image: Message | None = None
) -> None:
    """Send to the sender's one team, ask which when there are several, explain when none.

    An `image` goes through handlers/media.py, which knows the team's images (and duplicates).
    """
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return  # private messages come from a member
    teams = await teams_of_user(context, user.id)
    if not teams:
        if await route_tip(update, context, read):  # someone who came through a tipline
            return
        await reply(update, no_team_text(context.bot.username, context.words))
        return
    if len(teams) == 1 and image is not None:
        await media.queue_images(update, context, [image], asked=False, team=teams[0])
        return
    if len(teams) == 1:
        await queue_submission(update, context, read, team=teams[0])
        return
    question = await message.reply_text(  # quoted: after a restart the answer finds it
        context.words._(CHOOSE),
        reply_markup=team_keyboard(teams, context.words),
        do_quote=True,
        allow_sending_without_reply=True,
    )
    pending = context.bot_data.pending_private
    pending[f"{question.chat_id}:{question.message_id}"] = read
    while len(pending) > MAX_PENDING:
        pending.pop(next(iter(pending)))


async def on_team_choice(update: Update, context: DeskContext) -> None:
    """Send a waiting private forward to the team the member picked."""
    query = update.callback_query
    if query is None:
        return  # registered for button presses
    button = buttons.pressed(query, TeamButton)  # only a team this question offered
    question = query.message
    if button is None or not isinstance(question, Message):  # on a message it can still reach
        await answer(query, context.words._(buttons.INVALID))
        return
    team = await context.services.views.active_team(team_id=button.team_id)
    # The button's data could be forged: check membership again, not just the list we offered.
    if team is None or not await is_member(context, team.chat_id, query.from_user.id):
        await answer(
            query, context.words._("You are not a member of that team's group."), alert=True
        )
        return
    read = context.bot_data.pending_private.pop(f"{question.chat.id}:{question.message_id}", None)
    image = question.reply_to_message  # the question replies to what is waiting
    if image is not None and media.image_ref(image) is not None:
        await answer(query, _sending(context, team))
        images = await media.album_messages(context, image)  # an album's every part
        await media.queue_images(update, context, images, asked=False, team=team, status=question)
        return
    if read is None and question.reply_to_message is not None:
        # After a restart the waiting forward is gone from memory, but the question replies to it.
        read = read_submission(context.services, question.reply_to_message, context.words)
    if read is None:
        await answer(
            query, context.words._("I no longer have that message; forward it again."), alert=True
        )
        return
    await answer(query, _sending(context, team))
    await queue_submission(update, context, read, team=team, status=question)


def _sending(context: DeskContext, team: Team) -> str:
    """The toast once a member picked the team (its name as the group has it)."""
    # TRANSLATORS: a short notice (a toast); {team} is the name of the team's group.
    return context.words._("Sending to {team}", team=team.title)
