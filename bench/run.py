"""CrowdOps performance benchmark (`make bench`): on a 1,000,000-incident database, measure side by side in one run
the app against a bare baseline and print the ratios. See bench/README.md."""

import argparse
import json
import os
import platform
import sqlite3
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import build_db
import outbox
import queries
import startup

from crowdops.app import App, open_app
from crowdops.domain.search import fts_query
from crowdops.store.secrets import secure_keyring_available

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
STARTUP_GOAL = 2.0  # app / bare window, time to first paint
RSS_GOAL_MB = 300.0
SEARCH_GOAL = 1.5  # app / raw sqlite3
DRAIN_GOAL = 0.8  # outbox throughput / bare requests loop
STALL_GOAL_MS = 50.0
PAGE = 200
SEARCH_LIMIT = 100
SEARCHES = (
    ("common word", "crowd"),
    ("rare word", "tractor"),
    ("very rare word", "zeppelin"),
    ("two words", "bottles omonia"),
    ("prefix", "parame"),
    ("Greek place name", "Σύνταγμα"),
)


@dataclass
class Row:
    measure: str
    app: str
    baseline: str = ""
    ratio: float | None = None
    goal: str = ""
    result: str = "info"  # PASS, MISS, info, n/a
    note: str = ""


def main() -> int:
    args = _parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _throwaway_keyring_if_none()
    OUT.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    report: dict = {"meta": _meta(args), "rows": [], "plans": {}, "searches": [], "startup_runs": {}}

    if not args.outbox_only:
        rows += _incident_sections(args, report)
    print("== Outbox (a Mastodon-like server in its own process)", flush=True)
    rows += _outbox_section(args, report)

    report["rows"] = [asdict(row) for row in rows]
    _print_table(rows)
    results = OUT / "results.json"
    results.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWritten to {results}")
    return 0


def _incident_sections(args: argparse.Namespace, report: dict) -> list[Row]:
    rows: list[Row] = []
    print(f"== Database ({args.rows:,} incidents)", flush=True)
    data = build_db.ensure_database(args.db, args.rows, rebuild=args.rebuild)
    if data.built:
        print(f"Built in {data.build_seconds:.1f} s.")
        rows.append(Row("database build", f"{data.build_seconds:.1f} s", note=f"{args.rows:,} incidents, new file"))
    else:
        print(f"Reusing {data.path} (complete).")
        rows.append(Row("database build", "reused", note=f"{data.path.name} already complete"))
    report["meta"].update(_dataset_facts(data.path))

    print("== Queries (warm: one open app, one warm-up call, then alternating rounds)", flush=True)
    rows += _query_section(data, args.runs, report)

    print(f"== Startup ({args.startup_runs} runs each, alternating)", flush=True)
    rows += _startup_section(data, args, report)
    return rows


def _outbox_section(args: argparse.Namespace, report: dict) -> list[Row]:
    work = OUT / "outbox"
    work.mkdir(parents=True, exist_ok=True)
    drains = outbox.drain_throughput(work, args.posts, args.drain_rounds)
    app_s, bare_s, ratio = outbox.summary(drains)
    report["outbox_drain"] = [asdict(d) | {"ratio": d.ratio} for d in drains]
    print(f"  drain {args.posts} posts: app {app_s:.2f} s, bare requests loop {bare_s:.2f} s", flush=True)
    worst, p99, sent, seconds = outbox.gui_stalls(work, args.stall_posts, args.latency, args.backlog)
    report["outbox_gui"] = {"max_gap_ms": worst, "p99_gap_ms": p99, "sent": sent, "seconds": seconds}
    print(f"  GUI while publishing {sent} posts at {args.latency:g} s each: max gap {worst:.0f} ms", flush=True)
    return [
        Row(
            f"drain {args.posts} queued posts (throughput, median of {len(drains)})",
            f"{args.posts / app_s:.0f} posts/s",
            f"{args.posts / bare_s:.0f} posts/s",
            ratio,
            f"≥ {DRAIN_GOAL:g}×",
            "PASS" if ratio >= DRAIN_GOAL else "MISS",
            "`sync --once` path, WAL + synchronous=FULL, audited; baseline: bare requests.Session loop, same bodies",
        ),
        Row(
            f"GUI event loop while publishing ({args.latency:g} s server)",
            f"max {worst:.0f} ms",
            goal=f"≤ {STALL_GOAL_MS:g} ms",
            result="PASS" if worst <= STALL_GOAL_MS else "MISS",
            note=f"5 ms timer probe, Outbox view open on {args.backlog} queued posts; p99 {p99:.0f} ms; {sent} sent "
            f"in {seconds:.1f} s by the app's own worker",
        ),
    ]


def _throwaway_keyring_if_none() -> None:
    """The bench database's audit key is worthless: on a machine without a keyring, keep it in a file under out/
    (chosen by name, as CrowdOps requires; the processes the bench starts inherit the choice)."""
    if not secure_keyring_available():
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyrings.alt.file.PlaintextKeyring"
        os.environ["XDG_DATA_HOME"] = str(OUT / "keyring")


def _parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="incidents in the database (default 1,000,000)")
    parser.add_argument("--db", type=Path, help="database file (default bench/out/bench-1m.db)")
    parser.add_argument("--rebuild", action="store_true", help="build the database again even if it is complete")
    parser.add_argument("--runs", type=int, default=9, help="timed rounds per query (default 9)")
    parser.add_argument("--startup-runs", type=int, default=5, help="timed starts of each window (default 5)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds before a start counts as failed")
    parser.add_argument(
        "--no-sign-in", action="store_true", help="start the app without `--as` (it may stop at a sign-in dialog)"
    )
    parser.add_argument("--outbox-only", action="store_true", help="run only the outbox benchmarks")
    parser.add_argument("--posts", type=int, default=1000, help="posts drained per round (default 1000)")
    parser.add_argument("--drain-rounds", type=int, default=5, help="alternating drain rounds (default 5)")
    parser.add_argument("--stall-posts", type=int, default=5, help="posts published while probing the GUI")
    parser.add_argument("--latency", type=float, default=2.0, help="server latency for the GUI probe (s)")
    parser.add_argument("--backlog", type=int, default=500, help="queued posts the Outbox view shows meanwhile")
    args = parser.parse_args()
    if args.db is None:
        label = "1m" if args.rows == 1_000_000 else str(args.rows)
        args.db = OUT / f"bench-{label}.db"
    return args


# -- queries ----------------------------------------------------------------------------------------------


def _query_section(data: build_db.Dataset, runs: int, report: dict) -> list[Row]:
    rows = []
    started = time.perf_counter()
    app = open_app(data.path)
    opened = (time.perf_counter() - started) * 1000
    raw = queries.raw_connection(data.path)
    try:
        rows.append(Row("open_app (in process)", f"{opened:.0f} ms", note="file checks, engine, services"))

        page = queries.compare_timeline(app, raw, data.operation_id, PAGE, runs)
        report["plans"]["timeline"] = page.plans
        print(f"  timeline: app {page.app_ms:.2f} ms, raw {page.raw_ms:.2f} ms", flush=True)
        report["timeline"] = asdict(page) | {"ratio": page.ratio, "sql_ratio": page.sql_ratio}
        rows.append(
            Row(
                f"first timeline page, {page.rows} rows",
                f"{page.app_ms:.2f} ms",
                f"{page.raw_ms:.2f} ms",
                page.ratio,
                note=f"app SQL alone {page.app_sql_ms:.2f} ms; first call {page.first_app_ms:.1f} ms",
            )
        )
        for label, text in SEARCHES:
            rows.append(_search_row(app, raw, data.operation_id, label, text, runs, report))
    finally:
        raw.close()
        app.close()
    return rows


def _search_row(
    app: App, raw: sqlite3.Connection, op_id: uuid.UUID, label: str, text: str, runs: int, report: dict
) -> Row:
    result = queries.compare_search(app, raw, op_id, text, SEARCH_LIMIT, runs, f"search {label} '{text}'")
    matches = raw.execute(
        "SELECT count(*) FROM incident_fts WHERE incident_fts MATCH ?", (fts_query(text),)
    ).fetchone()[0]
    report["plans"][result.label] = result.plans
    report["searches"].append(
        {
            "label": result.label,
            "query": text,
            "fts_matches": matches,
            "rows": result.rows,
            "app_ms": result.app_ms,
            "app_sql_ms": result.app_sql_ms,
            "raw_ms": result.raw_ms,
            "ratio": result.ratio,
            "sql_ratio": result.sql_ratio,
            "first_app_ms": result.first_app_ms,
        }
    )
    print(
        f"  {result.label}: {matches:,} matches, app {result.app_ms:.1f} ms (its SQL {result.app_sql_ms:.1f}), "
        f"raw {result.raw_ms:.1f} ms",
        flush=True,
    )
    return Row(
        result.label,
        f"{result.app_ms:.1f} ms",
        f"{result.raw_ms:.1f} ms",
        result.ratio,
        f"≤ {SEARCH_GOAL:g}×",
        "PASS" if result.ratio <= SEARCH_GOAL else "MISS",
        f"{matches:,} matches; app SQL {result.app_sql_ms:.1f} ms",
    )


# -- startup ----------------------------------------------------------------------------------------------


def _startup_section(data: build_db.Dataset, args: argparse.Namespace, report: dict) -> list[Row]:
    env = {k: v for k, v in os.environ.items() if k != "CROWDOPS_DB"}
    env["CROWDOPS_PASSPHRASE"] = data.passphrase
    app_args = ["--db", str(data.path), "gui", "--smoke"] + ([] if args.no_sign_in else ["--as", data.user])
    commands = {
        "app": [sys.executable, "-m", "crowdops", *app_args],
        "bare": [sys.executable, str(HERE / "bare_window.py")],
    }
    report["meta"]["startup_commands"] = commands

    # One untimed start of each fills the OS file cache and writes bytecode; it also tells if the GUI exists yet.
    failures = {}
    for name, argv in commands.items():
        warm = startup.run_child(argv, env, args.timeout)
        if not warm.ok:
            failures[name] = warm.reason()
            print(f"  {name} not available: {warm.reason()}", flush=True)
    if "bare" in failures:
        raise SystemExit(f"The bare PySide6 baseline does not start ({failures['bare']}): check `make qt-deps`.")
    runs: dict[str, list[startup.ChildRun]] = {name: [] for name in commands}
    for _ in range(args.startup_runs):
        for name, argv in commands.items():
            if name in failures:
                continue
            run = startup.run_child(argv, env, args.timeout)
            runs[name].append(run)
            if not run.ok:
                failures[name] = run.reason()
                print(f"  {name} failed: {run.reason()}", flush=True)
    report["startup_runs"] = {
        name: [asdict(r) | {"output": r.output[-2000:]} for r in done] for name, done in runs.items()
    }
    report["startup_failures"] = failures
    seconds = {name: statistics.median(r.first_paint or r.seconds for r in done) for name, done in runs.items() if done}
    ready = {name: statistics.median(r.seconds for r in done) for name, done in runs.items() if done}
    peak = {name: max(r.peak_rss_mb for r in done) for name, done in runs.items() if done}
    bare_s, bare_rss = seconds["bare"], peak["bare"]
    if "app" in failures:
        reason = f"not available: {failures['app']}"
        return [
            Row("first painted window", "n/a", f"{bare_s:.2f} s", None, f"≤ {STARTUP_GOAL:g}×", "n/a", reason),
            Row("peak RSS (app process)", "n/a", f"{bare_rss:.0f} MB", None, f"≤ {RSS_GOAL_MB:g} MB", "n/a", reason),
        ]
    app_s, app_rss = seconds["app"], peak["app"]
    print(
        f"  app {app_s:.2f} s (ready {ready['app']:.2f} s), bare {bare_s:.2f} s, peak RSS {app_rss:.0f} MB", flush=True
    )
    rows = [
        Row(
            "first painted main window (median)",
            f"{app_s:.2f} s",
            f"{bare_s:.2f} s",
            app_s / bare_s,
            f"≤ {STARTUP_GOAL:g}×",
            "PASS" if app_s / bare_s <= STARTUP_GOAL else "MISS",
            "spawn to the 'painted main window' line; baseline: bare QMainWindow + 1M-row QTableView",
        ),
        Row(
            "  app ready: database open, first data shown",
            f"{ready['app']:.2f} s",
            note="spawn to exit of gui --smoke, which waits for the database and the operations to load",
        ),
        Row(
            "peak RSS (app process, max)",
            f"{app_rss:.0f} MB",
            f"{bare_rss:.0f} MB",
            None,
            f"≤ {RSS_GOAL_MB:g} MB",
            "PASS" if app_rss <= RSS_GOAL_MB else "MISS",
            "ru_maxrss from wait4, max over the runs; baseline for reference",
        ),
    ]
    imports = startup.import_times(sys.executable, ["crowdops.cli.main", "crowdops.gui.launch"], env)
    baseline_imports = startup.import_times(sys.executable, ["PySide6.QtWidgets"], env)
    report["startup_imports_ms"] = {"app": imports, "bare": baseline_imports}
    top = ", ".join(f"{name} {ms:.0f}" for name, ms in list(imports.items())[:5])
    rows.append(
        Row(
            "  diagnostic: imports (CLI + GUI)",
            f"{sum(imports.values()):.0f} ms",
            f"{sum(baseline_imports.values()):.0f} ms",
            sum(imports.values()) / sum(baseline_imports.values()),
            note=f"python -X importtime, self ms by package: {top}; baseline: PySide6.QtWidgets",
        )
    )
    return rows


# -- report -----------------------------------------------------------------------------------------------


def _meta(args: argparse.Namespace) -> dict:
    import PySide6
    import sqlalchemy

    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pyside6": PySide6.__version__,
        "sqlalchemy": sqlalchemy.__version__,
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "rows": args.rows,
        "db": str(args.db),
        "query_runs": args.runs,
        "startup_runs": args.startup_runs,
    }


def _dataset_facts(path: Path) -> dict:
    connection = sqlite3.connect(path)
    try:
        total, corrections = connection.execute("SELECT count(*), count(corrects_id) FROM incidents").fetchone()
    finally:
        connection.close()
    return {"incidents": total, "corrections": corrections, "db_mb": round(path.stat().st_size / 2**20)}


def _print_table(rows: list[Row]) -> None:
    header = ("Measure", "App", "Baseline", "Ratio", "Goal", "Result")
    cells = [
        (r.measure, r.app, r.baseline, f"{r.ratio:.2f}×" if r.ratio is not None else "", r.goal, r.result) for r in rows
    ]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(header)]
    line = "  ".join(f"{{:<{w}}}" for w in widths)
    print()
    print(line.format(*header))
    print(line.format(*("-" * w for w in widths)))
    for cell, row in zip(cells, rows, strict=True):
        print(line.format(*cell))
        if row.note:
            print(" " * (widths[0] + 2) + row.note)


if __name__ == "__main__":
    sys.exit(main())
