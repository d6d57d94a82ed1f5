"""Register of responsibilities, roles, contacts and dated events, extracted at index time.

Officials ask "who is responsible for what, since when": the register answers from rows that
rule-based extraction finds in the chunks' sentences, every row cited with an exact quote.

Extraction is vocabulary + morphology, not sentence patterns: organisations, roles and tasks
are base forms matched against Snowball stems (``_stem_match`` tolerates the stem changes of
Finnish consonant gradation, e.g. *terveydenhuolto* / *terveydenhuollon*), grammatical case of
an actor comes from its ending (*kunnilta* = from, *hyvinvointialueelle* = to), and verbs are
grouped into cue classes (hold / transfer / keep / shared interface). Dates are parsed from
d.m.yyyy, d.m. (resolved against the document date) and year phrases.

Shared interfaces ("yhdyspintoja on … varhaiskasvatuksessa") are not anyone's sole
responsibility: they are rows whose actor is ``"<parties> (yhdyspinta)"``, ranked below
sole-actor rows in ``lookup``. A transfer "from A to B" on a known date also yields A's row
ending the day before. An optional LLM extraction pass is not implemented (see module end).
"""

from __future__ import annotations

import bisect
import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from datetime import date, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import orjson
import Stemmer

if TYPE_CHECKING:
    from .chunking import Chunk
    from .ingest import Document

FORMAT_VERSION = 1


@cache
def extractor_version() -> str:
    """Hash of this module's source: rows extracted by other code are never reused."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


KINDS = ("responsibilities", "roles", "contacts", "events")
IN_FORCE, NOT_IN_FORCE, UNKNOWN = "in_force", "not_in_force", "unknown"  # a row on a given day
SHARED_MARK = " (yhdyspinta)"


# ---------------------------------------------------------------------------------------------
# Rows


@dataclass(frozen=True)
class RowCitation:
    """Where a row comes from: ``quote == chunk.text[start:end]`` (a sentence or a clause)."""

    doc_id: str
    chunk_id: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Responsibility:
    """``actor`` organises/funds/produces/keeps ``task``, valid on [valid_from, valid_until]."""

    actor: str
    task: str
    valid_from: str | None
    valid_until: str | None
    citation: RowCitation


@dataclass(frozen=True)
class Role:
    """``person`` holds ``role`` in ``organisation`` ("" when the text gives none)."""

    person: str
    role: str
    organisation: str
    citation: RowCitation


@dataclass(frozen=True)
class Contact:
    """A person's phone (as written) and e-mail ("(at)" normalised to "@"); either may be ""."""

    person: str
    phone: str
    email: str
    citation: RowCitation


@dataclass(frozen=True)
class Event:
    """A dated happening for the timeline: meeting, decision, start of a responsibility."""

    date: str
    what: str
    citation: RowCitation


Row = Responsibility | Role | Contact | Event
_ROW_TYPES: dict[str, type] = {
    "responsibilities": Responsibility,
    "roles": Role,
    "contacts": Contact,
    "events": Event,
}

_VALUE_FIELDS = {
    cls: tuple(f.name for f in fields(cls) if f.name != "citation") for cls in _ROW_TYPES.values()
}


def _kind_of(row: Row) -> str:
    for kind, cls in _ROW_TYPES.items():
        if isinstance(row, cls):
            return kind
    raise TypeError(type(row))


def _row_to_dict(row: Row) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in _VALUE_FIELDS[type(row)]}
    return {"kind": _kind_of(row), **values, "citation": dict(vars(row.citation))}


def _row_from_dict(data: Mapping[str, Any]) -> Row:
    values = dict(data)
    cls = _ROW_TYPES[values.pop("kind")]
    values["citation"] = RowCitation(**values["citation"])
    row: Row = cls(**values)
    return row


def _row_key(row: Row) -> tuple[Any, ...]:
    cit = row.citation
    values = (getattr(row, name) for name in _VALUE_FIELDS[type(row)])
    return (_kind_of(row), cit.doc_id, cit.quote, *values)


@dataclass(frozen=True)
class RegisterHit:
    """A row that answers a question, with its score and a short Finnish statement of it."""

    kind: str
    row: Row
    score: float
    text: str


@dataclass
class Register:
    """All extracted rows, each fact once (overlapping chunks repeat sentences), in corpus
    order: a kind's list holds the first document's rows, then the next document's."""

    responsibilities: list[Responsibility] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    extractor: str = field(default_factory=extractor_version)
    _periods: dict[int, Period] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_rows(cls, rows: Iterable[Row], extractor: str | None = None) -> Register:
        """A register of ``rows`` (already free of repeats), each appended to its kind."""
        reg = cls(extractor=extractor_version() if extractor is None else extractor)
        lists = {kind: getattr(reg, kind) for kind in KINDS}
        for row in rows:
            lists[_kind_of(row)].append(row)
        return reg

    def by_document(self) -> dict[str, list[Row]]:
        """doc id → its rows in register order (the inverse of ``from_rows`` per document)."""
        grouped: dict[str, list[Row]] = {}
        for kind in KINDS:
            for row in getattr(self, kind):
                grouped.setdefault(row.citation.doc_id, []).append(row)
        return grouped

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of every row (how tests and tools compare registers)."""
        data: dict[str, Any] = {"version": FORMAT_VERSION, "extractor": self.extractor}
        data.update({kind: [_row_to_dict(r) for r in getattr(self, kind)] for kind in KINDS})
        return data

    def rows(
        self,
        kind: str,
        actor: str | None = None,
        on: date | None = None,
        validity: str = IN_FORCE,
    ) -> list[Row]:
        """Rows of one kind, optionally only those about ``actor`` and, ``on`` a date, those
        whose ``validity`` that day is ``IN_FORCE`` (the default) or ``UNKNOWN``.

        ``actor`` matches by stems against a responsibility's actor, a role's organisation or
        person, a contact's person or an event's text. ``on``: a responsibility is in force
        when its period (``period``) covers the day, unknown when it has no date at all; roles
        and contacts carry no dates, so their validity is unknown; events on or before the day
        are in force (the timeline as it stood then).
        """
        kind = _normalise_kind(kind)
        out: list[Row] = list(getattr(self, kind))
        if actor:
            wanted = _content_stems(actor)
            out = [r for r in out if _all_match(wanted, _content_stems(_actor_text(r)))]
        if on is not None:
            out = [r for r in out if validity_on(r, on, self.period(r)) == validity]
        return out

    def period(self, row: Row) -> Period:
        """When a responsibility holds as the whole register dates it (a row's own dates
        where the register says nothing more):

        - a transfer its sentence states without a date ("palveluiden siirtyessä
          hyvinvointialueelle") starts on the earliest date from which the same document
          gives the same actor the same task ("hyvinvointialue vastaa … 1.1.2023 alkaen");
        - a responsibility with a start and no end ends on the earliest end any document
          gives the same actor and task on or after that start ("kunnilta … 1.1.2023" ends
          the municipalities' row on 31.12.2022): a later text that ends it closes it.

        Shared interfaces and rows of other kinds keep their own dates (none for roles and
        contacts; an event's day is its start)."""
        if self._periods is None:
            self._periods = _periods(self.responsibilities)
        if isinstance(row, Responsibility):
            return self._periods.get(id(row), Period(row.valid_from, row.valid_until))
        return Period(row.date, None) if isinstance(row, Event) else Period(None, None)

    def lookup(self, question: str, today: date | None = None) -> list[RegisterHit]:
        """Rows that answer ``question`` best first; [] unless the question clearly asks for
        a responsibility, a role holder or contact details that the register has."""
        return _lookup(self, question, today or date.today())


def _normalise_kind(kind: str) -> str:
    k = kind.lower().strip()
    aliases = {
        "responsibility": "responsibilities",
        "vastuut": "responsibilities",
        "role": "roles",
        "roolit": "roles",
        "contact": "contacts",
        "yhteystiedot": "contacts",
        "event": "events",
        "tapahtumat": "events",
    }
    k = aliases.get(k, k)
    if k not in KINDS:
        raise ValueError(f"Tuntematon rivilaji {kind!r}: valitse jokin näistä: {', '.join(KINDS)}")
    return k


def _actor_text(row: Row) -> str:
    if isinstance(row, Responsibility):
        return row.actor
    if isinstance(row, Role):
        return f"{row.organisation} {row.person}"
    if isinstance(row, Contact):
        return row.person
    return row.what


@dataclass(frozen=True)
class Period:
    """From when until when a row holds (ISO days, both ends included; None = not said)."""

    valid_from: str | None
    valid_until: str | None


def validity_on(row: Row, on: date, period: Period | None = None) -> str:
    """Whether ``row`` held on a day: ``IN_FORCE``, ``NOT_IN_FORCE`` or ``UNKNOWN`` (a row
    without dates: the text does not say from when or until when it holds). ``period``
    replaces a responsibility's own dates (``Register.period``)."""
    if isinstance(row, Responsibility):
        period = period or Period(row.valid_from, row.valid_until)
        if not (period.valid_from or period.valid_until):
            return UNKNOWN
        return IN_FORCE if _overlaps(period, on, on) else NOT_IN_FORCE
    if isinstance(row, Event):
        return IN_FORCE if row.date <= on.isoformat() else NOT_IN_FORCE
    return UNKNOWN


def _overlaps(row: Responsibility | Period, lo: date, hi: date) -> bool:
    if row.valid_from and row.valid_from > hi.isoformat():
        return False
    return not (row.valid_until and row.valid_until < lo.isoformat())


def _states_a_transfer(quote: str) -> bool:
    return any(cue.kind == "move" for cue in _cues(_tokens(quote)))


@lru_cache(maxsize=1 << 12)
def _same_actor(a: str, b: str) -> bool:
    """ "hyvinvointialue" and "Keski-Suomen hyvinvointialue" are the same actor; "kunnat"
    and "Keski-Suomen liitto" are not (the shorter name's words all in the longer's)."""
    sa, sb = _content_stems(a), _content_stems(b)
    return _all_match(sa, sb) if len(sa) <= len(sb) else _all_match(sb, sa)


def _periods(rows: Sequence[Responsibility]) -> dict[int, Period]:
    """``Register.period`` of every responsibility whose period other rows change, by
    ``id`` of the row. Rows are compared by task, then by actor name (a task has a few
    distinct actors however many rows it has), so a large register costs one pass."""
    by_task: dict[str, dict[str, list[Responsibility]]] = {}
    for row in rows:
        if not row.actor.endswith(SHARED_MARK):
            by_task.setdefault(row.task, {}).setdefault(row.actor, []).append(row)
    out: dict[int, Period] = {}
    for by_actor in by_task.values():
        for actor, own in by_actor.items():
            kin = [
                r for other, group in by_actor.items() if _same_actor(other, actor) for r in group
            ]
            ends = sorted(r.valid_until for r in kin if r.valid_until)
            first_start: dict[str, str] = {}  # doc id → the earliest start it gives
            for r in kin:
                if r.valid_from and r.valid_from < first_start.get(r.citation.doc_id, "9999"):
                    first_start[r.citation.doc_id] = r.valid_from
            for row in own:
                start, end = row.valid_from, row.valid_until
                if not (start or end) and _states_a_transfer(row.citation.quote):
                    start = first_start.get(row.citation.doc_id)
                if start and not end:
                    at = bisect.bisect_left(ends, start)
                    end = ends[at] if at < len(ends) else None
                if (start, end) != (row.valid_from, row.valid_until):
                    out[id(row)] = Period(start, end)
    return out


def rows_as_dicts(
    register: Register,
    kind: str | None,
    actor: str | None,
    on: date | None,
    validity: str = IN_FORCE,
) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts for the CLI and the register tab: the row's own fields (ISO
    dates), ``kind`` and ``citation`` = {doc_id, chunk_id, quote}; all kinds when ``kind`` is
    None. A responsibility's ``valid_from``/``valid_until`` are its period as the register
    dates it (``Register.period``), and ``inferred`` says whether other rows gave a date its
    sentence does not. With ``on``, the rows of that ``validity`` on the day (see
    ``Register.rows``)."""
    kinds = [_normalise_kind(kind)] if kind else list(KINDS)
    out: list[dict[str, Any]] = []
    for k in kinds:
        for row in register.rows(k, actor=actor, on=on, validity=validity):
            d = asdict(row)
            if isinstance(row, Responsibility):
                period = register.period(row)
                d.update(vars(period))
                d["inferred"] = (period.valid_from, period.valid_until) != (
                    row.valid_from,
                    row.valid_until,
                )
            cit = d.pop("citation")
            out.append(
                {
                    "kind": k,
                    **d,
                    "citation": {
                        "doc_id": cit["doc_id"],
                        "chunk_id": cit["chunk_id"],
                        "quote": cit["quote"],
                    },
                }
            )
    return out


# ---------------------------------------------------------------------------------------------
# Morphology


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("finnish")


@cache
def stem(word: str) -> str:
    """Snowball stem of one lower-cased word (leading hyphen of "-terveyspalvelut" dropped)."""
    w = word.lower().lstrip("-")
    return str(_stemmer().stemWord(w))


_GRADATION = frozenset({"td", "dt", "kg", "gk", "pv", "vp", "tn", "nt", "tl", "lt", "tr", "rt"})


def _stem_match(a: str, b: str) -> bool:
    """Two stems denote the same word: equal, a short suffix apart, or differing after a long
    common part or at a consonant-gradation pair (hoito/hoido, terveydenhuolto/-huollon)."""
    if a == b:
        return True
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    longest = max(len(a), len(b))
    if n < 3 or n < longest - 2:
        return False
    if n == min(len(a), len(b)) or n >= 5:
        return True
    return a[n : n + 1] + b[n : n + 1] in _GRADATION


_WORD = re.compile(r"-?[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'][0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*-?")
_STOP = frozenset(
    "ja tai sekä on ovat oli kuka ketkä kenen mikä mitkä mitä mihin missä mistä milloin "
    "vastaa vastaavat vastasi järjestää järjesti järjestää tehtävä tehtävät hoitaa "
    "nyt vuonna vuoden alusta alkaen asti saakka tällä hetkellä".split()
)


def _content_stems(text: str) -> list[str]:
    return [stem(m.group()) for m in _WORD.finditer(text.lower()) if m.group() not in _STOP]


def _all_match(wanted: Sequence[str], have: Sequence[str]) -> bool:
    return bool(wanted) and all(any(_stem_match(w, h) for h in have) for w in wanted)


@dataclass(frozen=True)
class _Tok:
    text: str  # surface form
    low: str
    stem: str
    start: int  # offsets inside the sentence
    end: int

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


def _tokens(text: str) -> list[_Tok]:
    return [
        _Tok(m.group(), m.group().lower(), stem(m.group()), m.start(), m.end())
        for m in _WORD.finditer(text)
    ]


# ---------------------------------------------------------------------------------------------
# Vocabularies (base forms; matched through stems, compounds by their head)


@dataclass(frozen=True)
class _OrgType:
    base: str  # nominative singular
    plural: str  # nominative plural
    head: str  # class used for matching actors ("kunta", "hyvinvointialue", …)


_ORGS: tuple[_OrgType, ...] = (
    _OrgType("kunta", "kunnat", "kunta"),
    _OrgType("kaupunki", "kaupungit", "kunta"),
    _OrgType("hyvinvointialue", "hyvinvointialueet", "hyvinvointialue"),
    _OrgType("aluehallitus", "aluehallitukset", "aluehallitus"),
    _OrgType("aluevaltuusto", "aluevaltuustot", "aluevaltuusto"),
    _OrgType("kunnanhallitus", "kunnanhallitukset", "kunnanhallitus"),
    _OrgType("kaupunginhallitus", "kaupunginhallitukset", "kaupunginhallitus"),
    _OrgType("kunnanvaltuusto", "kunnanvaltuustot", "valtuusto"),
    _OrgType("kaupunginvaltuusto", "kaupunginvaltuustot", "valtuusto"),
    _OrgType("valtuusto", "valtuustot", "valtuusto"),
    _OrgType("hallitus", "hallitukset", "hallitus"),
    _OrgType("sairaanhoitopiiri", "sairaanhoitopiirit", "sairaanhoitopiiri"),
    _OrgType("kuntayhtymä", "kuntayhtymät", "kuntayhtymä"),
    _OrgType("liitto", "liitot", "liitto"),
    _OrgType("maakunta", "maakunnat", "maakunta"),
    _OrgType("valtio", "valtio", "valtio"),
    _OrgType("TE-toimisto", "TE-toimistot", "te-toimisto"),
    _OrgType("ELY-keskus", "ELY-keskukset", "ely-keskus"),
    _OrgType("jaosto", "jaostot", "jaosto"),
    _OrgType("työryhmä", "työryhmät", "työryhmä"),
    _OrgType("toimielin", "toimielimet", "toimielin"),
    _OrgType("lautakunta", "lautakunnat", "lautakunta"),
    _OrgType("yhtiö", "yhtiöt", "yhtiö"),
    _OrgType("yhtymä", "yhtymät", "kuntayhtymä"),
    _OrgType("pelastuslaitos", "pelastuslaitokset", "pelastuslaitos"),
    _OrgType("työllisyysalue", "työllisyysalueet", "työllisyysalue"),
)
# Organisations that can hold a public task (actors of responsibility rows).
_ACTOR_HEADS = frozenset(
    {"kunta", "hyvinvointialue", "kuntayhtymä", "sairaanhoitopiiri", "liitto", "maakunta",
     "valtio", "te-toimisto", "ely-keskus", "yhtiö", "lautakunta", "pelastuslaitos",
     "työllisyysalue"}
)  # fmt: skip


@dataclass(frozen=True)
class _Task:
    name: str  # canonical nominative
    elative: str  # "vastaa <elative>"
    aliases: tuple[str, ...]


_TASKS: tuple[_Task, ...] = (
    _Task(
        "sosiaali- ja terveyspalvelut",
        "sosiaali- ja terveyspalveluista",
        (
            "sosiaali- ja terveyspalvelut",
            "sosiaali- ja terveydenhuolto",
            "sosiaali- ja terveystoimi",
            "sosiaali- ja terveys-",
            "sosiaalihuolto ja terveydenhuolto",
            "sote-palvelut",
        ),
    ),
    _Task("pelastustoimi", "pelastustoimesta", ("pelastustoimi", "pelastuspalvelut")),
    _Task(
        "kasvatus- ja opetustoimi",
        "kasvatus- ja opetustoimesta",
        ("kasvatus- ja opetustoimi", "kasvatus- ja opetuspalvelut", "sivistystoimi"),
    ),
    _Task("varhaiskasvatus", "varhaiskasvatuksesta", ("varhaiskasvatus",)),
    _Task("opetus", "opetuksesta", ("perusopetus", "opetustoimi", "opetus")),
    _Task(
        "hyvinvoinnin ja terveyden edistäminen",
        "hyvinvoinnin ja terveyden edistämisestä",
        (
            "hyvinvoinnin ja terveyden edistäminen",
            "terveyden ja hyvinvoinnin edistäminen",
            "hyvinvoinnin edistäminen",
            "terveyden edistäminen",
            "hyvinvointityö",
        ),
    ),
    _Task(
        "kotouttaminen",
        "kotouttamisesta",
        ("kotouttaminen", "kotouttamispalvelut", "kotoutumisen edistäminen"),
    ),
    _Task(
        "työllisyyden hoito",
        "työllisyyden hoidosta",
        (
            "työllisyyden hoito",
            "työllisyydenhoito",
            "työllisyyden edistäminen",
            "työllisyyspalvelut",
            "työvoimapalvelut",
            "TE-palvelut",
        ),
    ),
    _Task("maankäyttö", "maankäytöstä", ("maankäyttö",)),
    _Task("kaavoitus", "kaavoituksesta", ("kaavoitus",)),
    _Task(
        "valmius ja varautuminen",
        "valmiudesta ja varautumisesta",
        ("valmius- ja varautumisasiat", "valmius ja varautuminen", "varautuminen"),
    ),
    _Task("oppilashuolto", "oppilashuollosta", ("oppilashuolto",)),
    _Task("ympäristöterveydenhuolto", "ympäristöterveydenhuollosta", ("ympäristöterveydenhuolto",)),
    _Task("kirjastopalvelut", "kirjastopalveluista", ("kirjastopalvelut", "kirjastotoimi")),
    _Task("liikuntapalvelut", "liikuntapalveluista", ("liikuntapalvelut", "liikuntatoimi")),
    _Task("kulttuuripalvelut", "kulttuuripalveluista", ("kulttuuripalvelut", "kulttuuritoimi")),
    _Task(
        "elinvoima",
        "elinvoimasta",
        (
            "elinkeinopalvelut",
            "elinvoimapalvelut",
            "elinkeinojen kehittäminen",
            "elinkeinojen edistäminen",
        ),
    ),
    _Task("nuorisopalvelut", "nuorisopalveluista", ("nuorisopalvelut", "nuorisotoimi")),
    _Task("aluekehittäminen", "aluekehittämisestä", ("aluekehittäminen",)),
    _Task("joukkoliikenne", "joukkoliikenteestä", ("joukkoliikenne",)),
    _Task("vesihuolto", "vesihuollosta", ("vesihuolto",)),
    _Task("jätehuolto", "jätehuollosta", ("jätehuolto",)),
)
_TASK_BY_NAME = {t.name: t for t in _TASKS}

# Role titles: nominative forms; compounds ending in these heads are roles too.
_ROLE_HEADS = (
    "johtaja",
    "koordinaattori",
    "päällikkö",
    "sihteeri",
    "pormestari",
    "asiamies",
    "asiantuntija",
    "suunnittelija",
    "yhteyshenkilö",
    "jäsen",
    "ministeri",
)
_MEMBER_HEADS = frozenset({"jäsen"})  # "maakuntahallituksen jäsen": the genitive is the body
_NOT_ROLES = frozenset({"johtaja"})  # bare "johtaja" is too vague to file without its unit


def _role_word(tok: _Tok, unit: str = "") -> str | None:
    """The role title if ``tok`` is one in the nominative singular ("puheenjohtaja"); a bare
    head ("johtaja") only with the ``unit`` it heads ("Laboren") before it."""
    low = tok.low.strip("-")
    if low in _NOT_ROLES and not unit:
        return None
    for head in _ROLE_HEADS:
        if low.endswith(head) and len(low) >= len(head):
            return low
    return None


# Endings of a role title named before the persons who hold it: plural essive and partitive
# ("jäseninä", "varapuheenjohtajia") first, then singular essive and translative
# ("puheenjohtajana", "hyvinvointialuejohtajaksi", "puheenjohtajakseen").
_ROLE_ENDINGS = (
    ("ina", True), ("inä", True), ("ia", True), ("iä", True), ("iksi", True),
    ("na", False), ("nä", False), ("ksi", False), ("kseen", False),
)  # fmt: skip


def _role_as(tok: _Tok) -> tuple[str, bool] | None:
    """(title, plural) when ``tok`` is a role title in the essive, translative or plural
    partitive, the forms in which Finnish names a role before or after its holders
    ("Jäseninä ovat …", "puheenjohtajana toimi …", "valittiin jäseneksi")."""
    for ending, plural in _ROLE_ENDINGS:
        if tok.low.endswith(ending) and len(tok.low) > len(ending) + 3:
            base = tok.low[: -len(ending)]
            for cand in (base, base + "a", base + "ä", base[:-1] if base.endswith("e") else ""):
                role = _role_word(_as_tok(cand)) if cand else None
                if role:
                    return role, plural
    return None


def _title_modifier(toks: Sequence[_Tok], i: int) -> str:
    """A lower-case genitive before a bare role head that belongs to the title ("viestinnän
    yhteyshenkilö", "yhteiskuntasuhteiden päällikkö"): a bare head says too little alone."""
    if i == 0 or toks[i].low not in _ROLE_HEADS or toks[i].low in _MEMBER_HEADS:
        return ""
    prev = toks[i - 1]
    if prev.cap or not prev.low.endswith("n") or prev.low.endswith("nen") or _org_of(prev.low):
        return ""
    return prev.low


@dataclass(frozen=True)
class _OrgHit:
    org: _OrgType
    nominative: str  # the token in nominative singular/plural, compound prefix kept
    case: str  # NOM GEN ALL ABL ADE ILL INE ELA ESS PAR
    plural: bool


@cache
def _org_of(low: str) -> tuple[_OrgType, str] | None:
    """(organisation type, compound prefix) when ``low`` is a form of an organisation word."""
    if low in {"kun", "kuin"}:
        return None
    s = stem(low)
    best: tuple[_OrgType, str] | None = None
    for org in _ORGS:
        base = org.base.lower()
        sb = stem(base)
        if _stem_match(s, sb):
            cand: tuple[_OrgType, str] = (org, "")
        else:
            core = sb[: max(3, len(sb) - 2)]
            p = low.rfind(core)
            if p <= 0 or not _stem_match(stem(low[p:]), sb):
                continue
            cand = (org, low[:p])
        if best is None or len(cand[0].base) > len(best[0].base):
            best = cand
    return best


def _case_of(tok: _Tok, org: _OrgType, nxt: _Tok | None) -> tuple[str, bool]:
    low = tok.low
    plural_hint = False
    base = org.base.lower()
    # "kuntien vastuulle / tehtäväksi", "Siun soten tehtäviin": the genitive holds the task
    if nxt is not None and nxt.low.startswith(("vastuul", "vastuus", "hoidettav", "tehtäv")):
        return "ALL", low.endswith(("ien", "iden", "itten", "jen"))
    for endings, case in (
        (("lle",), "ALL"),
        (("lta", "ltä"), "ABL"),
        (("lla", "llä"), "ADE"),
        (("ssa", "ssä"), "INE"),
        (("sta", "stä"), "ELA"),
        (("iin", "seen", "hin", "siin"), "ILL"),
    ):
        for e in endings:
            if low.endswith(e):
                core = low[: -len(e)]
                plural_hint = core.endswith(("i", "j", "ei")) or e in ("iin", "siin")
                return case, plural_hint
    if low.endswith("n") and low not in (base, org.plural.lower()):
        return "GEN", low.endswith(("ien", "iden", "itten", "jen"))
    if low.endswith("t") and not base.endswith("t"):
        return "NOM", True
    if (low.endswith(("a", "ä")) and not base.endswith(("a", "ä"))) or low.endswith(("aa", "ää")):
        return "PAR", False
    return "NOM", False


def _find_orgs(toks: Sequence[_Tok]) -> list[tuple[int, _OrgHit]]:
    out: list[tuple[int, _OrgHit]] = []
    for i, tok in enumerate(toks):
        found = _org_of(tok.low)
        if not found:
            continue
        org, prefix = found
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        case, plural = _case_of(tok, org, nxt)
        word = org.plural if plural else org.base
        nominative = (tok.text[: len(prefix)] + word.lower()) if prefix else word
        if tok.cap and i > 0:
            nominative = nominative[:1].upper() + nominative[1:]
        out.append((i, _OrgHit(org, nominative, case, plural)))
    return out


def _qualifier(toks: Sequence[_Tok], i: int) -> str:
    """Capitalised genitive words before token ``i`` ("Keski-Suomen", "Laukaan")."""
    words: list[str] = []
    j = i - 1
    while j >= 0 and toks[j].cap and toks[j].low.endswith("n") and len(words) < 2:
        if _org_of(toks[j].low) and not words:
            break
        words.insert(0, toks[j].text)
        j -= 1
    return " ".join(words)


@cache
def _task_patterns(words: int = 0) -> tuple[tuple[_Task, tuple[str, ...]], ...]:
    """(task, stems of an alias), longest first; only aliases of ``words`` words if given."""
    pats = [
        (task, tuple(stem(w) for w in alias.lower().split()))
        for task in _TASKS
        for alias in task.aliases
    ]
    return tuple(p for p in sorted(pats, key=lambda p: -len(p[1])) if words in (0, len(p[1])))


def _tok_word_match(tok: _Tok, pat: str) -> bool:
    if pat.endswith("-"):
        return tok.low == pat or stem(tok.low) == pat
    return _stem_match(tok.stem, pat)


def _find_tasks(toks: Sequence[_Tok]) -> list[tuple[int, _Task]]:
    """Task mentions (token index of their first word), longest alias first, no overlaps."""
    return [(i, task) for i, task, _ in _find_task_spans(toks)]


def _find_task_spans(toks: Sequence[_Tok]) -> list[tuple[int, _Task, int]]:
    """Task mentions as (first token, task, token after the last), with the words Finnish
    leaves out of coordinations read back in (``_elided_tasks``)."""
    used: set[int] = set()
    out: list[tuple[int, _Task, int]] = []
    for task, pat in _task_patterns():
        n = len(pat)
        for i in range(len(toks) - n + 1):
            if any(i + k in used for k in range(n)):
                continue
            if all(_tok_word_match(toks[i + k], pat[k]) for k in range(n)):
                used.update(range(i, i + n))
                out.append((i, task, i + n))
    out.extend(_elided_tasks(toks, used, out))
    return sorted(out, key=lambda x: x[0])


_COORD = frozenset({"ja", "sekä", "tai"})


def _as_tok(word: str) -> _Tok:
    return _Tok(word, word.lower(), stem(word), 0, 0)


def _elided_tasks(
    toks: Sequence[_Tok], used: set[int], found: Sequence[tuple[int, _Task, int]]
) -> list[tuple[int, _Task, int]]:
    """Tasks named by a coordination's shortened members: "kulttuuri-, liikunta- ja
    nuorisopalvelut" (each truncated word completed by a tail of the last one) and
    "elinkeinojen ja työllisyyden edistäminen" (a genitive sharing the next one's head)."""
    out: list[tuple[int, _Task, int]] = []
    for i, tok in enumerate(toks):
        if i in used or not tok.low.endswith("-") or len(tok.low) < 4:
            continue
        j = i + 1
        while j < len(toks) and (toks[j].low.endswith("-") or toks[j].low in _COORD):
            j += 1
        if j == len(toks) or j == i + 1:
            continue
        last = toks[j].low
        for k in range(1, len(last) - 3):
            word = _as_tok(tok.low[:-1] + last[k:])
            task = next((t for t, (p,) in _task_patterns(1) if _tok_word_match(word, p)), None)
            if task is not None:
                out.append((i, task, i + 1))
                break
    for i, _, end in found:
        if end - i != 2 or i < 2 or toks[i - 1].low not in _COORD:
            continue
        gen = toks[i - 2]
        if (i - 2) in used or not gen.low.endswith("n"):
            continue
        for other, (first, head) in _task_patterns(2):
            if _tok_word_match(gen, first) and _tok_word_match(toks[i + 1], head):
                out.append((i - 2, other, i - 1))
                break
    return out


# ---------------------------------------------------------------------------------------------
# Dates


@dataclass(frozen=True)
class _Date:
    pos: int  # character offset in the sentence
    end: int
    kind: Literal["from", "until", "at", "year"]
    value: date
    exact_day: bool  # a calendar day was written or implied ("ensi vuoden alussa")


_MONTHS = ("tammi", "helmi", "maalis", "huhti", "touko", "kesä", "heinä", "elo", "syys", "loka",
           "marras", "joulu")  # fmt: skip
_FULL_DATE = re.compile(
    r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})?(?![\d])"
    r"(?:\s+(alkaen|lähtien|alusta|asti|saakka|mennessä|jälkeen))?",
    re.IGNORECASE,
)
_YEAR_PHRASES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"\bvuo(?:den|desta)\s+(\d{4})\s+(?:alusta|alussa|alkaen|lähtien)", re.I),
     "from", "start"),
    (re.compile(r"\bvuo(?:den|desta)\s+(\d{4})\s+(?:ajan|loppuun|lopussa)", re.I),
     "until", "end"),
    (re.compile(r"\bvuoteen\s+(\d{4})\s+(?:asti|saakka)", re.I), "until", "end"),
    (re.compile(r"\bvuonna\s+(\d{4})", re.I), "year", "start"),
    (re.compile(r"\b(?:ensi|tulevan|seuraavan)\s+vuoden\s+(?:alussa|alusta)", re.I),
     "from", "next"),
    (re.compile(r"\bvuoden\s*vaihteen\s+jälkeen|\bvuodenvaihteen\s+jälkeen|"
                r"\bvuoden\s*vaihteesta|\bvuodenvaihteesta", re.I), "from", "next"),
    (re.compile(r"\b(?:kuluvan|tämän)\s+vuoden\s+(?:ajan|loppuun)", re.I), "until", "this_end"),
)  # fmt: skip
_MONTH_START = re.compile(
    r"\b(" + "|".join(_MONTHS) + r")kuun\s+(?:alusta|alussa|alkaen)(?:\s+(\d{4}))?", re.I
)


def parse_doc_date(doc: Document | None) -> date | None:
    """The document's date as a day: "2022-10-10"; "2022" → 1 July (mid-year) for year-only
    dates, so relative phrases ("ensi vuoden alussa") still resolve to the right year."""
    if doc is None:
        return None
    raw = (doc.date or "").strip()
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", raw) or re.match(r"^(\d{4})", doc.doc_id)
    if not m:
        return None
    y = int(m.group(1))
    mo = int(m.group(2)) if m.lastindex and m.lastindex >= 2 and m.group(2) else None
    d = int(m.group(3)) if m.lastindex and m.lastindex >= 3 and m.group(3) else None
    try:
        return date(y, mo or 7, d or 1)
    except ValueError:
        return None


def _resolve_partial(day: int, month: int, ref: date | None) -> date | None:
    if ref is None:
        return None
    try:
        cands = [date(ref.year + k, month, day) for k in (-1, 0, 1)]
    except ValueError:
        return None
    return min(cands, key=lambda c: abs((c - ref).days))


def find_dates(text: str, ref: date | None) -> list[_Date]:
    """Date expressions in ``text``; partial and relative ones resolved against ``ref``."""
    out: list[_Date] = []
    for m in _FULL_DATE.finditer(text):
        day, month = int(m.group(1)), int(m.group(2))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        if m.group(3):
            try:
                value: date | None = date(int(m.group(3)), month, day)
            except ValueError:
                value = None
        else:
            value = _resolve_partial(day, month, ref)
        if value is None:
            continue
        marker = (m.group(4) or "").lower()
        kind: Literal["from", "until", "at", "year"] = "at"
        if marker in ("alkaen", "lähtien", "alusta"):
            kind = "from"
        elif marker in ("asti", "saakka"):
            kind = "until"
        elif marker == "jälkeen":
            continue
        out.append(_Date(m.start(), m.end(), kind, value, True))
    for pat, kind_s, anchor in _YEAR_PHRASES:
        for m in pat.finditer(text):
            if anchor == "next" or anchor == "this_end":
                if ref is None:
                    continue
                y = ref.year + 1 if anchor == "next" else ref.year
            else:
                y = int(m.group(1))
            value = date(y, 12, 31) if anchor in ("end", "this_end") else date(y, 1, 1)
            k: Literal["from", "until", "at", "year"] = kind_s  # type: ignore[assignment]
            out.append(_Date(m.start(), m.end(), k, value, kind_s != "year"))
    for m in _MONTH_START.finditer(text):
        month = _MONTHS.index(m.group(1).lower()) + 1
        if m.group(2):
            value = date(int(m.group(2)), month, 1)
        elif ref is not None:
            value = _resolve_partial(1, month, ref) or date(ref.year, month, 1)
        else:
            continue
        out.append(_Date(m.start(), m.end(), "from", value, True))
    return sorted(out, key=lambda d: d.pos)


# ---------------------------------------------------------------------------------------------
# Responsibility extraction

_CUE_HOLD = re.compile(
    r"^(?:vastaa|vastaavat|vastasi|vastasivat|vastaamaan|vastannut|vastanneet|"
    r"järjestää|järjestävät|järjesti|järjestivät|järjestänyt|järjestäneet|"
    r"tuottaa|tuottavat|tuotti|tuottivat|tuottanut|tuottaneet|"
    r"rahoittaa|rahoittavat|rahoitti|rahoittivat|rahoittanut|rahoittaneet|"
    r"hoitaa|hoitavat|hoiti|hoitivat|hoitanut|hoitaneet|"
    r"huolehtii|huolehtivat|huolehti|huolehtinut|huolehtineet|huolehtimaan|vastuussa)$"
)
_CUE_MOVE = re.compile(r"^(?:siirty\w*|siirtyi\w*|siirre\w*|siirrettiin|siirtää|siirsi)$")
# keeping a task, or a task belonging to someone ("kuuluvat hyvinvointialueelle")
_CUE_KEEP = re.compile(
    r"^(?:jää|jäävät|jäi|jäivät|jäämään|säilyy|säilyvät|pysyy|pysyvät|"
    r"kuuluu|kuuluvat|kuului|kuuluivat|kuulunut|kuuluneet)$"
)
_CUE_SHARED = re.compile(
    r"^(?:yhdyspin(?:ta|nan|taa|nat|toja|tojen|noilla|noissa|nassa|noista|noihin)|"
    r"vastuunja(?:ko|on|koa|osta)|työnja(?:ko|on))$"
)
_CUE_RESP_NOUN = re.compile(r"^(?:järjestämisvastuu\w*|\w*vastuu|\w*vastuulla|\w*vastuulle)$")
_NEGATION = re.compile(r"^(?:ei|eivät|en|emme|ette|enää)$")
_ANAPHOR = re.compile(r"^(?:palvelu\w*|tehtäv\w*|niistä|niiden|näistä|niitä|näitä|ne|nämä)$")
_CLAUSE_SPLIT = re.compile(r"\s+eli\s+|;\s+|,\s+(?:mutta|kun taas|kunnes|ja)\s+|\s+kun taas\s+")

_HOLDER_CASES = {
    "hold": ("NOM",),
    "move": ("ALL",),
    "keep": ("ALL", "ILL", "ADE"),
    "noun": ("ADE", "ALL"),
}


@dataclass(frozen=True)
class _Cue:
    idx: int
    kind: str  # hold move keep shared noun


def _cues(toks: Sequence[_Tok]) -> list[_Cue]:
    out: list[_Cue] = []
    for i, t in enumerate(toks):
        if _CUE_HOLD.match(t.low):
            out.append(_Cue(i, "hold"))
        elif _CUE_MOVE.match(t.low):
            out.append(_Cue(i, "move"))
        elif _CUE_KEEP.match(t.low):
            out.append(_Cue(i, "keep"))
    if not out:
        for i, t in enumerate(toks):
            if _CUE_SHARED.match(t.low):
                return [_Cue(i, "shared")]
        for i, t in enumerate(toks):
            if _CUE_RESP_NOUN.match(t.low):
                return [_Cue(i, "noun")]
    return out


@dataclass(frozen=True)
class _Actor:
    name: str
    head: str
    plural: bool


def _actor(toks: Sequence[_Tok], i: int, hit: _OrgHit) -> _Actor:
    q = _qualifier(toks, i)
    name = f"{q} {hit.nominative}" if q else hit.nominative
    return _Actor(name, hit.org.head, hit.plural and not q)


def _shared_actor(orgs: Sequence[tuple[int, _OrgHit]]) -> _Actor:
    heads: list[str] = []
    for _, h in orgs:
        if h.org.head in _ACTOR_HEADS and h.org.plural not in heads:
            heads.append(h.org.plural)
    if len(heads) < 2:
        heads = ["kunnat", "hyvinvointialueet"]
    return _Actor(" ja ".join(heads) + SHARED_MARK, "yhdyspinta", True)


def _date_applies(d: _Date, cue_pos: int, toks: Sequence[_Tok], cue: _Cue) -> bool:
    """Marked dates (alkaen/asti/…) apply clause-wide; bare dates and years only next to or
    after the cue (a meeting date before the verb is not the transfer date)."""
    if d.kind in ("from", "until") or cue.kind == "shared":
        return True
    return d.pos >= cue_pos or cue_pos - d.end <= 12


def _responsibilities_in_clause(
    toks: Sequence[_Tok], ref: date | None, clause_text: str, inherited: list[_Task]
) -> tuple[list[tuple[_Actor, _Task, str | None, str | None]], list[_Task]]:
    if any(_NEGATION.match(t.low) for t in toks):
        return [], []
    cues = _cues(toks)
    if not cues:
        return [], []
    spans = _find_task_spans(toks)
    if cues[0].kind == "shared":
        # An interface lies *in* tasks ("yhdyspintoja on varhaiskasvatuksessa"): inessive only.
        spans = [s for s in spans if toks[s[2] - 1].low.endswith(("ssa", "ssä"))]
    tasks = [(i, t) for i, t, _ in spans]
    orgs = [(i, h) for i, h in _find_orgs(toks) if h.org.head in _ACTOR_HEADS]
    dates = find_dates(clause_text, ref)
    out: list[tuple[_Actor, _Task, str | None, str | None]] = []
    clause_tasks = [t for _, t in tasks]
    for n, cue in enumerate(cues):
        lo = cues[n - 1].idx + 1 if n > 0 else 0
        hi = cues[n + 1].idx if n + 1 < len(cues) else len(toks)
        left = [(i, t) for i, t in tasks if lo <= i < cue.idx]
        right = [(i, t) for i, t in tasks if cue.idx < i < hi]
        if cue.kind == "move":
            my_tasks = left or right
        elif cue.kind == "keep":
            my_tasks = right or left
        else:
            my_tasks = left + right
        if not my_tasks:
            has_anaphor = any(_ANAPHOR.match(t.low) for t in toks[lo:hi])
            if inherited and has_anaphor:
                my_tasks = [(cue.idx + 1, t) for t in inherited]
            else:
                continue
        cue_pos = toks[cue.idx].start
        applicable = [d for d in dates if _date_applies(d, cue_pos, toks, cue)]
        holders: list[_Actor] = []
        sources: list[_Actor] = []
        if cue.kind == "shared":
            holders = [_shared_actor(orgs)]
        else:
            cases = _HOLDER_CASES[cue.kind]
            r_orgs = [(i, h) for i, h in orgs if cue.idx < i < hi and h.case in cases]
            l_orgs = [(i, h) for i, h in orgs if lo <= i < cue.idx and h.case in cases]
            if cue.kind in ("keep", "move"):
                chosen = r_orgs or l_orgs
            else:
                chosen = l_orgs + r_orgs
            holders = [_actor(toks, i, h) for i, h in chosen]
            if cue.kind == "move":
                sources = [_actor(toks, i, h) for i, h in orgs if lo <= i < hi and h.case == "ABL"]
        if not holders:
            continue
        task_positions = [toks[i].start for i, _ in my_tasks]
        for ti, (_, task) in enumerate(my_tasks):
            start: date | None = None
            until: date | None = None
            for d in applicable:
                # In a list, a date written between items governs only the items after it.
                if any(p < d.pos for p in task_positions) and any(
                    p > d.pos for p in task_positions
                ):
                    if task_positions[ti] < d.pos:
                        continue
                if d.kind == "until":
                    until = d.value
                else:
                    start = start or d.value
            for h in holders:
                out.append((h, task, _iso(start), _iso(until)))
            if cue.kind == "move" and start is not None:
                for s in sources:
                    out.append((s, task, None, _iso(start - timedelta(days=1))))
    seen: set[tuple[str, str, str | None, str | None]] = set()
    unique = []
    for a, t, f, u in out:
        key = (a.name, t.name, f, u)
        if key not in seen:
            seen.add(key)
            unique.append((a, t, f, u))
    return unique, clause_tasks


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


# ---------------------------------------------------------------------------------------------
# Roles and contacts

_PHONE = re.compile(
    r"(?:\b(?:p|puh|puhelin|tel|gsm)\.?:?\s*)?"
    r"(?<![\d.])((?:\+358|0)\d{1,3}(?:[ -]?\d{2,4}){1,3})(?![\d.])",
    re.I,
)
_EMAIL = re.compile(
    r"[A-Za-z0-9._%+-]+\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.I
)
_NAME_TOKEN = re.compile(r"^[A-ZÅÄÖÉÜ][a-zåäöéüß]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüß]+)?$")
_SEGMENT_SPLIT = re.compile(r",\s+|\s+tai\s+|;\s+|\s+\|\s+")
_SPEECH_VERBS = re.compile(r"(?:si|i|oo|ää|aa|ttaa|ttää)$")


_PLACE_CASE = re.compile(r"(?:lta|ltä|sta|stä|ssa|ssä|lla|llä|lle)$")


def _is_name_token(tok: _Tok) -> bool:
    return bool(_NAME_TOKEN.match(tok.text)) and _org_of(tok.low) is None and not _role_word(tok)


def _name_at(toks: Sequence[_Tok], i: int, text: str) -> tuple[str, int] | None:
    """A person name of 2–4 capitalised words starting at token ``i`` (same line)."""
    j = i
    while j < len(toks) and j - i < 4 and _is_name_token(toks[j]):
        if j > i:
            gap = text[toks[j - 1].end : toks[j].start]
            if gap.replace("\xa0", " ") != " ":
                break
        if j - i >= 2 and _PLACE_CASE.search(toks[j].low):
            break  # "Kari Salokivi Saarijärveltä": where the person comes from
        j += 1
    # A capitalised genitive before an organisation word qualifies it ("Keski-Suomen
    # sairaanhoitopiiriltä"): it is not part of the name.
    while j - i >= 2 and j < len(toks) and _org_of(toks[j].low) and toks[j - 1].low.endswith("n"):
        j -= 1
    if j - i < 2:
        return None
    parts = [t.text for t in toks[i:j]]
    nxt = toks[j] if j < len(toks) else None
    last = parts[-1]
    if (
        nxt is not None
        and not nxt.cap
        and len(nxt.low) >= 4
        and text[toks[j - 1].end : nxt.start].strip() == ""
        and re.search(r"[aeiouyäö]n$", last)
        and not last.endswith("nen")
        and not _SPEECH_VERBS.search(nxt.low)
    ):
        # genitive "Porrasmaan terveiset" → Porrasmaa, "Hokkasen mukaan" → Hokkanen
        parts[-1] = last[:-3] + "nen" if last.endswith("sen") else last[:-1]
    return " ".join(parts), j


def _org_phrase(toks: Sequence[_Tok], i: int) -> str:
    """The genitive organisation phrase ending right before token ``i`` (a role word)."""
    j = i - 1
    if j < 0 or not toks[j].low.endswith("n") or len(toks[j].low) < 4:  # "kun", "sen"
        return ""
    head = toks[j]
    found = _org_of(head.low)
    if found:
        org, prefix = found
        word = (head.text[: len(prefix)] + org.base.lower()) if prefix else org.base
    elif head.cap or head.low.endswith("nen"):
        return ""
    else:
        word = head.text[:-1]
    if head.cap:
        word = word[:1].upper() + word[1:]
    quals: list[str] = []
    k = j - 1
    while k >= 0 and toks[k].cap and toks[k].low.endswith("n") and len(quals) < 2:
        quals.insert(0, toks[k].text)
        k -= 1
    return " ".join([*quals, word])


def _org_after(toks: Sequence[_Tok], j: int) -> str:
    """An organisation right after a name: "(Keski-Suomen) sairaanhoitopiiriltä / -stä"."""
    for k in range(j, min(j + 3, len(toks))):
        found = _org_of(toks[k].low)
        if found:
            org, prefix = found
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            case, _ = _case_of(toks[k], org, nxt)
            if case not in ("ABL", "ELA", "NOM"):
                return ""
            word = (toks[k].text[: len(prefix)] + org.base.lower()) if prefix else org.base
            quals = [t.text for t in toks[j:k] if t.cap and t.low.endswith("n")]
            if len(quals) != k - j:
                return ""
            return " ".join([*quals, word])
    return ""


def _org_segment(text: str) -> str | None:
    """A segment that only names an organisation ("Keski-Suomen hyvinvointialue")."""
    toks = _tokens(text)
    if not toks or len(toks) > 4 or _role_word(toks[-1]):
        return None
    return text.strip() if any(_org_of(t.low) for t in toks) else None


@dataclass
class _Entry:
    person: str
    roles: list[tuple[str, str]] = field(default_factory=list)  # (role, organisation)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)


def _people(sentence: str, context_org: str) -> list[_Entry]:
    """Persons of a sentence with their roles, phones and e-mails (segment by segment)."""
    segments: list[str] = []
    pos = 0
    for m in _SEGMENT_SPLIT.finditer(sentence):
        segments.append(sentence[pos : m.start()])
        pos = m.end()
    segments.append(sentence[pos:])

    entries: list[_Entry] = []
    pending: list[tuple[str, str]] = []  # role phrases waiting for the name that follows
    last_org_for: tuple[_Entry, int] | None = None
    for seg in segments:
        seg_clean = seg.replace("\xa0", " ")
        phones = [m.group(1) for m in _PHONE.finditer(seg_clean) if _digits_ok(m.group(1))]
        emails = [_normalise_email(m.group()) for m in _EMAIL.finditer(seg_clean)]
        toks = _tokens(seg_clean)
        person: tuple[str, int] | None = None
        roles_here: list[tuple[str, str]] = []
        others: list[_Entry] = []  # further "role Name" pairs ("… Lasse Leppä ja päällikkö X")
        for i, tok in enumerate(toks):
            modifier = _title_modifier(toks, i)
            org = "" if modifier else _org_phrase(toks, i)
            role = _role_word(tok, modifier or org)
            if role:
                role = f"{modifier} {role}" if modifier else role
                named = _name_at(toks, i + 1, seg_clean) if i + 1 < len(toks) else None
                if not org and named:
                    org = _org_after(toks, named[1])
                if named and person is not None and named[0] != person[0]:
                    others.append(_Entry(named[0], [(role, org)]))
                    continue
                roles_here.append((role, org))
                if named and person is None:
                    person = named
        if person is None and toks:
            # the name opens the segment, or follows a heading ending in a colon
            # ("Pohjois-Karjalan hyvinvointialue: Kirsi Leivonen")
            colon = seg_clean.rfind(":")
            first = next((k for k, t in enumerate(toks) if t.start > colon), len(toks))
            for k in dict.fromkeys((0, first)):
                if k < len(toks) and _is_name_token(toks[k]):
                    person = _name_at(toks, k, seg_clean)
                    if person:
                        break
        org_only = _org_segment(seg_clean) if not roles_here and person is None else None
        if person is not None:
            entry = _Entry(person[0], [*pending, *roles_here], phones, emails)
            pending = []
            entries.extend([entry, *others])
            last_org_for = None
            continue
        if roles_here and not entries:
            head_roles = [r for r in roles_here if r]
            pending.extend(head_roles)
            continue
        if entries:
            cur = entries[-1]
            if roles_here and toks and any(_role_word(t) for t in toks[:4]):
                cur.roles.extend(roles_here)
                last_org_for = (cur, len(cur.roles) - 1)
            elif org_only and last_org_for and last_org_for[0] is cur:
                entry, k = last_org_for
                role, org = entry.roles[k]
                entry.roles[k] = (role, f"{org}, {org_only}" if org else org_only)
            cur.phones.extend(phones)
            cur.emails.extend(emails)
    for e in entries:
        e.roles = [(r, o or context_org) for r, o in e.roles]
    _listed_roles(sentence, entries)
    return entries


def _listed_roles(sentence: str, entries: list[_Entry]) -> None:
    """Give persons the roles a sentence names in another case than the nominative: a plural
    one to every person after it up to the next such role ("Jäseninä ovat A (…, varajäsen B),
    C …": A and C, not B, whose own title is of the same head), a singular one to the first
    person after it ("puheenjohtajana toimii … C"). The organisation is the genitive before
    the title ("maakuntahallituksen jäseninä"), or unknown: not the document's publisher,
    since such a title is mostly of a body the sentence does not name ("sen puheenjohtajana")."""
    toks = _tokens(sentence)
    listed = [
        (tok.end, *found, _org_phrase(toks, i))
        for i, tok in enumerate(toks)
        if (found := _role_as(tok))
    ]
    if not listed:
        return
    people: list[tuple[int, str]] = []  # (offset, name) in sentence order
    k = 0
    while k < len(toks):
        named = _name_at(toks, k, sentence) if _is_name_token(toks[k]) else None
        if named:
            people.append((toks[k].start, named[0]))
            k = named[1]
        else:
            k += 1
    by_name = {e.person: e for e in entries}
    for n, (at, role, plural, org) in enumerate(listed):
        end = listed[n + 1][0] if n + 1 < len(listed) else len(sentence)
        after = [name for pos, name in people if at < pos < end]
        for name in after if plural else after[:1]:
            entry = by_name.get(name)
            if entry is None:
                entry = by_name[name] = _Entry(name)
                entries.append(entry)
            if not any(r.endswith(role) for r, _ in entry.roles):
                entry.roles.append((role, org))


def _digits_ok(phone: str) -> bool:
    n = sum(c.isdigit() for c in phone)
    return 7 <= n <= 13


def _normalise_email(raw: str) -> str:
    return re.sub(r"\s?(?:\(at\)|\[at\])\s?", "@", raw, flags=re.I).replace(" ", "")


# ---------------------------------------------------------------------------------------------
# Sentences → rows


@dataclass(frozen=True)
class SentenceContext:
    """What a sentence needs from its document: date for relative dates, organisation."""

    doc_id: str
    chunk_id: str
    doc_date: date | None
    context_org: str


def _sentence_units(chunk: Chunk) -> list[tuple[int, int]]:
    """Chunk sentences, split further at line breaks, trimmed of bullets and whitespace."""
    out: list[tuple[int, int]] = []
    for a, b in chunk.sentences:
        pos = a
        for line in chunk.text[a:b].split("\n"):
            s, e = pos, pos + len(line)
            pos = e + 1
            while s < e and (chunk.text[s].isspace() or chunk.text[s] in "•-–—*·▪"):
                s += 1
            while e > s and chunk.text[e - 1].isspace():
                e -= 1
            if e > s:
                out.append((s, e))
    return out


def _people_rows(entries: Sequence[_Entry], cit: RowCitation) -> list[Row]:
    """The role and contact rows of the persons a text names."""
    rows: list[Row] = []
    for entry in entries:
        for role, org in entry.roles:
            rows.append(Role(entry.person, role, org, cit))
        phones = list(dict.fromkeys(entry.phones))
        emails = list(dict.fromkeys(entry.emails))
        for k in range(max(len(phones), len(emails))):
            phone = phones[k] if k < len(phones) else ""
            email = emails[k] if k < len(emails) else ""
            rows.append(Contact(entry.person, phone, email, cit))
    return rows


def _card(text: str, block: Sequence[tuple[int, int]], context_org: str) -> list[_Entry]:
    """The one person of a contact card: a paragraph of several lines, none of them a
    sentence ("Valmiuspäällikkö / Pasi Markkanen puh. …", "Name title / Vastuualue: … puh.
    …"), whose lines together name exactly one person; [] for anything else."""
    if len(block) < 2 or any(text[b - 1] in ".!?" for _, b in block):
        return []
    entries = _people("; ".join(text[a:b] for a, b in block), context_org)
    return entries if len(entries) == 1 else []


def _paragraphs(text: str, units: Sequence[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """``units`` grouped into the paragraphs (blank-line separated) of ``text``."""
    out: list[list[tuple[int, int]]] = []
    for a, b in units:
        if out and "\n\n" not in text[out[-1][-1][1] : a]:
            out[-1].append((a, b))
        else:
            out.append([(a, b)])
    return out


def extract_sentence(
    text: str, start: int, end: int, ctx: SentenceContext, people: bool = True
) -> list[Row]:
    """Rows stated by one sentence ``text[start:end]`` of a chunk (offsets inside the chunk;
    without ``people``, no roles or contacts: its paragraph's card gives them).

    Module-level on purpose: it is the unit of work the incremental build avoids repeating.
    """
    sentence = text[start:end]
    cit = RowCitation(ctx.doc_id, ctx.chunk_id, sentence, start, end)
    rows: list[Row] = []

    # Responsibilities, clause by clause; anaphoric clauses inherit the previous tasks.
    pos = 0
    inherited: list[_Task] = []
    pieces = []
    for m in _CLAUSE_SPLIT.finditer(sentence):
        pieces.append(sentence[pos : m.start()])
        pos = m.end()
    pieces.append(sentence[pos:])
    for piece in pieces:
        found, clause_tasks = _responsibilities_in_clause(
            _tokens(piece), ctx.doc_date, piece, inherited
        )
        inherited = clause_tasks or inherited
        for actor, task, f, u in found:
            rows.append(Responsibility(actor.name, task.name, f, u, cit))

    if people:
        rows.extend(_people_rows(_people(sentence, ctx.context_org), cit))

    # Events: a sentence (not a bare dateline) with a day-precise date.
    words = [t for t in _tokens(sentence) if t.text.isalpha()]
    if len(words) >= 2 and any(not t.cap for t in words):
        for d in find_dates(sentence, ctx.doc_date):
            if d.exact_day and d.kind != "until":
                rows.append(Event(d.value.isoformat(), _clip(sentence), cit))
    return rows


def _clip(s: str, n: int = 200) -> str:
    s = " ".join(s.replace("\xa0", " ").split())
    return s if len(s) <= n else s[:n].rsplit(" ", 1)[0] + " …"


def _doc_context(doc: Document | None) -> tuple[date | None, str]:
    if doc is None:
        return None, ""
    publisher = doc.publisher.split("(")[0].strip().rstrip(",")
    return parse_doc_date(doc), publisher


def extract_chunk(chunk: Chunk, doc: Document | None) -> list[Row]:
    """All rows of one chunk, sentence by sentence."""
    doc_date, org = _doc_context(doc)
    ctx = SentenceContext(chunk.doc_id, chunk.chunk_id, doc_date, org)
    rows: list[Row] = []
    for block in _paragraphs(chunk.text, _sentence_units(chunk)):
        card = _card(chunk.text, block, org)
        for a, b in block:
            rows.extend(extract_sentence(chunk.text, a, b, ctx, people=not card))
        if card:
            a, b = block[0][0], block[-1][1]
            cit = RowCitation(chunk.doc_id, chunk.chunk_id, chunk.text[a:b], a, b)
            rows.extend(_people_rows(card, cit))
    return rows


def extract_document(chunks: Sequence[Chunk], doc: Document | None) -> list[Row]:
    """Every row of one document's chunks (in chunk order), each fact once: overlapping
    chunks repeat sentences. Rows of different documents never repeat each other (a row's
    identity includes its document), so a register is its documents' rows concatenated."""
    rows: list[Row] = []
    seen: set[tuple[Any, ...]] = set()
    for chunk in chunks:
        for row in extract_chunk(chunk, doc):
            key = _row_key(row)
            if key not in seen:
                seen.add(key)
                rows.append(row)
    return rows


def document_key(chunk_ids: Iterable[str], doc: Document | None) -> str:
    """What a document's rows depend on besides its chunks' text: its date and publisher
    (``_doc_context``) and this module's code. Rows stored under an equal key are reused."""
    date_, org = _doc_context(doc)
    parts = [extractor_version(), str(date_), org, *chunk_ids]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def rows_to_json(rows: Sequence[Row]) -> bytes:
    """One document's rows as JSON (how the index stores them)."""
    return orjson.dumps([_row_to_dict(r) for r in rows])


def rows_from_json(data: str | bytes) -> list[Row]:
    """Inverse of ``rows_to_json``."""
    return [_row_from_dict(r) for r in orjson.loads(data)]


def build_register(chunks: Sequence[Chunk], documents: Mapping[str, Document]) -> Register:
    """Extract the register from ``chunks`` (in corpus order, each document's together)."""
    by_doc: dict[str, list[Chunk]] = {}
    for chunk in chunks:
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    return Register.from_rows(
        row
        for doc_id, doc_chunks in by_doc.items()
        for row in extract_document(doc_chunks, documents.get(doc_id))
    )


# ---------------------------------------------------------------------------------------------
# Statements and lookup


def _fi_date(iso: str) -> str:
    d = date.fromisoformat(iso)
    return f"{d.day}.{d.month}.{d.year}"


def statement(row: Row) -> str:
    """A short Finnish sentence stating ``row``."""
    if isinstance(row, Responsibility):
        when = ""
        if row.valid_from and row.valid_until:
            when = f" {_fi_date(row.valid_from)}–{_fi_date(row.valid_until)}"
        elif row.valid_from:
            when = f" {_fi_date(row.valid_from)} alkaen"
        elif row.valid_until:
            when = f" {_fi_date(row.valid_until)} asti"
        if row.actor.endswith(SHARED_MARK):
            parties = row.actor[: -len(SHARED_MARK)]
            task = row.task[:1].upper() + row.task[1:]
            return f"{task} on yhdyspinta, jossa yhteistyötä tekevät {parties}{when}."
        known = _TASK_BY_NAME.get(row.task)
        obj = known.elative if known else row.task
        verb = "vastaavat" if _is_plural(row.actor) else "vastaa"
        actor = row.actor[:1].upper() + row.actor[1:]
        return f"{actor} {verb} {obj}{when}."
    if isinstance(row, Role):
        org = f", {row.organisation}" if row.organisation else ""
        return f"{row.person}: {row.role}{org}."
    if isinstance(row, Contact):
        parts = [f"puh. {row.phone}" if row.phone else "", row.email]
        return f"{row.person}: {', '.join(p for p in parts if p)}."
    return f"{_fi_date(row.date)}: {row.what}"


@lru_cache(maxsize=1 << 14)
def _is_plural(actor: str) -> bool:
    last = actor.split()[-1].lower() if actor.split() else ""
    return any(last == o.plural.lower() or last.endswith(o.plural.lower()) for o in _ORGS) and (
        not any(last == o.base.lower() for o in _ORGS)
    )


_Q_CONTACT = re.compile(r"numero|puhelin|soitta|sähköpost|yhteystie|tavoittaa|\bpuh\b", re.I)
_Q_ROLE = re.compile(
    r"\bkuka\b|\bketkä\b|\bkenet\b|\bkeitä\b|\bmikä on\b.*\b(?:rooli|tehtävä)", re.I
)
_Q_RESP = re.compile(
    r"\bvastaa|\bvastas|\bvastuu|\bvastuussa|järjest|\btehtävä|\bjää|\bjäävät|rahoitt|tuotta|hoita|"
    r"\bkenen\b|siirty|\bkuuluu\b",
    re.I,
)
_Q_NOW = re.compile(r"\bnyt\b|tällä hetkellä|nykyään|\btänään\b|\bnow\b", re.I)


def _question_interval(question: str, today: date) -> tuple[date, date] | None:
    if _Q_NOW.search(question):
        return today, today
    dates = find_dates(question, today)
    if not dates:
        return None
    d = dates[0]
    if d.kind == "year":
        return d.value, date(d.value.year, 12, 31)
    return d.value, d.value


def _lookup(reg: Register, question: str, today: date) -> list[RegisterHit]:
    q = unicodedata.normalize("NFC", question)
    qstems = _content_stems(q)
    if not qstems:
        return []
    hits: list[RegisterHit] = []
    if _Q_CONTACT.search(q):
        hits = _lookup_contacts(reg, q)
    elif _Q_RESP.search(q) and (_find_tasks(_tokens(q)) or _find_orgs(_tokens(q))):
        hits = _lookup_responsibilities(reg, q, today)
    if not hits and _Q_ROLE.search(q):
        hits = _lookup_roles(reg, q)
    return hits


def held_then(
    hits: Sequence[RegisterHit], question: str, today: date | None = None
) -> RegisterHit | None:
    """The first of ``hits`` (from :meth:`Register.lookup`) that is a responsibility stating
    its own period, when ``question`` names a time (a year, a day or now): what the register
    knows held then. None when the question names no time or no such row matched."""
    if _question_interval(unicodedata.normalize("NFC", question), today or date.today()) is None:
        return None
    return next(
        (
            hit
            for hit in hits
            if isinstance(hit.row, Responsibility) and (hit.row.valid_from or hit.row.valid_until)
        ),
        None,
    )


def _names_in(q: str, persons: Iterable[str]) -> set[str]:
    """Persons named in the question (all name words, any case ending)."""
    qs = [stem(w) for w in re.findall(r"[A-Za-zÀ-ÿ-]+", q.lower())]
    out = set()
    for p in persons:
        parts = [stem(w) for w in p.lower().split()]
        surname = parts[-1]
        if any(_stem_match(surname, s) or s.startswith(surname) for s in qs):
            first_ok = len(parts) == 1 or any(
                _stem_match(parts[0], s) for s in qs
            )  # first name optional, but if given must match
            qnames = re.findall(r"\b[A-ZÅÄÖ][a-zåäö]+", q)
            if first_ok or not any(_stem_match(stem(n), parts[0]) for n in qnames):
                out.add(p)
    return out


@dataclass(frozen=True)
class _RoleQuery:
    """The role and organisation words of a question, split once so that scoring each of
    the register's role rows costs a few stem comparisons."""

    roles: tuple[str, ...]  # stems of the question's role words ("johtaja", "päällikkö")
    orgs: tuple[str, ...]  # its other content stems that name an organisation type
    other: tuple[str, ...]  # its remaining content stems
    scored: dict[tuple[str, str], float] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )  # many role rows share a title and an organisation: each pair is scored once

    @classmethod
    def of(cls, q: str) -> _RoleQuery:
        """Split the question ``q``."""
        toks = _tokens(q)
        roles = tuple(stem(t.low) for t in toks if _role_stem_word(t.low))
        content = [
            t.stem
            for t in toks
            if not _role_stem_word(t.low) and t.low not in _STOP and len(t.low) > 2
        ]
        orgs = tuple(s for s in content if _org_of(s))
        return cls(roles, orgs, tuple(s for s in content if not _org_of(s)))

    def score(self, role: Role) -> float:
        """How well ``role`` fits the question's role and organisation words (0: not at all)."""
        key = (role.role, role.organisation)
        found = self.scored.get(key)
        if found is None:
            found = self.scored[key] = self._score(*key)
        return found

    def _score(self, role: str, organisation: str) -> float:
        if not _role_matches(stem(role), self.roles):
            return 0.0
        org_words = _org_stems(organisation)
        other = sum(1 for s in self.other if any(_stem_match(s, o) for o in org_words))
        asked = len(self.orgs) + other  # the question's words about an organisation
        if not asked:
            return 1.0
        matched = other + sum(1 for s in self.orgs if any(_stem_match(s, o) for o in org_words))
        return 1.0 + matched / asked if matched else 0.0


@lru_cache(maxsize=1 << 16)
def _role_matches(role_stem: str, q_roles: tuple[str, ...]) -> bool:
    return any(_stem_match(role_stem, r) for r in q_roles)


@lru_cache(maxsize=1 << 14)
def _org_stems(organisation: str) -> tuple[str, ...]:
    return tuple(_content_stems(organisation))


# A question's role words: not "jäsen" or "ministeri", which stand inside common words of
# questions that ask for no person ("jäsenkunnat", "ministeriö"); and a board's members are
# too many for the lookup's best rows to say which one a question means.
_ASKED_ROLE_HEADS = tuple(h for h in _ROLE_HEADS if h not in _MEMBER_HEADS | {"ministeri"})


def _role_stem_word(low: str) -> bool:
    base = re.sub(r"(?:n|a|ä|lle|lta|ltä|lla|llä|ksi|na|nä|ssa|ssä|sta|stä)$", "", low)
    return any(low.startswith(h) or h in low for h in _ASKED_ROLE_HEADS) or any(
        base.endswith(h[:-1]) for h in _ASKED_ROLE_HEADS
    )


def _lookup_roles(reg: Register, q: str) -> list[RegisterHit]:
    named = _names_in(q, {r.person for r in reg.roles})
    query = _RoleQuery.of(q)
    hits: list[RegisterHit] = []
    for role in reg.roles:
        if named:
            if role.person not in named:
                continue
            score = 1.0 + query.score(role)
        else:
            score = query.score(role)
            if score <= 0:
                continue
        hits.append(RegisterHit("roles", role, score, statement(role)))
    return _best_unique(hits)


def _lookup_contacts(reg: Register, q: str) -> list[RegisterHit]:
    persons = {c.person for c in reg.contacts}
    named = _names_in(q, persons)
    if not named:
        query = _RoleQuery.of(q)
        scores = [(query.score(r), r.person) for r in reg.roles]
        best = max((score for score, _ in scores), default=0.0)
        named = {person for score, person in scores if score > 0 and score == best}
    want_email = re.search(r"sähköpost|e-?mail", q, re.I) is not None
    hits = []
    for c in reg.contacts:
        if c.person in named and (c.email if want_email else c.phone or c.email):
            hits.append(RegisterHit("contacts", c, 2.0, statement(c)))
    return _best_unique(hits)


def _lookup_responsibilities(reg: Register, q: str, today: date) -> list[RegisterHit]:
    toks = _tokens(q)
    q_tasks = {t.name for _, t in _find_tasks(toks)}
    q_actor_heads = {h.org.head for _, h in _find_orgs(toks) if h.org.head in _ACTOR_HEADS}
    interval = _question_interval(q, today)
    keep_question = re.search(r"\bjää|\bjäävät|\bjäi\b", q, re.I) is not None
    # rows stating the same (actor, task, period) make the same statement: only the best
    # scoring (the first of equals) can become a hit, so only it is stated
    best: dict[tuple[str, str, str | None, str | None], tuple[float, int, Responsibility]] = {}
    for i, r in enumerate(reg.responsibilities):
        if q_tasks and r.task not in q_tasks:
            continue
        shared = r.actor.endswith(SHARED_MARK)
        head = _actor_head(r.actor)
        if not q_tasks:
            # "Mitä kunnille jää?": the actor is the subject of the question.
            if not q_actor_heads or head not in q_actor_heads or shared:
                continue
            if keep_question and r.valid_until is not None:
                continue
        score = 2.0
        if q_tasks and q_actor_heads and head in q_actor_heads:
            score += 0.5
        if shared:
            score -= 0.8
        dated = bool(r.valid_from or r.valid_until)
        if interval is not None:
            if not _overlaps(r, *interval):
                continue
            score += 1.0 if dated else 0.0
        elif _overlaps(r, today, today):
            score += 0.3 if dated else 0.0
        else:
            score -= 0.5
        key = (r.actor, r.task, r.valid_from, r.valid_until)
        if key not in best or score > best[key][0]:
            best[key] = (score, i, r)
    hits = [
        RegisterHit("responsibilities", r, score, statement(r))
        for score, _, r in sorted(best.values(), key=lambda kept: (-kept[0], kept[1]))
    ]
    if interval is not None and any(
        h.row.valid_from or h.row.valid_until  # type: ignore[union-attr]
        for h in hits
    ):
        hits = [h for h in hits if h.row.valid_from or h.row.valid_until]  # type: ignore[union-attr]
    return _best_unique(hits)


@lru_cache(maxsize=1 << 14)
def _actor_head(actor: str) -> str:
    if actor.endswith(SHARED_MARK):
        return "yhdyspinta"
    words = actor.split()
    found = _org_of(words[-1].lower()) if words else None
    return found[0].head if found else actor.lower()


def _best_unique(hits: list[RegisterHit]) -> list[RegisterHit]:
    hits.sort(key=lambda h: -h.score)
    seen: set[str] = set()
    out = []
    for h in hits:
        if h.text in seen:
            continue
        seen.add(h.text)
        out.append(h)
    return out


# Note: an optional LLM extraction pass (adding rows when ASSISTANT_LLM_BASE_URL is set) is not
# implemented; any such rows would have to carry a RowCitation whose quote the citation
# validator accepts, exactly like the rule-based rows above.


def tasks_in(text: str) -> set[str]:
    """Canonical names of the tasks that ``text`` mentions (any inflection)."""
    return {task.name for _, task in _find_tasks(_tokens(text))}
