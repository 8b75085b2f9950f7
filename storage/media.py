"""Queries about images and albums: duplicates by content, and gathering an album's parts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from storage.models import Album, AlbumPart, AlbumState, Article, MediaFile, utcnow
from storage.upsert import affected_rows, insert_for

# Near-duplicates are looked for among a team's most recent images (a perceptual hash cannot be
# searched by index; 64-bit comparisons of this many rows take well under a millisecond each).
RECENT_IMAGES = 5000


async def article_with_image(
    session: AsyncSession, *, team_id: int, sha256: str, file_unique_id: str | None
) -> Article | None:
    """The team's article that already holds this very image (same bytes or Telegram file)."""
    same = col(MediaFile.sha256) == sha256
    if file_unique_id:
        same = or_(same, col(MediaFile.file_unique_id) == file_unique_id)
    stmt = (
        select(Article)
        .join(MediaFile, col(MediaFile.article_id) == col(Article.id))
        .where(col(MediaFile.team_id) == team_id, same)
        .order_by(col(MediaFile.id))
        .limit(1)
    )
    return (await session.execute(stmt)).scalars().first()


async def article_with_file(
    session: AsyncSession, *, team_id: int, file_unique_id: str
) -> Article | None:
    """The team's article holding the Telegram file with this unique id (before downloading)."""
    stmt = (
        select(Article)
        .join(MediaFile, col(MediaFile.article_id) == col(Article.id))
        .where(col(MediaFile.team_id) == team_id, col(MediaFile.file_unique_id) == file_unique_id)
        .limit(1)
    )
    return (await session.execute(stmt)).scalars().first()


async def recent_perceptual_hashes(
    session: AsyncSession, *, team_id: int, limit: int = RECENT_IMAGES
) -> list[tuple[str, int]]:
    """(phash, article id) of the team's most recent images."""
    stmt = (
        select(MediaFile.phash, MediaFile.article_id)
        .where(col(MediaFile.team_id) == team_id, col(MediaFile.phash).is_not(None))
        .order_by(col(MediaFile.id).desc())
        .limit(limit)
    )
    return [(str(phash), int(article)) for phash, article in (await session.execute(stmt)).all()]


async def add_media_files(
    session: AsyncSession,
    *,
    team_id: int,
    article_id: int,
    files: Sequence[tuple[str, str | None, str | None]],
) -> None:
    """Remember an article's images: (sha256, phash, file_unique_id) each."""
    now = utcnow()
    session.add_all(
        MediaFile(
            team_id=team_id,
            article_id=article_id,
            sha256=sha256,
            phash=phash,
            file_unique_id=unique,
            created_at=now,
        )
        for sha256, phash, unique in files
    )
    await session.flush()


async def get_article(session: AsyncSession, *, article_id: int) -> Article | None:
    """An article by id (the earlier copy a near-duplicate image points at)."""
    return await session.get(Article, article_id)


# -- albums ------------------------------------------------------------------------------------


async def add_album_part(
    session: AsyncSession,
    *,
    chat_id: int,
    media_group_id: str,
    team_id: int,
    submitted_by: int | None,
    thread_id: int | None,
    message_id: int,
    update_id: int,
    payload: str,
) -> tuple[Album, bool] | None:
    """Keep one part of an album; (the album, whether this part opened it).

    None when the album was already taken for reading (a part that came too late to join it).
    """
    now = utcnow()
    opened = await session.execute(
        insert_for(session, Album)
        .values(
            chat_id=chat_id,
            media_group_id=media_group_id,
            team_id=team_id,
            submitted_by=submitted_by,
            thread_id=thread_id,
            state=AlbumState.GATHERING,
            last_part_at=now,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["chat_id", "media_group_id"])
    )
    first = affected_rows(opened) == 1
    album = await _album_for_update(session, chat_id=chat_id, media_group_id=media_group_id)
    if album is None or album.state != AlbumState.GATHERING:
        return None
    await session.execute(
        insert_for(session, AlbumPart)
        .values(
            album_id=album.id,
            message_id=message_id,
            update_id=update_id,
            payload=payload,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["album_id", "message_id"])
    )
    await session.execute(
        update(Album).where(col(Album.id) == album.id).values(last_part_at=now),
        execution_options={"synchronize_session": False},
    )
    album.last_part_at = now
    return album, first


async def _album_for_update(
    session: AsyncSession, *, chat_id: int, media_group_id: str
) -> Album | None:
    """The album of a chat's media group, locked on PostgreSQL until the transaction ends."""
    stmt = (
        select(Album)
        .where(col(Album.chat_id) == chat_id, col(Album.media_group_id) == media_group_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).scalars().first()


async def get_album(session: AsyncSession, *, album_id: int) -> Album | None:
    """An album by id, as stored now."""
    stmt = select(Album).where(col(Album.id) == album_id).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalars().first()


async def album_of_group(
    session: AsyncSession, *, chat_id: int, media_group_id: str
) -> Album | None:
    """The album of a chat's media group (its parts are kept until it is pruned)."""
    stmt = select(Album).where(
        col(Album.chat_id) == chat_id, col(Album.media_group_id) == media_group_id
    )
    return (await session.execute(stmt)).scalars().first()


async def article_with_status(
    session: AsyncSession, *, team_id: int, chat_id: int, status_message_id: int
) -> Article | None:
    """The team's article whose "Got it" message is this one (an album's, queued already)."""
    stmt = select(Article).where(
        col(Article.team_id) == team_id,
        col(Article.chat_id) == chat_id,
        col(Article.status_message_id) == status_message_id,
    )
    return (await session.execute(stmt)).scalars().first()


async def set_album_status(session: AsyncSession, *, album_id: int, message_id: int) -> None:
    """Remember the "Got it" message of an album (edited with its outcome)."""
    await session.execute(
        update(Album).where(col(Album.id) == album_id).values(status_message_id=message_id)
    )


async def take_album(
    session: AsyncSession, *, album_id: int, quiet_before: datetime, worker: str
) -> bool:
    """Take a gathering album to read, once no part came since `quiet_before`; once only."""
    result = await session.execute(
        update(Album)
        .where(
            col(Album.id) == album_id,
            col(Album.state) == AlbumState.GATHERING,
            col(Album.last_part_at) <= quiet_before,
        )
        .values(
            state=AlbumState.READING,
            claimed_at=utcnow(),
            worker=worker,
            attempts=col(Album.attempts) + 1,
        )
    )
    return affected_rows(result) == 1


async def album_parts(session: AsyncSession, *, album_id: int) -> list[AlbumPart]:
    """An album's parts in the order they were posted."""
    stmt = (
        select(AlbumPart)
        .where(col(AlbumPart.album_id) == album_id)
        .order_by(col(AlbumPart.message_id))
    )
    return list((await session.execute(stmt)).scalars())


async def finish_album(
    session: AsyncSession, *, album_id: int, article_id: int | None, error: str | None = None
) -> None:
    """The album is read: its article (None: nothing to check in it, or it failed)."""
    await session.execute(
        update(Album)
        .where(col(Album.id) == album_id)
        .values(state=AlbumState.DONE, article_id=article_id, error=error)
    )


async def release_album(session: AsyncSession, *, album_id: int, error: str) -> None:
    """Put one album back to be read again (its reading failed)."""
    await session.execute(
        update(Album)
        .where(col(Album.id) == album_id, col(Album.state) == AlbumState.READING)
        .values(state=AlbumState.GATHERING, error=error)
    )


async def release_albums(
    session: AsyncSession, *, worker: str | None, stale_before: datetime
) -> int:
    """Hand back albums a worker took but did not finish (it restarted, or its lease ran out)."""
    taken = col(Album.claimed_at) < stale_before
    if worker is not None:
        taken = or_(taken, col(Album.worker) == worker)
    result = await session.execute(
        update(Album)
        .where(col(Album.state) == AlbumState.READING, taken)
        .values(state=AlbumState.GATHERING)
    )
    return affected_rows(result)


async def restart_quiet(session: AsyncSession, *, now: datetime) -> int:
    """Count a restart as a new part of every album still gathering: the parts Telegram kept
    while the bot was down come in its first getUpdates, and must join the album rather than
    arrive after it was taken (the quiet time is measured from the restart)."""
    result = await session.execute(
        update(Album)
        .where(col(Album.state) == AlbumState.GATHERING, col(Album.last_part_at) < now)
        .values(last_part_at=now)
    )
    return affected_rows(result)


async def gathering_albums(session: AsyncSession, *, max_attempts: int) -> list[int]:
    """Albums waiting to be read (after a restart, or whose reader went away)."""
    stmt = (
        select(Album.id)
        .where(col(Album.state) == AlbumState.GATHERING, col(Album.attempts) < max_attempts)
        .order_by(col(Album.id))
    )
    return [int(album_id) for album_id in (await session.execute(stmt)).scalars()]


async def give_up_albums(session: AsyncSession, *, max_attempts: int) -> int:
    """Set aside albums that failed to be read `max_attempts` times (they kill the reader)."""
    result = await session.execute(
        update(Album)
        .where(col(Album.state) == AlbumState.GATHERING, col(Album.attempts) >= max_attempts)
        .values(state=AlbumState.DONE, error=f"gave up after {max_attempts} attempts")
    )
    return affected_rows(result)


async def prune_albums(session: AsyncSession, *, before: datetime) -> int:
    """Forget read albums older than a moment (their parts go with them)."""
    done = col(Album.state) == AlbumState.DONE
    old = select(Album.id).where(done, col(Album.created_at) < before)
    await session.execute(delete(AlbumPart).where(col(AlbumPart.album_id).in_(old)))
    result = await session.execute(delete(Album).where(col(Album.id).in_(old)))
    return affected_rows(result)
