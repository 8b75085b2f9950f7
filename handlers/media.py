"""Photos, image files and albums in a team's group: read with OCR and queued like text.

An image is read before anything is said: a photo with no text in a group is chatter and gets
no answer, while `/check` on it hears "I found no text in that image." Albums arrive as one
update per image; each part is stored as its update's effect, and once the album has been
quiet for a moment one task reads it as one submission (docs/media.md).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape
from pathlib import PurePath

from telegram import Chat, Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import filters

from bot.desk.errors import DeskError
from bot.i18n import N_
from bot.intake.intake import Draft, Received
from bot.intake.media.compose import Part, compose
from bot.intake.media.files import READABLE_IMAGE_KINDS, download_file
from bot.intake.media.ocr import OcrUnavailable
from bot.intake.media.service import ImageRef, SeenImage
from bot.intake.web.errors import FetchError
from bot.records import Team, stored_id
from handlers.context import DeskApplication, DeskContext
from handlers.files import TelegramFiles
from handlers.intake import _progress_message, answer_duplicate, queue_submission
from handlers.language import words_of
from handlers.submissions import Parsed, ReadDraft, parse_message, static_reader
from handlers.teams_choice import CHOOSE, no_team_text, team_keyboard, teams_of_user
from handlers.tipline import route_tip

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff"})
# A member's own photo is queued when its text is at least this long (a sentence or so);
# a forwarded one, or one asked for with /check, whatever it says.
MIN_IMAGE_CHARS = 60
NO_TEXT = N_("I found no text in that image.")
NO_OCR = N_("I can't read images on this installation yet.")
STICKER = N_("That is a sticker: there is no text in it to check. Send a screenshot instead.")
READING_ALBUM = N_("Got it — reading the album…")


class _ReplyToImage(filters.MessageFilter):
    """A message that replies to a photo, an image file or a sticker (for /check)."""

    def filter(self, message: Message) -> bool:
        target = message.reply_to_message
        return target is not None and (image_ref(target) is not None or bool(target.sticker))


REPLY_TO_IMAGE = _ReplyToImage()
IMAGES = filters.PHOTO | filters.Document.IMAGE | filters.Document.FileExtension("webp")


def image_ref(message: Message) -> ImageRef | None:
    """The image in a message: the largest size of a photo, or an image sent as a file."""
    if message.photo:
        largest = message.photo[-1]
        return ImageRef(largest.file_id, largest.file_unique_id, largest.file_size)
    document = message.document
    if document is None:
        return None
    suffix = PurePath(document.file_name or "").suffix.lower()
    if (document.mime_type or "").startswith("image/") or suffix in IMAGE_SUFFIXES:
        return ImageRef(document.file_id, document.file_unique_id, document.file_size)
    return None


async def on_group_image(update: Update, context: DeskContext) -> None:
    """Read a photo or an image file (or store one part of an album) and queue its text."""
    message = update.effective_message
    if message is None:
        return  # registered for messages
    if message.media_group_id:
        await gather_part(update, context, message, message.media_group_id)
        return
    await queue_images(update, context, [message], asked=False)


async def on_check_image(update: Update, context: DeskContext) -> None:
    """Read the image that /check replies to; always answer."""
    message = update.effective_message
    target = message.reply_to_message if message else None
    if message is None or target is None:
        return  # the filter saw a reply
    if target.sticker:
        await message.reply_text(context.words._(STICKER))
        return
    await queue_images(update, context, [target], asked=True)


async def queue_images(
    update: Update,
    context: DeskContext,
    sources: Sequence[Message],
    *,
    asked: bool,
    status: Message | None = None,
    team: Team | None = None,
) -> Received | None:
    """Read the images of `sources` (one message, or an album's), then queue captions and text.

    An image the team was sent before is answered as the earlier article, without OCR. `team`
    is where it goes when that is not this chat's team (an image sent to the bot in private:
    it was sent to be checked, so it is queued whatever it says, and no text is answered).
    """
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    services = context.services
    team = team or await _team(context, chat)
    # Sent to the bot in private: asked to be checked, like a private text.
    wanted = asked or chat.type == ChatType.PRIVATE
    refs = [ref for ref in (image_ref(source) for source in sources) if ref is not None]
    parsed = [parse_message(source) for source in sources]
    try:
        looked = await services.media.look(
            TelegramFiles(context.bot), refs, team_id=stored_id(team)
        )
        if looked.earlier is not None:
            status = status or await _progress_message(update, context, message)
            await answer_duplicate(update, context, looked.earlier, status, team=team, asked=asked)
            return looked.earlier
        await services.media.read_text(looked.images)
    except OcrUnavailable:
        return await _captions_only(update, context, parsed, asked=asked, status=status, team=team)
    except DeskError as error:  # a file too big, damaged, animated, not an image; OCR failed
        if _captions_stand(parsed, asked=wanted):
            log.info("Could not read an image (%s); queueing its caption", error)
            return await _captions_only(
                update, context, parsed, asked=asked, status=status, team=team
            )
        await _say(message, status, f"⚠️ {escape(error.say(context.words))}")
        return None
    draft = _draft(parsed, looked.images, asked=asked, wanted=wanted)
    copy = await services.media.near_copy(looked.images, draft.text) if draft else None
    if copy is not None:  # a re-encoded or resized copy of an image the team has
        status = status or await _progress_message(update, context, message)
        await answer_duplicate(update, context, copy, status, team=team, asked=asked)
        return copy
    if draft is None:
        if wanted or status is not None:
            await _say(message, status, context.words._(NO_TEXT))
        return None  # a photo without text in a group is chatter
    received = await queue_submission(
        update, context, static_reader(draft), status=status, team=team
    )
    if received is not None and not received.duplicate:
        await services.media.remember(
            team_id=stored_id(team), article_id=stored_id(received.article), images=looked.images
        )
    return received


def _draft(
    parsed: Sequence[Parsed], images: Sequence[SeenImage], *, asked: bool, wanted: bool = False
) -> Draft | None:
    """Captions and image texts as one draft; None when there is nothing worth queueing.

    `asked`: with /check; `wanted`: asked, or sent in private (queued whatever it says)."""
    texts = [image.text.text if image.text else "" for image in images]
    texts += [""] * (len(parsed) - len(texts))
    composed = compose([Part(p.text, text) for p, text in zip(parsed, texts, strict=True)])
    origin = next((p.origin for p in parsed if p.origin is not None), None)
    if not composed.text.strip():
        return None
    enough = len(composed.text) >= MIN_IMAGE_CHARS and composed.has_image_text
    if not (asked or wanted or origin is not None or enough):
        return None  # a member's snapshot with a word or two on it
    caption = next((p for p in parsed if p.text), None)
    return Draft(
        kind="check" if asked else ("forward" if origin is not None else "image"),
        text=composed.text,
        title=caption.text.split("\n", 1)[0][:120] if caption else None,
        url=caption.source_link if caption else None,
        origin=origin,
        media=composed.media if composed.has_image_text else None,
    )


def _captions_stand(parsed: Sequence[Parsed], *, asked: bool) -> bool:
    """Whether the captions would be queued on their own (asked, forwarded, or long)."""
    text = " ".join(p.text for p in parsed if p.text)
    forwarded = any(p.origin is not None for p in parsed)
    return bool(text) and (asked or forwarded or len(text) >= MIN_IMAGE_CHARS)


async def _captions_only(
    update: Update,
    context: DeskContext,
    parsed: Sequence[Parsed],
    *,
    asked: bool,
    status: Message | None,
    team: Team | None = None,
) -> Received | None:
    """No Tesseract here: queue the captions when they hold text, else say so."""
    message = update.effective_message
    assert message is not None  # checked by the caller
    captions = [p for p in parsed if p.text]
    if not captions:
        await _say(message, status, context.words._(NO_OCR))
        return None
    origin = next((p.origin for p in parsed if p.origin is not None), None)
    text = "\n\n".join(dict.fromkeys(p.text for p in captions))
    draft = Draft(
        kind="check" if asked else ("forward" if origin is not None else "image"),
        text=text,
        url=captions[0].source_link,
        origin=origin,
    )
    return await queue_submission(update, context, static_reader(draft), status=status, team=team)


def image_reader(context: DeskContext, messages: Sequence[Message]) -> ReadDraft:
    """The images' text and captions (one message's, or an album's) as a draft, read when
    called, for a route whose team is known only inside it (a tipline's sender in private);
    what cannot be read is said plainly. Without the team's earlier images to compare, the
    same image again is known by its text."""

    async def read() -> Draft:
        parsed = [parse_message(message) for message in messages]
        media = context.services.media
        seen = []
        for message in messages:
            ref = image_ref(message)
            if ref is None:
                continue
            try:
                downloaded = await download_file(
                    TelegramFiles(context.bot),
                    ref.file_id,
                    declared_size=ref.size,
                    max_bytes=media.max_image_bytes,
                    accept=READABLE_IMAGE_KINDS,
                    wanted=N_("a PNG, JPEG or WebP image"),
                )
                text = await media.ocr.read(downloaded.content)
            except OcrUnavailable:
                if not any(p.text for p in parsed):
                    raise FetchError(NO_OCR) from None
                text = None
            seen.append(SeenImage(ref, b"", downloaded.sha256, None, text=text))
        draft = _draft(parsed, seen, asked=False, wanted=True)
        if draft is None:
            raise FetchError(NO_TEXT)
        return draft

    return read


async def _say(message: Message, status: Message | None, text: str) -> None:
    """Edit the status message with `text`, or reply with it when there is none."""
    try:
        if status is not None:
            await status.edit_text(text, parse_mode="HTML")
        else:
            await message.reply_html(text)
    except TelegramError as error:
        log.warning("Could not answer about an image: %s", error)


async def _team(context: DeskContext, chat: Chat) -> Team:
    """This group's team (created on first sight)."""
    return await context.services.teams.joined(
        chat_id=chat.id, title=chat.title or "", chat_type=chat.type, is_forum=bool(chat.is_forum)
    )


# -- albums ------------------------------------------------------------------------------------


async def gather_part(
    update: Update,
    context: DeskContext,
    message: Message,
    group_id: str,
    *,
    team: Team | None = None,
) -> None:
    """Store an album's part (this update's effect); the first part says "Got it".

    `team`: the team of the member who sends an album in private (the one it is filed under;
    where it goes is asked when it is read, route_album)."""
    team = team or await _team(context, message.chat)
    member = update.effective_user
    stored = await context.services.media.add_album_part(
        chat_id=message.chat.id,
        media_group_id=group_id,
        team_id=stored_id(team),
        submitted_by=member.id if member else None,
        thread_id=message.message_thread_id if message.is_topic_message else None,
        message_id=message.message_id,
        update_id=update.update_id,
        message=message.to_dict(),
    )
    if stored is None:  # the album was already read: this late part goes alone
        await queue_images(update, context, [message], asked=False, team=team)
        return
    album, opened = stored
    if opened:
        try:  # a reply in private too: asked there which team, the answer finds the album
            status = await message.reply_text(
                context.words._(READING_ALBUM), do_quote=True, allow_sending_without_reply=True
            )
        except TelegramError as error:
            log.warning("Could not say the album is being read: %s", error)
        else:
            await context.services.media.set_album_status(
                album_id=stored_id(album), message_id=status.message_id
            )
    context.application.create_task(
        read_album_when_quiet(context.application, stored_id(album)), update=update
    )


async def read_album_when_quiet(application: DeskApplication, album_id: int) -> None:
    """Wait until no part came for a moment, take the album (once), and read it."""
    media = application.bot_data.require_services().media
    if not await media.take_when_quiet(album_id):
        return  # still waited for elsewhere, taken by another worker, or read already
    try:
        await _read_album(application, album_id)
    except Exception as error:
        log.exception("Reading album %s failed; it will be tried again", album_id)
        await media.release_album(album_id, error=repr(error))


async def _read_album(application: DeskApplication, album_id: int) -> None:
    """Read a taken album as one submission, answering on its "Got it" message."""
    services = application.bot_data.require_services()
    album = await services.media.album(album_id)
    payloads = await services.media.album_parts(album_id)
    if album is None or not payloads:
        return
    bot = application.bot
    messages = [Message.de_json(payload, bot) for _, payload in payloads]
    queued = await services.media.queued_already(album)
    if queued is not None:  # its reader died after queueing it: keep that, say nothing again
        refs = [ref for ref in (image_ref(m) for m in messages) if ref is not None]
        await services.media.remember_new(
            TelegramFiles(bot), refs, team_id=album.team_id, article_id=stored_id(queued)
        )
        await services.media.finish_album(album_id, article=queued)
        return
    first = messages[0]
    # The first part's update stands for the album: the answer replies to it.
    update = Update(update_id=payloads[0][0], message=first)
    context = DeskContext.from_update(update, application)
    context.words = await words_of(update, context)  # read after its update: its chat's words
    status = await _album_status(context, first, album.status_message_id)
    if first.chat.type == ChatType.PRIVATE:  # sent to the bot: to the member's team
        received = await route_album(update, context, messages, status)
    else:
        received = await queue_images(update, context, messages, asked=False, status=status)
    await services.media.finish_album(album_id, article=received.article if received else None)


async def route_album(
    update: Update, context: DeskContext, messages: list[Message], status: Message
) -> Received | None:
    """An album sent in private, read once gathered: to the member's one team, or the team
    they pick (the question is its "Got it" message, which replies to the album)."""
    user = update.effective_user
    teams = await teams_of_user(context, user.id) if user is not None else []
    if not teams and await route_tip(update, context, image_reader(context, messages)):
        try:  # the tip is answered on its own message (thanks, or why not)
            await status.delete()
        except TelegramError as error:
            log.info("Could not remove the album's 'Got it': %s", error)
        return None  # a tipline sender's album: one tip
    if len(teams) == 1:
        return await queue_images(
            update, context, messages, asked=False, status=status, team=teams[0]
        )
    words = context.words
    text = words._(CHOOSE) if teams else no_team_text(context.bot.username, words)
    markup = team_keyboard(teams, words) if teams else None
    try:
        await status.edit_text(text, reply_markup=markup)
    except TelegramError as error:
        log.warning("Could not ask where an album goes: %s", error)
    return None


async def album_messages(context: DeskContext, part: Message) -> list[Message]:
    """Every stored part of the album `part` belongs to (just `part` when none is stored)."""
    if not part.media_group_id:
        return [part]
    media = context.services.media
    album = await media.album_in_chat(chat_id=part.chat.id, media_group_id=part.media_group_id)
    payloads = await media.album_parts(stored_id(album)) if album is not None else []
    return [Message.de_json(payload, context.bot) for _, payload in payloads] or [part]


async def _album_status(context: DeskContext, first: Message, message_id: int | None) -> Message:
    """The album's "Got it" message (sent now if the bot stopped before sending it)."""
    if message_id is not None:
        status = Message(message_id=message_id, date=first.date, chat=first.chat)
        status.set_bot(context.bot)
        return status
    return await first.reply_text(
        context.words._(READING_ALBUM), do_quote=True, allow_sending_without_reply=True
    )


async def resume_albums(application: DeskApplication, *, restarted: bool = False) -> None:
    """Read albums a restart (`restarted`: this worker's own) or a lost worker left unread."""
    media = application.bot_data.require_services().media
    for album_id in await media.albums_to_resume(restarted=restarted):
        application.create_task(read_album_when_quiet(application, album_id))
