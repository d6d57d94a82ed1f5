"""The CI gate: compare measured metrics with ``evals/thresholds.toml``.

``[min]`` bars must be reached, ``[max]`` bars must not be exceeded. A metric named in the
file but missing from the report fails (a bar that cannot be checked is not passed), and
marker integrity below 100 % always fails, whatever the file says.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLDS = Path(__file__).resolve().parent / "thresholds.toml"


class ThresholdError(ValueError):
    """The thresholds file is unreadable or malformed (Finnish message)."""


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    """``{"min": {metric: bar}, "max": {metric: bar}}`` from a TOML file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ThresholdError(f"Raja-arvotiedostoa {path} ei voi lukea: {exc}") from exc
    out: dict[str, dict[str, float]] = {"min": {}, "max": {}}
    for section in raw:
        if section not in out:
            raise ThresholdError(f"{path}: tuntematon osio [{section}] (sallitut: [min], [max]).")
    for section in ("min", "max"):
        table = raw.get(section, {})
        if not isinstance(table, dict):
            raise ThresholdError(f"{path}: [{section}] ei ole taulukko.")
        for name, value in table.items():
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ThresholdError(f"{path}: [{section}] {name} = {value!r} ei ole luku.")
            out[section][name] = float(value)
    return out


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
