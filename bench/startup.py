"""Time a child process from spawn to its "painted main window" line and to its exit, with its own peak RSS
(os.wait4's rusage).

Linux counts in a child's ru_maxrss the memory it had before exec, i.e. its parent's at fork time; the benchmark
process holds hundreds of MB after building the database, which would show up as the child's peak. So every child
is spawned by a small launcher (this file run with `python -S`, stdlib only, ~10 MB) that reports back as JSON."""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass


@dataclass(frozen=True, slots=True)
class ChildRun:
    seconds: float  # spawn to exit
    first_paint: float | None  # spawn to the "painted main window" line on stdout
    peak_rss_mb: float
    returncode: int
    timed_out: bool
    output: str  # stdout and stderr, for the reason of a failure

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def reason(self) -> str:
        if self.timed_out:
            return "timed out"
        lines = [line for line in self.output.strip().splitlines() if line.strip()]
        return f"exit {self.returncode}: {lines[-1].strip() if lines else 'no output'}"


def run_child(argv: list[str], env: dict[str, str], timeout: float) -> ChildRun:
    request = json.dumps({"argv": argv, "env": env, "timeout": timeout})
    launcher = [sys.executable, "-S", os.path.abspath(__file__)]
    done = subprocess.run(launcher, input=request, capture_output=True, text=True, check=True)
    return ChildRun(**json.loads(done.stdout))


def import_times(python: str, modules: list[str], env: dict[str, str]) -> dict[str, float]:
    """Milliseconds spent importing `modules` in a fresh interpreter, by top-level package (self time, from
    `python -X importtime`), largest first."""
    code = "import " + ", ".join(modules)
    done = subprocess.run([python, "-X", "importtime", "-c", code], env=env, capture_output=True, text=True, check=True)
    totals: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, _, name = line.removeprefix("import time:").split("|")
        root = name.strip().split(".")[0]
        totals[root] = totals.get(root, 0.0) + int(own) / 1000
    return dict(sorted(totals.items(), key=lambda item: -item[1]))


PAINTED = "painted main window"


def _measure(argv: list[str], env: dict[str, str], timeout: float) -> ChildRun:
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        first_paint = None
        lines = []
        try:
            assert process.stdout is not None
            for raw in process.stdout:  # until the child closes stdout (exits)
                line = raw.decode(errors="replace")
                lines.append(line)
                if first_paint is None and line.startswith(PAINTED):
                    first_paint = time.perf_counter() - started
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        errors.seek(0)
        text = "".join(lines) + errors.read().decode(errors="replace")
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = usage.ru_maxrss / 2**20 if sys.platform == "darwin" else usage.ru_maxrss / 2**10
    timed_out = elapsed >= timeout and process.returncode < 0
    return ChildRun(elapsed, first_paint, peak, process.returncode, timed_out, text)


if __name__ == "__main__":
    spec = json.load(sys.stdin)
    print(json.dumps(asdict(_measure(spec["argv"], spec["env"], spec["timeout"]))))
