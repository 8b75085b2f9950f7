"""Message text and keyboards: HTML, user text escaped, within Telegram's limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

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


def rating_label(rating: Rating | str, words: Words = ENGLISH) -> str:
    """A rating's icon and word ("✅ True"), as its button and every mention show it."""
    rating = Rating(rating)
    return f"{RATING_ICON[rating]} {words._(RATING_WORD[rating])}"


def status_word(status: str, words: Words = ENGLISH) -> str:
    """A status's word alone ("in review")."""
    known = ClaimStatus(status)
    return words._(STATUS_WORD[known])


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


def age(then: datetime, now: datetime) -> str:
    """A short age such as 'just now', '5m', '3h' or '2d'."""
    seconds = max(int((now - then).total_seconds()), 0)
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{max(seconds // 60, 1)}m"
    if seconds < 86400:
        return f"{seconds // 3600}h"
    return f"{seconds // 86400}d"


# Quotation marks a claim may carry itself ("“We have…,” Kirby said", «…», „…“).
QUOTE_MARKS = '“”„«»"'
# What a person would say for the reasons the desk records (editors' own reasons are shown as
# they wrote them).
REASON_WORDS = {
    "votes": "after a vote",
    "consensus": "by the votes",
    "editor's decision": "by an editor",
    "reopened": "reopened by an editor",
    "unassigned": "given back",
}


def quoted(text: str) -> str:
    """The claim in quotation marks, unless it carries its own (one pair of marks, never two)."""
    return text if any(mark in text for mark in QUOTE_MARKS) else f"“{text}”"


def source_line(source: Source) -> str:
    """Where a claim comes from: the outlet (linked) and, when known, the author."""
    line = link(clip(source.label, 120), source.link)
    if source.author:
        line += f" · ✍️ {escape(clip(source.author, 60))}"
    return line


def history_change(from_status: str, to_status: str, reason: str | None) -> str:
    """'🆕 open → 🔎 in review, after a vote' for one entry of a claim's history."""
    moved = f"{status_label(from_status)} → {status_label(to_status)}"
    if not reason:
        return moved
    words = REASON_WORDS.get(reason)
    return f"{moved}, {words}" if words else f"{moved}: {escape(clip(reason, 100))}"


def claim_card(view: ClaimView) -> str:
    """The text of a claim's card."""
    claim = view.claim
    lines = [
        f"<b>Claim #{claim.id}</b> · {status_label(claim.status)}" + (" 🔒" if claim.locked else "")
    ]
    lines.append(quoted(escape(clip(claim.text, 800))))
    original = " ".join(claim.quote.split())
    if original and original != " ".join(claim.text.split()):
        # The text is reworded (attribution, pronoun): the article's own words, whole, one tap away.
        lines.append(f"<blockquote expandable>{escape(original)}</blockquote>")
    if claim.origin == ClaimOrigin.MEMBER:
        lines.append("🙋 asked by a member")
    if claim.origin == ClaimOrigin.IMPORTED:
        lines.append(imported_line(view))
    if claim.claimant:
        lines.append(f"🗣 {escape(clip(claim.claimant, 80))}")
    lines.append(f"📰 {source_line(view.source)}")
    if view.place:
        lines.append(f"📎 {escape(clip(view.place, 120))}")
    demand = asked_times(claim)
    if demand:
        lines.append(f"📣 {demand}")
    if view.tally:
        tallies = " · ".join(
            f"{RATING_ICON[r]} {view.tally[r]}" for r in RATINGS if view.tally.get(r)
        )
        lines.append(f"Votes: {tallies}")
        voters = ", ".join(
            f"{escape(clip(name, 20))} {RATING_ICON[Rating(r)]}" for name, r in view.voters[:12]
        )
        more = f" +{len(view.voters) - 12}" if len(view.voters) > 12 else ""
        lines.append(f"<i>{voters}{more}</i>")
    if view.assignee:
        lines.append(f"🙋 {escape(clip(view.assignee, 40))} is checking")
    if view.note_count:
        lines.append(f"📝 {view.note_count} note(s) — /claim {claim.id}")
    if view.match is not None and view.explanation is None:
        match = view.match
        line = f"🔁 {escape(match.describe())}"
        if match.url:  # the published fact-check the earlier verdict comes from
            line += " · " + link("the fact-check", match.url)
        elif card_link(match.card_chat_id, match.card_message_id):  # the desk's own check
            line += " · " + link("its card", card_link(match.card_chat_id, match.card_message_id))
        lines.append(line)
    if view.explanation is not None:
        lines.append("")
        lines.extend(explanation_lines(view.explanation))
    return fit("\n".join(lines))


def explanation_lines(explanation: Explanation, *, names: bool = True) -> list[str]:
    """Who decided a verdict, why, and the first evidence links (cards and notifications).

    Without `names` (a private message, maybe to a tipline sender) no editor is named.
    """
    who = "editor " + explanation.decided_by if explanation.editor else explanation.decided_by
    if explanation.editor and not names:
        who = "the desk's editors"
    lines = [f"🏁 Decided by {escape(clip(who, 60))}"]
    if explanation.reason:
        lines.append(f"Reason: {escape(clip(explanation.reason, 300))}")
    if explanation.links:
        lines.append("🔗 " + " · ".join(link(clip(u, 50), u) for u in explanation.links))
    return lines


def card_keyboard(view: ClaimView) -> InlineKeyboardMarkup:
    """A card's buttons: votes while it is open; "🔒 Verdict" and "Reopen" once it is settled.

    A group's keyboard is the same for everyone: "Reopen" says it is for editors, and the
    press is checked (handlers/notify.py).
    """
    claim_id = stored_id(view.claim)
    if view.explanation is None:
        return claim_keyboard(claim_id, view.match)
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    "🔒 Verdict", callback_data=SettledButton(claim_id, False).encode()
                ),
                InlineKeyboardButton(
                    "↩️ Reopen (editors)", callback_data=SettledButton(claim_id, True).encode()
                ),
            ]
        ]
    )


def imported_line(view: ClaimView) -> str:
    """'📥 Imported fact-check: StopFake rated it “Фейк” on 2026-11-20', linked to the review."""
    review, url = view.review, view.claim.review_url
    if review is None:
        return "📥 " + link("Imported fact-check", url)
    by = link(clip(review.publisher or "the publisher", 60), url)
    when = f" on {review.reviewed_at:%Y-%m-%d}" if review.reviewed_at else ""
    line = f"📥 Imported fact-check: {by} rated it “{escape(clip(review.rating, 120))}”{when}"
    if review.verdict is None:
        line += " (no verdict of ours matches it: kept as unproven)"
    return line


IMPORT_BAD_SHOWN = 5  # bad records listed in the chat; the CLI lists more


def import_summary(report: ImportReport) -> str:
    """'Imported 8, skipped 3 already known, 2 bad (item 8: …)' after an /import."""
    lines = [
        f"📥 Imported {report.imported} fact-check(s) into the team's history, skipped "
        f"{report.known} already known, {report.bad_count} bad."
    ]
    if report.unsettled:
        lines.append(f"{report.unsettled} claim(s) without a verdict were left out.")
    if report.bad:
        lines.append("<b>Not imported</b>")
        lines.extend(
            f"• {escape(clip(bad.position, 60))}: {escape(clip(bad.reason, 120))}"
            for bad in report.bad[:IMPORT_BAD_SHOWN]
        )
        if report.bad_count > IMPORT_BAD_SHOWN:
            lines.append(f"… and {report.bad_count - IMPORT_BAD_SHOWN} more.")
    if report.imported:
        lines.append("Claims members send that match these get their verdict.")
    return fit("\n".join(lines))


def import_too_big(limit: int) -> str:
    """The answer to an /import file over the size limit."""
    return (
        f"That file is over the {limit / 1_000_000:g} MB import limit; split it, or import it "
        "with `factcheck-bot import` on the server."
    )


def claim_keyboard(claim_id: int, match: Match | None = None) -> InlineKeyboardMarkup:
    """The rating buttons and "I'll check" under a card; with a match, its offer too."""
    ratings = [
        InlineKeyboardButton(
            rating_label(rating), callback_data=VoteButton(claim_id, rating).encode()
        )
        for rating in RATINGS
    ]
    rows = [
        ratings[:3],
        ratings[3:],
        [InlineKeyboardButton("🙋 I'll check", callback_data=TakeButton(claim_id).encode())],
    ]
    if match is not None:
        offer = []
        if match.verdict:
            offer.append(
                InlineKeyboardButton(
                    f"✔ Accept #{match.claim_id}'s verdict",
                    callback_data=MatchButton(claim_id, match.claim_id, True).encode(),
                )
            )
        offer.append(
            InlineKeyboardButton(
                "Keep checking",
                callback_data=MatchButton(claim_id, match.claim_id, False).encode(),
            )
        )
        rows.append(offer)
        if match.url and match.url.startswith(("https://", "http://")):  # Telegram's rule
            rows.append([InlineKeyboardButton(f"🔗 #{match.claim_id}'s fact-check", url=match.url)])
    return InlineKeyboardMarkup(rows)


def progress_line(progress: dict[str, int]) -> str:
    """'3 open · 1 false' for an article's claims."""
    parts = [f"{progress[s]} {status_word(s)}" for s in STATUS_ORDER if progress.get(s)]
    return " · ".join(parts) or "no claims"


def article_heading(article: Article, source: str) -> str:
    """The title, byline and source line of an article."""
    title = escape(clip(article.title or "Untitled", 200))
    if article.url:
        title = link(clip(article.title or article.url, 200), article.url)
    lines = [f"📰 <b>{title}</b>"]
    byline = [f"by {escape(clip(article.author, 80))}"] if article.author else []
    if article.published_at:
        byline.append(f"{article.published_at:%Y-%m-%d}")
    if byline:
        lines.append("✍️ " + " · ".join(byline))
    lines.append(f"Source: {source}")
    return "\n".join(lines)


def duplicate_message(received: Received, source: str, *, offer_whole: bool = False) -> str:
    """The answer to an article the team already has: where it is and how far it got.

    `offer_whole`: a "Queue it anyway" button comes with it (the article has no claims).
    """
    article = received.article
    if article.extraction_state in ("pending", "running"):
        progress = "still being read"
    else:
        progress = progress_line(received.progress)
    hint = "\nQueue it anyway to check the whole text as one claim." if offer_whole else ""
    return fit(
        f"♻️ Already in the queue as article #{article.id} — nothing new queued.\n"
        f"{article_heading(article, source)}\nClaims: {progress}{hint}"
    )


def language_refusal(code: str) -> str:
    """The plain answer to an article in a language the extractor cannot read."""
    return (
        f"This looks like {language_name(code)}; I extract claims from English, Ukrainian and "
        "Russian only."
    )


def queued_whole_message(article: Article, source: str, claim: Claim) -> str:
    """The summary once a member queued the article's text as one claim ("Queue it anyway")."""
    return fit(f"{article_heading(article, source)}\n🙋 Queued as one claim: #{claim.id}.")


def routed_message(team_title: str, article_id: int) -> str:
    """The confirmation in private that a forward went to the team's group."""
    return (
        f"✅ Sent to <b>{escape(team_title or 'your team')}</b> as article #{article_id}; "
        "its claims will appear there for the team to vote on."
    )


def summary_message(
    extracted: Extracted,
    source: str,
    posted: int,
    *,
    busy: bool = False,
    known: Sequence[KnownVerdict] = (),
) -> str:
    """The summary that replaces "Got it…" once claims are queued.

    `busy`: the group's message budget, not cards-at-once, kept cards back (bot/desk/budget.py).
    `known`: settled claims the new ones match, answered at once ("Already checked: …").
    """
    article, claims = extracted.article, extracted.claims
    lines = [already_checked(item) for item in known]
    lines.append(article_heading(article, source))
    if extracted.refused_language and not claims:
        lines.append(language_refusal(extracted.refused_language))
    elif not claims:
        lines.append(
            "No checkable claims found in it. Queue it anyway to check the whole text as one "
            "claim, or use /check with a specific sentence."
        )
    else:
        count = f"{len(claims)} claim" + ("s" if len(claims) != 1 else "")
        lines.append(f"Queued {count}" + (":" if posted < len(claims) else "."))
        for claim in claims[posted:]:
            lines.append(f"• #{claim.id} {escape(clip(claim.text, 140))}")
        if posted < len(claims):
            lines.append(deferred_line(posted, busy))
    if extracted.refused_language and claims:  # /check in another language: queued as sent
        name = language_name(extracted.refused_language)
        lines.append(f"This looks like {name}: your text is queued as it is, as one claim.")
    if extracted.note:
        lines.append(f"<i>{escape(extracted.note)}</i>")
    return fit("\n".join(lines))


def short_date(when: datetime, now: datetime | None = None) -> str:
    """'20 Nov', with the year when it is not this year's ('20 Nov 2025')."""
    now = now or datetime.now(when.tzinfo)
    return f"{when.day} {when:%b}" + (f" {when.year}" if when.year != now.year else "")


def card_link(chat_id: int | None, message_id: int | None) -> str | None:
    """The t.me link of a message in a supergroup (basic groups have none)."""
    if chat_id is None or message_id is None or not str(chat_id).startswith("-100"):
        return None
    return f"https://t.me/c/{str(chat_id)[4:]}/{message_id}"


def already_checked(
    known: KnownVerdict, now: datetime | None = None, *, in_group: bool = True
) -> str:
    """'Already checked: ❌ False, 20 Nov — StopFake: <headline>', the fact-check linked.

    Outside the group (`in_group` False: a private chat, maybe a tipline sender's) the desk's
    own claim is not linked: its card is in the team's group.
    """
    verdict = rating_label(known.verdict)
    when = short_date(known.checked_at, now)
    if known.publisher is not None:
        by = link(clip(known.publisher, 60), known.url)
    elif not in_group:
        by = "the desk"
    else:
        earlier = card_link(known.chat_id, known.card_message_id)
        by = "our desk, " + link(f"claim #{known.matched_id}", earlier)
    line = f"<b>Already checked:</b> {verdict}, {when} — {by}"
    if known.reason:
        line += f": {escape(clip(known.reason, 200))}"
    if known.url and known.publisher is None:
        line += " · " + link("evidence", known.url)
    return "🔁 " + line


def deferred_line(posted: int, busy: bool) -> str:
    """Where the claims without a card are, and why they have none."""
    if posted == 0:
        return (
            "No cards this time: many articles came in at once, so I keep the chat readable. "
            "They wait in /queue; /claim &lt;id&gt; brings one up to vote on."
        )
    why = " (the chat is busy)" if busy else ""
    return (
        f"Cards for the first {posted} are below{why}; the rest are in /queue. "
        "/claim &lt;id&gt; brings one up to vote on."
    )


def claim_line(claim: Claim, now: datetime | None = None) -> str:
    """One line about a claim for lists."""
    when = f" · {age(claim.created_at, now)}" if now else ""
    icon = STATUS_ICON[ClaimStatus(claim.status)]
    return f"#{claim.id} {icon} {escape(clip(claim.text, 110))}{when}"


def status_message(view: StatusView) -> str:
    """The team's queue at a glance."""
    counts = view.counts
    total = sum(counts.values())
    lines = [f"<b>Queue of {escape(view.team.title or 'this team')}</b> — {total} claims"]
    if counts:
        lines.append(
            " · ".join(f"{status_label(s)} {counts[s]}" for s in STATUS_ORDER if counts.get(s))
        )
    # Each claim is listed once: the oldest carry 🗳 when they wait for this member's vote, and
    # the second list holds only the other claims that do.
    oldest = "⏳ Waiting longest" + (" · 🗳 needs your vote" if view.awaiting_me else "")
    also = "🗳 Also waiting for your vote" if view.oldest_open else "🗳 Waiting for your vote"
    sections = [
        (oldest, view.oldest_open),
        (also, view.waiting_for_me),
        ("🏁 Verdicts, last 7 days", view.recent_verdicts),
    ]
    for heading, claims in sections:
        if claims:
            lines.append(f"\n<b>{heading}</b>")
            lines.extend(
                claim_line(c, view.now) + (" 🗳" if c.id in view.awaiting_me else "") for c in claims
            )
    if not total:
        lines.append("Nothing queued yet: forward an article or use /check.")
    return fit("\n".join(lines))


def claim_detail_message(detail: ClaimDetail) -> str:
    """A claim in full: card, article, notes and evidence, history."""
    view, article = detail.view, detail.article
    lines = [
        claim_card(view),
        f"\nFrom article #{article.id}: {escape(clip(article.title or '', 120))}",
    ]
    # The card above already shows the whole quote whenever the claim text rewords it.
    if detail.notes:
        lines.append("\n<b>Notes</b>")
        for name, note in detail.notes[-10:]:
            lines.append(f"• {escape(clip(name, 30))}: {escape(clip(note.text, 300))}")
        evidence = [u for _, n in detail.notes for u in n.evidence_urls.split("\n") if u]
        if evidence:
            lines.append("<b>Evidence</b>")
            lines.extend(f"• {link(clip(url, 80), url)}" for url in evidence[-10:])
    if detail.history:
        lines.append("\n<b>History</b>")
        for name, change in detail.history[-10:]:
            lines.append(
                f"• {change.created_at:%Y-%m-%d %H:%M} {escape(clip(name, 30))}: "
                + history_change(change.from_status, change.to_status, change.reason)
            )
    return fit("\n".join(lines))


def queue_message(claims: list[Claim], page: int, total: int) -> str:
    """One page of the open queue."""
    if not claims:
        return "The queue is empty. 🎉" if page == 1 else "No more claims."
    lines = [f"<b>Open queue</b> — {total} waiting (page {page})"]
    lines.extend(claim_line(c) for c in claims)
    lines.append("\nOpen one with /claim &lt;id&gt;.")
    return fit("\n".join(lines))


def queue_keyboard(page: int, more: bool) -> InlineKeyboardMarkup | None:
    """Previous/next buttons for /queue."""
    buttons = []
    if page > 1:
        previous = QueueButton(page - 1).encode()
        buttons.append(InlineKeyboardButton("◀ Previous", callback_data=previous))
    if more:
        following = QueueButton(page + 1).encode()
        buttons.append(InlineKeyboardButton("Next ▶", callback_data=following))
    return InlineKeyboardMarkup([buttons]) if buttons else None


def demand_line(claim: Claim) -> str:
    """One line of a most-asked list: the claim and how often it was asked."""
    return f"{claim_line(claim)} · 📣 {claim.asked}×"


def most_asked_section(claims: list[Claim]) -> str:
    """/status's list of the open claims asked about most (empty when none was asked twice)."""
    if not claims:
        return ""
    return "\n\n<b>📣 Most asked</b>\n" + "\n".join(demand_line(c) for c in claims)


def queue_top_message(claims: list[Claim], page: int, more: bool) -> str:
    """/queue top: unsettled claims, most asked first."""
    if not claims:
        return "The queue is empty. 🎉" if page == 1 else "No more claims."
    lines = [f"<b>Open queue by demand</b> (page {page})"]
    lines.extend(demand_line(c) for c in claims)
    if more:
        lines.append(f"\nMore: /queue top {page + 1}")
    lines.append("Open one with /claim &lt;id&gt;.")
    return fit("\n".join(lines))
