"""Who may act on a team's queue: the rule, its cache, and what happens when Telegram won't say."""

from __future__ import annotations

import pytest

from bot.desk.errors import MembershipUnknown, NotAMember
from bot.desk.membership import MemberGate, MemberStatus
from bot.i18n import N_


class Directory:
    """A stand-in for getChatMember: statuses by user id, counting the questions."""

    def __init__(self, statuses: dict[int, MemberStatus | Exception | None]) -> None:
        self.statuses = statuses
        self.asked = 0

    async def status(self, chat_id: int, user_id: int) -> MemberStatus | None:
        self.asked += 1
        found = self.statuses.get(user_id)
        if isinstance(found, Exception):
            raise found
        return found


@pytest.mark.parametrize(
    ("status", "member"),
    [
        (MemberStatus("creator"), True),
        (MemberStatus("administrator"), True),
        (MemberStatus("member"), True),
        (MemberStatus("restricted", is_member=True), True),
        (MemberStatus("restricted", is_member=False), False),
        (MemberStatus("left"), False),
        (MemberStatus("kicked"), False),
        (None, False),  # Telegram knows no such member
    ],
)
async def test_only_current_members_pass(status: MemberStatus | None, member: bool) -> None:
    gate = MemberGate(Directory({1: status}))
    assert await gate.is_member(-100, 1) is member
    if not member:
        with pytest.raises(NotAMember, match="Only members of Fact desk can vote on its claims"):
            await gate.require(
                chat_id=-100, user_id=1, team="Fact desk", action=N_("vote on its claims")
            )


async def test_answers_are_cached_until_forgotten() -> None:
    directory = Directory({1: MemberStatus("member")})
    gate = MemberGate(directory, ttl=60)
    assert await gate.is_member(-100, 1) and await gate.is_member(-100, 1)
    assert directory.asked == 1
    directory.statuses[1] = MemberStatus("kicked")
    gate.forget(-100, 1)
    assert not await gate.is_member(-100, 1)
    assert directory.asked == 2


async def test_a_failed_lookup_refuses_with_its_own_answer_and_is_not_cached() -> None:
    directory = Directory({1: MembershipUnknown()})
    gate = MemberGate(directory)
    with pytest.raises(MembershipUnknown, match="try again"):
        await gate.require(chat_id=-100, user_id=1, team="Fact desk", action=N_("vote"))
    directory.statuses[1] = MemberStatus("member")
    await gate.require(chat_id=-100, user_id=1, team="Fact desk", action=N_("vote"))
