"""Reading PDFs, voice messages, video notes and videos as something to check (docs/media.md).

`handlers.submissions.read_submission` asks `media_reader` first, so a PDF or a recording is
read the same way wherever it comes: in a group, in private, or replied to with /check. What
cannot be read is said plainly; a caption that would be queued on its own is queued instead.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, Protocol

from telegram import Document, Message, Video, VideoNote, Voice

from bot.desk.errors import BadArguments, DeskError
from bot.i18n import N_, Lazy, Words
from bot.intake.intake_types import Draft, Origin
from bot.intake.media.files import FileRefused, FileTooBig, download_file
from bot.intake.media.ocr import OcrReader
from bot.intake.media.pdf import PdfError, PdfText, looks_like_pdf, pages_of, read_pdf
from bot.intake.media.place import media_json
from bot.intake.media.transcription import (
    NOT_CONFIGURED,
    Recording,
    Transcriber,
    TranscriptionFailed,
)
from bot.intake.web.errors import FetchError
from handlers.files import TelegramFiles

if TYPE_CHECKING:
    from bot.app.config import Settings

log = logging.getLogger(__name__)

ReadDraft = Callable[[], Awaitable[Draft]]
PDF_MIME = "application/pdf"


class HasOcr(Protocol):
    """The shared, bounded OCR reader (`bot.intake.media.service.Media` has it)."""

    @property
    def ocr(self) -> OcrReader: ...


class MediaReading(Protocol):
    """What reading media needs of the services (`handlers.context.Services` has it)."""

    @property
    def settings(self) -> Settings: ...
    @property
    def media(self) -> HasOcr: ...


@dataclass(frozen=True)
class Sent:
    """What came with the file: the caption, the forward's origin, and what /check asked."""

    caption: str
    origin: Origin | None
    kind: str | None  # "check" for /check, None for a message sent or forwarded
    alone: Draft | None  # the caption's own draft, when it would be queued without the file


@dataclass(frozen=True)
class Kind:
    """A recording's kind: how the card names it and how the server is told its format, and
    what the member is told about one (whole sentences: the noun changes with the sentence)."""

    name: str  # voice, video_note, video
    said: str  # "voice message", for the logs
    file_name: str
    mime_type: str
    title: Lazy  # the article's title: "Voice message ({duration})"
    too_long: Lazy  # {duration} and {limit} are durations ("1:05", "45 min")
    silent: Lazy


VOICE = Kind(
    "voice",
    "voice message",
    "voice.ogg",
    "audio/ogg",
    # TRANSLATORS: the title of an article read from a voice message; {duration} is "1:05".
    title=N_("Voice message ({duration})"),
    # TRANSLATORS: {duration} and {limit} are durations such as "1:05" or "45 min".
    too_long=N_(
        "That voice message is {duration} long; I transcribe recordings of up to {limit}. "
        "Send a shorter one, or paste what is said."
    ),
    silent=N_("I heard no speech in that voice message."),
)
VIDEO_NOTE = Kind(
    "video_note",
    "video message",
    "video_note.mp4",
    "video/mp4",
    # TRANSLATORS: the title of an article read from a round video message; {duration} is "1:05".
    title=N_("Video message ({duration})"),
    # TRANSLATORS: {duration} and {limit} are durations such as "1:05" or "45 min".
    too_long=N_(
        "That video message is {duration} long; I transcribe recordings of up to {limit}. "
        "Send a shorter one, or paste what is said."
    ),
    silent=N_("I heard no speech in that video message."),
)
VIDEO = Kind(
    "video",
    "video",
    "video.mp4",
    "video/mp4",
    # TRANSLATORS: the title of an article read from a video's sound; {duration} is "1:05".
    title=N_("Video ({duration})"),
    # TRANSLATORS: {duration} and {limit} are durations such as "1:05" or "45 min".
    too_long=N_(
        "That video is {duration} long; I transcribe recordings of up to {limit}. "
        "Send a shorter one, or paste what is said."
    ),
    silent=N_("I heard no speech in that video."),
)


def is_pdf(document: Document) -> bool:
    """A document that says it is a PDF (its bytes are checked once downloaded)."""
    name = PurePath(document.file_name or "").suffix.lower()
    return document.mime_type == PDF_MIME or name == ".pdf"


def media_reader(
    services: MediaReading, message: Message, sent: Sent, words: Words
) -> ReadDraft | None:
    """How to read a PDF or a recording; None for any other message, or a recording that is
    chatter (a member's own voice message in a group, not asked with /check). `words` name
    the article (a recording's title, a PDF's unread pages)."""
    settings = services.settings
    if message.document is not None and is_pdf(message.document):
        ocr = services.media.ocr
        return _pdf_reader(settings, message, message.document, sent, ocr, words)
    recording = _recording(message)
    if recording is None:
        return None
    kind, media = recording
    asked = sent.kind == "check" or sent.origin is not None or message.chat.type == "private"
    if not asked:
        return None  # a member talking in the group; /check it to have it transcribed
    return _recording_reader(settings, message, kind, media, sent, words)


def _recording(message: Message) -> tuple[Kind, Voice | VideoNote | Video] | None:
    if message.voice is not None:
        return VOICE, message.voice
    if message.video_note is not None:
        return VIDEO_NOTE, message.video_note
    if message.video is not None:
        return VIDEO, message.video
    return None


def _combined(sent: Sent, text: str) -> tuple[str, int]:
    """The caption (when there is one) and the file's text; where the file's text starts."""
    if not sent.caption:
        return text, 0
    return f"{sent.caption}\n\n{text}", len(sent.caption) + 2


def _draft_kind(sent: Sent) -> str:
    return sent.kind or ("forward" if sent.origin is not None else "document")


def _refuse(error: DeskError, sent: Sent) -> ReadDraft | None:
    """Fall back on the caption when it stands alone; else say why (raised)."""
    if sent.alone is not None:
        return None  # the caption is read the usual way
    raise error


def _pdf_reader(
    settings: Settings,
    message: Message,
    document: Document,
    sent: Sent,
    ocr: OcrReader,
    words: Words,
) -> ReadDraft | None:
    # TRANSLATORS: stands for a PDF's name when it has none ("{name} is damaged…").
    name = document.file_name or words._("that PDF")
    limit = settings.pdf_max_bytes
    if document.file_size and document.file_size > limit:
        return _refuse(FileTooBig(document.file_size, limit), sent)
    files = TelegramFiles(message.get_bot())

    async def read() -> Draft:
        try:
            downloaded = await download_file(
                files, document.file_id, declared_size=document.file_size, max_bytes=limit
            )
            if not looks_like_pdf(downloaded.content):
                raise PdfError(
                    # TRANSLATORS: {name} is the file's name.
                    N_("{name} is not a PDF inside (whatever its name says)."),
                    name=name,
                )
            pdf = await read_pdf(
                downloaded.content,
                name=name,
                max_pages=settings.pdf_max_pages,
                ocr_pages=settings.pdf_ocr_max_pages,
                seconds=settings.pdf_timeout_seconds,
                ocr=ocr if ocr.status.ready else None,
            )
        except (FileRefused, PdfError) as error:
            if sent.alone is not None:
                log.info("Reading %s failed (%s); queueing its caption", name, error)
                return sent.alone
            raise  # said on the "Got it" message (handlers/intake.py)
        text, shift = _combined(sent, pdf.text)
        # TRANSLATORS: the title of an article read from a PDF without a file name.
        title = document.file_name or words._("PDF document")
        return Draft(
            kind=_draft_kind(sent),
            text=text,
            title=_with_unread(title, pdf, words),
            url=sent.alone.url if sent.alone else None,
            origin=sent.origin,
            media=media_json("pdf", pages=pages_of(pdf, shift=shift), name=title),
        )

    return read


def _with_unread(title: str, pdf: PdfText, words: Words) -> str:
    """The title, saying so when scanned pages were left unread (PDF_OCR_MAX_PAGES)."""
    if not pdf.unread_scans:
        return title
    read = pdf.page_count - pdf.unread_scans
    # TRANSLATORS: a PDF's title; {read} is how many of its {n} pages were read.
    return words.ngettext(
        "{title} (read {read} of {n} page; the others are scans I did not read)",
        "{title} (read {read} of {n} pages; the others are scans I did not read)",
        pdf.page_count,
        title=title,
        read=words.number(read),
    )


def _recording_reader(
    settings: Settings,
    message: Message,
    kind: Kind,
    media: Voice | VideoNote | Video,
    sent: Sent,
    words: Words,
) -> ReadDraft | None:
    if not settings.transcription_url:
        return _refuse(BadArguments(NOT_CONFIGURED), sent)
    # Read from the object's dict: the `duration` attribute warns of its coming type change.
    seconds, duration = (
        settings.transcription_max_seconds,
        _seconds(media.to_dict().get("duration")),
    )
    if duration > seconds:
        too_long = BadArguments(
            kind.too_long, duration=_minutes(duration, words), limit=_minutes(seconds, words)
        )
        return _refuse(too_long, sent)
    limit = settings.transcription_max_bytes
    if media.file_size and media.file_size > limit:
        return _refuse(FileTooBig(media.file_size, limit), sent)
    transcriber = Transcriber(
        settings.transcription_url,
        api_key=settings.transcription_api_key.get_secret_value(),
        model=settings.transcription_model,
        timeout=settings.transcription_timeout_seconds,
    )
    files = TelegramFiles(message.get_bot())

    async def read() -> Draft:
        try:
            downloaded = await download_file(
                files, media.file_id, declared_size=media.file_size, max_bytes=limit
            )
            recording = Recording(downloaded.content, kind.file_name, kind.mime_type)
            heard = await transcriber.transcribe(recording)
        except (FileRefused, TranscriptionFailed) as error:
            if sent.alone is not None:
                log.info("Transcribing a %s failed (%s); queueing its caption", kind.said, error)
                return sent.alone
            raise  # said on the "Got it" message (handlers/intake.py)
        if not heard:
            if sent.alone is not None:
                return sent.alone
            raise FetchError(kind.silent)
        text, _ = _combined(sent, heard)
        return Draft(
            kind=_draft_kind(sent),
            text=text,
            title=words._(kind.title, duration=_minutes(duration, words)),
            url=sent.alone.url if sent.alone else None,
            origin=sent.origin,
            media=media_json(kind.name),
        )

    return read


def _seconds(duration: object) -> int:
    """A duration as Telegram gives it (seconds, or a timedelta in newer settings)."""
    if isinstance(duration, timedelta):
        return int(duration.total_seconds())
    return int(duration) if isinstance(duration, int | float) else 0


def _minutes(seconds: int, words: Words) -> str:
    """'1:05' for 65 seconds; '45 min' for long ones."""
    if seconds >= 3600:
        # TRANSLATORS: a duration in minutes ("45 min"); keep it short.
        return words._("{minutes} min", minutes=seconds // 60)
    return f"{seconds // 60}:{seconds % 60:02d}"


__all__ = ["Sent", "is_pdf", "media_reader"]
