"""Tests of the noise measurement: the floor rule on hand-computed cases, and one real run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evals.gate import GatedSet
from evals.noise import (
    OTHER_SEEDS,
    THREAD_VARS,
    Bar,
    _env,
    bar_for,
    denominators,
    flips,
    format_toml,
    margin_for,
    noise_bars,
    passed_share,
    worker,
)

ROOT = Path(__file__).resolve().parent.parent
SMOKE = ROOT / "evals" / "sets" / "smoke.jsonl"


def test_margin_is_twice_the_spread_and_at_least_two_questions() -> None:
    assert margin_for(0.0, 200) == pytest.approx(0.01)
    assert margin_for(0.02, 200) == pytest.approx(0.04)
    assert margin_for(0.0, 0) == 0.0


def test_bars_round_away_from_the_measured_value() -> None:
    assert bar_for(0.9630, 0.0, 453) == 0.958  # 0.9630 - 0.00442 = 0.95858 -> 0.958
    assert bar_for(0.98, 0.0, 100) == 0.96  # exact: not rounded down a further step
    assert bar_for(0.05, 0.0, 240, ceiling=True) == 0.059  # 0.05 + 0.00833 -> 0.059
    assert bar_for(0.999, 0.01, 100, ceiling=True) == 1.0
    assert bar_for(0.01, 0.0, 10) == 0.0


def test_denominators_follow_what_each_metric_counts() -> None:
    report = {
        "metrics": {"answer_hit": 0.5, "abstain_recall": 1.0, "abstain_precision": 0.5},
        "register": {"roles_recall": 1.0},
        "register_rows": 41,
        "questions": [
            {"answerable": True, "abstained": False},
            {"answerable": True, "abstained": True},
            {"answerable": False, "abstained": True},
        ],
    }
    n = denominators(report)
    assert n["answer_hit"] == 2 and n["abstain_recall"] == 1 and n["abstain_precision"] == 2
    assert n["register_roles_recall"] == 41


def test_a_report_pooling_several_refits_counts_per_refit() -> None:
    """Each question appears once per seed: one question's worth is still 1 / questions, and
    runs with other seeds compare question by question (the share of seeds it passes)."""
    rows = [
        {"id": "a", "answerable": True, "abstained": False, "passed": True},
        {"id": "b", "answerable": True, "abstained": True, "passed": False},
        {"id": "c", "answerable": False, "abstained": True, "passed": True},
    ]
    questions = [{**q, "seed": s} for s in (7, 1) for q in rows]
    questions[3]["passed"] = False  # "a" fails with seed 1
    pooled = {
        "metrics": {"answer_hit": 0.5, "abstain_recall": 1.0},
        "seeds": {"7": {}, "1": {}},
        "questions": questions,
    }
    n = denominators(pooled)
    assert n["answer_hit"] == 2 and n["abstain_recall"] == 1 and n["abstain_precision"] == 2
    assert passed_share(pooled) == {"a": 0.5, "b": 0.0, "c": 1.0}
    other = {**pooled, "questions": [{**q, "seed": 3} for q in rows]}
    results = {"base": {"s": {"passed": passed_share(pooled)}}}
    results["seeds_b"] = {"s": {"passed": passed_share(other)}}
    assert flips(results) == {"s": 1}
    seeds = [set(v) for v in OTHER_SEEDS.values()]
    assert not seeds[0] & seeds[1] and not {7, 1, 2} & (seeds[0] | seeds[1])


def _run(values: dict[str, float], passed: dict[str, bool]) -> dict[str, Any]:
    return {"values": values, "n": dict.fromkeys(values, 100), "passed": passed}


def test_noise_bars_flips_and_toml() -> None:
    results = {
        "base": {"s": _run({"answer_hit": 0.90, "false_abstain_rate": 0.05}, {"a": True})},
        "threads1": {"s": _run({"answer_hit": 0.88, "false_abstain_rate": 0.06}, {"a": False})},
    }
    gated = [
        GatedSet(
            "s",
            Path("s.jsonl"),
            min={"answer_hit": 0.9, "marker_integrity": 1.0},
            max={"false_abstain_rate": 0.05, "latency_p95_ms": 2000},
        )
    ]
    (entry,) = noise_bars(results, gated)
    bars = {b.metric: b for b in entry.bars}
    assert set(bars) == {"answer_hit", "false_abstain_rate"}  # integrity, latency: not noise
    hit, fa = bars["answer_hit"], bars["false_abstain_rate"]
    assert hit.spread == pytest.approx(0.02) and hit.bar == 0.86
    assert fa.ceiling and fa.bar == 0.07
    assert flips(results) == {"s": 1}
    toml = format_toml([entry])
    assert "[s.min]\nanswer_hit = 0.860  # measured 0.9000, spread 0.0200" in toml
    assert "[s.max]\nfalse_abstain_rate = 0.070" in toml
    assert Bar("x", {"base": 1.0}, 1.0, 50).bar == 0.96


def test_thread_and_kernel_settings_reach_the_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert all(_env("threads1")[v] == "1" for v in THREAD_VARS)
    assert all(_env("threads2")[v] == "2" for v in THREAD_VARS)
    assert "OPENBLAS_CORETYPE" not in _env("base")
    assert _env("coretype")["OPENBLAS_CORETYPE"] not in ("", "Haswell")


@pytest.mark.slow
def test_incremental_worker_builds_and_measures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One real configuration: documents added one at a time, then a gated set measured."""
    thresholds = tmp_path / "t.toml"
    thresholds.write_text(f'[smoke]\ngold = "{SMOKE}"\n[smoke.min]\nanswer_hit = 0.5\n', "utf-8")
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(ROOT / "corpus"))
    result = tmp_path / "r.json"
    worker("incremental", thresholds, result)
    data = json.loads(result.read_text(encoding="utf-8"))["smoke"]
    assert data["values"]["marker_integrity"] == 1.0
    assert data["n"]["answer_hit"] == 2 and set(data["passed"]) == {"s1", "s2", "s3"}
