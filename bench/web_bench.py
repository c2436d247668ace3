"""Web benchmark (issue 11): the pages at 10,000 initiatives and 1,000 published experiments.

Usage: ``make bench-web`` or ``.venv/bin/python bench/web_bench.py [--seconds 10] [--reseed]
[--tree PATH] [--port 8765] [--profile] [--only /en/,/en/portfolio/]``.

1. A PostgreSQL database of its own, ``carrefour_bench`` on 127.0.0.1:5432 (never ``test``), is
   created if missing, migrated, given the demo (``load_demo``) and seeded with bulk_create
   (bench/web_django.py): 10,000 initiatives with 2 achievements each, 1,000 published
   experiments. Seeding is skipped when the data is there; ``--reseed`` drops the database and
   starts again.
2. One request per page and visitor, in-process with the test client: SQL queries counted (the
   figure issue 11 asks to keep constant), status and size.
3. gunicorn, 2 workers, DEBUG off, on 127.0.0.1; each page is driven by wrk (``-c 20 -t 2``, for
   ``--seconds``, ``--timeout 30s``) anonymous, then signed in as the demo's public servant, with
   ``/robots.txt`` measured in the same run as the baseline. gunicorn is stopped at the end.
4. A Markdown table (req/s, p50, p95, p99, p95 ÷ anonymous robots p95, p95 < 100 ms, queries,
   one request alone) is printed and written to bench/results/web-<date>.md; ``--profile`` adds
   the top 5 functions (cProfile, cumulative) of one request per page.

``--tree`` benchmarks another checkout (e.g. a `git archive` of an earlier commit) with this
harness. Timings are wall-clock on a shared machine: compare ratios to /robots.txt.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
DB_NAME = "carrefour_bench"
GOAL_MS = 100.0
LOOPBACK = {"127.0.0.1", "localhost", "::1"}

PAGES = [
    ("/robots.txt", "`/robots.txt` (baseline)"),
    ("/en/", "home"),
    ("/en/portfolio/", "portfolio list"),
    ("/en/portfolio/?page=50", "portfolio, page 50"),
    ("{initiative}", "one initiative"),
    ("/en/experiments/", "experiments"),
    ("{results}", "one results page"),
    ("/en/experiments/what-works/", "What works"),
    ("/en/search/?q=service", "search `service`"),
    ("/api/portfolio/initiatives/", "API initiatives list"),
    ("/en/open-data/catalogue.jsonld", "DCAT catalogue"),
]

LUA = r"""
done = function(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d bytes=%d errors_connect=%d errors_read=%d errors_write=%d errors_status=%d errors_timeout=%d\n",
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
  io.write(string.format("BENCH p50_us=%d p95_us=%d p99_us=%d max_us=%d\n",
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


NOTES = """Ratios are to the anonymous `/robots.txt` p95 of the same run (no query, no session). Signed-in
requests also open a database connection and read the session: see the signed-in `/robots.txt` row.
"1 request" is one request alone, in-process (test client), when the queries were counted. A page
slower than wrk's run is driven longer (up to 60 s); requests still queued afterwards are dropped
by restarting gunicorn, so they do not slow the next page. Wall-clock figures on a shared machine
are noisy (see the load average above): compare ratios, and the queries, which do not vary."""


def _check_db_url(url: str) -> str:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.hostname not in LOOPBACK:
        raise SystemExit(f"the bench database must be on loopback, not {parts.hostname}")
    if name in ("", "test", "postgres", "template0", "template1"):
        raise SystemExit(f"refusing to use database {name!r}: the bench has a database of its own")
    return name


def _ensure_database(url: str, *, drop: bool) -> None:
    import psycopg

    name = _check_db_url(url)
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and drop:
            print(f"dropping {name} (--reseed)")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            print(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def _env(tree: Path, db_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "PYTHONPATH")}
    env.update({
        "PYTHONPATH": str(tree / "src"), "DJANGO_SETTINGS_MODULE": "carrefour.config.settings",
        "DATABASE_URL": db_url, "DEBUG": "0", "BENCH_TREE": str(tree),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "DATABASE_CONN_MAX_AGE": env.get("DATABASE_CONN_MAX_AGE", "0"),
        "MEDIA_ROOT": str(tree / "var" / "media"), "EMAIL_URL": "locmem://",
    })
    return env


def _run(cmd: list[str], tree: Path, env: dict[str, str], timeout: float = 1800) -> str:
    out = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stdout[-4000:] + out.stderr[-4000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return out.stdout


def _django(tree: Path, env: dict[str, str], *args: str, timeout: float = 1800) -> dict:
    out = _run([sys.executable, str(HERE / "web_django.py"), *args], tree, env, timeout=timeout)
    return json.loads(out.strip().splitlines()[-1])


def _prepare_database(tree: Path, env: dict[str, str], py: str, args: argparse.Namespace) -> None:
    started = time.perf_counter()
    _run([py, "manage.py", "migrate", "--noinput", "-v0"], tree, env)
    _run([py, "manage.py", "createcachetable"], tree, env)
    _run([py, "scripts/compile_messages.py"], tree, env)
    _run([py, "manage.py", "collectstatic", "--noinput", "-v0"], tree, env)
    probe = _run([py, "manage.py", "shell", "-c",
                  "from carrefour.directory.models import User; print(User.objects.filter(email='amelie.tremblay@canada.ca').exists())"],
                 tree, env)
    if "True" not in probe:
        print("loading the demo (manage.py load_demo)…", flush=True)
        _run([py, "manage.py", "load_demo"], tree, env)
    print(f"database ready (migrate, collectstatic, demo) in {time.perf_counter() - started:.1f} s", flush=True)
    seeded = _django(tree, env, "seed", "--initiatives", str(args.initiatives), "--experiments", str(args.experiments))
    if seeded["added_initiatives"] or seeded["added_experiments"]:
        print(f"seeded {seeded['added_initiatives']:,} initiatives and {seeded['added_experiments']:,} experiments "
              f"in {seeded['seconds']} s", flush=True)
    else:
        print(f"already seeded, skipped ({seeded['seconds']} s to check)", flush=True)
    print(f"  now {seeded['initiatives']:,} initiatives, {seeded['achievements']:,} achievements, "
          f"{seeded['publications']:,} published experiments", flush=True)


def _commit(tree: Path) -> str:
    out = subprocess.run(["git", "-C", str(tree), "describe", "--always", "--dirty"], capture_output=True, text=True,
                         timeout=30, check=False)
    return f"commit {out.stdout.strip()}" if out.returncode == 0 else f"tree {tree}"


def _free_port(port: int) -> int:
    """`port` if nothing listens on it (0: any free one); never someone else's server."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as error:
            raise SystemExit(f"port {port} is in use on 127.0.0.1: choose another with --port") from error
        return s.getsockname()[1]


def _start_gunicorn(tree: Path, env: dict[str, str], port: int, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    log = open(tempfile.gettempdir() + f"/bench-web-gunicorn-{port}.log", "w")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [gunicorn, "--config", "gunicorn.conf.py", "carrefour.config.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers)],
        cwd=tree, env={**env, "GUNICORN_WORKERS": str(workers)}, stdout=log, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    proc.log = log  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited ({proc.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as r:  # noqa: S310 - loopback
                if r.status == 200:
                    return proc
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    _stop(proc)
    raise SystemExit("gunicorn did not answer within 60 s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGQUIT)  # quick shutdown of its own session: the master and workers
        try:
            proc.wait(timeout=35)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
    proc.log.close()  # type: ignore[attr-defined]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


def _check_signed_in(port: int, cookie: str) -> None:
    """The session made in-process must sign wrk in through gunicorn too: a page for signed-in
    people only (the account's email page) answers 200 with it, a redirect without it."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(f"http://127.0.0.1:{port}/en/accounts/email/", headers={"Cookie": cookie})  # noqa: S310
    location = ""
    try:
        status = opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        status, location = error.code, error.headers.get("Location", "")
    if status != 200:
        raise SystemExit(f"the session cookie does not sign in through gunicorn (HTTP {status} {location})")


def _idle(port: int, limit: float = 20) -> bool:
    """Whether the server answers /robots.txt in under 100 ms twice in a row within `limit` s.

    A page slower than wrk's run leaves requests queued in gunicorn after wrk hangs up (the
    API list: minutes of them); they would slow the next page's run."""
    deadline = time.monotonic() + limit
    fast = 0
    while time.monotonic() < deadline and fast < 2:
        t = time.monotonic()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt",  # noqa: S310 - loopback
                                        timeout=max(0.5, deadline - t)) as r:
                r.read()
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
            continue
        fast = fast + 1 if time.monotonic() - t < 0.1 else 0
        time.sleep(0.2)
    return fast >= 2


def _wrk(url: str, seconds: int, lua: str, cookie: str | None) -> dict[str, float]:
    cmd = ["wrk", "-c", "20", "-t", "2", "-d", f"{seconds}s", "--timeout", "30s", "-s", lua]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(url)
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 90, check=False).stdout
    figures: dict[str, float] = {}
    for key, value in re.findall(r"(\w+)=(\d+)", " ".join(line for line in out.splitlines() if line.startswith("BENCH"))):
        figures[key] = float(value)
    if "requests" not in figures:
        raise SystemExit(f"wrk printed no summary for {url}:\n{out}")
    errors = sum(v for k, v in figures.items() if k.startswith("errors_"))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = errors
    figures["seconds"] = seconds
    return figures


def _ms(us: float) -> str:
    ms = us / 1000
    if ms >= 1000:
        return f"{ms / 1000:.2f} s"
    return f"{ms:.1f} ms" if ms < 10 else f"{ms:.0f} ms"


def _table(rows: list[dict], robots_p95: float) -> str:
    lines = [
        "| page | who | req/s | p50 | p95 | p99 | p95 ÷ robots p95 | p95 < 100 ms | queries | 1 request | errors | size |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        f, c = r["wrk"], r["count"]
        size = c.get("bytes", 0)
        size_text = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{size / 1e3:.0f} kB"
        errors = int(f["errors"])
        errors_text = (f"{errors} ({int(f.get('errors_timeout', 0))} time-outs)" if f.get("errors_timeout") else str(errors)) if errors else ""
        if f["requests"] == 0:  # nothing answered within the run: no latency to report
            figures = f"| 0 | — | — | — | — | no (none answered in {f['seconds']} s) "
        else:
            ratio = f["p95_us"] / robots_p95 if robots_p95 else float("nan")
            figures = (f"| {f['rps']:,.1f} | {_ms(f['p50_us'])} | {_ms(f['p95_us'])} | {_ms(f['p99_us'])} | {ratio:,.1f}× "
                       f"| {'yes' if f['p95_us'] < GOAL_MS * 1000 else 'no'} ")
        lines.append(f"| {r['label']} | {r['who']} {figures}| {c.get('queries', '?')} | {_ms(c.get('seconds', 0) * 1e6)} "
                     f"| {errors_text} | {size_text} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Web benchmark of issue 11 (see the module's docstring).")
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_WEB_SECONDS", "10")))
    parser.add_argument("--reseed", action="store_true", help="drop the bench database and seed it again")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to benchmark (default: this one)")
    parser.add_argument("--db", default=os.environ.get("BENCH_DATABASE_URL", f"postgresql://postgres@127.0.0.1:5432/{DB_NAME}"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_WEB_PORT", "0")),
                        help="loopback port for gunicorn (default: a free one)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--initiatives", type=int, default=10_000)
    parser.add_argument("--experiments", type=int, default=1_000)
    parser.add_argument("--label", default="", help="what the tree is, for the header (e.g. a commit)")
    parser.add_argument("--only", default="", help="comma-separated paths to drive (robots.txt is always included)")
    parser.add_argument("--profile", action="store_true", help="also cProfile one request per page (top 5, cumulative)")
    parser.add_argument("--no-load", action="store_true", help="seed and count queries only; no gunicorn, no wrk")
    args = parser.parse_args(argv)
    if not (1 <= args.seconds <= 120):
        raise SystemExit("--seconds must be between 1 and 120")
    if not args.no_load and shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (make bench-web installs it)")
    tree = args.tree.resolve()
    env = _env(tree, args.db)
    py = sys.executable

    _ensure_database(args.db, drop=args.reseed)
    _prepare_database(tree, env, py, args)

    wanted = {p for p in args.only.split(",") if p}
    pages = [{"path": p, "label": label} for p, label in PAGES if not wanted or p in wanted or p == "/robots.txt"]
    prepared = _django(tree, env, "prepare", "--pages", json.dumps(pages))
    pages = prepared["pages"]
    counts = prepared["counts"]
    cookie = f"{prepared['cookie']['name']}={prepared['cookie']['value']}"
    for page in pages:
        for who in ("anonymous", "signed in"):
            c = counts[f"{page['path']}|{who}"]
            if c["status"] != 200:
                print(f"warning: {page['path']} ({who}) answered {c['status']} in-process", flush=True)

    rows: list[dict] = []
    if not args.no_load:
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(LUA)
        args.port = _free_port(args.port)
        proc = None
        try:
            proc = _start_gunicorn(tree, env, args.port, args.workers)
            _check_signed_in(args.port, cookie)
            for page in pages:
                for who in ("anonymous", "signed in"):
                    url = f"http://127.0.0.1:{args.port}{page['path']}"
                    single = counts[f"{page['path']}|{who}"]["seconds"]
                    # A page that takes longer than a third of the run gets time for a few answers.
                    seconds = args.seconds if single < args.seconds / 3 else min(60, max(args.seconds, int(4 * single) + 1))
                    print(f"wrk {seconds} s: {page['path']} ({who})…", flush=True)
                    figures = _wrk(url, seconds, lua.name, cookie if who == "signed in" else None)
                    if not _idle(args.port):
                        print("  requests still queued after 20 s: gunicorn restarted", flush=True)
                        _stop(proc)
                        proc = _start_gunicorn(tree, env, args.port, args.workers)
                    rows.append({**page, "who": who, "wrk": figures, "count": counts[f"{page['path']}|{who}"]})
        finally:
            if proc is not None:
                _stop(proc)
            Path(lua.name).unlink(missing_ok=True)

    stamp = datetime.datetime.now(datetime.UTC)
    label = args.label or _commit(tree)
    head = (f"Carrefour web benchmark, {stamp:%Y-%m-%d %H:%M} UTC, {label}, {args.initiatives:,} initiatives, "
            f"{args.experiments:,} experiments; gunicorn {args.workers} workers, wrk -c 20 -t 2 -d {args.seconds}s; "
            f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end.")
    if rows:
        robots = next(r["wrk"]["p95_us"] for r in rows if r["path"] == "/robots.txt" and r["who"] == "anonymous")
        text = head + "\n\n" + _table(rows, robots) + "\n\n" + NOTES + "\n"
    else:
        text = head + "\n\n| page | who | queries | status | size | in-process s |\n| --- | --- | ---: | ---: | ---: | ---: |\n" + "\n".join(
            f"| {p['label']} | {who} | {counts[p['path'] + '|' + who]['queries']} | {counts[p['path'] + '|' + who]['status']} "
            f"| {counts[p['path'] + '|' + who]['bytes']:,} | {counts[p['path'] + '|' + who]['seconds']} |"
            for p in pages for who in ("anonymous", "signed in")) + "\n"

    if args.profile:
        profiled = _django(tree, env, "profile", "--pages", json.dumps([p for p in pages if p["path"] != "/robots.txt"]))
        parts = ["", "Profile, one anonymous request in-process (cProfile; top 5 functions of the project by cumulative time, leaving out the middleware and view that wrap the whole request):"]
        for path, found in profiled.items():
            parts.append(f"\n{path} — {found['seconds']} s")
            parts += [f"  {f['cumulative']:>7.3f} s  {f['function']}  ({f['where']})" for f in found["own"]]
        text += "\n".join(parts) + "\n"

    print("\n" + text)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    out = results / f"web-{stamp:%Y-%m-%d}.md"
    out.write_text(text, encoding="utf-8")
    print(f"written to {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
