"""The CI gate: every gated question set and its floors, from one file (``evals/thresholds.toml``).

The file has one section per set::

    [seed_gold]
    gold = "sets/seed_gold.jsonl"      # relative to the thresholds file
    about = "why this set is gated"

    [seed_gold.min]                    # the metric must reach the floor
    "recall@1" = 0.850
    [seed_gold.max]                    # the metric must not exceed the ceiling
    false_abstain_rate = 0.035

A metric named in a section but missing from the report fails (a bar that cannot be checked is
not passed), and marker integrity below 100 % always fails, whatever the file says. How the
floors are set from measured noise: ``python -m evals.noise`` and the file's header.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"
_SET_KEYS = frozenset({"gold", "about", "min", "max", "corpus", "folds", "cv", "indexed", "seeds"})
CORPORA = ("seed", "devdocs")


class ThresholdError(ValueError):
    """The thresholds file is unreadable or malformed (Finnish message)."""


@dataclass(frozen=True)
class GatedSet:
    """One gated question set: where its questions are and the bars its metrics must meet."""

    name: str
    gold: Path
    about: str = ""
    min: dict[str, float] = field(default_factory=dict)
    max: dict[str, float] = field(default_factory=dict)
    corpus: str = "seed"  # "seed": the product corpus; "devdocs": seeds + development documents
    folds: tuple[int, ...] = ()  # development folds whose questions are asked ("devdocs")
    cv: bool = False  # each fold answered by a model fitted without it
    indexed: tuple[int, ...] = ()  # folds whose documents the index holds ("devdocs"; () all)
    seeds: tuple[int, ...] = ()  # with cv: refit with each LightGBM seed, metrics pooled

    @property
    def bars(self) -> dict[str, dict[str, float]]:
        """``{"min": …, "max": …}`` as :func:`check_gate` takes them."""
        return {"min": self.min, "max": self.max}


def _bars(path: Path, where: str, table: Any) -> dict[str, float]:
    if table is None:
        return {}
    if not isinstance(table, dict):
        raise ThresholdError(f"{path}: [{where}] ei ole taulukko.")
    out: dict[str, float] = {}
    for name, value in table.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ThresholdError(f"{path}: [{where}] {name} = {value!r} ei ole luku.")
        out[name] = float(value)
    return out


def load_gate(path: Path) -> list[GatedSet]:
    """The gated sets of a thresholds file, in file order (Finnish :class:`ThresholdError`)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdError(f"Raja-arvotiedostoa {path} ei voi lukea: {exc}") from exc
    sets: list[GatedSet] = []
    for name, section in raw.items():
        if not isinstance(section, dict):
            raise ThresholdError(f"{path}: {name} ei ole osio ([{name}]).")
        unknown = set(section) - _SET_KEYS
        if unknown:
            raise ThresholdError(
                f"{path}: osiossa [{name}] tuntematon avain {', '.join(sorted(unknown))} "
                f"(sallitut: {', '.join(sorted(_SET_KEYS))})."
            )
        gold = section.get("gold")
        if not isinstance(gold, str) or not gold:
            raise ThresholdError(f"{path}: osiosta [{name}] puuttuu kysymysjoukko (gold = …).")
        corpus = section.get("corpus", "seed")
        folds = section.get("folds", [])
        if corpus not in CORPORA:
            raise ThresholdError(f"{path}: [{name}] corpus = {corpus!r} (sallitut: {CORPORA}).")
        if corpus == "devdocs" and (
            not isinstance(folds, list) or not folds or not all(isinstance(f, int) for f in folds)
        ):
            raise ThresholdError(f"{path}: [{name}] tarvitsee osat (folds = [1, 2, …]).")
        indexed = section.get("indexed", [])
        if not isinstance(indexed, list) or not all(isinstance(f, int) for f in indexed):
            raise ThresholdError(f"{path}: [{name}] indexed = {indexed!r} ei ole osien luettelo.")
        if indexed and not set(folds) <= set(indexed):
            raise ThresholdError(f"{path}: [{name}] kysyy osia, joita indexed ei sisällä.")
        seeds = section.get("seeds", [])
        if not isinstance(seeds, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in seeds
        ):
            raise ThresholdError(f"{path}: [{name}] seeds = {seeds!r} ei ole lukujen luettelo.")
        if seeds and not section.get("cv", False):
            raise ThresholdError(
                f"{path}: [{name}] seeds koskee vain ristiinvalidoitua joukkoa (cv = true)."
            )
        if len(set(seeds)) != len(seeds):
            raise ThresholdError(f"{path}: [{name}] seeds-luettelossa on sama luku kahdesti.")
        sets.append(
            GatedSet(
                name=name,
                gold=(path.parent / gold).resolve(),
                about=str(section.get("about", "")),
                min=_bars(path, f"{name}.min", section.get("min")),
                max=_bars(path, f"{name}.max", section.get("max")),
                corpus=corpus,
                folds=tuple(folds) if corpus == "devdocs" else (),
                cv=bool(section.get("cv", False)),
                indexed=tuple(indexed) if corpus == "devdocs" else (),
                seeds=tuple(seeds),
            )
        )
    if not sets:
        raise ThresholdError(f"{path}: tiedostossa ei ole yhtään portitettua joukkoa.")
    return sets


def gate_values(report: Mapping[str, Any]) -> dict[str, float | None]:
    """The numbers the gate checks: the report's metrics plus ``register_*`` metrics."""
    values: dict[str, float | None] = dict(report.get("metrics", {}))
    for name, value in (report.get("register") or {}).items():
        key = name if name.startswith("register_") else f"register_{name}"
        values[key] = value
    return values


def check_gate(
    values: Mapping[str, float | None], thresholds: Mapping[str, Mapping[str, float]]
) -> list[str]:
    """One Finnish line per failing bar; an empty list means the gate passes."""
    failures: list[str] = []
    for name, bar in thresholds.get("min", {}).items():
        value = values.get(name)
        if value is None:
            failures.append(f"{name}: arvo puuttuu raportista (vaaditaan ≥ {bar:g})")
        elif value < bar:
            failures.append(f"{name}: {value:.4f} < {bar:g} (vähimmäisraja)")
    for name, bar in thresholds.get("max", {}).items():
        value = values.get(name)
        if value is None:
            failures.append(f"{name}: arvo puuttuu raportista (vaaditaan ≤ {bar:g})")
        elif value > bar:
            failures.append(f"{name}: {value:.4f} > {bar:g} (enimmäisraja)")
    integrity = values.get("marker_integrity")
    if "marker_integrity" not in thresholds.get("min", {}) and (integrity is None or integrity < 1):
        shown = "puuttuu" if integrity is None else f"{integrity:.4f}"
        failures.append(f"marker_integrity: {shown} < 1 (viitesääntö on ehdoton)")
    return failures
