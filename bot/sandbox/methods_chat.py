"""Bot API methods about the bot, updates, webhooks, chats, members and commands."""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from bot.sandbox.media import DOWNLOAD_LIMIT
from bot.sandbox.protocol import ApiError, Params, bad_request, find_chat, method
from bot.sandbox.state import Chat, Member, SandboxState

MAX_POLL_SECONDS = 50
COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
POLL_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)


@method("getMe")
def get_me(state: SandboxState, params: Params) -> dict[str, Any]:
    """Describe the bot."""
    return {
        **state.bot.to_api(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


@method("getUpdates")
async def get_updates(state: SandboxState, params: Params) -> list[dict[str, Any]]:
    """Long-poll pending updates; an offset confirms every update before it."""
    if state.webhook.url:
        raise ApiError(409, WEBHOOK_CONFLICT)
    offset = params.int("offset") or 0
    if offset > 0:
        state.confirm_before(offset)
    elif offset < 0:
        state.updates = state.updates[offset:]  # negative offset: keep only the last -offset
    allowed = params.json("allowed_updates")
    if allowed is not None:
        state.allowed_updates = list(allowed)
    limit = min(max(params.int("limit") or 100, 1), 100)
    timeout = min(max(params.float("timeout") or 0.0, 0.0), MAX_POLL_SECONDS)
    deadline = time.monotonic() + timeout
    state.poll_generation += 1
    generation = state.poll_generation
    state.notify()  # a long poll already waiting ends with 409, as when two bots poll
    while True:
        if state.poll_generation != generation:
            raise ApiError(409, POLL_CONFLICT)
        event = state.update_event()
        pending = state.deliverable()
        remaining = deadline - time.monotonic()
        if pending or remaining <= 0 or state.webhook.url or state.closing:
            return [dict(item) for item in pending[:limit]]
        try:
            await asyncio.wait_for(event.wait(), remaining)
        except TimeoutError:
            pass


@method("setWebhook")
def set_webhook(state: SandboxState, params: Params) -> bool:
    """Deliver updates by POSTing them to a URL (http allowed: the sandbox is loopback)."""
    url = params.str("url") or ""
    if url and not url.startswith(("http://", "https://")):
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    secret = params.str("secret_token")
    if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
        raise bad_request("secret token contains unallowed characters")
    state.webhook.url, state.webhook.secret_token = url, secret
    state.webhook.last_error_date = state.webhook.last_error_message = None
    allowed = params.json("allowed_updates")
    if allowed is not None:
        state.allowed_updates = list(allowed)
    if params.bool("drop_pending_updates"):
        state.updates.clear()
    state.notify()
    return True


@method("deleteWebhook")
def delete_webhook(state: SandboxState, params: Params) -> bool:
    """Go back to getUpdates."""
    state.webhook.url, state.webhook.secret_token = "", None
    if params.bool("drop_pending_updates"):
        state.updates.clear()
    state.notify()
    return True


@method("getWebhookInfo")
def get_webhook_info(state: SandboxState, params: Params) -> dict[str, Any]:
    """Describe the webhook and the pending updates."""
    hook = state.webhook
    info: dict[str, Any] = {
        "url": hook.url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if hook.url:
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "127.0.0.1"
        if state.allowed_updates:
            info["allowed_updates"] = state.allowed_updates
    if hook.last_error_date:
        info["last_error_date"] = hook.last_error_date
        info["last_error_message"] = hook.last_error_message
    return info


@method("getChat")
def get_chat(state: SandboxState, params: Params) -> dict[str, Any]:
    """Describe a chat (a ChatFullInfo, with the fields PTB 22 requires)."""
    chat = find_chat(state, params)
    return {
        **chat.to_api(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def _group(state: SandboxState, params: Params) -> Chat:
    """A chat the bot can ask about members of."""
    chat = find_chat(state, params)
    member = state.member(chat.id, state.bot.id)
    if chat.type != "private" and (member is None or member.status in ("left", "kicked")):
        kind = "supergroup chat" if chat.type == "supergroup" else f"{chat.type} chat"
        raise ApiError(403, f"Forbidden: bot is not a member of the {kind}")
    return chat


@method("getChatMember")
def get_chat_member(state: SandboxState, params: Params) -> dict[str, Any]:
    """A user's membership; unknown users of a known chat have left."""
    chat = _group(state, params)
    user_id = params.int("user_id", required=True) or 0
    user = state.users.get(user_id)
    if user is None:
        raise bad_request("user not found")
    if chat.type == "private":
        return Member(user, "member").to_api()
    member = state.member(chat.id, user_id) or Member(user, "left")
    return member.to_api()


@method("getChatAdministrators")
def get_chat_administrators(state: SandboxState, params: Params) -> list[dict[str, Any]]:
    """The creator and administrators of a group."""
    chat = _group(state, params)
    members = state.members.get(chat.id, {}).values()
    return [m.to_api() for m in members if m.status in ("creator", "administrator")]


@method("getChatMemberCount")
def get_chat_member_count(state: SandboxState, params: Params) -> int:
    """How many users are in a chat."""
    chat = _group(state, params)
    members = state.members.get(chat.id, {}).values()
    return sum(m.status not in ("left", "kicked") for m in members)


@method("leaveChat")
def leave_chat(state: SandboxState, params: Params) -> bool:
    """The bot leaves a group."""
    chat = _group(state, params)
    state.set_member(chat, state.bot, "left")
    return True


def scope_key(params: Params) -> str:
    """A readable key for a BotCommandScope and language: "all_group_chats", "chat:-100…@uk"."""
    scope = params.json("scope") or {"type": "default"}
    parts = [scope.get("type", "default")]
    parts += [str(scope[k]) for k in ("chat_id", "user_id") if k in scope]
    language = params.str("language_code")
    return ":".join(parts) + (f"@{language}" if language else "")


@method("setMyCommands")
def set_my_commands(state: SandboxState, params: Params) -> bool:
    """Set the command menu for a scope."""
    commands = params.json("commands") or []
    for command in commands:
        if not COMMAND_NAME.match(str(command.get("command", ""))):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("command description must be non-empty")
    state.commands[scope_key(params)] = list(commands)
    return True


@method("getMyCommands")
def get_my_commands(state: SandboxState, params: Params) -> list[dict[str, Any]]:
    """The command menu of a scope."""
    return state.commands.get(scope_key(params), [])


@method("deleteMyCommands")
def delete_my_commands(state: SandboxState, params: Params) -> bool:
    """Remove the command menu of a scope."""
    state.commands.pop(scope_key(params), None)
    return True


@method("getFile")
def get_file(state: SandboxState, params: Params) -> dict[str, Any]:
    """Describe a file for download from the file route; over 20 MB, refuse as Telegram does."""
    file_id = params.str("file_id") or ""
    if not file_id:
        raise bad_request("file_id is empty")
    stored = state.files.get(file_id)
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.content) > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.content),
        "file_path": stored.file_path,
    }


def _accept(state: SandboxState, params: Params) -> bool:
    """Methods that only need a True."""
    return True


for _name in (
    "close",
    "logOut",
    "setMyDescription",
    "setMyShortDescription",
    "setMyName",
    "setChatMenuButton",
    "setMyDefaultAdministratorRights",
    "pinChatMessage",
    "unpinChatMessage",
):
    method(_name)(_accept)
