"""Load run (a benchmark, not a test): N concurrent gradio_client users × M questions.

Starts ``python app.py`` on a free loopback port over a temporary index of the real corpus
(or uses ``--url`` of a running app), sends the questions through the ``/ask`` endpoint,
and prints: answered, errors, p50/p95 latency and the server's peak RSS.

    .venv/bin/python benchmarks/load.py [--users 20] [--questions 5] [--url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?",
    "Kuka vastaa pelastustoimesta vuoden 2023 alusta?",
    "Mitä tehtäviä kunnille jää sote-uudistuksen jälkeen?",
    "Mikä on yhdyspintajaosto?",
    "Mikä on Keski-Suomen hyvinvointialueen talousarvio vuodelle 2025?",
    "Mitä Kuntaliitto ehdottaa hyvinvointialueille?",
    "Kuka on Kuntaliiton toimitusjohtaja?",
]


@dataclass
class Results:
    """Latencies and errors collected from all users."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    abstained: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _rss_kib(pid: int) -> int:
    """Current RSS of ``pid`` and its children (KiB), from /proc."""
    total = 0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids.extend(int(c) for c in children)
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


def _user(url: str, user: int, n_questions: int, results: Results) -> None:
    from gradio_client import Client

    client = Client(url, verbose=False)
    try:
        for i in range(n_questions):
            question = QUESTIONS[(user + i) % len(QUESTIONS)]
            started = time.perf_counter()
            try:
                answer = client.predict(question, "[]", api_name="/ask")
                answer = json.loads(answer) if isinstance(answer, str) else answer
                ok = isinstance(answer, dict) and bool(answer.get("answer"))
            except Exception as exc:  # every failure is counted, none is hidden
                with results.lock:
                    results.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = time.perf_counter() - started
            with results.lock:
                if ok:
                    results.latencies.append(elapsed)
                    results.abstained += bool(answer.get("abstained"))
                else:
                    results.errors.append(f"empty answer to {question!r}")
    finally:
        client.close()


def main() -> int:
    """Run the load test and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--url", help="a running app; default: start app.py here")
    args = parser.parse_args()

    proc: subprocess.Popen[bytes] | None = None
    tmp = Path(tempfile.mkdtemp(prefix="load-"))
    url = args.url
    peak = 0
    stop = threading.Event()
    try:
        if url is None:
            shutil.copytree(ROOT / "corpus", tmp / "corpus")
            port = _free_port()
            env = {
                **os.environ,
                "ASSISTANT_CORPUS_DIR": str(tmp / "corpus"),
                "ASSISTANT_INDEX_DIR": str(tmp / "index"),
                "ASSISTANT_PORT": str(port),
                "ASSISTANT_HOST": "127.0.0.1",
                "GRADIO_ANALYTICS_ENABLED": "False",
            }
            log = (tmp / "app.log").open("wb")
            proc = subprocess.Popen(
                [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=log, stderr=log
            )
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(url + "gradio_api/info", timeout=2):
                        break
                except OSError:
                    if proc.poll() is not None:
                        print((tmp / "app.log").read_text()[-3000:])
                        return 1
                    time.sleep(0.5)
            else:
                print("app.py did not start")
                return 1

            def sample() -> None:
                nonlocal peak
                assert proc is not None
                while not stop.is_set():
                    peak = max(peak, _rss_kib(proc.pid))
                    stop.wait(0.05)

            threading.Thread(target=sample, daemon=True).start()
            rss_idle = _rss_kib(proc.pid)
        else:
            rss_idle = 0

        results = Results()
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=args.users) as pool:
            for user in range(args.users):
                pool.submit(_user, url, user, args.questions, results)
        wall = time.perf_counter() - started
        stop.set()

        expected = args.users * args.questions
        lat = sorted(results.latencies)
        print(f"users × questions      {args.users} × {args.questions} = {expected}")
        print(f"answered               {len(lat)} ({results.abstained} abstained)")
        print(f"errors                 {len(results.errors)}")
        for err in results.errors[:5]:
            print(f"  - {err}")
        if lat:
            p95 = lat[min(len(lat) - 1, round(0.95 * (len(lat) - 1)))]
            print(f"latency p50 / p95      {statistics.median(lat):.2f} s / {p95:.2f} s")
            print(f"latency max            {lat[-1]:.2f} s")
        print(f"wall time              {wall:.1f} s ({len(lat) / wall:.1f} answers/s)")
        if proc is not None:
            print(f"server RSS idle / peak {rss_idle / 1024:.0f} MiB / {peak / 1024:.0f} MiB")
        return 0 if len(lat) == expected and not results.errors else 1
    finally:
        stop.set()
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
