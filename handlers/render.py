"""Message text and keyboards: HTML, user text escaped, within Telegram's limits."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from babel import Locale, UnknownLocaleError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.desk.imports import ImportReport
from bot.desk.notifications import Explanation
from bot.desk.requests import asked_times
from bot.desk.views import ClaimDetail, ClaimView, Source, StatusView
from bot.extraction.language import language_name
from bot.i18n import ENGLISH, N_, Lazy, Words
from bot.intake.intake import Extracted, Received
from bot.matching.answers import KnownVerdict
from bot.matching.service import Match
from bot.records import Article, Claim, ClaimOrigin, ClaimStatus, Rating, stored_id
from handlers.buttons import MatchButton, QueueButton, SettledButton, TakeButton, VoteButton
from handlers.shorten import shorten_html

MAX_MESSAGE = 4096

# One name per rating and status in each language (issue 17): the icon is the same everywhere,
# the word is a catalogue message. Buttons show icon and word, and stay short on a phone.
RATING_ICON = {
    Rating.TRUE: "✅",
    Rating.MISLEADING: "🟡",
    Rating.FALSE: "❌",
    Rating.UNPROVEN: "❓",
    Rating.NOT_A_CLAIM: "🚫",
}
RATING_WORD: dict[Rating, Lazy] = {
    Rating.TRUE: N_("True"),
    Rating.MISLEADING: N_("Misleading"),
    Rating.FALSE: N_("False"),
    Rating.UNPROVEN: N_("Unproven"),
    Rating.NOT_A_CLAIM: N_("Not a claim"),
}
RATINGS = list(RATING_ICON)
RATING_NAMES = {
    "true": Rating.TRUE,
    "misleading": Rating.MISLEADING,
    "false": Rating.FALSE,
    "unproven": Rating.UNPROVEN,
    "not_claim": Rating.NOT_A_CLAIM,
    "notaclaim": Rating.NOT_A_CLAIM,
    "not-a-claim": Rating.NOT_A_CLAIM,
}
STATUS_ICON = {
    ClaimStatus.OPEN: "🆕",
    ClaimStatus.IN_REVIEW: "🔎",
    ClaimStatus.TRUE: "✅",
    ClaimStatus.MISLEADING: "🟡",
    ClaimStatus.FALSE: "❌",
    ClaimStatus.UNPROVEN: "❓",
    ClaimStatus.DISPUTED: "⚖️",
    ClaimStatus.DISMISSED: "🚫",
}
# TRANSLATORS: a claim's status, lower case in English ("Claim #3 · 🆕 open").
STATUS_WORD: dict[ClaimStatus, Lazy] = {
    ClaimStatus.OPEN: N_("open"),
    ClaimStatus.IN_REVIEW: N_("in review"),
    ClaimStatus.TRUE: N_("true"),
    ClaimStatus.MISLEADING: N_("misleading"),
    ClaimStatus.FALSE: N_("false"),
    ClaimStatus.UNPROVEN: N_("unproven"),
    ClaimStatus.DISPUTED: N_("disputed"),
    ClaimStatus.DISMISSED: N_("dismissed"),
}
STATUS_ORDER = list(STATUS_ICON)


def rating_label(rating: Rating | str, words: Words) -> str:
    """A rating's icon and word ("✅ True"), as its button and every mention show it."""
    rating = Rating(rating)
    return f"{RATING_ICON[rating]} {words._(RATING_WORD[rating])}"


def status_word(status: str, words: Words) -> str:
    """A status's word alone ("in review")."""
    known = ClaimStatus(status)
    return words._(STATUS_WORD[known])


def status_names(words: Words) -> Callable[[str], str]:
    """A status's word in these words' language, for the export's `status_name` column."""
    return lambda status: status_word(status, words)


def status_label(status: str, words: Words = ENGLISH) -> str:
    """The emoji and word for a status ("🔎 in review")."""
    known = ClaimStatus(status)
    return f"{STATUS_ICON[known]} {words._(STATUS_WORD[known])}"


def clip(text: str, limit: int) -> str:
    """Shorten plain text to `limit` characters with an ellipsis, at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    # "by about 8…" reads as a different number: end on a whole word unless the only space is
    # near the start (a URL, a very long word), where a cut word is the lesser evil.
    if " " in cut[limit // 2 :] and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def fit(html: str, limit: int = MAX_MESSAGE) -> str:
    """Keep a rendered message within Telegram's limit, cutting text but never markup."""
    return shorten_html(html, limit)


def link(text: str, url: str | None) -> str:
    """An HTML link with both parts escaped, or just the text."""
    if not url:
        return escape(text)
    return f'<a href="{escape(url, quote=True)}">{escape(text)}</a>'


def age(then: datetime, now: datetime, words: Words = ENGLISH) -> str:
    """A short age such as 'just now', '5m', '3h' or '2d'."""
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 60:
        # TRANSLATORS: a claim's age in lists, under a minute ("#5 🆕 … · just now").
        return words._("just now")
    if seconds < 3600:
        # TRANSLATORS: a claim's age in minutes, abbreviated as short as possible ("5m").
        return words.ngettext("{n}m", "{n}m", max(seconds // 60, 1))
    if seconds < 86400:
        # TRANSLATORS: a claim's age in hours, abbreviated as short as possible ("3h").
        return words.ngettext("{n}h", "{n}h", seconds // 3600)
    # TRANSLATORS: a claim's age in days, abbreviated as short as possible ("2d").
    return words.ngettext("{n}d", "{n}d", seconds // 86400)


# Quotation marks a claim may carry itself ("“We have…,” Kirby said", «…», „…“).
QUOTE_MARKS = '“”„«»"'
# What a person would say for the reasons the desk records (editors' own reasons are shown as
# they wrote them).
REASON_WORDS: dict[str, Lazy] = {
    # TRANSLATORS: why a claim's status changed, in its history ("open → in review, after a vote").
    "votes": N_("after a vote"),
    "consensus": N_("by the votes"),
    "editor's decision": N_("by an editor"),
    "reopened": N_("reopened by an editor"),
    "unassigned": N_("given back"),
}
# Reasons the desk records with a value in them (bot/matching/service.py, bot/desk/desk.py).
MATCHED_REASON = re.compile(r"matches #(\d+)")
TAKEN_REASON = re.compile(r"taken by (.+)", re.DOTALL)
CARD_REOPENED = "reopened from the card"  # handlers/notify.py


def quoted(text: str, words: Words) -> str:
    """The claim in quotation marks, unless it carries its own (one pair of marks, never two)."""
    if any(mark in text for mark in QUOTE_MARKS):
        return text
    # TRANSLATORS: a claim in quotation marks; use your language's marks («{text}»).
    return words._("“{text}”", text=text)


def source_line(source: Source, words: Words) -> str:
    """Where a claim comes from: the outlet (linked) and, when known, the author."""
    line = link(clip(source.said(words), 120), source.link)
    if source.author:
        line += f" · ✍️ {escape(clip(source.author, 60))}"
    return line


def history_change(from_status: str, to_status: str, reason: str | None, words: Words) -> str:
    """'🆕 open → 🔎 in review, after a vote' for one entry of a claim's history."""
    moved = f"{status_label(from_status, words)} → {status_label(to_status, words)}"
    if not reason:
        return moved
    if reason in REASON_WORDS:
        return f"{moved}, {words._(REASON_WORDS[reason])}"
    return f"{moved}: {desk_reason(reason, words) or escape(clip(reason, 100))}"


def desk_reason(reason: str, words: Words) -> str | None:
    """A reason the desk wrote itself, in the chat's language (HTML); None for a person's own."""
    if matched := MATCHED_REASON.fullmatch(reason):
        # TRANSLATORS: why a claim has its verdict: it took the verdict of claim #{id}, an
        # earlier claim that says the same ("Reason: matches #45").
        return words._("matches #{id}", id=matched[1])
    if taken := TAKEN_REASON.fullmatch(reason):
        # TRANSLATORS: in a claim's history: {name}, a member, pressed "I'll check".
        return words._("taken by {name}", name=escape(clip(taken[1], 60)))
    if reason == CARD_REOPENED:
        # TRANSLATORS: in a claim's history: an editor pressed "Reopen" on its card.
        return words._("reopened from the card")
    return None


def match_line(match: Match, words: Words) -> str:
    """'🔁 Matches #45 — False, 2026-11-20 · the fact-check' on a card with a match offer."""
    if match.verdict and match.verdict_at:
        # TRANSLATORS: on a claim's card: an earlier claim #{id} says the same; {verdict} is its
        # rating ("False"), {date} when it got it (2026-11-20).
        said = words._(
            "Matches #{id} — {verdict}, {date}",
            id=match.claim_id,
            verdict=RATING_WORD[Rating(match.verdict)],
            date=f"{match.verdict_at:%Y-%m-%d}",
        )
    else:
        # TRANSLATORS: on a claim's card: an earlier claim #{id} says the same; {status} is its
        # status ("open", "in review").
        said = words._(
            "Matches #{id} ({status})", id=match.claim_id, status=status_word(match.status, words)
        )
    line = f"🔁 {escape(said)}"
    earlier = card_link(match.card_chat_id, match.card_message_id)
    if match.url:  # the published fact-check the earlier verdict comes from
        # TRANSLATORS: a link after "Matches #45 — False, 2026-11-20 · " to the published check.
        line += " · " + link(words._("the fact-check"), match.url)
    elif earlier:  # the desk's own check
        # TRANSLATORS: a link after "Matches #45 — False, 2026-11-20 · " to that claim's card.
        line += " · " + link(words._("its card"), earlier)
    return line


def claim_card(view: ClaimView, words: Words) -> str:
    """The text of a claim's card."""
    claim = view.claim
    # TRANSLATORS: a card's first line; {status} is the claim's status with its icon ("🆕 open").
    heading = words._(
        "<b>Claim #{id}</b> · {status}", id=claim.id, status=status_label(claim.status, words)
    )
    lines = [heading + (" 🔒" if claim.locked else "")]
    lines.append(quoted(escape(clip(claim.text, 800)), words))
    original = " ".join(claim.quote.split())
    if original and original != " ".join(claim.text.split()):
        # The text is reworded (attribution, pronoun): the article's own words, whole, one tap away.
        lines.append(f"<blockquote expandable>{escape(original)}</blockquote>")
    if claim.origin == ClaimOrigin.MEMBER:
        # TRANSLATORS: on a claim's card: a member sent this claim to check (/check).
        lines.append(words._("🙋 asked by a member"))
    if claim.origin == ClaimOrigin.IMPORTED:
        lines.append(imported_line(view, words))
    if claim.claimant:
        lines.append(f"🗣 {escape(clip(claim.claimant, 80))}")
    lines.append(f"📰 {source_line(view.source, words)}")
    place = view.place.said(words) if view.place is not None else None
    if place:
        lines.append(f"📎 {escape(clip(place, 120))}")
    demand = asked_times(claim, words)
    if demand:
        lines.append(f"📣 {demand}")
    if view.tally:
        tallies = " · ".join(
            f"{RATING_ICON[r]} {view.tally[r]}" for r in RATINGS if view.tally.get(r)
        )
        # TRANSLATORS: on a claim's card; {tallies} is each rating's icon and count ("✅ 2 · ❌ 1").
        lines.append(words._("Votes: {tallies}", tallies=tallies))
        voters = ", ".join(
            f"{escape(clip(name, 20))} {RATING_ICON[Rating(r)]}" for name, r in view.voters[:12]
        )
        more = f" +{len(view.voters) - 12}" if len(view.voters) > 12 else ""
        lines.append(f"<i>{voters}{more}</i>")
    if view.assignee:
        # TRANSLATORS: on a claim's card: {name}, a member, pressed "I'll check".
        lines.append(words._("🙋 {name} is checking", name=escape(clip(view.assignee, 40))))
    if view.note_count:
        # TRANSLATORS: on a claim's card: how many notes it has; /claim {id} shows them.
        notes = words.ngettext(
            "📝 {n} note — /claim {id}", "📝 {n} notes — /claim {id}", view.note_count, id=claim.id
        )
        lines.append(notes)
    if view.match is not None and view.explanation is None:
        lines.append(match_line(view.match, words))
    if view.explanation is not None:
        lines.append("")
        lines.extend(explanation_lines(view.explanation, words))
    return fit("\n".join(lines))


def decided_line(explanation: Explanation, words: Words, *, names: bool = True) -> str:
    """'Decided by editor Alice' (plain text: escape it for HTML).

    Without `names` (a private message, maybe to a tipline sender) no editor is named.
    """
    if explanation.consensus is not None:
        # TRANSLATORS: who settled a claim: the members' votes; {n} is the votes of the verdict.
        return words.ngettext(
            "Decided by consensus of {n}", "Decided by consensus of {n}", explanation.consensus
        )
    if explanation.editor and not names:
        # TRANSLATORS: who settled a claim, told in private, where no editor is named.
        return words._("Decided by the desk's editors")
    if explanation.editor:
        # TRANSLATORS: who settled a claim; {name} is the editor's name.
        return words._("Decided by editor {name}", name=clip(explanation.decided_by, 60))
    # TRANSLATORS: a fact-checker whose name an imported fact-check does not give.
    who = explanation.decided_by or words._("the publisher")
    # TRANSLATORS: who settled an imported claim; {who} is the fact-checker that published it.
    return words._("Decided by {who}", who=clip(who, 60))


def explanation_lines(explanation: Explanation, words: Words, *, names: bool = True) -> list[str]:
    """Who decided a verdict, why, and the first evidence links (cards and notifications).

    Without `names` (a private message, maybe to a tipline sender) no editor is named.
    """
    lines = [f"🏁 {escape(decided_line(explanation, words, names=names))}"]
    if explanation.reason:
        reason = desk_reason(explanation.reason, words) or escape(clip(explanation.reason, 300))
        # TRANSLATORS: why a claim got its verdict: the editor's words or a note's.
        lines.append(words._("Reason: {reason}", reason=reason))
    if explanation.links:
        lines.append("🔗 " + " · ".join(link(clip(u, 50), u) for u in explanation.links))
    return lines


def card_keyboard(view: ClaimView, words: Words) -> InlineKeyboardMarkup:
    """A card's buttons: votes while it is open; "🔒 Verdict" and "Reopen" once it is settled.

    A group's keyboard is the same for everyone: "Reopen" says it is for editors, and the
    press is checked (handlers/notify.py).
    """
    claim_id = stored_id(view.claim)
    if view.explanation is None:
        return claim_keyboard(claim_id, words, view.match)
    # TRANSLATORS: buttons of a settled card: explain its verdict; reopen it (editors only).
    verdict = words.pgettext("button", "🔒 Verdict")
    reopen = words.pgettext("button", "↩️ Reopen (editors)")
    explain = SettledButton(claim_id, False).encode()
    again = SettledButton(claim_id, True).encode()
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(verdict, callback_data=explain),
                InlineKeyboardButton(reopen, callback_data=again),
            ]
        ]
    )


def imported_line(view: ClaimView, words: Words) -> str:
    """'📥 Imported fact-check: StopFake rated it “Фейк” on 2026-11-20', linked to the review."""
    review, url = view.review, view.claim.review_url
    if review is None:
        # TRANSLATORS: on a claim imported from a published fact-check, linked to it.
        return "📥 " + link(words._("Imported fact-check"), url)
    by = link(clip(review.publisher or words._("the publisher"), 60), url)
    rating = escape(clip(review.rating, 120))
    if review.reviewed_at:
        # TRANSLATORS: on an imported claim's card; {publisher} is the fact-checker (linked),
        # {rating} its own rating in its own words, {date} the review's date (2026-11-20).
        line = words._(
            "📥 Imported fact-check: {publisher} rated it “{rating}” on {date}",
            publisher=by,
            rating=rating,
            date=f"{review.reviewed_at:%Y-%m-%d}",
        )
    else:
        # TRANSLATORS: on an imported claim's card; {publisher} is the fact-checker (linked),
        # {rating} its own rating in its own words.
        line = words._(
            "📥 Imported fact-check: {publisher} rated it “{rating}”", publisher=by, rating=rating
        )
    if review.verdict is None:
        # TRANSLATORS: after "Imported fact-check: … rated it “…”": its rating is none of ours.
        line += " " + words._("(no verdict of ours matches it: kept as unproven)")
    return line


IMPORT_BAD_SHOWN = 5  # bad records listed in the chat; the CLI lists more


def import_summary(report: ImportReport, words: Words) -> str:
    """'Imported 8, skipped 3 already known, 2 bad (item 8: …)' after an /import."""
    # TRANSLATORS: after an /import of published fact-checks; {known} is how many were imported
    # before, {bad} how many could not be read (numbers: "skipped already known: 3" avoids
    # agreeing a word with them).
    imported = words.ngettext(
        "📥 Imported {n} fact-check into the team's history, skipped {known} already known, "
        "{bad} bad.",
        "📥 Imported {n} fact-checks into the team's history, skipped {known} already known, "
        "{bad} bad.",
        report.imported,
        known=words.number(report.known),
        bad=words.number(report.bad_count),
    )
    lines = [imported]
    if report.unsettled:
        # TRANSLATORS: after an /import of this bot's own export: its claims without a verdict.
        left_out = words.ngettext(
            "{n} claim without a verdict was left out.",
            "{n} claims without a verdict were left out.",
            report.unsettled,
        )
        lines.append(left_out)
    if report.bad:
        # TRANSLATORS: after an /import: a list of the records of the file that did not go in
        # follows, each with its place in the file and why (those stay in English).
        lines.append(words._("<b>Not imported</b>"))
        lines.extend(
            f"• {escape(clip(bad.position, 60))}: {escape(clip(bad.reason, 120))}"
            for bad in report.bad[:IMPORT_BAD_SHOWN]
        )
        if report.bad_count > IMPORT_BAD_SHOWN:
            more = report.bad_count - IMPORT_BAD_SHOWN
            # TRANSLATORS: after a list of records that were not imported: how many more were not.
            lines.append(words.ngettext("… and {n} more.", "… and {n} more.", more))
    if report.imported:
        lines.append(words._("Claims members send that match these get their verdict."))
    return fit("\n".join(lines))


# TRANSLATORS: the answer to an /import file that is too large; {megabytes} is the limit
# ("0.5"). Keep `factcheck-bot import`: it is the command an operator runs on the server.
IMPORT_TOO_BIG = N_(
    "That file is over the {megabytes} MB import limit; split it, or import it "
    "with `factcheck-bot import` on the server."
)


def import_too_big(limit: int, words: Words) -> str:
    """The answer to an /import file over the size limit."""
    return words._(IMPORT_TOO_BIG, megabytes=words.number(limit / 1_000_000))


def claim_keyboard(claim_id: int, words: Words, match: Match | None = None) -> InlineKeyboardMarkup:
    """The rating buttons and "I'll check" under a card; with a match, its offer too."""
    ratings = [
        InlineKeyboardButton(
            rating_label(rating, words), callback_data=VoteButton(claim_id, rating).encode()
        )
        for rating in RATINGS
    ]
    # TRANSLATORS: a card's button: the member takes the claim to check it.
    take = words.pgettext("button", "🙋 I'll check")
    rows = [
        ratings[:3],
        ratings[3:],
        [InlineKeyboardButton(take, callback_data=TakeButton(claim_id).encode())],
    ]
    if match is not None:
        offer = []
        if match.verdict:
            offer.append(
                InlineKeyboardButton(
                    # TRANSLATORS: a card's button: give this claim the verdict of the earlier
                    # claim #{id} that says the same (editors).
                    words.pgettext("button", "✔ Accept #{id}'s verdict", id=match.claim_id),
                    callback_data=MatchButton(claim_id, match.claim_id, True).encode(),
                )
            )
        offer.append(
            InlineKeyboardButton(
                # TRANSLATORS: a card's button: the earlier match is not the same claim.
                words.pgettext("button", "Keep checking"),
                callback_data=MatchButton(claim_id, match.claim_id, False).encode(),
            )
        )
        rows.append(offer)
        if match.url and match.url.startswith(("https://", "http://")):  # Telegram's rule
            # TRANSLATORS: a card's button opening the published fact-check of claim #{id}.
            check = words.pgettext("button", "🔗 #{id}'s fact-check", id=match.claim_id)
            rows.append([InlineKeyboardButton(check, url=match.url)])
    return InlineKeyboardMarkup(rows)


def progress_line(progress: dict[str, int], words: Words) -> str:
    """'3 open · 1 false' for an article's claims."""
    parts = [_status_count(s, progress[s], words) for s in STATUS_ORDER if progress.get(s)]
    # TRANSLATORS: an article's claims, when it has none ("Claims: no claims").
    return " · ".join(parts) or words._("no claims")


def _status_count(status: ClaimStatus, n: int, words: Words) -> str:
    """How many of an article's claims have a status ("3 open"), for progress_line."""
    # TRANSLATORS: how many of an article's claims have each status ("3 open · 1 false").
    match status:
        case ClaimStatus.OPEN:
            return words.ngettext("{n} open", "{n} open", n)
        case ClaimStatus.IN_REVIEW:
            return words.ngettext("{n} in review", "{n} in review", n)
        case ClaimStatus.TRUE:
            return words.ngettext("{n} true", "{n} true", n)
        case ClaimStatus.MISLEADING:
            return words.ngettext("{n} misleading", "{n} misleading", n)
        case ClaimStatus.FALSE:
            return words.ngettext("{n} false", "{n} false", n)
        case ClaimStatus.UNPROVEN:
            return words.ngettext("{n} unproven", "{n} unproven", n)
        case ClaimStatus.DISPUTED:
            return words.ngettext("{n} disputed", "{n} disputed", n)
        case _:
            return words.ngettext("{n} dismissed", "{n} dismissed", n)


def article_heading(article: Article, source: str, words: Words) -> str:
    """The title, byline and source line of an article."""
    # TRANSLATORS: the title of an article that has none.
    title = escape(clip(article.title or words._("Untitled"), 200))
    if article.url:
        title = link(clip(article.title or article.url, 200), article.url)
    lines = [f"📰 <b>{title}</b>"]
    byline = []
    if article.author:
        # TRANSLATORS: an article's author ("✍️ by Ann Smith · 2024-05-14").
        byline.append(words._("by {author}", author=escape(clip(article.author, 80))))
    if article.published_at:
        byline.append(f"{article.published_at:%Y-%m-%d}")
    if byline:
        lines.append("✍️ " + " · ".join(byline))
    # TRANSLATORS: where an article comes from: the outlet or channel, linked.
    lines.append(words._("Source: {source}", source=source))
    return "\n".join(lines)


def duplicate_message(
    received: Received, source: str, words: Words, *, offer_whole: bool = False
) -> str:
    """The answer to an article the team already has: where it is and how far it got.

    `offer_whole`: a "Queue it anyway" button comes with it (the article has no claims).
    """
    article = received.article
    if article.extraction_state in ("pending", "running"):
        # TRANSLATORS: an article's claims while it is read ("Claims: still being read").
        progress = words._("still being read")
    else:
        progress = progress_line(received.progress, words)
    lines = [
        words._("♻️ Already in the queue as article #{id} — nothing new queued.", id=article.id),
        article_heading(article, source, words),
        # TRANSLATORS: {progress} is "3 open · 1 false", "no claims" or "still being read".
        words._("Claims: {progress}", progress=progress),
    ]
    if offer_whole:
        # TRANSLATORS: "Queue it anyway" is the button under this message.
        lines.append(words._("Queue it anyway to check the whole text as one claim."))
    return fit("\n".join(lines))


def language_called(code: str, words: Words) -> str:
    """A language's name in the chat's language ("German", "німецька"), or its code."""
    if words.language == "en":
        return language_name(code)
    try:
        return Locale.parse(code).get_display_name(words.locale) or code
    except (ValueError, UnknownLocaleError):
        return code


def language_refusal(code: str, words: Words) -> str:
    """The plain answer to an article in a language the extractor cannot read."""
    # TRANSLATORS: {language} is a language's name ("German"; in Ukrainian and Russian Babel
    # gives it lower case, as an adjective: "німецька", "немецкий").
    return words._(
        "This looks like {language}; I extract claims from English, Ukrainian and Russian only.",
        language=language_called(code, words),
    )


def queued_whole_message(article: Article, source: str, claim: Claim, words: Words) -> str:
    """The summary once a member queued the article's text as one claim ("Queue it anyway")."""
    queued = words._("🙋 Queued as one claim: #{id}.", id=claim.id)
    return fit(f"{article_heading(article, source, words)}\n{queued}")


def routed_message(team_title: str, article_id: int, words: Words) -> str:
    """The confirmation in private that a forward went to the team's group."""
    # TRANSLATORS: {team} is the name of the team's group.
    return words._(
        "✅ Sent to <b>{team}</b> as article #{id}; its claims will appear there for the team "
        "to vote on.",
        team=escape(team_title or words._("your team")),
        id=article_id,
    )


def summary_message(
    extracted: Extracted,
    source: str,
    posted: int,
    words: Words,
    *,
    busy: bool = False,
    known: Sequence[KnownVerdict] = (),
) -> str:
    """The summary that replaces "Got it…" once claims are queued.

    `busy`: the group's message budget, not cards-at-once, kept cards back (bot/desk/budget.py).
    `known`: settled claims the new ones match, answered at once ("Already checked: …").
    """
    article, claims = extracted.article, extracted.claims
    lines = [already_checked(item, words) for item in known]
    lines.append(article_heading(article, source, words))
    if extracted.refused_language and not claims:
        lines.append(language_refusal(extracted.refused_language, words))
    elif not claims:
        # TRANSLATORS: "Queue it anyway" is the button under this message.
        lines.append(
            words._(
                "No checkable claims found in it. Queue it anyway to check the whole text as one "
                "claim, or use /check with a specific sentence."
            )
        )
    elif posted < len(claims):  # the claims without a card are listed
        # TRANSLATORS: followed by a list of the claims.
        lines.append(words.ngettext("Queued {n} claim:", "Queued {n} claims:", len(claims)))
        for claim in claims[posted:]:
            lines.append(f"• #{claim.id} {escape(clip(claim.text, 140))}")
        lines.append(deferred_line(posted, busy, words))
    else:
        lines.append(words.ngettext("Queued {n} claim.", "Queued {n} claims.", len(claims)))
    if extracted.refused_language and claims:  # /check in another language: queued as sent
        # TRANSLATORS: {language} is a language's name, as in "This looks like {language}; I
        # extract claims from…".
        lines.append(
            words._(
                "This looks like {language}: your text is queued as it is, as one claim.",
                language=language_called(extracted.refused_language, words),
            )
        )
    if extracted.note:
        lines.append(f"<i>{escape(extracted.note)}</i>")
    return fit("\n".join(lines))


def short_date(when: datetime, now: datetime | None = None, words: Words = ENGLISH) -> str:
    """'20 Nov', with the year when it is not this year's ('20 Nov 2025')."""
    now = now or datetime.now(when.tzinfo)
    return words.date(when, "d MMM" if when.year == now.year else "d MMM y")


def card_link(chat_id: int | None, message_id: int | None) -> str | None:
    """The t.me link of a message in a supergroup (basic groups have none)."""
    if chat_id is None or message_id is None or not str(chat_id).startswith("-100"):
        return None
    return f"https://t.me/c/{str(chat_id)[4:]}/{message_id}"


def already_checked(
    known: KnownVerdict, words: Words, now: datetime | None = None, *, in_group: bool = True
) -> str:
    """'Already checked: ❌ False, 20 Nov — StopFake: <headline>', the fact-check linked.

    Outside the group (`in_group` False: a private chat, maybe a tipline sender's) the desk's
    own claim is not linked: its card is in the team's group.
    """
    verdict = rating_label(known.verdict, words)
    when = short_date(known.checked_at, now, words)
    if known.publisher is not None:
        by = link(clip(known.publisher or words._("the publisher"), 60), known.url)
    elif not in_group:
        # TRANSLATORS: who checked a claim before, in "Already checked: ❌ False, 20 Nov — {by}".
        by = words._("the desk")
    else:
        earlier = card_link(known.chat_id, known.card_message_id)
        # TRANSLATORS: who checked a claim before; {claim} is "claim #7", linked to its card.
        by = words._(
            "our desk, {claim}",
            claim=link(words._("claim #{id}", id=known.matched_id), earlier),
        )
    # TRANSLATORS: {verdict} is a rating with its icon ("❌ False"), {date} a short date
    # ("20 Nov"), {by} who checked it (a fact-checker's name, or "our desk, claim #7").
    line = words._(
        "<b>Already checked:</b> {verdict}, {date} — {by}", verdict=verdict, date=when, by=by
    )
    if known.reason:
        line += f": {escape(clip(known.reason, 200))}"
    elif known.rating:
        # TRANSLATORS: a fact-checker's own rating, in its own words, after "Already checked: …".
        line += ": " + words._("rated it “{rating}”", rating=escape(clip(known.rating, 200)))
    if known.url and known.publisher is None:
        # TRANSLATORS: a link to the evidence behind an earlier verdict.
        line += " · " + link(words._("evidence"), known.url)
    return "🔁 " + line


def deferred_line(posted: int, busy: bool, words: Words) -> str:
    """Where the claims without a card are, and why they have none."""
    if posted == 0:
        # TRANSLATORS: keep "/claim &lt;id&gt;" as it is (it shows as "/claim <id>").
        return words._(
            "No cards this time: many articles came in at once, so I keep the chat readable. "
            "They wait in /queue; /claim &lt;id&gt; brings one up to vote on."
        )
    if busy:
        # TRANSLATORS: {n} is how many of the claims got a card; keep "/claim &lt;id&gt;".
        return words.ngettext(
            "The card for the first {n} is below (the chat is busy); the rest are in /queue. "
            "/claim &lt;id&gt; brings one up to vote on.",
            "Cards for the first {n} are below (the chat is busy); the rest are in /queue. "
            "/claim &lt;id&gt; brings one up to vote on.",
            posted,
        )
    # TRANSLATORS: {n} is how many of the claims got a card; keep "/claim &lt;id&gt;".
    return words.ngettext(
        "The card for the first {n} is below; the rest are in /queue. "
        "/claim &lt;id&gt; brings one up to vote on.",
        "Cards for the first {n} are below; the rest are in /queue. "
        "/claim &lt;id&gt; brings one up to vote on.",
        posted,
    )


def claim_line(claim: Claim, words: Words, now: datetime | None = None) -> str:
    """One line about a claim for lists."""
    when = f" · {age(claim.created_at, now, words)}" if now else ""
    icon = STATUS_ICON[ClaimStatus(claim.status)]
    return f"#{claim.id} {icon} {escape(clip(claim.text, 110))}{when}"


def status_message(view: StatusView, words: Words) -> str:
    """The team's queue at a glance."""
    counts = view.counts
    total = sum(counts.values())
    # TRANSLATORS: the name of a team whose group has no title, in "Queue of {team}".
    team = escape(view.team.title or words._("this team"))
    # TRANSLATORS: /status's first line; {team} is the team's group name.
    heading = words.ngettext(
        "<b>Queue of {team}</b> — {n} claim",
        "<b>Queue of {team}</b> — {n} claims",
        total,
        team=team,
    )
    lines = [heading]
    if counts:
        lines.append(
            " · ".join(
                f"{status_label(s, words)} {words.number(counts[s])}"
                for s in STATUS_ORDER
                if counts.get(s)
            )
        )
    # Each claim is listed once: the oldest carry 🗳 when they wait for this member's vote, and
    # the second list holds only the other claims that do.
    # TRANSLATORS: a heading of /status: the open claims that have waited longest.
    oldest = words._("⏳ Waiting longest")
    if view.awaiting_me:
        # TRANSLATORS: after "⏳ Waiting longest · ": claims marked 🗳 wait for your vote.
        oldest += " · " + words._("🗳 needs your vote")
    if view.oldest_open:
        # TRANSLATORS: a heading of /status, below "⏳ Waiting longest": more claims you have
        # not voted on.
        also = words._("🗳 Also waiting for your vote")
    else:
        # TRANSLATORS: a heading of /status: claims you have not voted on.
        also = words._("🗳 Waiting for your vote")
    sections = [
        (oldest, view.oldest_open),
        (also, view.waiting_for_me),
        # TRANSLATORS: a heading of /status: claims settled in the last 7 days.
        (words._("🏁 Verdicts, last 7 days"), view.recent_verdicts),
    ]
    for heading, claims in sections:
        if claims:
            lines.append(f"\n<b>{heading}</b>")
            lines.extend(
                claim_line(c, words, view.now) + (" 🗳" if c.id in view.awaiting_me else "")
                for c in claims
            )
    if not total:
        lines.append(words._("Nothing queued yet: forward an article or use /check."))
    return fit("\n".join(lines))


def claim_detail_message(detail: ClaimDetail, words: Words) -> str:
    """A claim in full: card, article, notes and evidence, history."""
    view, article = detail.view, detail.article
    # TRANSLATORS: in /claim, under the claim's card; {title} is the article's title.
    origin = words._(
        "From article #{id}: {title}", id=article.id, title=escape(clip(article.title or "", 120))
    )
    lines = [claim_card(view, words), f"\n{origin}"]
    # The card above already shows the whole quote whenever the claim text rewords it.
    if detail.notes:
        # TRANSLATORS: a heading in /claim: the members' notes on the claim.
        lines.append("\n" + words._("<b>Notes</b>"))
        for name, note in detail.notes[-10:]:
            lines.append(f"• {escape(clip(name, 30))}: {escape(clip(note.text, 300))}")
        evidence = [u for _, n in detail.notes for u in n.evidence_urls.split("\n") if u]
        if evidence:
            # TRANSLATORS: a heading in /claim: the links members gave as evidence.
            lines.append(words._("<b>Evidence</b>"))
            lines.extend(f"• {link(clip(url, 80), url)}" for url in evidence[-10:])
    if detail.history:
        # TRANSLATORS: a heading in /claim: the claim's changes of status.
        lines.append("\n" + words._("<b>History</b>"))
        for name, change in detail.history[-10:]:
            lines.append(
                f"• {words.datetime(change.created_at)} {escape(clip(name, 30))}: "
                + history_change(change.from_status, change.to_status, change.reason, words)
            )
    return fit("\n".join(lines))


def _no_claims(page: int, words: Words) -> str:
    """The answer to a /queue page with nothing on it."""
    if page == 1:
        return words._("The queue is empty. 🎉")
    # TRANSLATORS: a /queue page past the last one.
    return words._("No more claims.")


def queue_message(claims: list[Claim], page: int, total: int, words: Words) -> str:
    """One page of the open queue."""
    if not claims:
        return _no_claims(page, words)
    # TRANSLATORS: /queue's first line; {n} is how many claims wait, {page} the page number.
    heading = words.ngettext(
        "<b>Open queue</b> — {n} waiting (page {page})",
        "<b>Open queue</b> — {n} waiting (page {page})",
        total,
        page=words.number(page),
    )
    lines = [heading]
    lines.extend(claim_line(c, words) for c in claims)
    # TRANSLATORS: keep "/claim &lt;id&gt;" as it is (it shows as "/claim <id>").
    lines.append("\n" + words._("Open one with /claim &lt;id&gt;."))
    return fit("\n".join(lines))


def queue_keyboard(page: int, more: bool, words: Words) -> InlineKeyboardMarkup | None:
    """Previous/next buttons for /queue."""
    buttons = []
    if page > 1:
        previous = QueueButton(page - 1).encode()
        # TRANSLATORS: a button under a /queue page: the page before.
        label = words.pgettext("button", "◀ Previous")
        buttons.append(InlineKeyboardButton(label, callback_data=previous))
    if more:
        following = QueueButton(page + 1).encode()
        # TRANSLATORS: a button under a /queue page: the page after.
        label = words.pgettext("button", "Next ▶")
        buttons.append(InlineKeyboardButton(label, callback_data=following))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def demand_line(claim: Claim, words: Words) -> str:
    """One line of a most-asked list: the claim and how often it was asked."""
    # TRANSLATORS: how many times members asked to check a claim, at the end of its line in a
    # list ("#5 🆕 … · 📣 3×"); keep it as short.
    asked = words.ngettext("📣 {n}×", "📣 {n}×", claim.asked)
    return f"{claim_line(claim, words)} · {asked}"


def most_asked_section(claims: list[Claim], words: Words) -> str:
    """/status's list of the open claims asked about most (empty when none was asked twice)."""
    if not claims:
        return ""
    # TRANSLATORS: a heading of /status: the open claims members asked about most.
    heading = words._("<b>📣 Most asked</b>")
    return f"\n\n{heading}\n" + "\n".join(demand_line(c, words) for c in claims)


def queue_top_message(claims: list[Claim], page: int, more: bool, words: Words) -> str:
    """/queue top: unsettled claims, most asked first."""
    if not claims:
        return _no_claims(page, words)
    # TRANSLATORS: the first line of /queue top (most asked claims first); {page} is a number.
    lines = [words._("<b>Open queue by demand</b> (page {page})", page=words.number(page))]
    lines.extend(demand_line(c, words) for c in claims)
    if more:
        # TRANSLATORS: the command that shows the next page of /queue top; keep it as it is.
        lines.append("\n" + words._("More: /queue top {page}", page=page + 1))
    lines.append(words._("Open one with /claim &lt;id&gt;."))
    return fit("\n".join(lines))
