"""Ingestion: corpus files + sources.toml → cleaned ``Document`` objects."""

from __future__ import annotations

import datetime as _dt
import hashlib
import io
import json
import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from assistant.chunking import BULLET_MARKERS, is_bullet, is_heading
from assistant.metadata import read_metadata


@dataclass(frozen=True)
class Document:
    """One source document after cleaning; ``text`` is what chunks and quotes index into."""

    doc_id: str
    title: str
    date: str  # ISO 8601, "" when unknown
    publisher: str
    kind: str
    url: str  # "" when unknown
    text: str
    sha256: str  # of the raw file bytes
    language: str = "fi"
    date_kind: str = ""  # meeting, dateline, published, updated or signed; "" unknown
    # The title chunks are embedded and BM25-indexed with: the entry's title, else the text's
    # first heading ("" = ``title``). The headline read from the text is for people; as
    # retrieval context it measured no better than the first heading (README, issue 14).
    context_title: str = ""


@dataclass(frozen=True)
class Corpus:
    """Everything loaded from a corpus folder, plus one Finnish line per file that failed."""

    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    source_keys: dict[str, str] = field(default_factory=dict)  # doc id → source_key


class IngestError(Exception):
    """A file could not be loaded; the message is Finnish and names the file."""


SUPPORTED_SUFFIXES: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".pdf", ".docx")
SOURCES_FILE = "sources.toml"
_META_KEYS = ("title", "date", "date_kind", "publisher", "kind", "url", "language")
_READ_KEYS = ("title", "date", "publisher", "kind")  # read from the text where the entry lacks them
ISO_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_MAX_DERIVED_TITLE = 150

# ---------------------------------------------------------------------------------------------
# Cleaning

# Whole lines that are page furniture (compared case-insensitively, trailing ":" ignored).
_FURNITURE_LINES = frozenset(
    s.casefold()
    for s in (
        "Hyppää pääsisältöön",
        "Hyppää sisältöön",
        "Siirry pääsisältöön",
        "Siirry sisältöön",
        "Suoraan sisältöön",
        "Avaa navigaatio",
        "Sulje navigaatio",
        "Avaa valikko",
        "Sulje valikko",
        "Valikko",
        "Skip to content",
        "Skip to main content",
        "Kuva",
        "Kuvat",
        "Sivun alkuun",
        "Takaisin ylös",
        "Tietoja sivustosta",
        "Saavutettavuusseloste",
        "Evästeasetukset",
        "Tulosta",
        "Jaa",
        "Jaa sivu",
        "Jaa artikkeli",
        "Seuraa meitä",
        "Löydä lisää sisältöä samoista teemoista",
        "Lue myös",
        "Aiheeseen liittyvää",
        "Aiheeseen liittyvät uutiset",
        "Lisää samasta aiheesta",
        "Uusimmat uutiset",
    )
)
_SOCIAL = re.compile(
    r"facebook|twitter|youtube|instagram|linkedin|tiktok|rss-virta|\bx-tili", re.IGNORECASE
)
_COPYRIGHT = re.compile(r"©|^\(c\)\s|^copyright\b|kaikki oikeudet pidätetään", re.IGNORECASE)
_BREADCRUMB_SEP = re.compile(r"\s[»›]\s|\s>\s")
_NAME = r"[A-ZÅÄÖ](?:\.|[\w'’-]+)"  # a capitalised word or an initial "K."
# "… juhlasalissa. Kuva Outi Kaakkuri", "Kuva: Outi Kaakkuri / Lehtikuva", "Kuvaaja Outi Kaakkuri"
_CAPTION = re.compile(
    rf"(?:^|[.!?]\s+)(?:Kuva|Kuvat|Kuvaaja|Valokuva|Photo)\s*:?\s+{_NAME}(?:\s+{_NAME}){{0,3}}"
    rf"(?:\s*/\s*{_NAME}(?:\s+{_NAME}){{0,3}})?\s*$"
)
_CAPTION_COLON = re.compile(r"^(?:Kuva|Kuvat|Kuvaaja|Valokuva)\s*:\s*[^.!?]{1,80}$")
_GLUED_DATE = re.compile(r"(\b\d{1,2}\.\d{1,2}\.\d{4})(?=[A-ZÅÄÖ])")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)(?:\s+#+)?$")
# Runs of two or more spaces, or any tab / non-breaking / typographic space.
_ODD_SPACES = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_SPACES = re.compile(rf"[ {_ODD_SPACES}]{{2,}}|[{_ODD_SPACES}]")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_TERMINAL = ".!?:;"
_MAX_FURNITURE_CHARS = 300


def _normalise_line(line: str) -> str:
    line = line.strip()
    m = _MD_HEADING.match(line) if line.startswith("#") else None
    if m:
        line = m.group(1).strip()
    return _GLUED_DATE.sub(r"\1 ", line) if "." in line else line


def _is_furniture(line: str) -> bool:
    """True for a line of web-page boilerplate (never for body text; see clean_text)."""
    if len(line) > _MAX_FURNITURE_CHARS:
        return False
    key = line.rstrip(":").strip().casefold()
    if key in _FURNITURE_LINES:
        return True
    ends_sentence = line[-1] in ".!?"
    if _COPYRIGHT.search(line):
        return True
    if (
        not ends_sentence
        and _SOCIAL.search(line)
        and len({m.group().casefold() for m in _SOCIAL.finditer(line)}) >= 2
    ):
        return True  # "… Facebook-sivu … Twitter-virta …"
    if not ends_sentence and " | " in line:
        parts = [p.strip().rstrip(":").casefold() for p in line.split(" | ")]
        if any(p in _FURNITURE_LINES for p in parts):
            return True  # navigation bar "Sivun alkuun | Tietoja sivustosta"
    if not ends_sentence and len(_BREADCRUMB_SEP.findall(line)) >= 1:
        parts = _BREADCRUMB_SEP.split(line)
        if len(parts) >= 3 and all(0 < len(p.strip()) <= 120 for p in parts):
            return True  # "Jyväskylän kaupunki » Uutisarkisto » …"
    return bool(_CAPTION.search(line) or _CAPTION_COLON.match(line))


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines: a line continues when the next one starts in lower case."""
    out: list[str] = []
    for line in lines:
        if (
            out
            and out[-1]
            and line
            and line[0].isalpha()
            and line[0].islower()
            and out[-1][-1] not in _TERMINAL
        ):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return out


def clean_text(raw: str) -> str:
    """Turn extracted text into the clean text that is chunked, quoted and cited.

    Unicode NFC; whitespace normalised inside lines (non-breaking and other odd spaces,
    tabs, runs of spaces), invisible characters dropped, markdown "#" heading markers removed,
    a date glued to a byline name separated ("22.9.2016Emmi" → "22.9.2016 Emmi"), lines
    that continue in lower case joined. Web boilerplate lines are dropped: skip links, menu
    toggles, breadcrumb trails (≥ 3 parts joined by » › >), image captions ("Kuva" alone,
    a short line ending "Kuva Firstname Lastname"), copyright and social-media footers,
    navigation bars, "related content" prompts, and a heading left dangling between the
    content and removed end-of-page boilerplate (it titled a widget the text does not
    carry). Body sentences, headings, bullets, names, numbers, dates, e-mails and contact
    blocks stay. Paragraphs are separated by one blank line. Pure: same input, same output.
    """
    text = unicodedata.normalize("NFC", raw).replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", "\n\n").replace("\v", "\n")
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    lines: list[str] = []
    furniture_at_end = False  # boilerplate removed after the last line of content
    for line in map(_normalise_line, text.split("\n")):
        # Boilerplate is dropped outright, so a caption inside a paragraph does not split it.
        if line and _is_furniture(line):
            furniture_at_end = True
            continue
        if line:
            furniture_at_end = False
        lines.append(line)
    lines = _unwrap(lines)
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        if line:
            paragraphs[-1].append(line)
        elif paragraphs[-1]:
            paragraphs.append([])
    paragraphs = [p for p in paragraphs if p]
    if furniture_at_end and len(paragraphs) > 1 and _dangling(paragraphs[-1]):
        paragraphs.pop()
    return unicodedata.normalize("NFC", "\n\n".join("\n".join(p) for p in paragraphs))


def _dangling(paragraph: list[str]) -> bool:
    """A paragraph that is only a heading (or an introduction ending in ":").

    As the last content before removed boilerplate it is the title of a page widget (expert
    cards, related links) whose content the page text does not carry: "Kuntaliiton
    asiantuntijat, jotka voivat kertoa lisää" followed by "Löydä lisää sisältöä …".
    """
    if len(paragraph) != 1:
        return False
    line = paragraph[0]
    return is_heading(line) or (line.endswith(":") and is_heading(line[:-1]))


# ---------------------------------------------------------------------------------------------
# Format readers: bytes → raw text (before clean_text)


def _decode(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 (BOM allowed), UTF-16 with BOM, then cp1252, then latin-1."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise IngestError(f"{name}: tiedoston merkistöä ei tunnistettu") from exc
    if b"\x00" in data:
        raise IngestError(f"{name}: tiedosto ei ole tekstiä (binääridataa)")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
        if controls <= len(text) // 100:
            return text
    raise IngestError(f"{name}: tiedoston merkistöä ei tunnistettu (ei UTF-8, cp1252 eikä latin-1)")


def _read_text(data: bytes, name: str) -> str:
    return _decode(data, name)


def _read_markdown(data: bytes, name: str) -> str:
    """Markdown: join soft-wrapped paragraph lines (as a renderer would); blocks stay."""
    out: list[str] = []
    fence = False
    for line in _decode(data, name).replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = not fence
            out.append(line)
            continue
        block_start = (
            fence
            or not stripped
            or stripped.startswith(("#", ">", "|"))
            or is_bullet(stripped)
            or re.match(r"^\d+[.)]\s", stripped) is not None
        )
        prev = out[-1] if out else ""
        prev_s = prev.strip()
        joinable = (
            prev_s
            and not prev_s.startswith(("#", "|", "```", "~~~"))
            and not prev.endswith(("  ", "\\"))
            and not fence
        )
        if not block_start and joinable:
            out[-1] = f"{prev_s} {stripped}"
        else:
            out.append(line)
    return "\n".join(out)


def _read_html(data: bytes, name: str) -> str:
    """HTML through html2text (links and images dropped, no re-wrapping)."""
    import html2text

    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_links = True
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.unicode_snob = True
    converter.ul_item_mark = "-"
    try:
        md = converter.handle(_decode(data, name))
    except IngestError:
        raise
    except Exception as exc:  # html2text is lenient; anything raised means broken input
        raise IngestError(f"{name}: HTML-tiedostoa ei voitu lukea") from exc
    lines = []
    for line in md.split("\n"):
        if "|" in line and set(line.strip()) <= set("|-: "):
            continue  # markdown table separator row
        lines.append(re.sub(r"\\([-.+#*_`!>|()\[\]])", r"\1", line))  # html2text's md escapes
    return "\n".join(lines)


_PDF_HYPHEN_KEEP = ("ja ", "tai ", "sekä ", "eli ", "että ", "kuin ")


def _read_pdf(data: bytes, name: str) -> str:
    """PDF text layer via pypdf; words hyphenated across lines are re-joined."""
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError(f"{name}: PDF-tiedosto on salattu")
        pages = [page.extract_text() or "" for page in reader.pages]
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"{name}: PDF-tiedosto on vioittunut eikä sitä voitu lukea") from exc
    out: list[str] = []
    for page in pages:
        lines = page.replace("\r\n", "\n").split("\n")
        joined: list[str] = []
        for line in lines:
            s = line.strip()
            prev = joined[-1] if joined else ""
            if (
                prev.endswith("-")
                and len(prev) > 1
                and prev[-2].isalpha()
                and s[:1].isalpha()
                and s[:1].islower()
                and not s.startswith(_PDF_HYPHEN_KEEP)
            ):
                joined[-1] = prev[:-1] + s  # "yhteis-" + "työ"
            else:
                joined.append(s)
        out.append("\n".join(joined))
    return "\n\n".join(out)


def _read_docx(data: bytes, name: str) -> str:
    """DOCX paragraphs and tables in document order; list paragraphs become "- " items."""
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
        blocks: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                for row in item.rows:
                    cells = [c.text.strip() for c in row.cells if c.text.strip()]
                    if cells:
                        blocks.append(" – ".join(dict.fromkeys(cells)))
                continue
            text = item.text.strip()
            if not text:
                continue
            style = (item.style.name if item.style is not None else "") or ""
            if style.startswith("List") and not text.startswith(BULLET_MARKERS):
                text = f"- {text}"
            blocks.append(text)
    except Exception as exc:
        raise IngestError(f"{name}: DOCX-tiedosto on vioittunut eikä sitä voitu lukea") from exc
    return "\n\n".join(blocks)


_READERS = {
    ".txt": _read_text,
    ".md": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".pdf": _read_pdf,
    ".docx": _read_docx,
}


# ---------------------------------------------------------------------------------------------
# Documents and the corpus


def _meta_str(meta: Mapping[str, object], key: str) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, _dt.datetime):
        return value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


def _derived_title(text: str) -> str:
    """First heading among the first lines, else the first line, shortened at a word."""
    lines = [line for line in text.split("\n") if line.strip()][:5]
    title = next((line for line in lines if is_heading(line)), lines[0] if lines else "")
    if len(title) > _MAX_DERIVED_TITLE:
        title = title[:_MAX_DERIVED_TITLE].rsplit(" ", 1)[0] + " …"
    return title


def load_document(path: Path, meta: Mapping[str, object] | None = None) -> Document:
    """Read one file, clean its text and attach metadata (``meta`` from sources.toml).

    Raises ``IngestError`` with a Finnish message naming the file when the type is not
    supported, the file is empty, unreadable or corrupt, or nothing is left after cleaning.
    A key the entry lacks is read from the text (``metadata.read_metadata``): the headline,
    the document's date and its kind, the publisher and the document kind; what the text does
    not give stays unknown ("" — the title falls back to the first heading, the kind to
    "document").
    """
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix not in _READERS:
        shown = suffix or "(ei päätettä)"
        raise IngestError(
            f"{name}: tiedostotyyppiä {shown} ei tueta (tuetut: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{name}: tiedostoa ei voitu lukea ({exc.strerror or exc})") from exc
    if not data.strip():
        raise IngestError(f"{name}: tiedosto on tyhjä")
    text = clean_text(_READERS[suffix](data, name))
    if not text:
        raise IngestError(f"{name}: tiedostossa ei ole tekstiä")
    found = {key: _meta_str(meta or {}, key) for key in _META_KEYS}
    derived_title = _derived_title(text)
    context_title = found["title"] or derived_title
    if not all(found[key] for key in _READ_KEYS):
        read = read_metadata(text, name)
        if not found["date"]:
            found["date_kind"] = "" if read.date_kind == "none" else read.date_kind
        for key in _READ_KEYS:
            found[key] = found[key] or getattr(read, key)
    return Document(
        doc_id=path.stem,
        title=found["title"] or derived_title,
        date=found["date"],
        publisher=found["publisher"],
        kind=found["kind"] or "document",
        url=found["url"],
        text=text,
        sha256=hashlib.sha256(data).hexdigest(),
        language=found["language"] or "fi",
        date_kind=found["date_kind"],
        context_title=context_title,
    )


def source_key(path: Path, meta: Mapping[str, object] | None) -> str:
    """Fingerprint of everything a ``Document`` is read from: the file's name and bytes and
    its sources.toml entry ("" when the file cannot be read)."""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    entry = json.dumps(dict(meta or {}), sort_keys=True, default=str)
    return hashlib.sha256(b"\0".join([path.name.encode(), data, entry.encode()])).hexdigest()


def read_sources(corpus_dir: Path, problems: list[str]) -> dict[str, Mapping[str, object]]:
    """Entries of sources.toml by doc id; a malformed file is reported and yields {}."""
    path = corpus_dir / SOURCES_FILE
    if not path.is_file():
        return {}
    fallback = "asiakirjat ladattiin ilman sen metatietoja"
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f" (rivi {line.group(1)})" if line else ""
        problems.append(f"{SOURCES_FILE}: virheellinen TOML{where}; {fallback}")
        return {}
    except (OSError, UnicodeDecodeError):
        problems.append(f"{SOURCES_FILE}: tiedostoa ei voitu lukea UTF-8-tekstinä; {fallback}")
        return {}
    documents = data.get("documents", {})
    if not isinstance(documents, dict):
        problems.append(f"{SOURCES_FILE}: [documents] ei ole taulukko; {fallback}")
        return {}
    entries: dict[str, Mapping[str, object]] = {}
    for doc_id, entry in documents.items():
        if not isinstance(entry, dict):
            problems.append(f'{SOURCES_FILE}: merkintä "{doc_id}" ei ole taulukko; ohitettiin')
            continue
        date = _meta_str(entry, "date")
        if date and not ISO_DATE.match(date):
            problems.append(
                f'{SOURCES_FILE}: merkinnän "{doc_id}" päivämäärä "{date}" ei ole '
                "ISO 8601 -muodossa (VVVV-KK-PP); päivämäärä jätettiin tyhjäksi"
            )
            entry = {**entry, "date": ""}
        entries[str(doc_id)] = {k: entry[k] for k in _META_KEYS if k in entry}
    return entries


def _ignored(path: Path) -> bool:
    name = path.name.lower()
    return name.startswith(".") or name == SOURCES_FILE or name.startswith("readme")


def load_corpus(corpus_dir: Path, known: Mapping[str, Document] | None = None) -> Corpus:
    """Load every document in ``corpus_dir`` (not recursive) with its sources.toml metadata.

    A bad file (unknown type, empty, unreadable, corrupt), a duplicate document id, a
    sources.toml entry without a file, or a malformed sources.toml each add one Finnish line
    naming the file to ``problems``; everything else still loads. Documents are sorted by id.
    ``known`` maps source keys to documents read before: a file whose bytes and entry are
    unchanged is taken from there instead of being cleaned and read again.
    """
    corpus_dir = Path(corpus_dir)
    problems: list[str] = []
    if not corpus_dir.is_dir():
        return Corpus([], [f"{corpus_dir}: aineistokansiota ei löydy"])
    sources = read_sources(corpus_dir, problems)
    documents: list[Document] = []
    source_keys: dict[str, str] = {}
    seen: dict[str, str] = {}
    for path in sorted(p for p in corpus_dir.iterdir() if p.is_file() and not _ignored(p)):
        if path.suffix.lower() in _READERS and path.stem in seen:
            problems.append(
                f'{path.name}: sama asiakirjatunnus "{path.stem}" kuin tiedostolla '
                f"{seen[path.stem]}; ohitettiin"
            )
            continue
        entry = sources.get(path.stem)
        key = source_key(path, entry)
        try:
            document = (known or {}).get(key) or load_document(path, entry)
        except IngestError as exc:
            problems.append(str(exc))
            if path.suffix.lower() in _READERS:
                seen[path.stem] = path.name
            continue
        seen[path.stem] = path.name
        documents.append(document)
        source_keys[document.doc_id] = key
    for doc_id in sources:
        if doc_id not in seen:
            problems.append(
                f"{doc_id}: {SOURCES_FILE} mainitsee asiakirjan, mutta sen tiedosto puuttuu "
                f"kansiosta {corpus_dir.name}"
            )
    documents.sort(key=lambda d: d.doc_id)
    return Corpus(documents, problems, source_keys)
