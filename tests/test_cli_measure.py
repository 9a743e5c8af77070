"""`crowdops measure` through the real entry point: it answers without opening (or creating) a database."""

import json
from pathlib import Path

import pytest

from crowdops.cli.main import main


def test_measure_needs_no_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    db = tmp_path / "never.db"
    assert main(["--db", str(db), "measure", "--platform", "mastodon", "Αγαπητοί πολίτες"]) == 0
    assert capsys.readouterr().out.startswith("mastodon: 16 of 500")
    assert not db.exists()


def test_measure_over_the_limit_exits_1_with_one_line(capsys: pytest.CaptureFixture[str]):
    assert main(["measure", "--platform", "x", "x" * 281]) == 1
    captured = capsys.readouterr()
    assert "1 over the limit" in captured.out
    assert len(captured.err.strip().splitlines()) == 1


def test_measure_json_is_stable(capsys: pytest.CaptureFixture[str]):
    assert main(["--json", "measure", "--platform", "bluesky", "🇬🇷 ok"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"platform", "length", "limit", "ok"} <= set(data)
    assert (data["platform"], data["length"], data["ok"]) == ("bluesky", 4, True)
