"""Browser benchmark: the app in real headless Chromium, timed the way a user feels it.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_browser.py --help``); see
``bench/README.md`` for what each row means.

Each run starts a fresh Streamlit server (so its caches are cold), opens the Tiers page twice
(first page load on the bundled sample: cold server, then warm), uploads the clean 1M-line
file through the sidebar uploader and moves a cut-off slider with the arrow key ``--presses``
times. Playwright (from PyPI) drives Debian's ``/usr/bin/chromium``.

Times are taken *inside the page*, on the page's own clock (``performance.now()``): a
``MutationObserver`` notes the first moment the tier cards show the expected customer counts
(computed independently from the file with pyarrow + numpy), and the first moment the counts
are right *and* the app reports its script run finished ("page idle"). The start is the file
input's ``change`` event (the user picked the file), the slider's ``keydown`` event, or
navigation start (page load). So the numbers do not include Playwright's round trips.

One markdown table goes to stdout (progress to stderr). Targets (issue 4): upload → dashboard
≤ 2.5 s and slider → updated counts ≤ 200 ms, at 1,000,000 lines.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cpu_and_cores, markdown_table
from datagen import DEFAULT_SEED, OUT_DIR, ROOT, DataFile, generate

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SAMPLE = ROOT / "data" / "sample" / "transactions.csv"
SERVER_PYTHON = ROOT / ".venv" / "bin" / "python"
LOG = OUT_DIR / "bench_browser_streamlit.log"

DEFAULT_LINES = 1_000_000
DEFAULT_CUSTOMERS = 20_000
DEFAULT_RUNS = 3
DEFAULT_PRESSES = 10
#: The ABC preset the Tiers page opens with, in percent; the first one is moved.
CUTOFFS = (80, 95)
TIER_NAMES = ("A", "B", "C")
TIMEOUT_MS = 180_000
#: Quiet time between slider presses, after the previous run has finished.
SETTLE_S = 0.3

UPLOAD_TARGET_S = 2.5
SLIDER_TARGET_S = 0.2

MB = 1_000_000

# Installed in every document before the app's own scripts (context.add_init_script).
# ``arm(expected)`` starts a measurement: ``cardsAt`` is the first time every tier card shows
# its expected count, ``idleAt`` the first time after that the app's script state is
# "notRunning". All times are performance.now() (ms since the page's navigation start).
_PAGE_SCRIPT = """
(() => {
  const kb = {expected: null, cardsAt: null, idleAt: null, keyAt: null, fileAt: null,
              alreadyMatching: false};
  window.__kb = kb;
  performance.setResourceTimingBufferSize(10000);
  const texts = () => {
    const out = {};
    for (const m of document.querySelectorAll('[data-testid="stMetric"]')) {
      const label = m.querySelector('[data-testid="stMetricLabel"]');
      const value = m.querySelector('[data-testid="stMetricValue"]');
      if (label && value) out[label.textContent.trim()] = value.textContent.trim();
    }
    return out;
  };
  const cardsMatch = () => {
    const got = texts();
    return Object.entries(kb.expected).every(([k, v]) => got[k] === v);
  };
  const notRunning = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app !== null && app.getAttribute('data-test-script-state') === 'notRunning';
  };
  const check = () => {
    if (kb.expected === null) return;
    const now = performance.now();
    if (kb.cardsAt === null && cardsMatch()) kb.cardsAt = now;
    if (kb.cardsAt !== null && kb.idleAt === null && notRunning()) kb.idleAt = now;
  };
  kb.texts = texts;
  kb.notRunning = notRunning;
  kb.arm = (expected) => {
    Object.assign(kb, {expected, cardsAt: null, idleAt: null, keyAt: null, fileAt: null});
    kb.alreadyMatching = cardsMatch();
  };
  kb.uploadsDone = () => performance.getEntriesByType('resource')
    .filter(e => e.name.includes('/_stcore/upload_file')).map(e => e.responseEnd);
  new MutationObserver(check).observe(document, {
    subtree: true, childList: true, characterData: true, attributes: true,
    attributeFilter: ['data-test-script-state'],
  });
  document.addEventListener('keydown', () => {
    if (kb.keyAt === null) kb.keyAt = performance.now();
  }, true);
  document.addEventListener('change', (e) => {
    if (e.target && e.target.type === 'file' && kb.fileAt === null) kb.fileAt = performance.now();
  }, true);
  kb.arm(EXPECTED_ON_LOAD);
})();
"""


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- expected numbers, independently of kadash -----------------------------------------------


def customer_values(path: Path) -> np.ndarray:
    """Net revenue per customer in cents, largest first (pyarrow + numpy, not kadash)."""
    table = pa_csv.read_csv(
        path,
        convert_options=pa_csv.ConvertOptions(
            include_columns=["customer_id", "revenue"],
            column_types={"customer_id": pa.string(), "revenue": pa.float64()},
        ),
    )
    cents = pa.array(np.round(table["revenue"].to_numpy() * 100).astype(np.int64))
    sums = table.append_column("cents", cents).group_by("customer_id").aggregate([("cents", "sum")])
    return np.sort(sums["cents_sum"].to_numpy())[::-1]


def tier_counts(values: np.ndarray, cutoffs_pct: tuple[int, ...]) -> list[int]:
    """Customers per tier, as the README defines it: a customer belongs to the first tier whose
    cut-off is greater than the cumulative share before it; negative customers are in the last
    tier. Integer arithmetic only. (Counts do not depend on the order of tied customers.)"""
    positive = int(values[values > 0].sum())
    before = np.cumsum(values) - values
    tier = np.zeros(len(values), dtype=np.int64)
    for c in cutoffs_pct:
        tier += 100 * before >= c * positive
    tier[values < 0] = len(cutoffs_pct)
    return np.bincount(tier, minlength=len(cutoffs_pct) + 1).tolist()


def expected_cards(values: np.ndarray, cutoffs_pct: tuple[int, ...]) -> dict[str, str]:
    """The tier cards' texts, e.g. ``{"A": "4,123", "B": "3,980", "C": "11,897"}``."""
    return {
        name: f"{count:,}"
        for name, count in zip(TIER_NAMES, tier_counts(values, cutoffs_pct), strict=True)
    }


# -- server and browser ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(log: Any):
    """A fresh ``streamlit run app.py`` on a free port; yields (url, process)."""
    port = _free_port()
    python = SERVER_PYTHON if SERVER_PYTHON.exists() else Path(sys.executable)
    proc = subprocess.Popen(
        [
            str(python), "-m", "streamlit", "run", "app.py",
            "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
                break
            except OSError as err:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"the Streamlit server did not start; see {LOG}") from err
                time.sleep(0.1)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _peak_rss(pid: int) -> int | None:
    """A process's peak resident memory (``VmHWM``) in bytes, if readable."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return None


def _wait_measured(tab: Any, what: str) -> dict[str, Any]:
    """Wait until the armed measurement is complete (cards right, run finished)."""
    try:
        tab.wait_for_function("window.__kb.idleAt !== null", timeout=TIMEOUT_MS)
    except Exception as err:
        shot = OUT_DIR / "bench_browser_failed.png"
        with contextlib.suppress(Exception):
            tab.screenshot(path=str(shot), full_page=True)
        got = tab.evaluate("window.__kb.texts()")
        want = tab.evaluate("window.__kb.expected")
        raise SystemExit(
            f"{what}: the tier cards never showed {want} (last seen {got}); screenshot {shot}"
        ) from err
    return tab.evaluate(
        "(({cardsAt, idleAt, keyAt, fileAt}) => ({cardsAt, idleAt, keyAt, fileAt}))(window.__kb)"
    )


def _new_tab(browser: Any, init_script: str) -> Any:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.add_init_script(init_script)
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    return tab


def _page_load(browser: Any, url: str, init_script: str) -> tuple[Any, dict[str, float]]:
    """Open the Tiers page in a new browser context; times since navigation start (s)."""
    tab = _new_tab(browser, init_script)
    tab.goto(f"{url}/tiers")
    kb = _wait_measured(tab, "first page load")
    return tab, {"cards": kb["cardsAt"] / 1000, "idle": kb["idleAt"] / 1000}


def _settle(tab: Any) -> None:
    tab.wait_for_function("window.__kb.notRunning()", timeout=TIMEOUT_MS)
    time.sleep(SETTLE_S)


def one_run(
    browser: Any, url: str, data: Path, values: np.ndarray, sample_js: str, presses: int
) -> dict[str, Any]:
    """Cold and warm page loads, one upload and ``presses`` slider moves on one fresh server."""
    init_script = _PAGE_SCRIPT.replace("EXPECTED_ON_LOAD", sample_js)
    result: dict[str, Any] = {}
    tab, result["cold"] = _page_load(browser, url, init_script)
    tab.context.close()
    tab, result["warm"] = _page_load(browser, url, init_script)
    _settle(tab)

    # (a) upload → tier counts of the uploaded file
    tab.evaluate("(e) => window.__kb.arm(e)", expected_cards(values, CUTOFFS))
    if tab.evaluate("window.__kb.alreadyMatching"):
        raise SystemExit("the sample already shows the uploaded file's counts: no signal")
    tab.locator(".st-key-source-upload input[type=file]").set_input_files(str(data))
    kb = _wait_measured(tab, "upload")
    sent = [t for t in tab.evaluate("window.__kb.uploadsDone()") if t >= kb["fileAt"]]
    result["upload"] = {
        "sent": (max(sent) - kb["fileAt"]) / 1000 if sent else None,
        "cards": (kb["cardsAt"] - kb["fileAt"]) / 1000,
        "idle": (kb["idleAt"] - kb["fileAt"]) / 1000,
    }

    # (b) slider: ArrowLeft on the first cut-off, one step at a time
    _settle(tab)
    slider = tab.locator(".st-key-tiers-cutoff-0 input[type=range]")
    slider.focus()
    result["slider"] = []
    shown = expected_cards(values, CUTOFFS)
    for step in range(1, presses + 1):
        cutoffs = (CUTOFFS[0] - step, *CUTOFFS[1:])
        if cutoffs[0] < 1:
            break
        expected = expected_cards(values, cutoffs)
        if expected == shown:  # nothing would change on screen: no signal to time
            say(f"  press {step}: cut-off {cutoffs[0]} % leaves the counts as they are; skipped")
            tab.keyboard.press("ArrowLeft")
            _settle(tab)
            continue
        if not slider.evaluate("(el) => el === document.activeElement"):
            slider.focus()
        tab.evaluate("(e) => window.__kb.arm(e)", expected)
        tab.keyboard.press("ArrowLeft")
        kb = _wait_measured(tab, f"slider press {step}")
        value = slider.input_value()
        if value != str(cutoffs[0]):
            raise SystemExit(f"slider press {step}: the slider shows {value}, not {cutoffs[0]}")
        result["slider"].append(
            {
                "cards": (kb["cardsAt"] - kb["keyAt"]) / 1000,
                "idle": (kb["idleAt"] - kb["keyAt"]) / 1000,
            }
        )
        shown = expected
        _settle(tab)
    tab.screenshot(path=str(OUT_DIR / "bench_browser_tiers.png"), full_page=True)
    tab.context.close()
    return result


# -- report ----------------------------------------------------------------------------------


def machine_line(browser_version: str) -> str:
    import streamlit

    return (
        f"{cpu_and_cores()}; Python {platform.python_version()}, Streamlit "
        f"{streamlit.__version__}, Chromium {browser_version} (headless)"
    )


def _row(label: str, samples: list[float], target: float | None = None) -> list[str]:
    if not samples:
        return [label, "", "", "0", ""]
    med, worst = statistics.median(samples), max(samples)
    verdict = ""
    if target is not None:
        verdict = f"≤ {target:g} s: {'met' if med <= target else 'NOT met'}"
    return [label, f"{med:.3f}", f"{worst:.3f}", str(len(samples)), verdict]


def build_report(
    runs: list[dict[str, Any]], data: Path, lines: int, customers: int, version: str
) -> str:
    size = data.stat().st_size
    size_label = f"{lines / 1_000_000:g}M" if lines >= 1_000_000 else f"{lines / 1000:g}k"

    def pick(section: str, key: str) -> list[float]:
        return [r[section][key] for r in runs if r[section][key] is not None]

    presses = [p for r in runs for p in r["slider"]]
    up = f"upload {size_label}"
    rows = [
        _row("first load, sample, cold server → tier counts", pick("cold", "cards")),
        _row("first load, sample, cold server → page idle", pick("cold", "idle")),
        _row("first load, sample, warm server → tier counts", pick("warm", "cards")),
        _row(f"{up} → file sent to the server", pick("upload", "sent")),
        _row(f"{up} → tier counts of the file", pick("upload", "cards"), UPLOAD_TARGET_S),
        _row(f"{up} → page idle", pick("upload", "idle")),
        _row(
            f"slider key ({size_label}) → updated tier counts",
            [p["cards"] for p in presses],
            SLIDER_TARGET_S,
        ),
        _row(f"slider key ({size_label}) → page idle", [p["idle"] for p in presses]),
    ]
    header = ["what (times in s)", "median", "max", "samples", "target (issue 4, on the median)"]
    rss = [r["server_rss"] for r in runs if r.get("server_rss")]
    rss_text = (
        f"{statistics.median(rss) / MB:,.0f} MB median ({min(rss) / MB:,.0f}–{max(rss) / MB:,.0f})"
        if rss
        else "not readable"
    )
    return "\n".join(
        [
            "### Browser (`bench/bench_browser.py`)",
            "",
            f"Machine: {machine_line(version)}",
            f"File: `{data.name}`, {lines:,} lines, {customers:,} customers, {size / MB:,.1f} MB; "
            f"{len(runs)} run{'s' if len(runs) > 1 else ''}, each on a fresh server; "
            f"{len(presses)} slider presses in all.",
            "",
            markdown_table(header, rows),
            "",
            "Times are taken in the page (performance.now): from navigation start, the file "
            "input's change event or the keydown, to the first DOM state where every tier card "
            "shows the expected count (computed from the file without kadash) — *tier counts* — "
            "and to the first moment the counts are right *and* the app reports its script run "
            "finished — *page idle* (charts may still be drawing).",
            f"Streamlit server peak RSS per run (VmHWM, loads + upload + slider): {rss_text}.",
        ]
    )


# -- command line ----------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time page load, upload and slider moves in headless Chromium."
    )
    parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help="fresh servers")
    parser.add_argument(
        "--presses", type=int, default=DEFAULT_PRESSES, help="slider presses per run"
    )
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES, help="lines of the upload")
    parser.add_argument(
        "--customers", type=int, default=DEFAULT_CUSTOMERS, help="customers of the upload"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="generator seed")
    args = parser.parse_args(argv)
    if args.runs < 1 or args.presses < 1:
        parser.error("--runs and --presses must be at least 1")
    return args


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found (Debian: apt-get install chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -r requirements-dev.txt)"
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    reason = _browser_missing()
    if reason:
        print(f"### Browser (`bench/bench_browser.py`)\n\nSkipped: {reason}.")
        say(f"browser benchmark skipped: {reason}")
        return 0
    from playwright.sync_api import sync_playwright

    data_file = DataFile("clean", args.lines, args.customers, messy=False)
    data = data_file.path(args.seed)
    if not data.exists():
        say(f"generating {data.relative_to(ROOT)} …")
        generate(data_file, args.seed)
    else:
        say(f"reusing {data.relative_to(ROOT)}")
    values = customer_values(data)
    sample_js = json.dumps(expected_cards(customer_values(SAMPLE), CUTOFFS))

    runs: list[dict[str, Any]] = []
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(LOG, "w") as log, sync_playwright() as p:
        for run in range(1, args.runs + 1):
            with streamlit_server(log) as (url, proc):
                browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
                try:
                    result = one_run(browser, url, data, values, sample_js, args.presses)
                    version = browser.version
                finally:
                    browser.close()
                result["server_rss"] = _peak_rss(proc.pid)
            runs.append(result)
            slider = [s["cards"] for s in result["slider"]]
            say(
                f"run {run}/{args.runs}: load cold {result['cold']['cards']:.2f} s, "
                f"warm {result['warm']['cards']:.2f} s; upload → counts "
                f"{result['upload']['cards']:.2f} s; slider median "
                f"{statistics.median(slider) if slider else float('nan'):.3f} s"
            )
    print(build_report(runs, data, args.lines, args.customers, version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
