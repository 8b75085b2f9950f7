"""A fetched page's title steers the ranking: the claim the headline announces is queued first.

The page below carries its headline only in ``<title>`` and ``og:title`` (no ``<h1>``), and its
body opens with two scene-setting paragraphs that would lead on position alone. Without the
title the fine comes third; with it, first.
"""

from __future__ import annotations

from sqlmodel import select

from bot.app.factory import running_bot
from bot.intake.intake import guess_title, page_headline
from bot.sandbox import Sandbox
from storage.models import Article, Claim
from tests.conftest import Desk, bot_settings
from tests.e2e.test_desk import ask
from tests.utils.web import page, serve_pages

TITLE = "Southern Water fined £90 million over 6,000 illegal sewage spills"
HEADLINE_CLAIM = "Southern Water was fined £90 million on Thursday"
PAGE = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
  <meta charset="utf-8">
  <title>{TITLE} | Channel Courier</title>
  <meta property="og:title" content="{TITLE}">
  <meta property="og:site_name" content="Channel Courier">
</head>
<body>
  <article>
    <p>For anglers on the River Itchen, the summer of 2023 was the worst in memory: fish kills
    were reported at 14 places along the river, according to the Angling Trust.</p>
    <p>Rivers in the region failed bacterial standards at 38 of 112 monitoring sites in 2023,
    the Environment Agency said.</p>
    <p>{HEADLINE_CLAIM} for discharging untreated sewage into rivers more than 6,000 times in
    breach of its permits, the regulator Ofwat said.</p>
    <p>The company's chief executive, Helen Carter, said investment in pipes had reached
    £1.1 billion last year, the highest in its history.</p>
    <p>Shares in the parent company fell 3% in London trading after the announcement.</p>
  </article>
</body>
</html>
"""


async def test_page_title_puts_the_headline_claim_first(sandbox: Sandbox, db_url: str) -> None:
    chat = sandbox.add_chat("Fact desk")
    alice, bob = sandbox.add_user("Alice", "alice_checks"), sandbox.add_user("Bob")
    sandbox.add_member(chat, alice, "administrator")
    sandbox.add_member(chat, bob)
    async with serve_pages({"/fine": page(PAGE)}) as server:
        hosts = frozenset({server.netloc})
        settings = bot_settings(sandbox, db_url, fetch_allowed_hosts=hosts)
        async with running_bot(settings) as app:
            await sandbox.wait_idle()
            desk = Desk(sandbox, chat, alice, bob, bob, settings, app)
            await ask(desk, bob, f"check this {server.url('/fine')}", "Queued")
            async with app.bot_data.services.db.read() as session:
                article = (await session.scalars(select(Article))).one()
                claims = list(await session.scalars(select(Claim).order_by(Claim.position)))

    # The headline is not in the text the extractor read: only the title carried it.
    assert TITLE not in article.text and article.title and "Southern Water fined" in article.title
    assert len(claims) >= 3, [c.text for c in claims]
    assert HEADLINE_CLAIM in claims[0].quote, [c.text for c in claims]
    assert claims[0].claimant == "the regulator Ofwat"


def test_only_a_page_title_apart_from_the_text_is_a_headline() -> None:
    text = "Ofwat fines Southern Water £90 million\n\nThe regulator said on Thursday …"
    pasted = Article(team_id=1, kind="paste", text=text, text_hash="x", title=guess_title(text))
    upload = Article(team_id=1, kind="document", text=text, text_hash="x", title="ofwat.txt")
    fetched = Article(team_id=1, kind="link", text=text, text_hash="x", title=TITLE)
    assert page_headline(pasted) is None
    assert page_headline(upload) is None
    assert page_headline(fetched) == TITLE
