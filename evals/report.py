"""Write the report as JSON, Markdown and one self-contained HTML page.

The HTML has inline CSS and inline SVG charts drawn here (per-category bars, baseline
comparison) — no CDN, no JavaScript — and a per-question table with failures first. Every
piece of user or corpus text goes through ``html.escape``. Labels are Finnish (evaluators
read them); metric keys stay as in report.json so they can be looked up.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Any

from .metrics import METRIC_KEYS

SUMMARY_KEYS = (
    "recall@1",
    "recall@5",
    "mrr@10",
    "ndcg@10",
    "answer_hit",
    "answer_f1",
    "citation_precision",
    "citation_recall",
    "marker_integrity",
    "abstain_recall",
    "false_abstain_rate",
)
CHART_KEYS = (
    "recall@1",
    "mrr@10",
    "answer_hit",
    "citation_recall",
    "abstain_recall",
    "false_abstain_rate",
    "marker_integrity",
)
COLOURS = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#c53030", "#718096")


def fmt(value: Any) -> str:
    """A metric for display: 3 decimals for shares, 1 for milliseconds, "–" when undefined."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "kyllä" if value else "ei"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"
    return str(value)


REPORTS = Path(__file__).resolve().parent / "reports"  # default home of the reports (git-ignored)


def write_reports(report: Mapping[str, Any], out_dir: Path) -> dict[str, Path]:
    """Write report.json, report.md and report.html into ``out_dir``; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "json": out_dir / "report.json",
        "md": out_dir / "report.md",
        "html": out_dir / "report.html",
    }
    paths["json"].write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    paths["md"].write_text(to_markdown(report), encoding="utf-8")
    paths["html"].write_text(to_html(report), encoding="utf-8")
    return paths


# -- Markdown --------------------------------------------------------------------------------


def _md_cell(text: Any) -> str:
    """Table cell: HTML-escaped (Markdown renders raw HTML), pipes escaped, one line."""
    return escape(str(text), quote=False).replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Mapping[str, Any]) -> str:
    """Summary tables: overall metrics, per category, baselines, register, failures."""
    lines = [
        "# Vastausten laadun arviointi",
        "",
        f"- Kysymyksiä: {report['n_questions']}  ",
        f"- Kultajoukko: `{report['gold']}`  ",
        f"- Haku: {report['retriever']}, vastaaja: {report['answerer']}",
        "",
        "## Mittarit",
        "",
        "| mittari | arvo |",
        "| --- | ---: |",
    ]
    lines += [f"| {k} | {fmt(report['metrics'].get(k))} |" for k in METRIC_KEYS]
    lines += ["", "## Luottamusluokat", "", "| " + " | ".join(_BAND_HEAD) + " |"]
    lines.append("| --- | ---: | ---: | ---: |")
    for band, a, u, right in band_rows(report["questions"]):
        lines.append(f"| {band} | {a} | {u} | {fmt(right)} |")
    for key, title, label in (("folds", "Osat", "osa"), ("seeds", "Siemenet", "siemen")):
        columns = report.get(key) or {}
        if not columns:
            continue
        lines += [
            "",
            f"## {title}",
            "",
            "| mittari | " + " | ".join(f"{label} {k}" for k in columns) + " |",
        ]
        lines.append("| --- |" + " ---: |" * len(columns))
        for k in (*SUMMARY_KEYS, "high_share", "high_precision", "unanswerable_high"):
            lines.append(f"| {k} | " + " | ".join(fmt(v.get(k)) for v in columns.values()) + " |")
    lines += ["", "## Kategorioittain", ""]
    header = ["kategoria", "n", "läpäisi", *SUMMARY_KEYS]
    lines += ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for category, values in report["by_category"].items():
        row = [category, values["n"], fmt(values.get("passed"))]
        row += [fmt(values.get(k)) for k in SUMMARY_KEYS]
        lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    baselines = {k: v for k, v in report.get("baselines", {}).items() if v}
    if baselines:
        lines += ["", "## Vertailu", "", "| mittari | " + " | ".join(baselines) + " |"]
        lines.append("| --- |" + " ---: |" * len(baselines))
        for k in METRIC_KEYS:
            lines.append(f"| {k} | " + " | ".join(fmt(v.get(k)) for v in baselines.values()) + " |")
    if report.get("register") or report.get("register_error"):
        lines += ["", "## Vastuurekisteri", ""]
        if report.get("register_error"):
            lines.append(f"**{_md_cell(report['register_error'])}**")
        for k, v in (report.get("register") or {}).items():
            lines.append(f"- {k}: {fmt(v)}")
    failures = [q for q in report["questions"] if not q.get("passed")]
    lines += ["", f"## Epäonnistuneet kysymykset ({len(failures)})", ""]
    if failures:
        lines += [
            "| id | kategoria | kysymys | vastaus | tuomio |",
            "| --- | --- | --- | --- | --- |",
        ]
        for q in failures:
            row = [_label(q), q["category"], q["question"], q["answer"], q["verdict"]]
            lines.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
    return "\n".join(lines) + "\n"


def _label(q: Mapping[str, Any]) -> str:
    """A question's id as a row shows it; with the seed of its model where a report pools
    several refits (each question then appears once per seed)."""
    return q["id"] if q.get("seed") is None else f"{q['id']} (siemen {q['seed']})"


# -- HTML ------------------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1a202c;
max-width:1400px}
h1{font-size:1.6rem}h2{margin-top:2rem;font-size:1.25rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
th,td{border:1px solid #cbd5e0;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#edf2f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td{background:#fff5f5}tr.pass td{background:#f0fff4}
.quote{color:#4a5568;font-style:italic}.doc{color:#2b6cb0;font-size:.8rem}
.legend span{display:inline-block;margin-right:1rem}
.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
.err{color:#c53030;font-weight:bold}svg{max-width:100%;height:auto}
"""


def bar_chart(rows: Sequence[tuple[str, float]], title: str, width: int = 640) -> str:
    """Horizontal bars for values in [0, 1], one row per label, as inline SVG."""
    row_h, label_w, pad = 22, 180, 8
    height = pad * 2 + row_h * len(rows) + 20
    bar_w = width - label_w - 60
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title)}">'
    ]
    for i, (label, value) in enumerate(rows):
        y = pad + i * row_h
        v = max(0.0, min(1.0, value))
        colour = "#38a169" if v >= 0.9 else "#dd6b20" if v >= 0.7 else "#c53030"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y + 3}" width="{bar_w * v:.1f}" height="{row_h - 6}" '
            f'fill="{colour}"/>'
            f'<text x="{label_w + bar_w * v + 4:.1f}" y="{y + 15}" font-size="11">'
            f"{value:.2f}</text>"
        )
    axis_y = pad + row_h * len(rows) + 2
    for tick in (0.0, 0.5, 0.9, 1.0):
        x = label_w + bar_w * tick
        parts.append(
            f'<line x1="{x:.1f}" y1="{pad}" x2="{x:.1f}" y2="{axis_y}" stroke="#a0aec0" '
            f'stroke-dasharray="2,2"/><text x="{x:.1f}" y="{axis_y + 12}" font-size="10" '
            f'text-anchor="middle">{tick:g}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def grouped_chart(
    groups: Sequence[str], series: Mapping[str, Mapping[str, float | None]], width: int = 900
) -> str:
    """Vertical grouped bars: one group per metric, one bar per system, values in [0, 1]."""
    names = list(series)
    height, top, bottom, left = 280, 20, 60, 40
    plot_h = height - top - bottom
    group_w = (width - left - 10) / max(1, len(groups))
    bar_w = max(4.0, (group_w - 12) / max(1, len(names)))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'role="img" aria-label="vertailu">'
    ]
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - 10}" y2="{y:.1f}" stroke="#e2e8f0"/>'
            f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end">{tick:g}</text>'
        )
    for g, metric in enumerate(groups):
        x0 = left + g * group_w + 6
        for s, name in enumerate(names):
            value = series[name].get(metric)
            if value is None:
                continue
            v = max(0.0, min(1.0, float(value)))
            h = plot_h * v
            parts.append(
                f'<rect x="{x0 + s * bar_w:.1f}" y="{top + plot_h - h:.1f}" '
                f'width="{bar_w - 1:.1f}" height="{h:.1f}" fill="{COLOURS[s % len(COLOURS)]}">'
                f"<title>{escape(name)} {escape(metric)}: {float(value):.3f}</title></rect>"
            )
        parts.append(
            f'<text x="{x0 + group_w / 2 - 6:.1f}" y="{top + plot_h + 16}" font-size="11" '
            f'text-anchor="middle">{escape(metric)}</text>'
        )
    parts.append("</svg>")
    legend = "".join(
        f'<span><span class="swatch" style="background:{COLOURS[i % len(COLOURS)]}"></span>'
        f"{escape(name)}</span>"
        for i, name in enumerate(names)
    )
    return "".join(parts) + f'<div class="legend">{legend}</div>'


def _metrics_table(metrics: Mapping[str, Any]) -> str:
    rows = "".join(
        f'<tr><th>{escape(k)}</th><td class="num">{escape(fmt(metrics.get(k)))}</td></tr>'
        for k in METRIC_KEYS
    )
    return f"<table>{rows}</table>"


def _category_table(by_category: Mapping[str, Mapping[str, Any]]) -> str:
    head = "".join(f"<th>{escape(k)}</th>" for k in ("kategoria", "n", "läpäisi", *SUMMARY_KEYS))
    body = ""
    for category, values in by_category.items():
        cells = [escape(category), fmt(values["n"]), fmt(values.get("passed"))]
        cells += [fmt(values.get(k)) for k in SUMMARY_KEYS]
        body += (
            "<tr>"
            + "".join(
                f"<td{'' if i == 0 else ' class=num'}>{escape(c) if i else c}</td>"
                for i, c in enumerate(cells)
            )
            + "</tr>"
        )
    return f"<table><tr>{head}</tr>{body}</table>"


def _baseline_table(baselines: Mapping[str, Mapping[str, Any]]) -> str:
    head = "<th>mittari</th>" + "".join(f"<th>{escape(n)}</th>" for n in baselines)
    body = "".join(
        f"<tr><th>{escape(k)}</th>"
        + "".join(f'<td class="num">{escape(fmt(v.get(k)))}</td>' for v in baselines.values())
        + "</tr>"
        for k in METRIC_KEYS
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def band_rows(questions: Sequence[Mapping[str, Any]]) -> list[tuple[str, int, int, float | None]]:
    """Per confidence band: answerable questions in it, unanswerable ones in it, and how often
    its answers to answerable questions were right (the reliability of each band)."""
    out: list[tuple[str, int, int, float | None]] = []
    for band in ("high", "low", "none"):
        inside = [q for q in questions if q.get("confidence", "high") == band]
        answerable = [q for q in inside if q.get("answerable", True)]
        right = (
            sum(1 for q in answerable if q.get("passed")) / len(answerable) if answerable else None
        )
        out.append((band, len(answerable), len(inside) - len(answerable), right))
    return out


_BAND_HEAD = ("luottamus", "vastattavia", "vastaamattomia", "oikein (vastattavista)")


def _band_table(questions: Sequence[Mapping[str, Any]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in _BAND_HEAD)
    body = "".join(
        f"<tr><th>{band}</th><td class=num>{a}</td><td class=num>{u}</td>"
        f"<td class=num>{fmt(right)}</td></tr>"
        for band, a, u, right in band_rows(questions)
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _fold_table(folds: Mapping[str, Mapping[str, Any]], label: str = "osa") -> str:
    head = "<th>mittari</th>" + "".join(f"<th>{label} {escape(k)}</th>" for k in folds)
    head += "<th>keskiarvo</th>"
    body = ""
    for k in (*SUMMARY_KEYS, "high_share", "high_precision", "unanswerable_high"):
        values = [v.get(k) for v in folds.values()]
        known = [v for v in values if v is not None]
        mean = sum(known) / len(known) if known else None
        body += (
            f"<tr><th>{escape(k)}</th>"
            + "".join(f'<td class="num">{escape(fmt(v))}</td>' for v in values)
            + f'<td class="num">{escape(fmt(mean))}</td></tr>'
        )
    return f"<table><tr>{head}</tr>{body}</table>"


def _question_rows(questions: Sequence[Mapping[str, Any]]) -> str:
    rows = []
    for q in questions:
        history = "".join(
            f'<div class="quote">{escape(t["role"])}: {escape(t["content"])}</div>'
            for t in q.get("history", [])
        )
        citations = "".join(
            f'<div>[{escape(str(c["n"]))}] <span class="quote">“{escape(c["quote"])}”</span> '
            f'<span class="doc">{escape(c["doc_id"])}</span></div>'
            for c in q["citations"]
        )
        problems = "".join(
            f'<div class="err">{escape(p)}</div>' for p in q.get("integrity_problems", [])
        )
        gold = ", ".join(f"{d} ({g})" for d, g in q.get("gold_docs", {}).items()) or "–"
        accepted = " | ".join(q.get("accepted_answers", [])) or "–"
        rows.append(
            f'<tr class="{"pass" if q.get("passed") else "fail"}" '
            f'id="{escape(q["id"])}{"" if q.get("seed") is None else "@" + str(q["seed"])}">'
            f"<td>{escape(_label(q))}</td><td>{escape(q['category'])}</td>"
            f"<td>{history}{escape(q['question'])}</td>"
            f"<td>{escape(q['answer'])}{problems}</td>"
            f"<td>{citations or '–'}</td>"
            f'<td>{escape(q["verdict"])}<div class="doc">hyväksytyt: {escape(accepted)}</div>'
            f'<div class="doc">kultadokumentit: {escape(gold)}</div></td>'
            f'<td class="num">{escape(fmt(q.get("latency_ms")))}</td></tr>'
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "id",
            "kategoria",
            "kysymys",
            "vastaus",
            "lähteet (lainaus, dokumentti)",
            "tuomio",
            "ms",
        )
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>"


def to_html(report: Mapping[str, Any]) -> str:
    """One self-contained page: summary, charts, baselines, register, per-question table."""
    by_category = report["by_category"]
    category_rows = [
        (f"{c} (n={v['n']})", float(v.get("passed") or 0.0)) for c, v in by_category.items()
    ]
    baselines = {k: v for k, v in report.get("baselines", {}).items() if v}
    failures = sum(1 for q in report["questions"] if not q.get("passed"))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fi"><head><meta charset="utf-8">',
        "<title>Vastausten laadun arviointi</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Vastausten laadun arviointi</h1>",
        f"<p>{report['n_questions']} kysymystä"
        f" · kultajoukko <code>{escape(str(report['gold']))}</code>"
        f" · haku {escape(str(report['retriever']))} · vastaaja {escape(str(report['answerer']))}"
        f" · epäonnistui {failures}</p>",
        "<h2>Mittarit</h2>",
        _metrics_table(report["metrics"]),
        "<h2>Luottamusluokat</h2>",
        _band_table(report["questions"]),
        "<h2>Läpäisyosuus kategorioittain</h2>",
        bar_chart(category_rows, "läpäisyosuus kategorioittain"),
        _category_table(by_category),
    ]
    if report.get("folds"):
        title = "ristiinvalidoitu" if report.get("cross_validated") else "toimitettu malli"
        parts += [f"<h2>Osat ({title})</h2>", _fold_table(report["folds"])]
    if report.get("seeds"):
        parts += [
            "<h2>Mallit eri LightGBM-siemenillä (mittarit ovat niiden keskiarvo)</h2>",
            _fold_table(report["seeds"], "siemen"),
        ]
    if baselines:
        parts += [
            "<h2>Vertailu: haku- ja vastaustavat</h2>",
            grouped_chart(CHART_KEYS, baselines),
            _baseline_table(baselines),
        ]
    if report.get("register") or report.get("register_error"):
        parts.append("<h2>Vastuurekisteri</h2>")
        if report.get("register_error"):
            parts.append(f'<p class="err">{escape(str(report["register_error"]))}</p>')
        register = report.get("register") or {}
        if register:
            parts.append(
                "<table>"
                + "".join(
                    f'<tr><th>{escape(k)}</th><td class="num">{escape(fmt(v))}</td></tr>'
                    for k, v in register.items()
                )
                + "</table>"
            )
    parts += [
        "<h2>Kysymykset (epäonnistuneet ensin)</h2>",
        _question_rows(report["questions"]),
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


SUMMARY_COLUMNS = (
    "recall@1",
    "answer_hit",
    "citation_recall",
    "citation_precision",
    "abstain_recall",
    "false_abstain_rate",
    "high_share",
    "high_precision",
    "unanswerable_high",
)


def write_summary(reports: Mapping[str, Mapping[str, Any]], out_dir: Path) -> Path:
    """summary.md: every set of one gate run side by side (seed sets and document folds)."""
    lines = [
        "# Portitetut joukot",
        "",
        "| joukko | kysymyksiä | " + " | ".join(SUMMARY_COLUMNS) + " |",
        "| --- | ---: |" + " ---: |" * len(SUMMARY_COLUMNS),
    ]
    for name, report in reports.items():
        cells = [fmt(report["metrics"].get(k)) for k in SUMMARY_COLUMNS]
        lines.append(f"| {name} | {report['n_questions']} | " + " | ".join(cells) + " |")
        for fold, values in (report.get("folds") or {}).items():
            cells = [fmt(values.get(k)) for k in SUMMARY_COLUMNS]
            lines.append(f"| {name} · osa {fold} | | " + " | ".join(cells) + " |")
    path = out_dir / "summary.md"
    out_dir.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
