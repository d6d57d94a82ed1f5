"""Document metadata read from a document's own cleaned text: title, date, publisher, kind.

Used for files that arrive without a sources.toml entry. The title and the date are chosen
by two small learned scorers (logistic regressions fitted by ``python -m evals.metadata
--fit`` on the development documents and stored in ``metadata_model.json``): every candidate
line (title) or date mention (date) is described by general features that mean the same in
any document, and the best-scoring candidate wins if its probability clears the stored
threshold. The kind of date, the publisher and the kind of document come from transparent
rules over Finnish cue words. Nothing is invented: an unknown field stays "" ("none" for
the date kind, "document" for the kind).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("metadata_model.json")
READER_VERSION = "2"  # raise when the rules of reading or how ingest uses them change

MAX_TITLE_LINES = 30  # candidate title lines: the first non-empty lines of the text
_MAX_TITLE_CHARS = 250
_HEADER_LINES = 12  # the header zone where kind cues and the publisher are looked for


@dataclass(frozen=True)
class TextMetadata:
    """Metadata read from the text; "" / "none" / "document" where the text does not say."""

    title: str
    date: str  # ISO YYYY-MM-DD or ""
    date_kind: str  # meeting | dateline | published | updated | signed | none
    publisher: str
    kind: str  # minutes | news | press_release | faq | web_page | agreement | document


UNKNOWN_LABEL = "ei tiedossa"
"""How a user sees a value the document does not give (never a guess)."""
DATE_KIND_LABELS = {
    "meeting": "kokouspäivä",
    "dateline": "päiväys",
    "published": "julkaisupäivä",
    "updated": "viimeisin päivityspäivä",
    "signed": "allekirjoitus- tai hyväksymispäivä",
}
KIND_LABELS = {
    "minutes": "pöytäkirja",
    "news": "uutinen",
    "press_release": "tiedote",
    "faq": "kysymyksiä ja vastauksia",
    "web_page": "verkkosivu",
    "agreement": "sopimus",
    "document": "asiakirja",
}


def fi_date(iso: str) -> str:
    """An ISO date (or year-month, or year) as Finns write it: 24.11.2025, 11/2025, 2025."""
    parts = iso.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])}.{int(parts[1])}.{parts[0]}"
    if len(parts) == 2:
        return f"{int(parts[1])}/{parts[0]}"
    return iso


def date_label(date: str, date_kind: str = "") -> str:
    """The document's date for a reader, with what it is: "24.11.2025 (kokouspäivä)";
    "päiväys ei tiedossa" when the document gives none."""
    if not date:
        return f"päiväys {UNKNOWN_LABEL}"
    kind = DATE_KIND_LABELS.get(date_kind)
    return f"{fi_date(date)} ({kind})" if kind else fi_date(date)


def source_line(publisher: str, date: str, date_kind: str = "") -> str:
    """ "Publisher · date (its kind)" of a source, unknown parts said to be unknown."""
    return f"{publisher or f'julkaisija {UNKNOWN_LABEL}'} · {date_label(date, date_kind)}"


# ---------------------------------------------------------------------------------------------
# Small text helpers

_WORD = re.compile(r"[0-9A-Za-zÅÄÖåäöÉéÜü]+(?:-[0-9A-Za-zÅÄÖåäöÉéÜü]+)*")
_MONTHS = {
    "tammikuuta": 1,
    "helmikuuta": 2,
    "maaliskuuta": 3,
    "huhtikuuta": 4,
    "toukokuuta": 5,
    "kesäkuuta": 6,
    "heinäkuuta": 7,
    "elokuuta": 8,
    "syyskuuta": 9,
    "lokakuuta": 10,
    "marraskuuta": 11,
    "joulukuuta": 12,
}
_DATE_RE = re.compile(
    r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>(?:19|20)\d{2})(?!\d)"
    r"|(?<!\d)(?P<iy>(?:19|20)\d{2})-(?P<im>\d{2})-(?P<id>\d{2})(?!\d)"
    r"|(?<![\d.])(?P<td>\d{1,2})\.\s+(?P<tm>" + "|".join(_MONTHS) + r")\s+(?P<ty>(?:19|20)\d{2})",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Casefold, drop punctuation and markdown marks, collapse whitespace (for comparisons)."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[^\w\s]", " ", text.replace("_", " "))
    return " ".join(text.split())


def tokens(text: str) -> list[str]:
    """Casefolded word tokens of a text."""
    return [m.group().casefold() for m in _WORD.finditer(text)]


def _stem(token: str) -> str:
    # A crude Finnish stem: the first five letters cover most inflected forms of one word.
    return token[:5]


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _iso(match: re.Match[str]) -> str:
    """ISO date of a ``_DATE_RE`` match, "" when it is not a calendar date."""
    g = match.groupdict()
    if g["y"]:
        y, m, d = int(g["y"]), int(g["m"]), int(g["d"])
    elif g["iy"]:
        y, m, d = int(g["iy"]), int(g["im"]), int(g["id"])
    else:
        y, m, d = int(g["ty"]), _MONTHS[g["tm"].casefold()], int(g["td"])
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def find_dates(line: str) -> list[tuple[str, int, int]]:
    """Calendar dates mentioned in a line: (ISO date, start, end) in order of appearance."""
    out = []
    for m in _DATE_RE.finditer(line):
        iso = _iso(m)
        if iso:
            out.append((iso, m.start(), m.end()))
    return out


def _upper_share(line: str) -> float:
    letters = [c for c in line if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _strip_marks(line: str) -> str:
    """Drop markdown emphasis, link syntax and quote marks around a line."""
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = line.replace("**", "").replace("__", "")
    return line.strip().strip("*_>").strip()


def _lines(text: str) -> list[str]:
    return [s for s in (_strip_marks(x) for x in text.split("\n")) if s]


# ---------------------------------------------------------------------------------------------
# Cue words

_COOKIE = re.compile(r"eväst|cookie", re.IGNORECASE)
_MENU_WORDS = re.compile(
    r"^(?:etusivu|haku|valikko|palvelut|asiointi|ajankohtaista|uutiset|päätöksenteko|"
    r"in english|på svenska|selkosuomeksi|rss|kirjaudu|yhteystiedot|siirry|hyppää)\b",
    re.IGNORECASE,
)
_MINUTES_CUE = re.compile(
    r"pöytäkirja|pykälä|§|\bkokous|\bkh\b|\bkv\b|hallitus\s+\d|valtuusto\s+\d|lautakunta\s+\d",
    re.IGNORECASE,
)
_PUBLISHED_CUE = re.compile(r"julkaistu|julkaisuajankohta|julkaisupäivä|lähetetty", re.IGNORECASE)
_UPDATED_CUE = re.compile(r"päivitetty|muokattu|\bpäivitys\b", re.IGNORECASE)
_SIGNED_CUE = re.compile(r"hyväksytty|allekirjoitettu|allekirjoitus", re.IGNORECASE)
_NEWS_CUE = re.compile(r"tiedote|uutinen|uutiset|ajankohtaista", re.IGNORECASE)
_LIMIT_CUE = re.compile(r"alkaen|saakka|mennessä|asti|voimassa|voimaan", re.IGNORECASE)
_CAPTION_CUE = re.compile(r"^kuva\b", re.IGNORECASE)
_CLOCK = re.compile(r"\bklo\b|\b\d{1,2}[.:]\d{2}\b(?!\.\d)")
_SECTION = re.compile(r"^§\s*\d+\s*")
_ORG_WORD = re.compile(
    r"(?:kunta|kaupunki|hyvinvointialue|liitto|ministeriö|ministeriöt|pelastuslaitos|kuntayhtymä|"
    r"valtioneuvosto|hallitus|valtuusto|lautakunta)$",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"\s+[|–—]\s+|\s+·\s+|\s+•\s+")


# ---------------------------------------------------------------------------------------------
# Title: candidates and their features

TITLE_FEATURES: tuple[str, ...] = (
    "bias_one",
    "position",
    "first_line",
    "is_part",
    "words_1",
    "words_2_3",
    "words_4_20",
    "words_many",
    "upper_share",
    "all_caps",
    "ends_period",
    "ends_question",
    "ends_colon",
    "has_date",
    "digit_share",
    "starts_section",
    "has_separator",
    "cookie",
    "menu_word",
    "org_name",
    "url",
    "body_recurrence",
    "repeats_in_doc",
    "next_is_date",
    "prev_is_date_or_label",
    "headings_before",
    "filename_overlap",
    "minutes_label",
    "bullet",
    "label_start",
    "breadcrumb",
    "first_headline",
    "best_recurrence",
    "next_is_body",
    "chrome_part",
    "part_of_plain_line",
)


@dataclass(frozen=True)
class TitleCandidate:
    """One candidate title: the text, its line index among the non-empty lines, features."""

    text: str
    line_index: int
    features: tuple[float, ...]


def _is_dateish(line: str) -> bool:
    """A short line that is mostly a date or byline ("Uutinen | 24.10.2025", "5.3.2024")."""
    dates = find_dates(line)
    if not dates or len(line.split()) > 10:
        return False
    rest = line
    for _, start, end in reversed(dates):
        rest = rest[:start] + " " + rest[end:]
    alpha = [w for w in rest.split() if any(c.isalpha() for c in w)]
    return len(alpha) <= 3 or bool(re.search(r"\||•|·|\bklo\b", line))


def _split_parts(line: str) -> list[str]:
    parts = [p.strip() for p in _SEPARATORS.split(line)]
    return [p for p in parts if p]


def _content_stems(text: str) -> set[str]:
    return {_stem(t) for t in tokens(text) if len(t) >= 4 and not t.isdigit()}


def _looks_like_org(line: str) -> bool:
    words = line.split()
    return 1 <= len(words) <= 5 and bool(_ORG_WORD.search(line.rstrip(".").casefold()))


_BULLET = re.compile(r"^(?:[-•*–]\s|\d+(?:\.\d+)*\.?\s)")
_LABEL_START = re.compile(
    r"^(?:kuva|kuvat|liite|liitteet|valmistelija|valmistelijat|esittelijä|päätösehdotus|"
    r"lisätiedot|etusivu|versio|asiakirjan tila|diaarinumero|pöytäkirja\w*)\b"
    r"|^(?:toimielin|kokous\w*|aika|paikka|läsnä\w*):",  # a minutes header's fields
    re.IGNORECASE,
)


def _ends_sentence(line: str) -> bool:
    """Ends with a full stop that is not the end of a date such as "keskiviikkona 26.11."."""
    return line.endswith(".") and not re.search(r"\d\.\d{1,2}\.$", line)


def _recurrence(stems: set[str], below: set[str]) -> float:
    """Share of a line's content words (stems) that recur in the text below it."""
    return len(stems & below) / len(stems) if stems else 0.0


def _is_chrome(part: str) -> bool:
    """A site-chrome part of a line: an organisation name, a menu word or a document label."""
    return bool(
        _looks_like_org(part)
        or _MENU_WORDS.match(part)
        or _LABEL_START.match(part)
        or re.fullmatch(r"uutinen|tiedote|ajankohtaista|pöytäkirjanote|media", part, re.I)
    )


def _plausible_headline(line: str) -> bool:
    """A line that could be a headline: no sentence end, no cookie/menu/url/label/bullet."""
    n = len(line.split())
    return (
        1 <= n <= 40
        and not _ends_sentence(line)
        and not line.endswith(":")
        and not _COOKIE.search(line)
        and not _MENU_WORDS.match(line)
        and not _BULLET.match(line)
        and not _LABEL_START.match(line)
        and not _looks_like_org(line)
        and not re.search(r"https?://|www\.|\.fi\b| / | › |\|", line)
        and not _is_dateish(line)
    )


def title_candidates(text: str, filename: str = "") -> list[TitleCandidate]:
    """Candidate title lines of the first ``MAX_TITLE_LINES`` lines, with their features.

    Whole lines and, for lines joined with site separators (" | ", " – ", " · "), their
    parts. Features are general: position, length, capitals, punctuation, dates, cookie and
    menu words, whether the line's vocabulary recurs in the body below it, whether it
    repeats in the document, the neighbouring lines and the file name's words.
    """
    lines = _lines(text)
    top = lines[:MAX_TITLE_LINES]
    slug = {_stem(t) for t in re.split(r"[^a-z0-9]+", _ascii(Path(filename).stem)) if len(t) >= 4}
    counts: dict[str, int] = {}
    for line in lines:
        key = normalise(line)
        counts[key] = counts.get(key, 0) + 1
    # below[i]: the content stems of every line after line i (built once, bottom up).
    below: list[set[str]] = [set() for _ in top]
    acc: set[str] = set()
    for j in range(len(lines) - 1, -1, -1):
        if j < len(top):
            below[j] = set(acc)
        acc |= _content_stems(lines[j])
    recurrences = [_recurrence(_content_stems(line), below[i]) for i, line in enumerate(top)]
    plausible = [
        i for i, line in enumerate(top) if _plausible_headline(line) and len(line.split()) >= 2
    ]
    first_headline = plausible[0] if plausible else -1
    best_recurrence = max((recurrences[i] for i in plausible), default=-1.0)
    out: list[TitleCandidate] = []
    headings_before = 0
    for i, line in enumerate(top):
        body_stems = below[i]
        # The next line of text, looking past image captions ("Kuva: …").
        nxt = next((s for s in top[i + 1 :] if not _CAPTION_CUE.match(s)), "")
        prev = top[i - 1] if i > 0 else ""
        parts = _split_parts(line)
        variants = [(line, 0.0)]
        if len(parts) > 1:
            variants += [(p, 1.0) for p in parts]
        for cand, is_part in variants:
            if len(cand) > _MAX_TITLE_CHARS * 2:
                continue
            words = cand.split()
            n = len(words)
            stems = _content_stems(cand)
            recur = len(stems & body_stems) / len(stems) if stems else 0.0
            file_overlap = len(stems & slug) / len(slug) if slug else 0.0
            letters = [c for c in cand if c.isalpha()]
            feats = (
                1.0,
                min(i, MAX_TITLE_LINES) / MAX_TITLE_LINES,
                1.0 if i == 0 else 0.0,
                is_part,
                1.0 if n == 1 else 0.0,
                1.0 if 2 <= n <= 3 else 0.0,
                1.0 if 4 <= n <= 20 else 0.0,
                1.0 if n > 20 else 0.0,
                _upper_share(cand),
                1.0 if len(letters) > 3 and _upper_share(cand) > 0.9 else 0.0,
                1.0 if _ends_sentence(cand) else 0.0,
                1.0 if cand.endswith("?") else 0.0,
                1.0 if cand.endswith(":") else 0.0,
                1.0 if find_dates(cand) else 0.0,
                sum(c.isdigit() for c in cand) / max(1, len(cand)),
                1.0 if _SECTION.match(cand) else 0.0,
                1.0 if len(parts) > 1 and not is_part else 0.0,
                1.0 if _COOKIE.search(cand) else 0.0,
                1.0 if _MENU_WORDS.match(cand) else 0.0,
                1.0 if _looks_like_org(cand) else 0.0,
                1.0 if re.search(r"https?://|www\.|\.fi\b", cand) else 0.0,
                recur,
                1.0 if counts.get(normalise(line), 0) > 1 else 0.0,
                1.0 if _is_dateish(nxt) else 0.0,
                1.0 if _is_dateish(prev) or normalise(prev) in {"uutinen", "tiedote"} else 0.0,
                min(headings_before, 5) / 5,
                file_overlap,
                1.0
                if re.match(r"(?:valmistelija|päätösehdotus|päätös|esittelijä)", cand, re.I)
                else 0.0,
                1.0 if _BULLET.match(cand) else 0.0,
                1.0 if _LABEL_START.match(cand) else 0.0,
                1.0 if cand.count(" / ") >= 2 or cand.count(" › ") >= 1 else 0.0,
                1.0 if i == first_headline and not is_part else 0.0,
                1.0 if plausible and i in plausible and recurrences[i] >= best_recurrence else 0.0,
                1.0 if len(nxt.split()) >= 12 and nxt.endswith((".", "!", "?")) else 0.0,
                1.0 if not is_part and len(parts) > 1 and any(map(_is_chrome, parts)) else 0.0,
                1.0 if is_part and not any(map(_is_chrome, parts)) else 0.0,
            )
            out.append(TitleCandidate(cand, i, feats))
        if 2 <= len(line.split()) <= 20 and not line.endswith((".", ":")):
            headings_before += 1
    return out


def clean_title(title: str) -> str:
    """Strip a leading "§ 58", a "Uutinen |" label and markdown marks from a chosen title."""
    title = _strip_marks(title)
    title = _SECTION.sub("", title)
    title = re.sub(r"^[-•*–]\s+", "", title)
    title = re.sub(r"^(?:uutinen|tiedote|lehdistötiedote)\s*[|:–-]\s*", "", title, flags=re.I)
    return " ".join(title.split()).strip(" |–-")


# ---------------------------------------------------------------------------------------------
# Date: candidates and their features

DATE_FEATURES: tuple[str, ...] = (
    "bias_one",
    "line_position",
    "relative_position",
    "in_first_5",
    "in_last_5",
    "short_line",
    "line_words",
    "cue_meeting",
    "cue_published",
    "cue_updated",
    "cue_signed",
    "cue_news",
    "cue_limit",
    "caption",
    "clock",
    "in_range",
    "written_month",
    "first_date",
    "latest_date",
    "latest_updated",
    "latest_in_header",
    "repeats",
    "section_mark",
    "latest_meeting",
    "in_sentence",
)


@dataclass(frozen=True)
class DateCandidate:
    """One date mention: ISO date, the words before it (its cue), its line index, features."""

    iso: str
    line: str
    line_index: int
    features: tuple[float, ...]


def _date_context(line: str, start: int, prev_end: int) -> str:
    """The words before a date in its own clause: after the previous date and sentence end."""
    prefix = line[prev_end:start]
    cut = max(prefix.rfind(". "), prefix.rfind("· "), prefix.rfind("| "))
    return prefix[cut + 1 :] if cut >= 0 else prefix


def date_candidates(text: str) -> list[DateCandidate]:
    """Every calendar date mentioned in the text, described by position and cue features.

    Cue words (julkaistu, päivitetty, hyväksytty …) are read in the date's own clause, so
    "Julkaistu 2.1.2023 · Päivitetty 20.1.2026" gives each date its own cue.
    """
    lines = _lines(text)
    n_lines = len(lines)
    found: list[tuple[str, int, int, int, str]] = []  # iso, line index, start, end, context
    for i, line in enumerate(lines):
        prev_end = 0
        for iso, s, e in find_dates(line):
            found.append((iso, i, s, e, _date_context(line, s, prev_end)))
            prev_end = e
    if not found:
        return []
    first_iso = found[0][0]
    latest = max(f[0] for f in found)
    updated = [f[0] for f in found if _UPDATED_CUE.search(f[4])]
    header = [f[0] for f in found if f[1] < _HEADER_LINES]
    latest_header = max(header) if header else ""
    meeting = [
        f[0]
        for f in found
        if f[1] < _HEADER_LINES
        and (_meeting_date(lines[f[1]], f[3]) or re.search(r"kokous|pöytäkirja", f[4], re.I))
    ]
    repeats: dict[str, int] = {}
    for f in found:
        repeats[f[0]] = repeats.get(f[0], 0) + 1
    out: list[DateCandidate] = []
    for iso, i, start, end, context in found:
        line = lines[i]
        words = len(line.split())
        after = line[end : end + 20]
        feats = (
            1.0,
            min(i, 40) / 40,
            i / max(1, n_lines - 1),
            1.0 if i < 5 else 0.0,
            1.0 if i >= n_lines - 5 else 0.0,
            1.0 if words <= 8 else 0.0,
            min(words, 60) / 60,
            1.0 if _MINUTES_CUE.search(line) and words <= 12 else 0.0,
            1.0 if _PUBLISHED_CUE.search(context) else 0.0,
            1.0 if _UPDATED_CUE.search(context) and words <= 12 else 0.0,
            1.0 if _signed(context, lines[i - 1] if i else "") and words <= 30 else 0.0,
            1.0 if _NEWS_CUE.search(line) and words <= 12 else 0.0,
            1.0 if _LIMIT_CUE.search(after) else 0.0,
            1.0 if _CAPTION_CUE.match(line) else 0.0,
            1.0 if _CLOCK.search(line[end : end + 12]) else 0.0,
            1.0
            if re.search(r"[–—-]\s*$", line[:start]) or re.match(r"\s*[–—-]", line[end:])
            else 0.0,
            1.0 if re.search(r"[a-zäö]{4}", line[start:end]) else 0.0,
            1.0 if iso == first_iso else 0.0,
            1.0 if iso == latest else 0.0,
            1.0 if updated and iso == max(updated) else 0.0,
            1.0 if iso == latest_header else 0.0,
            min(repeats[iso], 5) / 5,
            1.0 if _meeting_date(line, end) else 0.0,
            1.0 if meeting and iso == max(meeting) else 0.0,
            1.0 if line.endswith(".") and words >= 10 else 0.0,
        )
        out.append(DateCandidate(iso, context or line, i, feats))
    return out


def _signed(context: str, previous_line: str) -> bool:
    """A signing date: "hyväksytty/allekirjoitettu …", "Joensuussa 24.4.2023" or below
    an "Allekirjoitukset" heading."""
    return bool(
        _SIGNED_CUE.search(context)
        or re.fullmatch(r"\s*[A-ZÅÄÖ][\wåäö]+(?:ssa|ssä)\s*,?\s*", context)
        or re.search(r"allekirjoitu", previous_line, re.IGNORECASE)
    )


def _meeting_date(line: str, end: int) -> bool:
    """A date followed by a minutes section mark: "24.11.2025 § 61", "17.11.2025/Pykälä 318"."""
    return bool(re.match(r"\s*(?:§|/\s*pykälä)", line[end:], re.IGNORECASE))


def date_kind_of(context: str, kind: str) -> str:
    """Which kind of date a chosen date is, from the cue words before it and the doc kind."""
    if _UPDATED_CUE.search(context):
        return "updated"
    if kind == "minutes" or (_MINUTES_CUE.search(context) and len(context.split()) <= 12):
        return "meeting"
    if re.search(r"julkaistu|lähetetty", context, re.IGNORECASE):
        return "published"
    if _SIGNED_CUE.search(context) or kind == "agreement":
        return "signed"
    if kind in ("news", "press_release") or _PUBLISHED_CUE.search(context):
        return "dateline"
    return "published"


# ---------------------------------------------------------------------------------------------
# Publisher and kind (rules)

_ORG_TYPES = r"kunta|kaupunki|hyvinvointialue|maakuntaliitto|liitto|pelastuslaitos|kuntayhtymä"
_ORG_RE = re.compile(
    r"(?P<org>(?:[A-ZÅÄÖ][\wåäö]*n\s+ja\s+)?"  # "Vantaan ja Keravan hyvinvointialue"
    r"(?:[A-ZÅÄÖ][\wåäö]*-)*[A-ZÅÄÖ][\wåäö]*n\s+(?i:" + _ORG_TYPES + r")"
    r"|[A-ZÅÄÖ][\wåäö]*-\s+ja\s+[a-zåäö]+ministeriö|[A-ZÅÄÖ][\wåäö]*ministeriö"
    r"|(?:Suomen\s+)?Kuntaliitto)"
    r"(?![\wåäö])(?P<organ>,\s+(?:maakuntahallitus|aluehallitus|aluevaltuusto|"
    r"maakuntavaltuusto)(?![\wåäö]))?"
)


def _title_case_caps(line: str) -> str:
    """ "KONNEVEDEN KUNTA" → "Konneveden Kunta": capitals only at word and hyphen starts."""
    return re.sub(r"[A-ZÅÄÖ]+", lambda m: m.group()[0] + m.group()[1:].lower(), line)


def _nominative_org(match: re.Match[str]) -> str:
    org = " ".join(match.group("org").split())
    head, _, last = org.rpartition(" ")
    if head and re.fullmatch(_ORG_TYPES, last.casefold()):
        org = f"{head} {last.casefold()}"
    if org.casefold() == "kuntaliitto":
        org = "Suomen Kuntaliitto"  # the association's name in full
    organ = match.group("organ")
    return org + (", " + organ.strip(", ").casefold() if organ else "")


_REGIONAL_ORGANS = ("aluehallitus", "aluevaltuusto", "maakuntahallitus", "maakuntavaltuusto")


def read_publisher(lines: Sequence[str], title: str = "", kind: str = "") -> str:
    """The first organisation named in the header lines (nominative), "" when none.

    Looks at the first ``_HEADER_LINES`` non-empty lines other than the title; an all-caps
    line ("KONNEVEDEN KUNTA") is read in normal case. A site name "Kuntaliitto.fi" counts.
    Minutes of a wellbeing services county or a regional council name the organ when the
    header gives it as a line or a "|" part of its own: "Keski-Suomen liitto,
    maakuntahallitus".
    """
    tnorm = normalise(title)
    head = lines[:_HEADER_LINES]
    for line in head:
        if tnorm and normalise(line) == tnorm:
            continue
        probe = _title_case_caps(line) if _upper_share(line) > 0.6 else line
        probe = re.sub(r"\bKuntaliitto\.fi\b", "Kuntaliitto", probe)
        m = _ORG_RE.search(probe)
        if not m:
            continue
        org = _nominative_org(m)
        if kind == "minutes" and "," not in org and re.search(r"(?:hyvinvointialue|liitto)$", org):
            parts = {p.strip().casefold() for s in head for p in s.split("|")}
            organ = next((o for o in _REGIONAL_ORGANS if o in parts), "")
            if organ:
                org = f"{org}, {organ}"
        return org
    return ""


def read_kind(lines: Sequence[str], filename: str = "") -> str:
    """Kind of document from transparent cue rules (not learned); "document" when unclear."""
    head = lines[:_HEADER_LINES]
    head_text = "\n".join(head)
    all_text = "\n".join(lines)
    if re.search(r"^(?:päätösehdotus|ehdotus|päätös)\b", all_text, re.I | re.M) and (
        re.search(r"pöytäkirja|pykälä|§\s*\d|\d\s*§", head_text, re.I)
    ):
        return "minutes"
    if re.search(
        r"^(?:tiedote|lehdistötiedote|mediatiedote)\b|julkaisuvapaa", head_text, re.I | re.M
    ):
        return "press_release"
    questions = sum(1 for s in lines if s.endswith("?") and len(s.split()) <= 20)
    if re.search(r"usein kysyt|\bukk\b", head_text, re.I) or questions >= 6:
        return "faq"
    if re.search(r"osapuol", all_text, re.I) and re.search(
        r"sopimus|pöytäkirja|toimintamalli", " ".join(head[:3]), re.I
    ):
        return "agreement"
    if re.search(r"^(?:uutinen|uutiset)\b|\btiedotteet\b", head_text, re.I | re.M) or any(
        re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", s) for s in head[:6]
    ):
        return "news"
    suffix = Path(filename).suffix.casefold()
    menu = any(_MENU_WORDS.match(s) and len(s.split()) >= 4 for s in head)  # "Etusivu Asukkaille …"
    if (
        _COOKIE.search(head_text)
        or menu
        or suffix in (".html", ".htm")
        or _UPDATED_CUE.search(all_text)
    ):
        return "web_page"
    return "document"


# ---------------------------------------------------------------------------------------------
# Model


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, x))))


def score(weights: Mapping[str, Any], features: Sequence[float]) -> float:
    """Probability from a stored logistic regression ({"coef", "intercept", ...})."""
    coef = weights["coef"]
    z = float(weights["intercept"]) + sum(float(c) * f for c, f in zip(coef, features, strict=True))
    return _sigmoid(z)


@lru_cache(maxsize=1)
def metadata_id() -> str:
    """What metadata read from the text depends on (the shipped scorers and this reader's
    version): an index built under another one is brought up to date when opened."""
    digest = hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()[:12]
    return f"{READER_VERSION}:{digest}"


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL_PATH)) -> dict[str, Any]:
    """Read the stored scorers; checks that their feature names match this code."""
    model: dict[str, Any] = json.loads(Path(path).read_text(encoding="utf-8"))
    for part, names in (("title", TITLE_FEATURES), ("date", DATE_FEATURES)):
        if tuple(model[part]["features"]) != names:
            raise ValueError(f"{path}: {part} features differ from the code; refit the model")
    return model


# ---------------------------------------------------------------------------------------------
# Public entry point


def read_metadata(
    text: str, filename: str = "", *, model: Mapping[str, Any] | None = None
) -> TextMetadata:
    """Read title, date (+ its kind), publisher and kind from a document's cleaned text.

    ``text`` is ``load_document(path).text``; ``filename`` the file's name (its words help
    pick the title, its suffix the kind). ``model`` defaults to the shipped
    ``metadata_model.json``. Fields the text does not give are "" ("none" for the date
    kind, "document" for the kind).
    """
    model = model if model is not None else load_model()
    lines = _lines(text)
    kind = read_kind(lines, filename)

    title = ""
    cands = title_candidates(text, filename)
    if cands:
        best = max(cands, key=lambda c: score(model["title"], c.features))
        if score(model["title"], best.features) >= float(model["title"]["threshold"]):
            title = clean_title(best.text)
    if len(title) > _MAX_TITLE_CHARS:
        title = title[:_MAX_TITLE_CHARS].rsplit(" ", 1)[0]

    date, date_kind = "", "none"
    dcands = date_candidates(text)
    if dcands:
        dbest = max(dcands, key=lambda c: score(model["date"], c.features))
        if score(model["date"], dbest.features) >= float(model["date"]["threshold"]):
            date = dbest.iso
            date_kind = date_kind_of(dbest.line, kind)

    publisher = read_publisher(lines, title, kind)
    return TextMetadata(title, date, date_kind, publisher, kind)
