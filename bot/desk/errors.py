"""Errors the services raise; each carries a short sentence for the chat, in any language."""

from __future__ import annotations

from bot.i18n import ENGLISH, N_, Lazy, Words


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
        super().__init__(
            N_("There is no claim #{claim_id} in this team's queue."), claim_id=claim_id
        )


class NotAnEditor(DeskError):
    """Only the group's administrators and configured editors may do this.

    `action` is marked for translation: `NotAnEditor(N_("reopen a claim"))`.
    """

    def __init__(self, action: Lazy) -> None:
        # TRANSLATORS: {action} is what was refused, as "reopen a claim" or "export the team's
        # claims" (each a message of its own, in the form that follows "can").
        super().__init__(N_("Only editors (the group's admins) can {action}."), action=action)


class NoTeam(DeskError):
    """The chat is not a team the bot knows."""

    def __init__(self) -> None:
        super().__init__(
            N_("This chat is not a fact-checking team yet. Add me to your team's group first.")
        )


class BadArguments(DeskError):
    """A command was used the wrong way; the message shows the right way."""


class NotItsCard(DeskError):
    """A card button pressed on a message that is not that claim's card (forged data)."""

    def __init__(self) -> None:
        # TRANSLATORS: the answer to a press of an old or unknown button (at most 200 characters).
        super().__init__(N_("This button is no longer valid."))


class NotAMember(DeskError):
    """Only current members of the team's group act on its queue.

    `action` is marked for translation: `NotAMember(team, N_("vote on its claims"))`.
    """

    def __init__(self, team: str, action: Lazy) -> None:
        # TRANSLATORS: {team} is the group's name (or "this group"); {action} what was refused,
        # as "vote on its claims" (each a message of its own, in the form that follows "can").
        super().__init__(N_("Only members of {team} can {action}."), team=team, action=action)


class MembershipUnknown(DeskError):
    """Telegram would not say whether the user is in the group (a passing failure)."""

    def __init__(self) -> None:
        super().__init__(N_("I could not check that you are in this group just now; try again."))
