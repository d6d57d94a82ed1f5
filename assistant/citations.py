"""Citation integrity: the one validator every answerer's output passes through.

An answerer proposes an answer text with inline markers (``[1]``, ``[1, 2]``, ``[1][2]``,
``[ 3 ]``, ``[1-2]``) and, per marker number, a :class:`SourceRef` (chunk id + quote).
:func:`finalize` keeps only markers whose quote can be located in a retrieved chunk, merges
markers that point at the same span, renumbers them 1..N by first appearance and renders
them as ``[n]``. :func:`check_integrity` states the rule independently, so the evals and the
tests can verify any answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .answer import Citation
from .retrieve import Passage

# A marker: digits separated by commas, semicolons or range dashes, inside square brackets.
MARKER_RE = re.compile(r"\[[ \t]*\d+(?:[ \t]*[,;\-–][ \t]*\d+)*[ \t]*\]")
_NUMBER_RE = re.compile(r"\d+|[\-–]")
_CLUSTER_GAP_RE = re.compile(r"[ \t]*")
_MAX_DIGITS = 6  # bigger numbers never name a passage; also avoids int() on huge digit runs
_MAX_RANGE = 20  # "[1-3]" expands to 1, 2, 3; a wider range keeps only its two ends
_CLOSERS = ".,;:!?)]}»”…"
_MAX_PASSES = 8


@dataclass(frozen=True)
class SourceRef:
    """What an answerer proposes for marker ``n``: the chunk and a quote from its text."""

    chunk_id: str
    quote: str  # should be an exact substring of that chunk's text


_Loc = tuple[str, int, int]  # (chunk_id, start, end) inside the chunk text


def marker_numbers(marker: str) -> list[int]:
    """The numbers one marker names, in order: ``"[1, 3-4]"`` → ``[1, 3, 4]``.

    Numbers too long to be a passage number come back as -1 (which never has a source).
    """
    parts = _NUMBER_RE.findall(marker)
    out: list[int] = []
    i = 0
    while i < len(parts):
        tok = parts[i]
        if tok in "-–":
            i += 1
            continue
        lo = int(tok) if len(tok) <= _MAX_DIGITS else -1
        if i + 2 < len(parts) and parts[i + 1] in "-–":
            hi_tok = parts[i + 2]
            hi = int(hi_tok) if len(hi_tok) <= _MAX_DIGITS else -1
            if 0 <= lo <= hi <= lo + _MAX_RANGE:
                out.extend(range(lo, hi + 1))
            else:
                out.extend((lo, hi))
            i += 3
            continue
        out.append(lo)
        i += 1
    return out


def locate_quote(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` sits in ``text``: ``(start, end)`` with ``text[start:end]`` the match.

    Exact substring first; otherwise both sides are compared after NFC and whitespace
    normalisation and the match is mapped back to the exact original span. ``None`` when
    the quote is empty or cannot be found.
    """
    if not quote or not quote.strip():
        return None
    pos = text.find(quote)
    if pos >= 0:
        return pos, pos + len(quote)
    norm_quote, _ = _normalise(quote)
    norm_quote = norm_quote.strip(" ")
    if not norm_quote:
        return None
    norm_text, origin = _normalise(text)
    pos = norm_text.find(norm_quote)
    if pos < 0:
        return None
    last = pos + len(norm_quote) - 1
    start, end = origin[pos][0], origin[last][1]
    return (start, end) if start < end else None


def _normalise(text: str) -> tuple[str, list[tuple[int, int]]]:
    """NFC + whitespace runs → one space; per output char, the original span it came from."""
    out: list[str] = []
    origin: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            j = i
            while j < n and text[j].isspace():
                j += 1
            out.append(" ")
            origin.append((i, j))
            i = j
            continue
        # A base character plus the combining marks that follow it compose together.
        j = i + 1
        while j < n and unicodedata.combining(text[j]) and not text[j].isspace():
            j += 1
        for ch in unicodedata.normalize("NFC", text[i:j]):
            out.append(ch)
            origin.append((i, j))
        i = j
    return "".join(out), origin


def finalize(
    text: str, refs: Mapping[int, SourceRef], passages: Sequence[Passage]
) -> tuple[str, tuple[Citation, ...]]:
    """Validate an answer's markers against the passages and return ``(text, citations)``.

    Markers whose ref is missing, whose chunk is not among ``passages`` or whose quote
    cannot be located are removed (with tidy whitespace); the rest are renumbered 1..N by
    first appearance, markers pointing at the same span share one number, and every
    citation's quote is exactly ``chunk.text[start:end]``. The result always passes
    :func:`check_integrity`.
    """
    by_id: dict[str, Passage] = {}
    for p in passages:
        by_id.setdefault(p.chunk_id, p)

    cache: dict[int, _Loc | None] = {}

    def resolve(n: int) -> _Loc | None:
        if n not in cache:
            ref = refs.get(n)
            passage = by_id.get(ref.chunk_id) if ref is not None else None
            span = locate_quote(ref.quote, passage.text) if ref and passage else None
            cache[n] = (passage.chunk_id, span[0], span[1]) if passage and span else None
        return cache[n]

    out, locs = _rewrite(text, resolve)
    # Removing a marker can join leftovers into a new marker ("[1[9]]" → "[1]"): repeat on
    # the output, where marker n means the n-th location, until the text is stable.
    for _ in range(_MAX_PASSES):
        if _emitted_ok(out, len(locs)):
            break
        out, locs = _rewrite(out, _by_number(locs))
    else:  # pragma: no cover - defensive; the rewrite converges in practice
        while MARKER_RE.search(out):
            out = MARKER_RE.sub("", out)
        locs = []

    citations = []
    for i, (chunk_id, start, end) in enumerate(locs, start=1):
        p = by_id[chunk_id]
        citations.append(
            Citation(
                n=i,
                doc_id=p.doc_id,
                title=p.title,
                date=p.date,
                publisher=p.publisher,
                url=p.url,
                chunk_id=chunk_id,
                quote=p.text[start:end],
                start=start,
                end=end,
                date_kind=p.date_kind,
                kind=p.kind,
            )
        )
    return out, tuple(citations)


def _by_number(locs: list[_Loc]) -> Callable[[int], _Loc | None]:
    """Resolver for an already rewritten text, where marker n is the n-th location."""
    return lambda n: locs[n - 1] if 0 < n <= len(locs) else None


def _emitted_ok(text: str, n_locs: int) -> bool:
    """True when every marker in ``text`` is canonical and they number 1..n by first use."""
    seen: list[int] = []
    for m in MARKER_RE.finditer(text):
        nums = marker_numbers(m.group())
        if len(nums) != 1 or m.group() != f"[{nums[0]}]":
            return False
        if nums[0] not in seen:
            seen.append(nums[0])
    return seen == list(range(1, n_locs + 1))


def _rewrite(text: str, resolve: Callable[[int], _Loc | None]) -> tuple[str, list[_Loc]]:
    """One pass: replace each cluster of adjacent markers by its valid, renumbered markers."""
    locs: list[_Loc] = []
    number_of: dict[_Loc, int] = {}
    out = ""
    pending_join = False
    pos = 0
    for start, end, numbers in _clusters(text):
        out = _append(out, text[pos:start], pending_join)
        kept: list[int] = []
        for n in numbers:
            loc = resolve(n)
            if loc is None:
                continue
            if loc not in number_of:
                locs.append(loc)
                number_of[loc] = len(locs)
            if number_of[loc] not in kept:
                kept.append(number_of[loc])
        if kept:
            out += " ".join(f"[{k}]" for k in kept)
            pending_join = False
        else:
            pending_join = True
        pos = end
    out = _append(out, text[pos:], pending_join)
    return out, locs


def _append(out: str, piece: str, join: bool) -> str:
    """Append ``piece``; after a removed marker, tidy the whitespace where the two meet."""
    if not join:
        return out + piece
    left, right = out.rstrip(" \t"), piece.lstrip(" \t")
    had_space = len(left) < len(out) or len(right) < len(piece)
    space = (
        had_space
        and left != ""
        and not left.endswith("\n")
        and right != ""
        and right[0] not in _CLOSERS
        and not right.startswith("\n")
    )
    return left + (" " if space else "") + right


def _clusters(text: str) -> list[tuple[int, int, list[int]]]:
    """Runs of markers separated only by spaces/tabs: (start, end, numbers in order)."""
    clusters: list[tuple[int, int, list[int]]] = []
    for m in MARKER_RE.finditer(text):
        if clusters:
            c_start, c_end, nums = clusters[-1]
            gap = text[c_end : m.start()]
            if _CLUSTER_GAP_RE.fullmatch(gap):
                clusters[-1] = (c_start, m.end(), nums + marker_numbers(m.group()))
                continue
        clusters.append((m.start(), m.end(), marker_numbers(m.group())))
    return clusters


def check_integrity(
    answer_text: str, citations: Sequence[Citation], chunk_texts: Mapping[str, str]
) -> list[str]:
    """Every way ``answer_text`` + ``citations`` break the citation rule; empty list = OK.

    The rule (DESIGN.md): every ``[n]`` has a citation with that ``n``; numbers run 1..N in
    order of first appearance; every quote is non-empty and exactly
    ``chunk_texts[chunk_id][start:end]``; no citation is listed that the text does not use.
    """
    problems: list[str] = []
    order: list[int] = []
    for m in MARKER_RE.finditer(answer_text):
        nums = marker_numbers(m.group())
        if len(nums) != 1 or m.group() != f"[{nums[0]}]":
            problems.append(f"marker {m.group()!r} at {m.start()} is not of the form [n]")
        for n in nums:
            if n not in order:
                order.append(n)
    if order != list(range(1, len(order) + 1)):
        problems.append(f"markers are not numbered 1..N by first appearance: {order}")

    listed: dict[int, Citation] = {}
    for c in citations:
        if c.n in listed:
            problems.append(f"citation {c.n} is listed more than once")
        listed.setdefault(c.n, c)
    for n in order:
        if n not in listed:
            problems.append(f"marker [{n}] has no citation")
    for n, c in sorted(listed.items()):
        if n not in order:
            problems.append(f"citation {n} is not used in the answer")
        chunk = chunk_texts.get(c.chunk_id)
        if chunk is None:
            problems.append(f"citation {n}: chunk {c.chunk_id!r} is unknown")
            continue
        if not c.quote:
            problems.append(f"citation {n}: the quote is empty")
        if not 0 <= c.start <= c.end <= len(chunk):
            problems.append(
                f"citation {n}: span {c.start}:{c.end} is outside the chunk ({len(chunk)} chars)"
            )
        elif chunk[c.start : c.end] != c.quote:
            problems.append(f"citation {n}: the quote is not chunk text[{c.start}:{c.end}]")
    return problems
