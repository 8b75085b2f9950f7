"""Read-only commands: /status, /claim, /queue, /mine, /help and /start."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.desk.errors import DeskError
from bot.i18n import Words
from bot.records import Rating, stored_id
from handlers import buttons, render
from handlers.arguments import parse_claim_id, parse_page
from handlers.buttons import QueueButton, answer
from handlers.context import DeskContext
from handlers.publish import NO_PREVIEW

QUEUE_PAGE_SIZE = 10
# The ratings an editor gives with /verdict (not "not a claim": that is /dismiss).
VERDICTS = (Rating.TRUE, Rating.MISLEADING, Rating.FALSE, Rating.UNPROVEN)


def verdict_words(words: Words) -> str:
    """'true|misleading|false|unproven': the ratings /verdict takes, as the chat names them."""
    return "|".join(words._(render.RATING_WORD[rating]).lower() for rating in VERDICTS)


def help_text(words: Words) -> str:
    """What the bot does and its commands, one message per paragraph (HTML)."""
    # TRANSLATORS: the first line of /help; "Fact desk" is what the bot calls itself.
    title = words._("<b>Fact desk</b> — I turn this group into a verification queue.")
    how = [
        words._(
            "• Forward an article or channel post, send a link, or paste a long text: I pull out "
            "the checkable claims and post a card for each."
        ),
        words._(
            "• Vote on a card with the buttons; 🙋 takes a claim. Reply to a card to add a note "
            "(links become evidence)."
        ),
    ]
    commands = [
        # TRANSLATORS: lines of /help listing the commands: keep the /commands as they are;
        # &lt;…&gt; and […] (shown as <…> and […]) hold the words a member types after them.
        words._("/check &lt;text or link&gt; — check this (or reply /check to a message)"),
        words._("/status — the queue at a glance; /status &lt;id&gt; — one claim in full"),
        words._(
            "/queue [page] — open claims · /queue top — most asked first · /claim &lt;id&gt; · "
            "/mine — claims I took"
        ),
        words._("/note &lt;id&gt; &lt;text&gt; — add a note"),
        words._("/notify off|on — verdicts on what I sent (they come as replies to it)"),
        words._("/language — the language I speak here"),
        # TRANSLATORS: {ratings} is "true|misleading|false|unproven", the ratings' names in
        # your language as /verdict accepts them.
        words._(
            "Editors: /verdict &lt;id&gt; &lt;{ratings}&gt; [reason] · /reopen &lt;id&gt; · "
            "/dismiss &lt;id&gt; [reason] · /settings · /tipline on|off",
            ratings=verdict_words(words),
        ),
    ]
    return "\n\n".join([title, "\n".join(how), "\n".join(commands)])


def start_text(words: Words) -> str:
    """The greeting of /start in private: how to add the bot to a group, then /help."""
    hello = [
        words._("Hi! I'm a fact-checking desk for Telegram groups."),
        words._(
            "Add me to your team's group (and make me an admin, or turn off privacy mode with "
            "@BotFather, so I can see forwards). Then forward articles there — or forward them "
            "to me here and I'll route them to your team."
        ),
    ]
    return "\n\n".join([*hello, help_text(words)])


async def reply(
    update: Update, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Reply in HTML without link previews (still sent if the member deleted their message)."""
    if update.effective_message is None:
        return  # commands always come in a message
    await update.effective_message.reply_text(
        text,
        parse_mode="HTML",
        link_preview_options=NO_PREVIEW,
        allow_sending_without_reply=True,
        reply_markup=reply_markup,
    )


async def on_status(update: Update, context: DeskContext) -> None:
    """Show the team's queue, or one claim in full with /status <id>."""
    if context.args:
        await on_claim(update, context)
        return
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return  # commands always come from a member in a chat
    view = await context.services.views.status(chat_id=chat.id, user_id=user.id)
    asked = await context.services.requests.most_asked(chat_id=chat.id)
    words = context.words
    text = render.status_message(view, words) + render.most_asked_section(asked, words)
    await reply(update, render.fit(text))


async def on_claim(update: Update, context: DeskContext) -> None:
    """Show one claim: card, notes, evidence and history."""
    if not context.args:
        # TRANSLATORS: the answer to /claim without a number; keep "/claim &lt;id&gt;".
        text = context.words._("Which claim? Use /claim &lt;id&gt;, for example /claim 17.")
        await reply(update, text)
        return
    claim_id = parse_claim_id(context.args[0])
    chat, asked = update.effective_chat, update.effective_message
    if chat is None or asked is None:
        return  # commands always come in a message in a chat
    detail = await context.services.views.claim_detail(chat_id=chat.id, claim_id=claim_id)
    claim = detail.view.claim
    if claim.card_message_id is not None:
        await reply(update, render.claim_detail_message(detail, context.words))
        return
    # A claim without a card (held back by cards-at-once or the group's message budget): this
    # answer becomes its card, with the buttons to vote on it; votes then keep it current.
    message = await asked.reply_text(
        render.claim_detail_message(detail, context.words),
        parse_mode="HTML",
        link_preview_options=NO_PREVIEW,
        allow_sending_without_reply=True,
        reply_markup=render.card_keyboard(detail.view, context.words),
    )
    await context.services.desk.record_card(
        claim_id=stored_id(claim),
        chat_id=message.chat_id,
        message_id=message.message_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )


async def on_queue(update: Update, context: DeskContext) -> None:
    """List open claims, one page at a time; `/queue top` most asked first."""
    if update.effective_chat is None:
        return  # commands always come in a chat
    if context.args and context.args[0].lower() == "top":
        page = parse_page(context.args[1]) if len(context.args) > 1 else 1
        top, more = await context.services.requests.queue_top(
            chat_id=update.effective_chat.id, page=page, size=QUEUE_PAGE_SIZE
        )
        await reply(update, render.queue_top_message(top, page, more, context.words))
        return
    page = parse_page(context.args[0]) if context.args else 1
    claims, more, total = await context.services.views.queue(
        chat_id=update.effective_chat.id, page=page, size=QUEUE_PAGE_SIZE
    )
    await reply(
        update,
        render.queue_message(claims, page, total, context.words),
        reply_markup=render.queue_keyboard(page, more, context.words),
    )


async def on_queue_page(update: Update, context: DeskContext) -> None:
    """Turn a /queue page with its buttons."""
    press = await buttons.press_in_chat(update, QueueButton, words=context.words)
    if press is None:
        return
    query, chat, button = press.query, press.chat, press.button
    page = button.page
    try:
        claims, more, total = await context.services.views.queue(
            chat_id=chat.id, page=page, size=QUEUE_PAGE_SIZE
        )
    except DeskError as error:
        await answer(query, error.say(context.words), alert=True)
        return
    await answer(query)
    try:
        await query.edit_message_text(
            render.queue_message(claims, page, total, context.words),
            parse_mode="HTML",
            reply_markup=render.queue_keyboard(page, more, context.words),
            link_preview_options=NO_PREVIEW,
        )
    except BadRequest as error:
        # A double tap on "Next ▶" asks for the page already shown; Telegram refuses the edit.
        if "not modified" not in str(error).lower():
            raise


async def on_mine(update: Update, context: DeskContext) -> None:
    """List the claims I took with 🙋."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return  # commands always come from a member in a chat
    claims = await context.services.views.mine(chat_id=chat.id, user_id=user.id)
    words = context.words
    if not claims:
        # TRANSLATORS: the answer to /mine; {button} is the card's button "🙋 I'll check".
        text = words._(
            "You have not taken any claim. Press {button} on a card.",
            button=words.pgettext("button", "🙋 I'll check"),
        )
        await reply(update, text)
        return
    # TRANSLATORS: the heading of /mine: the claims this member took to check.
    lines = [words._("<b>Your claims</b>")] + [render.claim_line(c, words) for c in claims]
    await reply(update, render.fit("\n".join(lines)))


async def on_help(update: Update, context: DeskContext) -> None:
    """Explain what the bot does and list the commands."""
    await reply(update, help_text(context.words))


async def on_start(update: Update, context: DeskContext) -> None:
    """Greet: explain how to add the bot to a group."""
    private = update.effective_chat is not None and update.effective_chat.type == "private"
    words = context.words
    await reply(update, start_text(words) if private else help_text(words))
