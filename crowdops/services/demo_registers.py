"""Demo rumours and decisions for the protest, written through the services (statuses, a response drafted from the
rumour, a revised decision), so the registers and the one-story timeline have something to show."""

import uuid
from datetime import UTC, datetime, timedelta

from crowdops.services.decisions import DecisionInput, DecisionService
from crowdops.services.rumours import RumourService


def build_protest_registers(operation_id: uuid.UUID, rumours: RumourService, decisions: DecisionService) -> None:
    metro = rumours.add(
        operation_id,
        "The metro station at Syntagma is closed all day.",
        actor="Weber",
        source="https://x.com/example/status/1",
        reach="high",
        risk=3,
    ).rumour
    rumours.update(metro.id.hex, "verifying", "Asked the metro operator's control room.", actor="Weber")
    rumours.update(metro.id.hex, "false", "Station open; only the Amalias Avenue exit is closed.", actor="Weber")
    rumours.respond(
        metro.id.hex,
        actor="Weber",
        values={"facts": "Syntagma station is open; only the Amalias Avenue exit is closed"},
    )
    gas = rumours.add(
        operation_id,
        "Police are using tear gas at Omonia Square.",
        actor="Haddad",
        source="word of mouth, repeated in a Telegram group",
        reach="viral",
        risk=5,
    ).rumour
    rumours.update(gas.id.hex, "verifying", "Checking with the Omonia sector commander.", actor="Haddad")
    rumours.add(
        operation_id,
        "A counter-protest is planned at Propylaia at 18:00.",
        actor="Haddad",
        source="https://t.me/example/42",
        reach="medium",
        risk=3,
    )
    review = (datetime.now(UTC) + timedelta(hours=2)).isoformat(timespec="minutes")
    decisions.add(
        operation_id,
        DecisionInput(
            decision="Close Stadiou Street to traffic until 18:00.",
            rationale="The march fills both carriageways from Omonia to Syntagma; buses go by Panepistimiou Street.",
            options=(
                ("Keep one lane open", "stewards cannot keep the crowd off it"),
                ("Close from noon", "shops and residents need access in the morning"),
            ),
            information="Officers' and the drone team's reports of crowd density on Stadiou Street.",
            powers="Road traffic regulation for public assemblies.",
            review_at=review,
        ),
        actor="Papadaki",
    )
    hold = decisions.add(
        operation_id,
        DecisionInput(
            decision="Hold the march at Propylaia for 15 minutes.",
            rationale="Syntagma Square ahead is at capacity; holding lets it clear safely.",
            options=(("Divert to Amalias Avenue", "the avenue is closed for works"),),
        ),
        actor="Papadaki",
    )
    decisions.revise(
        hold.id.hex,
        actor="Nikolaidis",
        decision="Hold the march at Propylaia for 25 minutes.",
        rationale="Syntagma Square is clearing more slowly than expected.",
    )
