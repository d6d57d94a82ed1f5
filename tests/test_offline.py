"""Offline at run time: ``index`` and ``ask`` succeed with networking disabled."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _unshare_works() -> str:
    """'' when ``unshare -n`` can run a command here, else the reason it cannot."""
    if not shutil.which("unshare"):
        return "unshare is not installed"
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"unshare -n is not permitted here: {probe.stderr.strip()}"
    return ""


def test_index_and_ask_without_network(tmp_path: Path) -> None:
    reason = _unshare_works()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must prove offline operation, but {reason}")
        pytest.skip(reason)
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(ROOT / "corpus"),
        "ASSISTANT_INDEX_DIR": str(tmp_path / "index"),
        # A proxy that does not exist: any attempt to reach out fails loudly, not slowly.
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "HTTP_PROXY": "http://127.0.0.1:9",
    }
    # The network namespace has no interface but loopback (down): nothing can be reached.
    check = subprocess.run(
        [
            "unshare",
            "-n",
            sys.executable,
            "-c",
            "import socket; socket.create_connection(('1.1.1.1', 53), timeout=2)",
        ],
        capture_output=True,
        text=True,
    )
    assert check.returncode != 0, "the namespace unexpectedly has network"

    def offline(*args: str, timeout: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["unshare", "-n", sys.executable, "-m", "assistant", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    index = offline("index", timeout=600)
    assert index.returncode == 0, index.stderr
    assert "Lisätty 5" in index.stdout

    ask = offline(
        "ask", "--json", "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?", timeout=300
    )
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert answer["passages"][0]["doc_id"] == "2022-09-28-jyvaskyla-aluehallitus"
    assert "Maria Kaisa Aula" in answer["passages"][0]["text"]
    assert "Maria Kaisa Aula" in answer["answer"]
