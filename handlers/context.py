"""The typed context every handler receives: services live in `context.services`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from telegram.ext import CallbackContext, ExtBot

if TYPE_CHECKING:
    from bot.app.config import Settings
    from bot.desk.desk import Desk
    from bot.desk.membership import MemberGate
    from bot.desk.publication import Publication
    from bot.desk.teams import Teams
    from bot.desk.views import Views
    from bot.intake.intake import Intake
    from bot.records import Database
    from handlers.cards import CardPublisher
    from handlers.editors import EditorCheck


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
