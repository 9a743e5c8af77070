"""The layering holds: the core and the CLI never load Qt or the GUI, and the domain stands alone."""

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = [
    "crowdops.domain",
    "crowdops.store",
    "crowdops.channels",
    "crowdops.sync",
    "crowdops.services",
    "crowdops.cli",
    "crowdops.app",
]

# Imports every module of the given packages (skipping Alembic's env.py, which only runs inside Alembic) and
# prints the names of all loaded modules as JSON.
_IMPORT_ALL = """
import importlib, json, pkgutil, sys

for name in sys.argv[1:]:
    module = importlib.import_module(name)
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=name + "."):
        if info.name.endswith("migrations.env"):
            continue
        importlib.import_module(info.name)
print(json.dumps(sorted(sys.modules)))
"""


def _loaded_after_importing(*packages: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *packages],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout))


@pytest.mark.slow
def test_core_and_cli_never_load_qt() -> None:
    loaded = _loaded_after_importing("crowdops.cli.main", "crowdops.app", *CORE)
    assert "crowdops.services.incidents" in loaded and "crowdops.cli.commands_incidents" in loaded  # it did run
    assert "crowdops.store.migrations.versions" in loaded
    assert not {m for m in loaded if m == "PySide6" or m.startswith("PySide6.")}
    assert not {m for m in loaded if m == "shiboken6" or m.startswith("shiboken6.")}
    assert not {m for m in loaded if m == "crowdops.gui" or m.startswith("crowdops.gui.")}


@pytest.mark.slow
def test_the_domain_imports_no_other_crowdops_package() -> None:
    loaded = _loaded_after_importing("crowdops.domain")
    ours = {m for m in loaded if m == "crowdops" or m.startswith("crowdops.")}
    assert "crowdops.domain.times" in ours
    assert ours - {"crowdops"} <= {m for m in ours if m.startswith("crowdops.domain")}
    assert "sqlalchemy" not in loaded


def test_the_contracts_are_configured() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    assert config["root_package"] == "crowdops"
    contracts = {c["name"]: c for c in config["contracts"]}
    qt = next(c for c in contracts.values() if "PySide6" in c.get("forbidden_modules", []))
    assert set(CORE) <= set(qt["source_modules"])
    assert "crowdops.gui" in qt["forbidden_modules"]
    assert qt.get("allow_indirect_imports", False) is False
    layers = next(c for c in contracts.values() if c["type"] == "layers")
    # Platform adapters know nothing of the database, and the store nothing of the platforms.
    assert layers["layers"][-4:] == [
        "crowdops.services",
        "crowdops.sync",
        "crowdops.store | crowdops.channels",
        "crowdops.domain",
    ]


@pytest.mark.slow
def test_lint_imports_passes() -> None:
    script = Path(sys.executable).with_name("lint-imports")
    if not script.exists():
        pytest.skip("import-linter is not installed next to this Python")
    done = subprocess.run([str(script), "--no-cache"], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Contracts: 3 kept, 0 broken." in done.stdout
