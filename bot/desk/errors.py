"""Errors the services raise; each carries a short sentence for the chat, in any language."""

from __future__ import annotations

from bot.i18n import ENGLISH, Words


class DeskError(Exception):
    """A request the desk cannot carry out; `error.say(words)` is what the user is told.

    The message is an English catalogue message with `{placeholders}` filled from `values`
    (`Lazy` values, marked with `N_`, are translated too); `str(error)` is the English text.
    """

    def __init__(self, message: str, /, **values: object) -> None:
        self.message = message
        self.values = values
        super().__init__(ENGLISH._(message, **values))

    def say(self, words: Words) -> str:
        """The sentence for the chat, in the chat's language."""
        return words._(self.message, **self.values)


class ClaimNotFound(DeskError):
    """No claim with that id in this team (it may belong to another team, or be deleted)."""

    def __init__(self, claim_id: int | str) -> None:
        super().__init__(f"There is no claim #{claim_id} in this team's queue.")


class NotAnEditor(DeskError):
    """Only the group's administrators and configured editors may do this."""

    def __init__(self, action: str) -> None:
        super().__init__(f"Only editors (the group's admins) can {action}.")


class NoTeam(DeskError):
    """The chat is not a team the bot knows."""

    def __init__(self) -> None:
        super().__init__(
            "This chat is not a fact-checking team yet. Add me to your team's group first."
        )


class BadArguments(DeskError):
    """A command was used the wrong way; the message shows the right way."""


class NotItsCard(DeskError):
    """A card button pressed on a message that is not that claim's card (forged data)."""

    def __init__(self) -> None:
        super().__init__("This button is no longer valid.")


class NotAMember(DeskError):
    """Only current members of the team's group act on its queue."""

    def __init__(self, team: str, action: str) -> None:
        super().__init__(f"Only members of {team} can {action}.")


class MembershipUnknown(DeskError):
    """Telegram would not say whether the user is in the group (a passing failure)."""

    def __init__(self) -> None:
        super().__init__("I could not check that you are in this group just now; try again.")
