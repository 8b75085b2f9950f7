"""Numbers members type or buttons carry: claim ids and page numbers, ASCII and bounded.

`str.isdigit()` is true for "²" and "١٢", and `int()` takes 4,000-digit strings that no database
column holds: every id or page a member types, and every one read back from callback data, goes
through `ascii_number` so those become a clear answer instead of an exception.
"""

from __future__ import annotations

import re

from bot.desk.errors import BadArguments, ClaimNotFound
from bot.i18n import N_

# Claims and teams have `Integer` primary keys: 32-bit on PostgreSQL. A larger id names no row.
MAX_ROW_ID = 2**31 - 1
# Far past any real queue, and well inside the database's integers (OFFSET = page × size).
MAX_QUEUE_PAGE = 100_000
# Longer digit strings are not converted at all (Python refuses past 4,300 digits anyway).
MAX_DIGITS = 12

ASCII_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")
# TRANSLATORS: the answer to a claim id that is not a number; {argument} is what was typed.
NOT_A_CLAIM_ID = N_(
    "“{argument}” is not a claim id; claim ids are numbers like 17, for example /claim 17."
)
# TRANSLATORS: the answer to a /queue page that is not a number (plain text: keep "<…>").
QUEUE_USAGE = N_("Use /queue or /queue <page number>, e.g. /queue 2.")
# TRANSLATORS: the answer to a /queue page number far past any queue; {page} is that number.
NO_SUCH_PAGE = N_("The queue has no page {page}; /queue shows the first.")


def ascii_number(text: str, *, low: int = 1, high: int) -> int | None:
    """The number written in ASCII digits, if it lies in [low, high]; None otherwise."""
    if not ASCII_DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _digits(argument: str) -> str | None:
    """The argument's ASCII digits without leading zeros ("" for zero); None if not a number."""
    if not argument.isascii() or not argument.isdigit():
        return None
    return argument.lstrip("0")


def _shown(digits: str) -> str:
    """A number as the answer repeats it: long ones shortened."""
    return digits if len(digits) <= 24 else digits[:20] + "…"


def parse_claim_id(argument: str) -> int:
    """A claim id from '17' or '#17'.

    BadArguments for anything that is not a number in ASCII digits; ClaimNotFound for a number
    too large to be any claim's id (the answer a missing claim gets).
    """
    digits = _digits(argument.strip().removeprefix("#"))
    if digits is None:
        raise BadArguments(NOT_A_CLAIM_ID, argument=argument[:30])
    claim_id = ascii_number(digits or "0", low=0, high=MAX_ROW_ID)
    if claim_id is None:
        raise ClaimNotFound(_shown(digits))
    return claim_id


def parse_page(argument: str) -> int:
    """A /queue page number (1 to MAX_QUEUE_PAGE); BadArguments otherwise."""
    digits = _digits(argument.strip())
    if not digits:  # not a number, or zero
        raise BadArguments(QUEUE_USAGE)
    page = ascii_number(digits, high=MAX_QUEUE_PAGE)
    if page is None:
        raise BadArguments(NO_SUCH_PAGE, page=_shown(digits))
    return page
