"""The demo is built through the services, so what `make run` shows follows every rule: a rumour register with a
response drafted from a rumour, a decision log with a revision, and messages in each state."""

import pytest

import crowdops.domain.passphrases as passphrases
from crowdops.app import App
from crowdops.domain.messages import MessageStatus, Purpose
from crowdops.domain.rumours import RumourStatus


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(passphrases, "_N", 2**8)


def test_the_demo_protest_has_rumours_decisions_and_messages(app: App) -> None:
    built = app.demo.build()
    app.demo_messages.build(built.operations_created)
    protest = app.operations.get("Athens March")

    rumours = {r.claim: r for r in app.rumours.list(protest.id)}
    assert {r.status for r in rumours.values()} == {RumourStatus.FALSE, RumourStatus.VERIFYING, RumourStatus.NEW}
    metro = rumours["The metro station at Syntagma is closed all day."]
    [response] = app.rumours.get(metro.id.hex).responses
    assert (response.purpose, response.status) == (Purpose.RUMOUR_RESPONSE, MessageStatus.DRAFT)
    assert ("rumour", metro.id) in response.links  # linked both ways

    decisions = app.decisions.list(protest.id)
    assert len(decisions) == 2
    assert any(d.revises_id is not None for d in decisions)  # the hold was revised: its latest version is listed

    statuses = sorted(m.status.value for m in app.messages.list(protest.id))
    assert statuses == ["approved", "draft", "submitted"]
    assert app.audit.verify().ok
