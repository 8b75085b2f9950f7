"""Telegram's answer to text that is not Unicode: where a lone surrogate hides in a request."""

from __future__ import annotations

import re
from typing import Any

NOT_UNICODE = "Bad Request: strings must be encoded in UTF-8"
_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate_at(value: Any, path: str = "body") -> str | None:
    """Where a lone surrogate hides in parsed JSON (json.loads joins proper pairs), or None."""
    stack = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    return f"{where} key"
                stack.append((child, f"{where}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None
