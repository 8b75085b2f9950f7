"""Where an article was read from (a PDF's pages, a voice message), and so where a claim is.

An article read from a file keeps a small JSON note in its `media` column (migration 0006):
``{"from": "pdf", "pages": [[offset, page], ...]}`` or ``{"from": "voice"}``. A claim's start
offset in the article's text then tells the card "report.pdf, p. 3" or "from the voice message".
"""

from __future__ import annotations

import bisect
import json
import logging
from collections.abc import Sequence
from typing import Any

from bot.i18n import ENGLISH, N_, Lazy, Words

log = logging.getLogger(__name__)

RECORDING_PLACES: dict[str, Lazy] = {
    # TRANSLATORS: where on a card a claim comes from ("📎 from the voice message").
    "voice": N_("from the voice message"),
    "video_note": N_("from the video message"),
    "video": N_("from the video"),
}


def media_json(
    source: str, *, pages: Sequence[tuple[int, int]] = (), name: str | None = None
) -> str:
    """The `media` column of an article read from `source` ("pdf", "voice", ...); `name` is
    the file's, for the card (the article's title may say more)."""
    note: dict[str, Any] = {"from": source}
    if name:
        note["name"] = name
    if pages:
        note["pages"] = [[offset, page] for offset, page in pages]
    return json.dumps(note, separators=(",", ":"))


def page_at(pages: Sequence[Sequence[int]], offset: int) -> int | None:
    """The page an offset of the text is on; None before the first page (in a caption)."""
    starts = [start for start, _ in pages]
    if not starts or offset < starts[0]:
        return None
    return pages[bisect.bisect_right(starts, offset) - 1][1]


def claim_place(
    media: str | None, title: str | None, offset: int, words: Words = ENGLISH
) -> str | None:
    """Where a claim starting at `offset` is, for its card; None for an article from text."""
    if not media:
        return None
    try:
        note = json.loads(media)
        source = str(note["from"])
        pages = [(int(start), int(page)) for start, page in note.get("pages", ())]
        title = str(note.get("name") or title or "") or None
    except (ValueError, TypeError, KeyError) as error:
        log.warning("Unreadable media note %r: %s", media[:80], error)
        return None
    if source in RECORDING_PLACES:
        return words._(RECORDING_PLACES[source])
    if source == "image":  # bot/intake/media/compose.py writes these notes
        return image_place(note, offset, words)
    page = page_at(pages, offset)
    if page is None:
        return None
    if title:
        # TRANSLATORS: a page of a file, on a claim's card ("report.pdf, p. 3").
        return words._("{title}, p. {page}", title=title, page=page)
    # TRANSLATORS: a page of a file whose name is not known, on a claim's card ("p. 3").
    return words._("p. {page}", page=page)


def image_place(note: dict[str, Any], offset: int, words: Words = ENGLISH) -> str | None:
    """Where a claim starting at `offset` is: "from the image" (or "from image 2" of an album);
    None in a caption. The note: {"images": [[start, end, number], ...], "count": N}."""
    for start, end, number in note.get("images", ()):
        if int(start) <= offset < int(end):
            if note.get("count") == 1:
                return words._("from the image")
            # TRANSLATORS: which image of an album a claim comes from ("from image 2").
            return words._("from image {number}", number=number)
    return None
