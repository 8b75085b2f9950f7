"""The demo's transcript: whole messages, wrapped; claims and messages named apart."""

from __future__ import annotations

from bot.sandbox.scenario import bot_event, card_claim
from bot.sandbox.transcript import WIDTH, format_event

LISTED = [
    f"• #{n} A claim sentence long enough to wrap across the line, number {n}." for n in (6, 7)
]
SUMMARY = "\n".join(
    [
        "📰 Night of Shelling in Merin\nSource: channel Daily News\nQueued 7 claims:",
        *LISTED,
        "Cards for the first 5 are below; the rest are in /queue. /claim <id> brings one up.",
    ]
)


def card_message(claim: int, message_id: int, **extra: object) -> dict[str, object]:
    """A sendMessage result as the sandbox returns it, showing a claim's card."""
    return {
        "message_id": message_id,
        "text": f"Claim #{claim} · 🆕 open\n“240 artillery shells struck Merin overnight.”",
        "reply_markup": {"inline_keyboard": [[{"text": "✅ True"}, {"text": "❌ False"}]]},
        **extra,
    }


def test_a_long_bot_message_is_shown_whole_and_wrapped() -> None:
    event = {"step": 1, "from": "bot", "kind": "edit", "message_id": 3, "text": SUMMARY}
    shown = format_event(event)
    assert "more characters" not in shown
    assert "the rest are in /queue" in " ".join(shown.split())  # the line that used to be cut
    assert all(len(line) <= WIDTH for line in shown.splitlines())


def test_a_card_is_named_by_its_message_and_its_claim() -> None:
    event = bot_event(1, "sendMessage", {}, card_message(3, 6))
    assert event is not None and event["claim"] == 3
    assert format_event(event).splitlines()[0] == "🤖 bot · message #6 · card of claim #3:"
    edit = bot_event(2, "editMessageText", {}, card_message(3, 6))
    assert edit is not None
    assert format_event(edit).startswith("✎ bot edited message #6 · card of claim #3:")


def test_a_press_names_the_claim_and_the_message_it_was_on() -> None:
    event = {"step": 2, "from": "bob", "kind": "user", "action": "press", "button": "❌ False",
             "message_id": 6, "claim": 3}  # fmt: skip
    assert format_event(event) == "👤 bob pressed [❌ False] on the card of claim #3 (message #6)"
    plain = {**event, "claim": None}
    assert format_event(plain) == "👤 bob pressed [❌ False] on message #6"


def test_a_reply_names_whom_the_bot_answered() -> None:
    alice = {"id": 5, "username": "alice"}
    result = {"message_id": 11, "text": "🔒 Claim #1: verdict ❌ false.",
              "reply_to_message": {"message_id": 10, "from": alice}}  # fmt: skip
    event = bot_event(3, "sendMessage", {}, result)
    assert event is not None and "claim" not in event  # a reply about a claim is not its card
    assert (
        format_event(event)
        == "🤖 bot · message #11 · reply to alice: 🔒 Claim #1: verdict ❌ false."
    )


def test_a_forwarded_article_is_cut_to_its_first_lines() -> None:
    text = "Headline\n\n" + "A sentence of the article. " * 40
    event = {"step": 1, "from": "alice", "kind": "user", "action": "forward", "message_id": 2,
             "origin": "channel “Daily News”", "text": text}  # fmt: skip
    shown = format_event(event)
    assert shown.startswith("👤 alice forwarded message #2 from channel “Daily News”:")
    assert shown.endswith("more characters)")


def test_only_a_card_shows_a_claim() -> None:
    assert card_claim("Claim #17 · 🆕 open\n“…”") == 17
    assert card_claim("Queue of Fact desk — 5 claims\n#2 🆕 …") is None
    assert card_claim("Card #7 (forwarded)") is None


def test_bot_events_name_their_chat_and_private_ones_are_marked() -> None:
    group = {"id": -1001987650001, "type": "supergroup", "title": "Fact desk"}
    private = {"id": 100004, "type": "private", "first_name": "Carol", "username": "carol"}
    in_group = bot_event(1, "sendMessage", {}, {"message_id": 3, "text": "Queued", "chat": group})
    assert in_group is not None and in_group["chat"] == "Fact desk"
    assert format_event(in_group) == "🤖 bot · message #3: Queued"
    carol = {"id": 100004, "username": "carol"}
    result = {"message_id": 2, "text": "Sent to Fact desk", "chat": private,
              "reply_to_message": {"message_id": 1, "from": carol}}  # fmt: skip
    told = bot_event(2, "sendMessage", {}, result)
    assert told is not None and told["chat"] == "private:carol" and told["reply_to"] == 1
    assert format_event(told) == (
        "[private:carol] 🤖 bot · message #2 · reply to carol: Sent to Fact desk"
    )
    answer = {"step": 3, "from": "bot", "kind": "answer", "text": "Voted", "chat": "private:carol"}
    assert format_event(answer) == "   ↳ toast: Voted"  # under the press, which is marked


def test_files_users_send_are_named_with_their_captions() -> None:
    base = {"step": 1, "from": "alice", "kind": "user", "message_id": 4, "chat": "Fact desk"}
    photo = {**base, "action": "photo", "filename": "shot.png", "origin": "channel “Daily News”",
             "caption": "Look at this"}  # fmt: skip
    assert format_event(photo).splitlines() == [
        "👤 alice forwarded a photo from channel “Daily News”: shot.png",
        "      Look at this",
    ]
    voice = {**base, "action": "voice", "filename": "note.ogg", "duration": 42}
    assert format_event(voice) == "👤 alice sent a voice message: note.ogg (0:42)"
    document = {**base, "action": "document", "filename": "report.pdf"}
    assert format_event(document) == "👤 alice sent a document: report.pdf"  # as it always was
    album = {**base, "action": "album", "filenames": ["a.png", "b.png"], "captions": ["One", None],
             "message_ids": [4, 5], "origin": "channel “X”"}  # fmt: skip
    assert format_event(album).splitlines() == [
        "👤 alice forwarded an album of 2 from channel “X”:",
        "      🖼 a.png: One",
        "      🖼 b.png",
    ]
    private = {**base, "action": "send", "text": "hello", "chat": "private:alice"}
    assert format_event(private) == "[private:alice] 👤 alice: hello"


def test_a_skipped_step_is_one_line() -> None:
    event = {"step": 17, "from": "sandbox", "kind": "skip", "steps": [17, 18],
             "text": "skipped steps 17–18 (bob photo): Tesseract is not installed"}  # fmt: skip
    assert format_event(event) == "   ⤼ skipped steps 17–18 (bob photo): Tesseract is not installed"
