"""The sandbox: a local stand-in for Telegram's Bot API server (PRODUCT.md §7, docs/sandbox.md)."""

from __future__ import annotations

from bot.sandbox.core import SANDBOX_TOKEN, Sandbox, run_standalone, serve_forever
from bot.sandbox.state import Chat, Message, User

__all__ = ["SANDBOX_TOKEN", "Chat", "Message", "Sandbox", "User", "run_standalone", "serve_forever"]
