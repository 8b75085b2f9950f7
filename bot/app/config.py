"""Settings: read from the environment and `.env`, validated once at start-up."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from storage.db import POOL_SIZE

# A BotFather token: the bot's numeric id, a colon, and a 35-character secret.
TOKEN_PATTERN = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")


class Settings(BaseSettings):
    """Everything the operator can configure; `.env.example` documents each field."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr = SecretStr("")
    telegram_base_url: str = "https://api.telegram.org/bot"
    telegram_base_file_url: str = "https://api.telegram.org/file/bot"
    database_url: str = "sqlite+aiosqlite:///factcheck.db"
    database_echo: bool = False
    # PostgreSQL connections a bot process keeps open (docs/reliability.md).
    database_pool_size: int = Field(default=POOL_SIZE, ge=1, le=200)

    extractor: Literal["offline", "openai"] = "offline"
    claim_scorer: Literal["offline", "embeddings"] = "offline"  # embeddings: .[embeddings] extra
    max_claims: int = Field(default=10, ge=1, le=50)
    quorum: int = Field(default=2, ge=1, le=50)
    cards_at_once: int = Field(default=5, ge=1, le=20)
    cards_per_minute: int = Field(default=10, ge=0, le=100)  # per group; 0 = no budget
    editor_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    admin_cache_seconds: int = Field(default=300, ge=0)
    card_edit_delay_seconds: float = Field(default=1.0, ge=0.0, le=30.0)
    # Verdicts told back to requesters (docs/usage.md, "Verdicts go back to who asked").
    notify_delay_seconds: float = Field(default=30.0, ge=0.0, le=3600.0)
    notify_per_group_per_minute: int = Field(default=8, ge=0, le=20)  # 0 = no pace per group
    notify_per_second: int = Field(default=20, ge=1, le=30)
    # The public tipline's limits per sender (bot/desk/tipline.py).
    tipline_per_minute: int = Field(default=3, ge=1, le=60)
    tipline_per_day: int = Field(default=20, ge=1, le=1000)

    # Claim matching (docs/matching.md): the calibrated decision's threshold, and optional
    # embeddings from an OpenAI-compatible /v1/embeddings endpoint (unset: offline, lexical).
    match_threshold: float = Field(default=86.5, ge=0.0, le=100.0)
    embeddings_url: str | None = None
    embeddings_model: str = "text-embedding-3-small"
    embeddings_api_key: SecretStr = SecretStr("")
    # The cosine at which the model's vectors say "the same claim" (it depends on the model:
    # measure it with scripts/eval_matching.py; docs/matching.md).
    embeddings_same_claim: float = Field(default=0.86, gt=0.0, le=1.0)
    export_org_url: str | None = None
    export_review_url: str | None = None

    min_article_chars: int = Field(default=400, ge=20)
    max_document_bytes: int = Field(default=1_000_000, ge=1_000)
    # /import files (docs/export.md "Importing"); Telegram lets bots download up to 20 MB.
    max_import_bytes: int = Field(default=20_000_000, ge=1_000)
    fetch_allowed_hosts: Annotated[frozenset[str], NoDecode] = frozenset()
    fetch_timeout_seconds: float = Field(default=10.0, gt=0)
    fetch_max_bytes: int = Field(default=2_000_000, ge=10_000)
    fetch_max_redirects: int = Field(default=5, ge=0, le=20)

    openai_api_key: SecretStr = SecretStr("")
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = Field(default=30.0, gt=0)
    openai_max_retries: int = Field(default=2, ge=0, le=10)
    openai_chunk_tokens: int = Field(default=3000, ge=200)

    # PDFs (docs/media.md "PDFs"): byte and page caps, scanned pages OCR'd, parse time limit.
    pdf_max_bytes: int = Field(default=20_000_000, ge=10_000)
    pdf_max_pages: int = Field(default=200, ge=1, le=5_000)
    pdf_ocr_max_pages: int = Field(default=5, ge=0, le=100)
    pdf_timeout_seconds: float = Field(default=60.0, gt=0)
    # Voice, video notes, videos (docs/media.md "Voice and video"): speech to text is off
    # unless TRANSCRIPTION_URL names an OpenAI-compatible /v1/audio/transcriptions endpoint.
    transcription_url: str | None = None
    transcription_api_key: SecretStr = SecretStr("")
    transcription_model: str = "whisper-1"
    transcription_timeout_seconds: float = Field(default=120.0, gt=0)
    transcription_max_bytes: int = Field(default=20_000_000, ge=10_000)
    transcription_max_seconds: int = Field(default=600, ge=1)

    # Images (docs/media.md): bytes and pixels we read, OCR time limit and how many at once,
    # and how long an album waits after its last part before it is read.
    max_image_bytes: int = Field(default=10_000_000, ge=10_000)
    max_image_pixels: int = Field(default=30_000_000, ge=100_000)
    ocr_timeout_seconds: float = Field(default=30.0, gt=0)
    ocr_concurrency: int = Field(default=1, ge=1, le=8)
    tesseract_cmd: str = "tesseract"  # a name on PATH or a full path
    album_quiet_seconds: float = Field(default=1.5, ge=0.1, le=30.0)

    webhook_url: str | None = None
    webhook_secret: SecretStr = SecretStr("")
    webhook_listen: str = "127.0.0.1"  # behind a reverse proxy (docs/reliability.md)
    webhook_port: int = Field(default=8443, ge=1, le=65535)

    poll_timeout: int = Field(default=10, ge=0, le=50)
    rate_limit: bool = True
    # Messages (sends and edits) a bot process puts into one group per minute (Telegram: ~20).
    group_messages_per_minute: int = Field(default=20, ge=1, le=60)
    # Messages (sends and edits) a bot process puts into all chats together per second (~30).
    messages_per_second: int = Field(default=30, ge=1, le=100)
    worker_id: str | None = None
    receive_updates: bool = True
    # Updates a bot process applies at once (bot/app/pump.py; docs/reliability.md).
    updates_at_once: int = Field(default=64, ge=1, le=256)  # bot.app.pump.CONCURRENCY
    log_level: str = "INFO"

    @field_validator("editor_ids", mode="before")
    @classmethod
    def _split_editor_ids(cls, value: object) -> object:
        """Accept `EDITOR_IDS=1,2,3` as well as a list."""
        if isinstance(value, str):
            return frozenset(int(part) for part in re.split(r"[,\s]+", value) if part)
        return value

    @field_validator("fetch_allowed_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: object) -> object:
        """Accept `FETCH_ALLOWED_HOSTS=a.example,127.0.0.1:8080`."""
        if isinstance(value, str):
            return frozenset(p.strip().lower() for p in value.split(",") if p.strip())
        return value

    @field_validator("claim_scorer")
    @classmethod
    def _scorer_installed(cls, value: str) -> str:
        """`CLAIM_SCORER=embeddings` without its optional extra is refused in one line."""
        from bot.extraction.embeddings import EmbeddingsUnavailableError
        from bot.extraction.scoring import check_scorer

        try:
            check_scorer(value)
        except EmbeddingsUnavailableError as error:
            raise ValueError(str(error)) from None
        return value

    @field_validator("log_level")
    @classmethod
    def _upper_level(cls, value: str) -> str:
        """Normalise the level name so `debug` works too."""
        return value.upper()

    @property
    def is_sqlite(self) -> bool:
        """Whether the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")


class TokenError(ValueError):
    """The bot token is missing or does not look like one from BotFather."""


def check_token(settings: Settings) -> str:
    """Return the token, or raise TokenError with one line the operator can act on."""
    token = settings.telegram_bot_token.get_secret_value().strip()
    if not token:
        raise TokenError(
            "TELEGRAM_BOT_TOKEN is not set: put the token from @BotFather in .env "
            "(see .env.example), or run `make demo` to try the bot without one."
        )
    if not TOKEN_PATTERN.match(token):
        raise TokenError(
            "TELEGRAM_BOT_TOKEN does not look like a bot token (expected '123456:ABC-...' "
            "from @BotFather); check for quotes or spaces in .env."
        )
    return token
