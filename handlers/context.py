"""The typed context every handler receives: services live in `context.services`."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeAlias

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.i18n import ENGLISH, Words

if TYPE_CHECKING:
    from bot.app.config import Settings
    from bot.desk.desk import Desk
    from bot.desk.export import Exports
    from bot.desk.imports import Imports
    from bot.desk.languages import Languages
    from bot.desk.membership import MemberGate
    from bot.desk.notifications import Notices
    from bot.desk.publication import Publication
    from bot.desk.requests import Requests
    from bot.desk.teams import Teams
    from bot.desk.tipline import Tiplines
    from bot.desk.views import Views
    from bot.intake.intake import Intake
    from bot.intake.media.service import Media
    from bot.intake.progress import ProgressMessages
    from bot.matching.service import Matches
    from bot.records import Database, UnitOfWork
    from handlers.cards import CardPublisher
    from handlers.editors import EditorCheck
    from handlers.submissions import ReadDraft


@dataclass
class Services:
    """Everything the handlers call, built once by `bot.app.factory.build_application`."""

    settings: Settings
    db: Database
    desk: Desk
    views: Views
    intake: Intake
    cards: CardPublisher
    editors: EditorCheck
    members: MemberGate
    teams: Teams
    publication: Publication
    progress: ProgressMessages
    matches: Matches
    exports: Exports
    imports: Imports
    requests: Requests
    notices: Notices
    tiplines: Tiplines
    media: Media  # images and albums (issue 14)
    languages: Languages  # which language each chat is spoken to in (issue 17)

    def bound(self, unit: UnitOfWork) -> Services:
        """These services as one update's handlers see them: they write through its unit of work.

        Every service that holds the database is copied (shallowly: caches stay shared) with the
        unit in its place, so a service added later is covered without anyone remembering to.
        The copies are made when a handler first reaches for a service (an update uses two or
        three of the twenty; copying them all cost more than the vote's own SQL statements).
        Teams keeps the database: its writes (the group, who speaks in it) are idempotent
        bookkeeping that runs before an update's effect (handler group -1), and must not be the
        write that marks the update done.
        """
        clone = copy.copy(self)
        state = clone.__dict__
        for name in self._bindable():
            del state[name]  # made on first use by __getattr__
        state["db"] = unit
        state["_binding"] = (self, unit)
        return clone

    def _bindable(self) -> list[str]:
        """The services that write through the database (those bound to an update's unit)."""
        names = self.__dict__.get("_bindable_names")
        if names is None:
            names = [
                item.name
                for item in fields(self)
                if item.name not in _UNBOUND
                and getattr(getattr(self, item.name), "db", None) is self.db
            ]
            self.__dict__["_bindable_names"] = names
        return names

    def __getattr__(self, name: str) -> Any:
        """A bound service not used yet: copy it with the unit of work in place of the database."""
        binding = self.__dict__.get("_binding")
        if binding is None:
            raise AttributeError(name)
        base, unit = binding
        service = copy.copy(getattr(base, name))
        service.db = unit
        self.__dict__[name] = service
        return service


# Services whose writes are safe to repeat and come before the effect (see Services.bound).
# Progress messages are remembered before a slow fetch and must outlive a crash during it.
_UNBOUND = frozenset({"db", "teams", "progress"})


@dataclass
class BotData:
    """`application.bot_data`: the services, set before the application starts."""

    services: Services | None = None
    pump: object | None = None
    pending_private: dict[str, ReadDraft] = field(default_factory=dict)
    # The unit of work of each update the pump is applying, by update id (bot.app.pump).
    units: dict[int, UnitOfWork] = field(default_factory=dict)

    def require_services(self) -> Services:
        """The services; `build_application` sets them before the application runs."""
        if self.services is None:
            raise RuntimeError("no services: build the application with build_application")
        return self.services


class DeskContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with typed access to the services."""

    # The update's unit of work, when the update pump is applying it (not in direct calls).
    unit: UnitOfWork | None = None
    _bound: Services | None = None
    # The words of this chat's language, set by handlers.language.resolve_words (group -2).
    words: Words = ENGLISH

    @classmethod
    def from_update(
        cls, update: object, application: Application[Any, Any, Any, Any, Any, Any]
    ) -> DeskContext:
        """PTB builds one context per update (and per error): it picks up the update's unit."""
        context: DeskContext = super().from_update(update, application)
        if isinstance(update, Update):
            context.unit = application.bot_data.units.get(update.update_id)
        return context

    @property
    def services(self) -> Services:
        """The application's services, bound to this update's unit of work."""
        services = self.bot_data.require_services()
        if self.unit is None:
            return services
        if self._bound is None:
            self._bound = services.bound(self.unit)
        return self._bound


# The Application as bot.app.factory builds it: ContextTypes(context=DeskContext, bot_data=BotData).
# Typed where it matters (the bot, bot_data); the bot's own type argument is its rate limiter's,
# which settings may leave out, and PTB types `context.application` with an open context type.
DeskApplication: TypeAlias = Application[
    ExtBot[Any], Any, dict[Any, Any], dict[Any, Any], BotData, Any
]
