"""The typed context every handler receives: services live in `context.services`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ExtBot

if TYPE_CHECKING:
    from bot.app.config import Settings
    from bot.desk.desk import Desk
    from bot.desk.membership import MemberGate
    from bot.desk.views import Views
    from bot.intake.intake import Intake
    from handlers.cards import CardPublisher
    from handlers.editors import EditorCheck
    from handlers.membership import SeenMembers
    from storage.db import Database


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
    seen: SeenMembers = field(default_factory=lambda: _seen_members())


def _seen_members() -> SeenMembers:
    """A fresh cache of recently recorded members."""
    from handlers.membership import SeenMembers

    return SeenMembers()


@dataclass
class BotData:
    """`application.bot_data`: the services, set before the application starts."""

    services: Services | None = None
    pump: object | None = None
    pending_private: dict[str, object] = field(default_factory=dict)


class DeskContext(CallbackContext[ExtBot, dict, dict, BotData]):
    """CallbackContext with typed access to the services."""

    @property
    def services(self) -> Services:
        """The application's services."""
        services = self.bot_data.services
        assert services is not None, "build_application sets the services"
        return services
