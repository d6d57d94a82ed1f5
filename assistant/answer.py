"""Answering: extractive (default) or LLM, then one citation validator for both."""

from __future__ import annotations

import bisect
import difflib
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .lexical import (
    FRAME_WORDS,
    STOPWORDS,
    SYNONYMS,
    glossary_term,
    is_foreign,
    municipalities_in,
    normalize,
    standardize,
    stems,
    without_generic_tail,
    words,
)
from .retrieve import Passage

if TYPE_CHECKING:
    from .store import LoadedIndex

ABSTAIN_TEXT = "En löytänyt aineistosta vastausta tähän kysymykseen."


@dataclass(frozen=True)
class Citation:
    """One numbered source: ``quote`` is exactly ``chunk.text[start:end]``."""

    n: int
    doc_id: str
    title: str
    date: str
    publisher: str
    url: str
    chunk_id: str
    quote: str
    start: int
    end: int

    def to_dict(self) -> dict[str, object]:
        """The citation as in the Answer JSON."""
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "date": self.date,
            "publisher": self.publisher,
            "url": self.url,
            "chunk_id": self.chunk_id,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Answer:
    """What ``Assistant.ask`` returns; ``to_dict()`` is the Answer JSON of DESIGN.md."""

    question: str
    standalone_question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    notice: str = ""  # one Finnish line for the user (e.g. "LLM unavailable"), not part of the JSON

    def to_dict(self) -> dict[str, object]:
        """Exactly the Answer JSON."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings_ms": dict(self.timings_ms),
        }


# ============================================================================ extractive answerer

# "missä asioissa", "millä aloilla", "mihin tehtäviin": which ones, plural
_PLURAL_CASE = re.compile(
    r"\b(?:missä|millä|mistä|mihin|mille) \w+(?:i|oi|ei)(?:ssa|ssä|lla|llä|sta|stä|hin|lle)\b",
    re.IGNORECASE,
)
_WHICH_ONES = re.compile(r"\b(?:mitkä|which|vilka|luettele|list)\b", re.IGNORECASE)
# Question word → what the answer must contain. Checked in order; the first hit decides.
_QTYPE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        # a minutes' record (diary) number, "275/00.01.01/2022"
        ("record", r"\b(diaari\w*|dnro|asianumero\w*|asiatunnu\w*|record number|diarienummer)\b"),
        ("email", r"\b(sähköpost\w*|e-?mail\w*|s-?posti\w*|e-?post\w*)\b"),
        (
            "contact",
            r"\b(puhelin\w*|numero\w*|soitta\w*|tavoit(?:taa|tan|tat|tais\w*|ettav\w*)|"
            r"sähköpost\w*|e-?mail|"
            r"phone|telefon\w*|yhteystie\w*|contact)\b",
        ),
        (
            "money",
            r"\b(?:paljonko|kuinka paljon|how much|(?:kuinka|miten) (?:suur|iso)\w*)\b.*"
            r"\b(?:maks|kustan|hint|budjet|rahoit|euro|avustu|määrärah|summ|cost|kost)\w*|"
            r"\bmitä\b.*\bmaks\w*|\b(?:kustannukset|kustannuksia|hinta|budjetti|"
            r"talousarvio|budget)\b",
        ),
        (
            "number",
            r"\b(montako|kuinka mon\w*|kuinka paljon|paljonko|mont\w+ko|"
            # "on määrä pitää" (is to be held) is no amount
            r"how many|how much|hur många|hur mycket|kuinka suur\w*|kuinka iso\w*|"
            r"(?<!on )(?<!oli )määrä|määrän|määrää|määrältään|"
            r"lukumäärä\w*|monennessa\w*|"
            r"minkä pykälän|missä pykälässä|mikä pykälä|"
            # a vote result is a count: "millä äänin", "äänestystulos", "with how many votes"
            r"äänin|äänimäärä\w*|äänestystulo\w*|votes?|röster)\b",
        ),
        (
            # a calendar day, not a month or a season: "Minä päivänä …?"
            "day",
            r"\b(minä päivänä|mikä päivä(?:määrä)?|minkä päivän\w*|monesko|what date|which date|"
            r"which day|on what day|vilket datum|mille päivälle|mistä päivästä)\b",
        ),
        (
            "date",
            r"\b(milloin|mihin aikaan|minä päivänä|mistä lähtien|mistä alkaen|mihin asti|"
            r"monesko|when|what date|which date|när|vilket datum|mikä päivä\w*|"
            r"minkä päivän\w*|mihin mennessä|mil+oin|minä vuonna|minkä vuoden|mille vuosille|"
            r"minä vuosina|mille päivälle|minä kuukautena|minkä ajan|mistä päivästä|"
            r"what year|which year|vilket år)\b",
        ),
        (
            "role",
            r"\b(virka|virkansa|virkaa|virassa|viran|virkanimik\w*|ammat\w*|tehtävänimik\w*|"
            r"(?<=mikä )(?:\w+ ){0,3}rooli(?:nsa|na)?|roolissa|"
            r"titteli\w*|job title|missä ominaisuudessa|missä asemassa|in what capacity)\b",
        ),
        # plural "who": the answer is often a list of people, offices or bodies
        ("people", r"\b(ketkä|keitä|keille|keiltä|keistä|kekä)\b"),
        (
            "person",
            r"\b(kuka|kenen|kenet|keneltä|kenelle|kenestä|keneen|kenellä|"
            r"who|whom|whose|vem|vems|kuk+a|nimi|nimensä|name|namn)\b",
        ),
        (
            "municipality",
            # the question word and the noun agree in case: "minkä kunnan", "missä kunnissa"
            # "minkä keskisuomalaisen kunnan": one adjective may stand in between
            r"\b(?:minkä (?:\w+(?:sen|isen) )?(?:kunnan|kaupungin|paikkakunnan)|"
            r"mikä (?:\w+(?:nen) )?(?:kunta|kaupunki|paikkakunta)|"
            r"mitkä (?:kunnat|kaupungit|paikkakunnat)|"
            r"missä (?:kunnassa|kunnissa|kaupungissa|kaupungeissa)|"
            r"millä (?:paikkakunnalla|paikkakunnilla)|mille paikkakunnalle|"
            r"mistä (?:kunnasta|kunnista|kaupungista)|mihin (?:kuntaan|kuntiin|kaupunkiin)|"
            r"(?:which|what) (?:municipalit\w*|town|city)|vilk(?:en|a) (?:kommun\w*|stad))\b",
        ),
        (
            "list",
            _PLURAL_CASE.pattern,
        ),
        (
            "place",
            # "mistä / mihin" mostly ask about what ("Mistä kunnat vastaavat?"): a place only
            # with a finding or locating verb
            r"\b(?:mistä|mihin)\b(?=.*\b(?:löyt|luke|luettavi|osoit|sijai|muut|matkust|lähet))|"
            r"\b(missä|millä paikkakunnalla|where|var|vart|varifrån|mis|"
            r"minkä (?:kunnan|kaupungin|maakunnan|alueen)|mikä (?:kunta|kaupunki|maakunta)|"
            r"mitkä (?:kunnat|kaupungit))\b",
        ),
        ("list", r"\b(mitkä|mitä|which|vilka|luettele|list)\b"),
        ("reason", r"\b(miksi|miten|kuinka|millä tavalla|mitä varten|why|how|varför|hur|mix)\b"),
    )
)

_DATE_RE = re.compile(
    r"\b\d{1,2}\.\d{1,2}\.(?:\d{4})?|\b(?:19|20)\d{2}\b|"
    r"\b(?:tammi|helmi|maalis|huhti|touko|kesä|heinä|elo|syys|loka|marras|joulu)kuu\w*|"
    r"\b(?:maanantai|tiistai|keskiviikko|torstai|perjantai|lauantai|sunnuntai)\w*|"
    r"\b(?:kevää|kesä|syksy|talve)\w*|"
    # relative dates: "ensi vuoden alussa", "tänä vuonna", "vuoden lopussa"
    r"\b(?:ensi|tänä|viime|kuluvan|tulevan|edellisen)\s+(?:vuo|kuu|viiko)\w*|"
    r"\bvuoden\s+(?:alu|lopu|vaihtee)\w*",
    re.IGNORECASE,
)
# A date that bounds a period ("1.1.2023 alkaen") is not the day an event is held.
_BOUNDARY_DATE = re.compile(
    r"(?:" + _DATE_RE.pattern + r")\s+(?:alkaen|lähtien|jälkeen|asti|saakka|mennessä)\b",
    re.IGNORECASE,
)
# The thing held ("tilaisuus", "kokous"): a sentence that dates or places it names it, or says
# that someone met.
_EVENT_STEMS = "tilaisuu|kokou|tapaami|seminaari|istun|palaveri|kokoontumi|webinaari"
_EVENT_NOUN = re.compile(rf"\w*(?:{_EVENT_STEMS})\w*", re.IGNORECASE)
_MET = re.compile(rf"{_EVENT_STEMS}|kokoon|tapaa|tapas|koolla", re.IGNORECASE)
_YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_RECORD_RE = re.compile(r"\b\d{1,5}/\d{2}(?:\.\d{2}){1,3}/\d{4}\b")
_DAY_RE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.|\b\d{4}-\d{2}-\d{2}\b")
_NUMBER_RE = re.compile(
    r"\d|\b(?:yksi|yhden|kaksi|kahde\w*|kolme\w*|neljä\w*|viisi|viide\w*|kuusi|kuude\w*|"
    r"seitsemä\w*|kahdeksa\w*|yhdeksä\w*|kymmene\w*|sata\w*|tuhat\w*|miljoon\w*)\b",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"[\w.-]+(?:@|\s?\(at\)\s?)[\w-]+\.\w+")
_ADDRESS_RE = re.compile(r"\S+(?:@|\(at\))\S+|https?://\S+|www\.\S+")
_PHONE_RE = re.compile(r"\b0\d{1,3}[ -]?\d{2,4}[ -]?\d{2,4}(?:[ -]?\d{1,4})?\b|@|\(at\)")
_CAPITALISED_RUN = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé-]+(?: [A-ZÅÄÖ][a-zåäöé-]+)+")
_MAX_FIRST_NAME = 10
_PREFIX_MARK = "^"  # marks six-letter word beginnings in the ``common`` vocabulary
# A person's name: two or three capitalised words, the last possibly double-barrelled.
NAME_RE = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+(?: [A-ZÅÄÖ][a-zåäöé]+){1,2}(?:-[A-ZÅÄÖ][a-zåäöé]+)?\b")
_ORG_RE = re.compile(
    r"\b(?:kun\w*|kaupun\w*|hyvinvointialue\w*|\w*liit\w*|\w*hallitu\w*|\w*valtuust\w*|"
    r"\w*jaost\w*|\w*työryhm\w*|\w*toimielim\w*|\w*ryhm\w*|sairaanhoitopiir\w*)\b",
    re.IGNORECASE,
)
_PLACE_RE = re.compile(
    # a capitalised word in a local case (not the genitive "-n" that names and bodies take)
    r"\b[A-ZÅÄÖ][a-zåäö-]+(?:ssa|ssä|lla|llä|lle|lta|ltä|sta|stä|ään|aan|iin|uun|seen)\b|"
    r"\b\w+(?:salissa|osoitteessa|kaupungintalo\w*)\b|https?://",
)
# "Where was it held": a meeting or event, whose answer is a place and nothing else.
_VENUE = re.compile(
    r"\b(?:pidettiin|pidetään|pidettävä\w*|järjestettiin|järjestetään|kokoontui\w*|"
    r"kokoontu\w*|held|met|meet|hölls|träffades|samlades)\b",
    re.IGNORECASE,
)
# Any verb of holding or meeting: when or where something is held.
_HELD = re.compile(
    rf"{_VENUE.pattern}|\b(?:pide|pidä|piti|järjest|kokoon|kokous|tapaa|tapas)\w*",
    re.IGNORECASE,
)
_SEQUENCE = re.compile(
    r"\b(seuraav\w*|ensimmäi\w*|viimei\w*|edelli\w*|next|first|last|nästa|första|sista)",
    re.IGNORECASE,
)
# "Kuka valittiin / palkattiin / nimettiin …?" asks for the person chosen, by name.
_CHOSEN = re.compile(r"\b(?:kuka|ketkä|kenet|keitä)\s+\w+(?:ttiin|tiin)\b", re.IGNORECASE)
_LEADS = re.compile(
    r"\b(johta(?:a|vat|nut|neet|isi)|johti(?:vat)?|vet(?:ää|ävät|änyt|äneet|äisi)|veti(?:vät)?)\b",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"(johtaja|jäsen|koordinaattori|päällikkö|asiantuntija|sihteeri|valmistelija|esittelijä|"
    r"lääkäri|vetäjä|ylilääkäri|pormestari|neuvos|insinööri|suunnittelija|kirjaaja|lakimies)",
    re.IGNORECASE,
)
_GROUP = re.compile(r"(?:työ|ala|johto|ohjaus)?(?:ryhm|jaost|toimikun|tiim)")
_LEADER = re.compile(r"(johtaja|vetäjä|\bjohta|\bvet[äi])", re.IGNORECASE)
_ASKS_FOR_NAME = re.compile(
    r"(johtaja|jäsen|koordinaattori|päällikkö|asiantuntija|sihteeri|valmistelija|esittelijä|"
    r"lääkäri|nimi|chair|director|ordförande|direktör|name|namn)",
    re.IGNORECASE,
)
# "Mitkä olivat ne neljä alatyöryhmää?": a list question that says how many it wants
_COUNT_WORDS = {
    "kaks": 2,
    "kahd": 2,
    "kaht": 2,
    "kolm": 3,
    "nelj": 4,
    "viis": 5,
    "viid": 5,
    "viit": 5,
}
_N_ITEMS = re.compile(
    r"\b(?:mitkä|mitä|mihin|which|what)\b.*?\b(kaksi|kahteen|kahden|kolme\w*|neljä\w*|"
    r"viisi|viiteen|viiden)\b",
    re.IGNORECASE,
)
# "Mitkä olivat alatyöryhmien nimet / mitkä … nimeltään": the names themselves, listed
_ASKS_NAMES = re.compile(r"\bnim(?:et|eltään|iltään|iä)\b", re.IGNORECASE)
# Sentence openings that point back at the previous sentence.
_ANAPHORA = re.compile(
    r"(tästä syystä|tämän vuoksi|tämän takia|siksi|sen vuoksi|sen takia|näin ollen|näin|"
    r"tämä|nämä|se |ne |hän |he )",
    re.IGNORECASE,
)
MAX_SENTENCES = 3
_MANNER_RE = re.compile(r"\b\w{4,}(?:sti)\b")
_MONEY_RE = re.compile(r"€|\beur\w*|\bmilj\w*|\bmrd\b|\bmiljard\w*|\btuhatta\b", re.IGNORECASE)
# "sote- ja maakuntauudistus" joins parts of one word, not items of a list
_CONJ_RE = re.compile(r"(?<!-)\s(?:sekä|ja|tai)\b")
_PART_CONJ_RE = re.compile(r"-\s(?:sekä|ja|tai)\b")


def _list_items(sentence: str) -> int:
    """How many items a sentence enumerates, roughly: its commas and bullets, plus one."""
    return sentence.count(",") + sentence.count("•") + 1


def _list_score(sentence: str) -> float:
    """1 for an enumeration of three or more ("A, B ja C"), 0.5 for a pair, else 0."""
    commas = _list_items(sentence) - 1
    conj = len(_CONJ_RE.findall(sentence))
    if commas >= 2 or (commas and conj):
        return 1.0
    # "valmius- ja varautumisasiat" is a pair too, but no more than a pair
    return 0.5 if conj or _PART_CONJ_RE.search(sentence) else 0.0


_REASON_RE = re.compile(
    r"\b(?:koska|siksi|jotta|vuoksi|takia|syystä|tavoit\w*|tarkoitu\w*|näin|siten|avulla|"
    r"kautta|edellyt\w*|perustee\w*|seurauk\w*)\b",
    re.IGNORECASE,
)


# A question opened by a verb with -ko/-kö ("Onko", "Hyväksyikö") asks yes or no.
_YES_NO = re.compile(r"^(?!monta|paljon|mone|mont|kuinka)\w+(?:ko|kö)$")
_WHO = frozenset({"person", "people"})
# A finite verb (past, passive, perfect, 3rd person present), not a noun made from one.
_FINITE = re.compile(r"(?:[aeiouyäö]i|ttiin|tiin|n[uy]t|neet|ee|aa|ää|yy|uu|vat|vät)$")
# A verb in the simple past ("hyväksyi", "käynnistyi", "kokoontuivat").
_PAST = re.compile(r"(?:[^aeiouyäö][iy]i|[aeouäö]i|ivat|ivät)$")
# Verbs that name the same event in other words (meeting, starting), by their first letters.
_EVENT_VERBS = {
    verb: group
    for group in (
        ("tapas", "tapaa", "istui", "kokoo", "kokou", "koola", "pitiv"),
        ("käynn", "aloit", "alkoi", "alkan", "alkaa"),
    )
    for verb in group
}
# Question types whose answer must be of that kind, or there is no answer.
_TYPE_REQUIRED = frozenset(
    "record email contact money number date day role municipality people".split()
)


_WHEN = re.compile(
    "|".join(pattern.pattern for name, pattern in _QTYPE_PATTERNS if name in ("day", "date")),
    re.IGNORECASE,
)


_QUESTION_WORD = re.compile(
    r"\b(?:kuka|ketkä|kenen|kenet|keneltä|kenelle|keitä|keistä|mikä|mitkä|mitä|minkä|"
    r"milloin|missä|mistä|mihin|millä|mille|minä|montako|kuinka|paljonko|miksi|miten|"
    r"who|what|when|where|which|how|why|vem|vad|när|var|vilk\w+|hur|varför)\b",
    re.IGNORECASE,
)


def question_type(question: str) -> str:
    """The kind of answer a question asks for: record (diary number), email, contact (phone
    or any), number, day (a calendar day), date (any time), role (an office), person,
    municipality, place, list, reason, or ``other``."""
    question = standardize(question)
    first = words(question)[:1]
    if first and _YES_NO.match(first[0]):
        return "other"  # "Onko …, kuka …?" asks yes or no, whatever words follow
    # "Mikä on olennaista, jos ei se, kuka ne järjestää?": the clause of the first question
    # word asks; a question word in a later clause is part of what is asked about
    asked = _QUESTION_WORD.search(question)
    if asked:
        comma = question.find(",", asked.end())
        question = question if comma < 0 else question[:comma]
    for name, pattern in _QTYPE_PATTERNS:
        if pattern.search(question):
            return name
    return "other"


_COUNTED = re.compile(
    r"\b(?:montako|kuinka monta|kuinka monen|kuinka moni|moniko|monenko|montaa|how many|"
    r"kuinka mone(?:sta|ssa|lla|lle|lta|en)|mone(?:sta|ssa|lla|lle|lta|e)nko|"
    r"hur många|kuinka paljon|paljonko)\s+"
    r"([\w-]+)",
    re.IGNORECASE,
)


def counted_noun(question: str) -> str | None:
    """The stem of what a "how many" question counts ("Montako asukasta …" → "asuka")."""
    text = standardize(question)
    match = _COUNTED.search(text)
    if not match:
        return None
    if is_foreign(question):  # "How many residents" counts "asukas"
        finnish = glossary_term(match.group(1))
        return stems(finnish)[0] if finnish and stems(finnish) else None
    if re.search(r"\b(?:paljon|paljonko)\s", match.group(), re.IGNORECASE):
        # "kuinka paljon Jyväskylässä on asukkaita": the first partitive noun is counted
        partitive = [
            w
            for w in words(text[match.start(1) :])
            if w not in STOPWORDS and re.search(r"(?:[aeiouyäö]t[aä]|tt[aä]|[aeiouyäö][aä])$", w)
        ]
        found = stems(partitive[0]) if partitive else []
    elif re.search(r"\bmoni(?:ko)?\s", match.group(), re.IGNORECASE):
        # "Kuinka moni kunnanhallituksen jäsen oli …": nominative, the head noun comes last
        phrase = []
        for word in words(text[match.start(1) :]):
            if word in STOPWORDS:
                break
            phrase.append(word)
        found = stems(phrase[-1]) if phrase else []
    else:
        quantifier = text[match.start() : match.start(1)]
        found = stems(_agreeing_head(quantifier, text[match.start(1) :]) or match.group(1))
    return found[0] if found else None


_CASE_ENDINGS = (
    ("sta", ("sta", "stä")),
    ("ssa", ("ssa", "ssä")),
    ("lla", ("lla", "llä")),
    ("lle", ("lle",)),
    ("lta", ("lta", "ltä")),
    ("een", ("an", "än", "en", "in", "on", "un", "yn", "ön", "hin", "seen")),  # illative
    ("en", ("n",)),
)


def _agreeing_head(quantifier: str, rest: str) -> str | None:
    """The noun a Finnish "kuinka monessa / monesta / monen" agrees with: the last of the
    first run of words in the quantifier's case ("monessa Keski-Suomen kunnassa" →
    "kunnassa"). None for the partitive "monta", whose noun follows it directly."""
    word = re.sub(r"ko$|kö$", "", quantifier.split()[-1].lower())
    endings = next((e for case, e in _CASE_ENDINGS if word.endswith(case)), None)
    if endings is None:
        return None
    head = None
    for token in words(rest)[:6]:
        if token in STOPWORDS:
            break
        if token.endswith(endings):
            head = token
        elif head is not None:
            break
    return head


# The question clitic, spoken "-ks" included ("sovittiinks", "äänestettiinkö").
_CLITIC = re.compile(r"(?:k[oö]s?|ks)$")
# Finnish verb forms by their endings: infinitives and participles, passives, 3rd persons,
# the conditional, and nouns made from verbs ("päättyminen").
_VERB_FORM = re.compile(
    r"(?:m[iy]nen|mis(?:en|ta|tä|e\w+)|m[aä](?:an|än|ssa|ssä|sta|stä|lla|llä|tta|ttä)|"
    r"t?t[aä]v[aä]\w*|tiin|tt[uy]|t[aä][aä]n|v[aä]t|yy|uu|ee|(?<![mk])aa|(?<![mk])ää|[aouyäöe]i|"
    r"[aeiouyäö]si|isi\w*|"
    r"n[uy]t|ne(?:et|iden)|"
    # participles in a case ("pidetyssä", "nimitetyiksi"), "siirryttäessä", "tehdessä"
    r"t[uy](?:ss[aä]|st[aä]|ll[aä]|ksi|iksi|ihin|iss[aä]|ist[aä]|jen)|t[aä]ess[aä]|dess[aä]|"
    # comparatives and superlatives qualify, they are not what is asked about
    r"mp[iaä]\w*|mm[aä]n|imm[aä]\w*|imp[aä]\w*)$"
)


def role_phrase(question: str) -> list[str] | None:
    """Stems of the role a question names and the genitives before it ("Kuntaliiton
    hallituksen puheenjohtaja" → kuntaliito, hallituks, puheenjohtaj); participles in between
    ("valmistelleen") are left out. None when no role noun is named."""
    tokens = re.findall(r"[\w]+", standardize(question))
    for i, token in enumerate(tokens):
        if not _ROLE.search(token):
            continue
        phrase = [token]
        for word in reversed(tokens[:i]):
            low = word.lower()
            if not low.endswith("n") or low in STOPWORDS:
                break
            # participles ("valmistelleen", "-vän") are left out, names ("Kevan") are not
            if word[:1].isupper() or not re.search(r"(?:[nls]ee|ne|v[aä])n$", low):
                phrase.append(word)
        phrase.reverse()
        if token.lower().endswith("n"):
            # "toimitusjohtajan Minna Karhusen varahenkilö": the office is the possessor, the
            # noun after the genitives and names is what is asked
            rest = tokens[i + 1 :]
            for j, word in enumerate(rest):
                low = word.lower()
                if low in STOPWORDS or low in FRAME_WORDS:
                    break
                if word[:1].isupper():
                    continue
                genitive = low.endswith("n") and not low.endswith("nen")
                if genitive and j + 1 < len(rest) and rest[j + 1].lower() not in STOPWORDS:
                    continue
                phrase.append(word)
                break
        return [without_generic_tail(s) for s in stems(" ".join(phrase))]
    return None


def led_object(question: str) -> list[str] | None:
    """For "who leads / led Y" ("Kuka johtaa …", "Kuka veti …"): the stems of what is led, the
    last content word after the verb (with the genitive before a generic group: "oppilashuollon
    työryhmää"). None when the question has no such verb."""
    text = standardize(question)
    match = _LEADS.search(text)
    if not match:
        return None
    clause = re.split(r"[,;:?!]", text[match.end() :])[0]  # "…, siis kuka on pj" is a new clause
    # "johti puhetta X:ssä syksyllä 2022": the idiom's object and the time are not what is led
    clause = _DATE_RE.sub(" ", re.sub(r"\bpuhetta\b", " ", clause, flags=re.IGNORECASE))
    after = [
        w
        for w in re.findall(r"\w+", clause)
        if w.lower() not in STOPWORDS and w.lower() not in FRAME_WORDS and not w.isdigit()
    ]
    if not after:
        return []
    led = stems(after[-1])[:1]
    # "oppilashuollon työryhmää": a group named by what it does needs that genitive
    if led and _GROUP.match(led[0]) and len(after) >= 2 and re.fullmatch(r"[a-zåäö]+n", after[-2]):
        return [*stems(after[-2]), *led]
    return led


_KIND = re.compile(
    r"\b(?:mikä|mitä|minkä|mitkä|millainen|millaista|millaisia|which|what)\s+([\w-]+)",
    re.IGNORECASE,
)


def asked_kind(question: str) -> str | None:
    """The stem of the noun that names what kind of thing is asked ("Mitä puoluetta …" →
    "puolue"): when the documents never use it, they hold no such thing."""
    match = _KIND.search(standardize(question))
    if not match or match.group(1).lower() in STOPWORDS:
        return None
    found = stems(match.group(1))
    return found[0] if found else None


def verb_stems(question: str) -> frozenset[str]:
    """Stems of the words of ``question`` that look like inflected verbs (or comparatives):
    words that say what happens or how much, not what the question is about."""
    verbal = [w for w in words(question) if len(w) >= 6 and _VERB_FORM.search(_CLITIC.sub("", w))]
    return frozenset(stems(" ".join(verbal)))


def has_name(sentence: str, common: frozenset[str] = frozenset()) -> bool:
    """True when the sentence names a person: two or more capitalised words that are not
    ordinary words of the corpus ("Keski-Suomen Hyvinvointialueen" is not a name), after any
    capitalised title before them ("Puheenjohtaja Maria Kaisa Aula")."""

    def ordinary(word: str) -> bool:
        low = word.lower()
        # "Hyväksyttiin" shares its start with lower-case words ("hyväksyy"), names do not
        return low in common or (len(low) >= 7 and _PREFIX_MARK + low[:6] in common)

    for match in _CAPITALISED_RUN.finditer(sentence):
        names = match.group().split(" ")
        while names and (len(names[0]) > _MAX_FIRST_NAME or ordinary(names[0])):
            names.pop(0)  # a title or a heading word, not a first name
        if len(names) >= 2 and not any(ordinary(p) for n in names for p in n.split("-")):
            return True
    return False


def type_match(qtype: str, sentence: str, common: frozenset[str] = frozenset()) -> float:
    """How well a sentence carries the kind of answer asked for: 1 yes, 0.5 partly, 0 no.

    ``common`` holds words seen in lower case, so that capitalised common nouns are not
    taken for names."""
    if qtype == "record":
        return 1.0 if _RECORD_RE.search(sentence) else 0.0
    if qtype == "email":
        return 1.0 if _EMAIL_RE.search(sentence) else 0.0
    if qtype == "contact":
        return 1.0 if _PHONE_RE.search(sentence) else 0.0
    if qtype == "number":
        # dates and phone numbers are not the amounts "how many" asks for
        return 1.0 if _NUMBER_RE.search(_DATE_RE.sub(" ", _PHONE_RE.sub(" ", sentence))) else 0.0
    if qtype == "date":
        return 1.0 if _DATE_RE.search(sentence) else 0.0
    if qtype == "day":
        return 1.0 if _DAY_RE.search(sentence) else 0.5 if _DATE_RE.search(sentence) else 0.0
    if qtype == "person":
        if has_name(sentence, common):
            return 1.0
        return 0.5 if _ORG_RE.search(sentence) else 0.0
    if qtype == "role":
        return 1.0 if _ROLE.search(sentence) else 0.0
    if qtype == "municipality":
        return 1.0 if municipalities_in(sentence) else 0.0
    if qtype == "place":
        return 1.0 if _PLACE_RE.search(sentence[1:]) else 0.0
    if qtype == "list":
        return _list_score(sentence)
    if qtype == "people":
        # names, offices ("maakuntajohtaja ja aluekehitysjohtaja") or a list of either
        offices = 1.0 if _ROLE.search(sentence) else 0.0
        return max(_list_score(sentence), offices, type_match("person", sentence, common))
    if qtype == "money":
        return 1.0 if _MONEY_RE.search(sentence) else 0.0
    if qtype == "reason":
        # a reason word, or a manner adverb for "miten/millä tavoin" ("yksimielisesti")
        return 1.0 if _REASON_RE.search(sentence) or _MANNER_RE.search(sentence) else 0.3
    return 0.0


@dataclass(frozen=True)
class Tuning:
    """Weights and abstention bars of the extractive answerer, calibrated on the gold set as a
    whole (see README, "Calibration")."""

    w_dense: float = 2.0
    w_lex: float = 1.0
    w_type: float = 0.35
    w_rank: float = 0.15
    extra_ratio: float = 0.6  # a further sentence must score this share of the best one
    min_support: float = 0.30  # idf-weighted share of question terms in the evidence
    max_unknown: float = 0.5  # idf-weighted share of question terms the corpus never uses
    unknown_len: int = 8  # an unknown stem this long is a specific term the corpus lacks
    min_support_name: float = 0.75  # "who is the X of Y": the sentence itself must say X and Y
    dense_floor: float = 0.78
    w_register: float = 0.5
    type_margin: float = 0.35  # how much score a typed sentence may lack to lead the answer
    type_required: bool = True  # date/number/contact questions need that kind of answer


@dataclass(frozen=True)
class QuestionTerms:
    """Stems of a question: its own (weight 1) and those carried from history (lower weight)."""

    own: tuple[str, ...]
    carried: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # stems of the proper names the question itself uses


@dataclass(frozen=True)
class _Candidate:
    chunk_pos: int
    sentence: int
    start: int  # inside the chunk text, leading dashes/bullets trimmed
    end: int
    rank: int  # rank of the passage it came from (0 = best)
    score: float
    support: float  # idf-weighted share of question terms in the sentence (or its passage)
    strict: float  # the same, counting only the sentence itself
    dense: float
    typed: float


@dataclass
class Evidence:
    """The extractive answerer's verdict before citations are validated."""

    picks: list[tuple[str, str]]  # (chunk_id, quote) in answer order
    abstain: bool
    reason: str
    signals: dict[str, float]


class ExtractiveAnswerer:
    """Answers with the corpus's own sentences: scores every sentence of the retrieved passages
    by meaning (precomputed sentence vectors), stemmed term support and answer type, and
    abstains when the evidence does not carry the question."""

    def __init__(self, index: LoadedIndex, tuning: Tuning | None = None) -> None:
        self.tuning = tuning or Tuning()
        self._index = index
        self._row: dict[tuple[int, int], int] = {k: r for r, k in enumerate(index.sentence_keys)}
        self._spans: list[tuple[int, int]] = []
        self._stems: list[frozenset[str]] = []
        self._label_of: list[frozenset[str]] = []  # heading stems of label lines
        doc_freq: Counter[str] = Counter()
        seen: set[tuple[str, int]] = set()
        for chunk_pos, i in index.sentence_keys:
            chunk = index.chunks[chunk_pos]
            start, end = _trim_span(chunk.text, *chunk.sentences[i])
            self._spans.append((start, end))
            sentence = chunk.text[start:end]
            sentence_stems = frozenset(stems(standardize(sentence)))
            self._stems.append(sentence_stems)
            # "Kh 10.10.2022 § 237" under an item's heading is about that item
            self._label_of.append(
                frozenset(stems(standardize(chunk.heading)))
                if chunk.heading and _is_label_line(sentence)
                else frozenset()
            )
            key = (chunk.doc_id, chunk.start + start)
            if key not in seen:
                seen.add(key)
                doc_freq.update(sentence_stems)
        for chunk in index.chunks:  # titles and headings are vocabulary too
            doc_freq.update(set(stems(chunk.title + " " + chunk.heading)) - set(doc_freq))
        n = max(len(seen), 1)
        self._idf = {t: math.log((n + 1) / (df + 0.5)) for t, df in doc_freq.items()}
        self._max_idf = math.log((n + 1) / 0.5)
        self._chunk_stems = [frozenset(stems(c.context)) for c in index.chunks]
        self._by_prefix: dict[str, list[str]] = {}
        for term in self._idf:
            self._by_prefix.setdefault(term[:2], []).append(term)
        self._blob = "\n".join(self._idf)
        self._words = sorted({w for c in index.chunks for w in words(c.context)})
        # words seen in lower case, e-mail addresses and links aside ("hanna.helaste(at)…")
        lower = set(
            re.findall(
                r"\b[a-zåäö]+\b",
                _ADDRESS_RE.sub(" ", " ".join(c.text for c in index.chunks)),
            )
        )
        self._common = frozenset(lower | {_PREFIX_MARK + w[:6] for w in lower if len(w) >= 7})
        doc_words: dict[str, list[str]] = {}
        for c in index.chunks:
            doc_words.setdefault(c.doc_id, []).extend(words(c.context))
        self._doc_words = {d: " " + " ".join(ws) for d, ws in doc_words.items()}
        # each synonym group with, per member, the corpus stem that writes it (shortest)
        self._synonyms = [
            [(member, self._corpus_stem(member)) for member in group] for group in SYNONYMS
        ]
        self._doc_years: dict[str, set[str]] = {}  # the years each document mentions
        for c in index.chunks:
            self._doc_years.setdefault(c.doc_id, set()).update(_YEAR_RE.findall(c.context))
        # sentences of each document in reading order, for the sentence before a given one
        self._doc_order: dict[str, list[tuple[int, int]]] = {}
        for row, (chunk_pos, _) in enumerate(index.sentence_keys):
            chunk = index.chunks[chunk_pos]
            self._doc_order.setdefault(chunk.doc_id, []).append(
                (chunk.start + self._spans[row][0], row)
            )
        for order in self._doc_order.values():
            order.sort()

    # -- question analysis ------------------------------------------------------------------

    def resolve_terms(self, terms: Sequence[str]) -> tuple[list[str], list[str]]:
        """Map question stems onto the corpus vocabulary: misspellings snap to a close stem,
        parts and wholes of Finnish compounds count as known.

        Returns (known stems, unknown stems)."""
        known: list[str] = []
        unknown: list[str] = []
        for term in terms:
            if term in self._idf:
                known.append(term)
                continue
            if term.isdigit():
                unknown.append(term)
                continue
            spoken = self._with_diphthong(term)
            if spoken:
                known.append(spoken)  # spoken Finnish "tavote", "väliaikasen": oi, ai said as o, a
                continue
            if self._prefixes_word(term):
                known.append(term)  # a stem the stemmer cut short; it matches inside compounds
                continue
            if len(term) >= 4 and term[:-1] in self._idf:
                known.append(term[:-1])  # a case ending's first letter left on: "työs" ~ "työ"
                continue
            if len(term) >= 7 and self._prefixes_word(term[:-1]):
                known.append(term[:-1])  # stem-final vowel alternation: "toimialo" ~ "toimiala"
                continue
            related = self._restored(term) or self._derived_from(term)
            if related:
                known.append(related)
                continue
            close = (
                difflib.get_close_matches(term, self._by_prefix.get(term[:2], []), n=1, cutoff=0.8)
                if len(term) >= 5
                else []
            )
            close = [c for c in close if abs(len(c) - len(term)) <= 2]  # typos, not compounds
            if close:
                known.append(close[0])
            elif len(term) >= 5 and (term in self._blob or self._is_compound(term)):
                known.append(term)
            else:
                synonym = self._synonym(term)
                (known if synonym else unknown).append(synonym or term)
        return known, unknown

    def with_synonyms(self, terms: Sequence[str]) -> list[str]:
        """``terms`` and, for each the corpus never uses, the corpus stem of a synonym: what
        lexical retrieval should also look for ("rajapinta" → "yhdyspinta")."""
        found = [self._synonym(t) for t in terms if t not in self._idf]
        return [*terms, *dict.fromkeys(s for s in found if s and s not in terms)]

    def _corpus_stem(self, word: str) -> str | None:
        """The stem of the corpus's plainest form of ``word``: an inflected form, or else a
        compound ending in it ("kierros" → the stem of "kuntakierrosta"); None when the corpus
        never writes it."""
        word = normalize(word)
        # the stem every case form starts with: "tapaami|nen" ~ "tapaami|sessa", "kierro|s" ~
        # "kierro|ksen", "tavoit|e" ~ "tavoit|teena"
        if word.endswith("nen"):
            key = word[:-3]
        else:
            key = word[: max(4, len(word) - 1)]
        forms = [
            (w.index(key) > 0, len(w), w)
            for w in self._words
            if key in w
            and len(w) - w.index(key) - len(word) <= 4  # a case ending, not a longer compound
            and (w.startswith(key) or w.index(key) >= 4)
        ]
        return stems(min(forms)[2])[0] if forms else None

    def _alternatives(self, term: str) -> frozenset[str]:
        """Corpus stems of the synonyms of a question term."""
        return frozenset(
            s
            for group in self._synonyms
            if any(_same_word(term, member) for member, _ in group)
            for member, s in group
            if s and not _same_word(term, member) and s != term
        )

    def _synonym(self, term: str) -> str | None:
        """The corpus stem of a synonym of ``term`` ("kiertue" → "kuntakiero"), if any."""
        found = self._alternatives(term)
        return min(found, key=lambda s: (len(s), s)) if found else None

    def _with_diphthong(self, term: str) -> str | None:
        """The corpus stem that ``term`` is with one dropped diphthong "i" put back."""
        if len(term) < 5:
            return None
        for i in range(2, len(term)):
            if term[i - 1] in "aeouäö" and term[i] not in "aeiouyäö":
                form = term[:i] + "i" + term[i:]
                if form in self._idf:
                    return form
        return None

    def _restored(self, term: str) -> str | None:
        """Spoken Finnish drops a final vowel ("puitesopimuksest", "yhdyspintoi"), the stemmer
        keeps the -ks- of s-stem nouns ("kierroks"): the corpus stem of the word's other form."""
        if len(term) < 5 or term[-1] in "aeiouyäö":
            return None
        forms = [term + vowel for vowel in "aäi"]
        if term.endswith("ks"):  # s-stem nouns: "kierroksen" ~ "kierros"
            forms.append(term[:-2] + "s")
        for form in forms:
            found = stems(form)
            if found and (found[0] in self._idf or found[0] in self._blob):
                return found[0]
        return None

    def _derived_from(self, term: str) -> str | None:
        """A word derived from a corpus word shares most of its beginning with it
        ("lisäresursointi" ~ "lisäresurssi"); a compound with a new part does not."""
        if len(term) < 8:
            return None
        need = max(8, math.ceil(0.75 * len(term)))
        shared = [
            (_common_prefix(term, s), s)
            for s in self._by_prefix.get(term[:2], ())
            if _common_prefix(term, s) >= need
        ]
        return max(shared)[1] if shared else None

    def _prefixes_word(self, term: str) -> bool:
        """True when some corpus word starts with ``term`` (stems of names and verbs vary)."""
        if len(term) < 4:
            return False
        i = bisect.bisect_left(self._words, term)
        return i < len(self._words) and self._words[i].startswith(term)

    def _known_part(self, part: str) -> bool:
        """The last part of a compound is in the vocabulary, up to its stem-final vowel
        ("kokeilu" ~ "kokeiltavassa")."""
        return part in self._blob or (len(part) >= 6 and self._prefixes_word(part[:-1]))

    def _is_compound(self, term: str) -> bool:
        """True when ``term`` splits into two parts that both occur in the corpus vocabulary."""
        joined = any(
            (term[:i] in self._blob or (i >= 8 and self._prefixes_word(term[:i])))
            and self._known_part(term[i:])
            for i in range(4, len(term) - 3)
        )
        # stem alternation at the seam (virkamie|s|johtoryhmä): longer parts only
        return joined or any(
            term[:i] in self._blob and term[i + gap :] in self._blob
            for i in range(6, len(term) - 6)
            for gap in (1, 2)
        )

    def _weight(self, term: str) -> float:
        """idf of a stem; a compound the corpus writes only in parts weighs as its rarer
        part ("puitesopimusasia" as "puitesopimus"), a word it never uses weighs most."""
        if term in self._idf:
            return self._idf[term]
        longer = [self._idf[s] for s in self._by_prefix.get(term[:2], ()) if s.startswith(term)]
        if longer:
            return min(longer)
        best = 0.0
        for i in range(4, len(term) - 3):
            parts = [
                max(
                    (
                        self._idf[s]
                        for s in self._by_prefix.get(part[:2], ())
                        if _part_match(part, s)
                    ),
                    default=0.0,
                )
                for part in (term[:i], term[i:])
            ]
            if all(parts):
                best = max(best, max(parts))
        return best or self._max_idf

    @staticmethod
    def _mentioned(weighted: Sequence[tuple[str, float]], have: frozenset[str]) -> frozenset[str]:
        """The question terms a passage mentions, compounds and their parts included."""
        return frozenset(
            term
            for term, _ in weighted
            if term in have
            or any(_compound_match(term, s) for s in have)
            or _split_match(term, have)
        )

    def _support(
        self,
        weighted: Sequence[tuple[str, float]],
        sentence: frozenset[str],
        context: frozenset[str],
        label: frozenset[str] = frozenset(),
        verbal: frozenset[str] = frozenset(),
        alternatives: Mapping[str, frozenset[str]] | None = None,
    ) -> tuple[float, float]:
        """(support with passage context, support of the sentence alone); ``context`` holds
        the question terms the sentence's passage mentions, ``label`` the heading a label line
        stands under, ``verbal`` the terms that are verb forms (any form of the verb counts),
        ``alternatives`` the corpus stems of each term's synonyms."""
        total = sum(w for _, w in weighted)
        if total <= 0:
            return 0.0, 0.0
        got = strict = 0.0
        for term, w in weighted:
            if term in sentence:
                got += w
                strict += w
            elif (
                any(_compound_match(term, s) for s in sentence)
                or _split_match(term, sentence)
                # a synonym: "turvata" ~ "varmistaa" ("varmistaminen")
                or any(
                    _compound_match(a, s)
                    for a in (alternatives or {}).get(term, ())
                    for s in sentence
                )
                or (term in verbal and any(_same_verb(term, s) for s in sentence))
                or _inhabitants_of(term, sentence)
            ):
                got += 0.7 * w
                strict += 0.7 * w
            elif label and any(_compound_match(term, s) for s in label):
                got += 0.7 * w
            elif term in context:
                got += 0.4 * w
        return got / total, strict / total

    # -- answering ---------------------------------------------------------------------------

    def select(
        self,
        question: str,
        terms: QuestionTerms,
        query_vector: np.ndarray,
        passages: Sequence[Passage],
        boosted: Sequence[tuple[str, str]] = (),
    ) -> Evidence:
        """Choose the sentences that answer ``question`` (or decide to abstain).

        ``boosted`` are (chunk_id, quote) rows of the register that match the question; their
        sentences gain weight but still pass the same evidence checks."""
        t = self.tuning
        qtype = question_type(question)
        own_known, own_unknown = self.resolve_terms(terms.own)
        # An inflected verb the corpus lacks ("palkattavaksi", "yhdistyy") says what happens,
        # in words of its own; it is no sign that the documents lack the subject.
        verbal = verb_stems(question)
        # a stem of four letters or fewer is what the stemmer left of a short word, not a term
        own_unknown = [s for s in own_unknown if s not in verbal and len(s) > 4]
        carried_known, _ = self.resolve_terms(terms.carried)
        weighted = [(s, self._weight(s)) for s in dict.fromkeys(own_known)]
        weighted += [
            (s, 0.5 * self._weight(s)) for s in dict.fromkeys(carried_known) if s not in own_known
        ]
        unknown_mass = self._max_idf * len(own_unknown)
        known_mass = sum(w for s, w in weighted if s in own_known)
        unknown_share = unknown_mass / (unknown_mass + known_mass) if unknown_mass else 0.0
        signals: dict[str, float] = {"unknown_share": round(unknown_share, 3)}

        candidates = self._candidates(weighted, query_vector, passages, qtype, boosted, verbal)
        if not candidates:
            return Evidence([], True, "no candidates", signals)
        best = candidates[0]
        if qtype == "record" and best.typed < 1.0:
            # a minutes' record number stands on a line of its own under the item it numbers
            doc = self._index.chunks[best.chunk_pos].doc_id
            best = next(
                (
                    c
                    for c in candidates
                    if c.typed == 1.0 and self._index.chunks[c.chunk_pos].doc_id == doc
                ),
                best,
            )
        if qtype != "other" and best.typed < 1.0:
            typed = [
                c for c in candidates if c.typed > best.typed and c.support >= 0.6 * best.support
            ]
            if typed and typed[0].score >= best.score - t.type_margin:
                best = typed[0]
        if qtype == "list" and (_PLURAL_CASE.search(question) or _WHICH_ONES.search(question)):
            # "Missä asioissa …?": of the close candidates, the one that lists the most
            close = [
                c
                for c in candidates
                if c.score >= best.score - t.type_margin and c.support >= 0.6 * best.support
            ]
            items = {id(c): _list_items(self._sentence(c)) for c in close}
            longest = max(close, key=lambda c: items[id(c)])
            if items[id(longest)] >= max(3, items[id(best)] + 2):
                best = longest
        # Checks the evidence must pass, and why it does not answer when it fails one.
        checks: list[tuple[Callable[[_Candidate], bool], str]] = [
            (
                partial(self._speaks_of_event, question, qtype),
                "the evidence does not speak of the event asked about",
            ),
            (
                lambda c: self._covers_years(question, c, passages),
                "the evidence is from another year",
            ),
        ]
        if qtype in ("date", "day"):
            checks.insert(
                0,
                (
                    partial(self._dates_what_was_asked, question, own_known),
                    "the date in the evidence is of something else",
                ),
            )
        # A close runner-up answers instead when the top sentence fails a check it passes:
        # it carries the question's terms, passes the checks, says the role asked about.
        if best.support < t.min_support:
            best = self._runner_up(candidates, best, lambda c: True)
        for passes, _ in checks:
            if not passes(best):
                best = self._runner_up(candidates, best, passes)
        if qtype in _WHO and t.type_required and self._role_reason(question, best):
            best = self._runner_up(
                candidates, best, lambda c: not self._role_reason(question, c), typed=False
            )
        entities_missing = self._missing_entities(terms.entities, best)
        signals.update(
            support=round(best.support, 3),
            dense=round(best.dense, 3),
            typed=best.typed,
            score=round(best.score, 3),
            entities_missing=float(entities_missing),
        )
        # the noun naming what is asked or counted ("Mitä puoluetta", "kuinka monesta
        # jäsenestä"): when the documents never use it, they hold no such thing
        kinds = {asked_kind(question), counted_noun(question)}
        long_unknown = any(len(term) >= t.unknown_len for term in own_unknown) or any(
            kind in own_unknown for kind in kinds if kind
        )
        reason = self._abstain_reason(
            question, qtype, unknown_share, best, entities_missing, long_unknown
        )
        if (
            not reason
            and qtype == "number"
            and not self._counts_what_was_asked(question, own_known, terms.entities, best)
        ):
            reason = "the number in the evidence counts something else"
        if not reason:
            reason = next((why for passes, why in checks if not passes(best)), "")
        if reason:
            return Evidence([], True, reason, signals)

        picks = self._with_antecedent(best)
        for cand in candidates:
            if len(picks) >= MAX_SENTENCES:
                break
            if cand is best or cand.score < t.extra_ratio * best.score:
                continue
            if cand.support < 0.75 * t.min_support:
                continue
            other_doc = (
                self._index.chunks[cand.chunk_pos].doc_id
                != self._index.chunks[best.chunk_pos].doc_id
            )
            # from another document: full support of its own, and the names the question uses
            if other_doc and (
                cand.support < t.min_support or self._missing_entities(terms.entities, cand)
            ):
                continue
            quote = self._quote(cand)
            if quote not in picks:
                picks.append(quote)
        return Evidence(picks[:MAX_SENTENCES], False, "answered", signals)

    def _runner_up(
        self,
        candidates: Sequence[_Candidate],
        best: _Candidate,
        passes: Callable[[_Candidate], bool],
        *,
        typed: bool = True,
    ) -> _Candidate:
        """The first candidate within the type margin of ``best`` that carries the question's
        terms, is typed at least as well (unless ``typed`` is off) and ``passes``; else ``best``."""
        t = self.tuning
        return next(
            (
                c
                for c in candidates
                if c.score >= best.score - t.type_margin
                and c.support >= t.min_support
                and (not typed or c.typed >= best.typed)
                and passes(c)
            ),
            best,
        )

    def _with_antecedent(self, cand: _Candidate) -> list[tuple[str, str]]:
        """The sentence, preceded by the one before it when it opens by pointing back
        ("Tästä syystä …", "Siksi …"): the reason or subject is in that previous sentence."""
        quote = self._quote(cand)
        if not _ANAPHORA.match(quote[1]):
            return [quote]
        chunk = self._index.chunks[cand.chunk_pos]
        order = self._doc_order[chunk.doc_id]
        here = chunk.start + cand.start
        i = bisect.bisect_left(order, (here, -1))
        if i == 0:
            return [quote]
        row = order[i - 1][1]
        prev_pos, _ = self._index.sentence_keys[row]
        prev_chunk = self._index.chunks[prev_pos]
        start, end = self._spans[row]
        return [(prev_chunk.chunk_id, prev_chunk.text[start:end]), quote]

    def _abstain_reason(
        self,
        question: str,
        qtype: str,
        unknown_share: float,
        best: _Candidate,
        entities_missing: int,
        long_unknown: bool,
    ) -> str:
        """Why the best evidence does not answer the question ("" when it does)."""
        t = self.tuning
        if long_unknown:
            return "the question uses a specific term the documents never use"
        if unknown_share > t.max_unknown:
            return "question terms unknown to the corpus"
        if best.support < t.min_support:
            return "weak term support"
        if entities_missing:
            return "a name in the question is not in the evidence"
        if not self._says_sequence(question, best):
            return "the evidence is about another occasion (next, first, last)"
        if t.type_required:
            if qtype in _TYPE_REQUIRED and best.typed < 1.0:
                return f"no {qtype} in the evidence"
            if qtype == "place" and best.typed < 1.0 and _VENUE.search(question):
                return "no place in the evidence"
            if qtype == "list" and _ASKS_NAMES.search(question) and not self._names_listed(best):
                return "the evidence does not list their names"
            if qtype == "list" and not self._lists_as_many(question, best):
                return "the evidence counts the items but does not list them"
            if not self._states_outcome(question, best):
                return "the evidence does not say whether it happened"
            if qtype in ("date", "day") and not self._names_event(question, best):
                return "the date in the evidence is of another event"
            if qtype == "municipality" and not self._new_municipality(question, best):
                return "the only municipality in the evidence is the one asked about"
            if qtype in _WHO and best.typed == 0.0:
                return "no person or organisation in the evidence"
            if qtype in _WHO:
                return self._role_reason(question, best)
        return ""

    def _lists_as_many(self, question: str, cand: _Candidate) -> bool:
        """ "Mitkä olivat ne neljä alatyöryhmää?": a sentence that gives the count itself
        ("alatyöryhmiä on neljä") must also list that many items to answer."""
        match = _N_ITEMS.search(standardize(question))
        if not match:
            return True
        word = match.group(1).lower()
        sentence = self._sentence(cand)
        if not re.search(rf"\b{word[:4]}\w*", sentence, re.IGNORECASE):
            return True
        items = 1 + sentence.count(",") + len(_CONJ_RE.findall(sentence))
        return items >= _COUNT_WORDS[word[:4]] + 1

    def _names_listed(self, cand: _Candidate) -> bool:
        """A list of names has capitalised words beyond the sentence's first word."""
        sentence = self._sentence(cand)
        return sum(1 for w in sentence.split()[1:] if w[:1].isupper()) >= 2

    def _says_sequence(self, question: str, cand: _Candidate) -> bool:
        """ "Milloin … seuraavan kerran / ensimmäisen kerran?": the sentence must say next,
        first or last too — a date of some other meeting does not answer."""
        wanted = _SEQUENCE.findall(standardize(question))
        if not wanted:
            return True
        sentence = self._sentence(cand)
        said = {m.lower()[:4] for m in _SEQUENCE.findall(sentence)}
        return all(w.lower()[:4] in said for w in wanted)

    def _states_outcome(self, question: str, cand: _Candidate) -> bool:
        """ "Hyväksyikö aluevaltuusto …?": the sentence must say it with the verb itself
        ("hyväksyttiin", "hyväksyi"), not name it ("ehdottaa … hyväksymistä")."""
        first = words(standardize(question))[:1]
        if not first or not _YES_NO.match(first[0]) or first[0][:2] in ("on", "ov", "ol"):
            return True
        verb = first[0][:-2]
        sentence = self._sentence(cand)
        return (
            any(w[:5] == verb[:5] and _FINITE.search(w) for w in words(sentence) if len(verb) >= 5)
            or len(verb) < 5
        )

    def _names_event(self, question: str, cand: _Candidate) -> bool:
        """ "Milloin valtuusto hyväksyi …?": the sentence with the date says the event's verb
        in some form ("hyväksyi", "hyväksyttiin"), or the question has no such verb."""
        text = standardize(question)
        asked = _WHEN.search(text)
        clause = re.split(r"[,;?]", text[asked.end() :] if asked else text)[0]
        verbs = [
            w[:5] for w in words(clause) if len(w) >= 6 and w not in STOPWORDS and _PAST.search(w)
        ]
        if not verbs:
            return True
        wanted = {v for verb in verbs for v in _EVENT_VERBS.get(verb, (verb,))}
        row = self._row[(cand.chunk_pos, cand.sentence)]
        sentence = self._sentence(cand)
        said = words(sentence) + sorted(self._label_of[row])
        return any(w.startswith(v) for v in wanted for w in said)

    def _speaks_of_event(self, question: str, qtype: str, cand: _Candidate) -> bool:
        """ "Milloin / missä tilaisuus pidetään?": the sentence that dates or places it names
        the event or says that someone met."""
        if qtype not in ("date", "day", "place"):
            return True
        if not (_HELD.search(question) and _EVENT_NOUN.search(question)):
            return True
        return bool(_MET.search(self._sentence(cand)))

    def _covers_years(self, question: str, cand: _Candidate, passages: Sequence[Passage]) -> bool:
        """ "Kuka oli puheenjohtaja vuonna 2016?": the evidence's document mentions a year the
        question names (in its text or its publication date)."""
        asked = set(_YEAR_RE.findall(question))
        if not asked:
            return True
        doc_id = self._index.chunks[cand.chunk_pos].doc_id
        years = set(self._doc_years.get(doc_id, ()))
        years.update(y for p in passages if p.doc_id == doc_id for y in _YEAR_RE.findall(p.date))
        return bool(asked & years)  # "vuodenvaihteessa 2022–2023": one of them will do

    def _dates_what_was_asked(self, question: str, terms: Sequence[str], cand: _Candidate) -> bool:
        """A date in a clause of its own ("…, miten yhteistyötä jatketaan 1.1.2023 jälkeen")
        dates that clause: some clause with a date must mention what the question asks about.
        When is something held: a date that only bounds a period ("1.1.2023 alkaen") is not
        a day it is held on."""
        sentence = self._sentence(cand)
        if (
            _HELD.search(question)
            and not _BOUNDARY_DATE.search(question)
            and not _DATE_RE.search(_BOUNDARY_DATE.sub(" ", sentence))
        ):
            return False
        parts = re.split(r"[,;:]", sentence)
        clauses = [c for c in parts if _DATE_RE.search(c)]
        if len(clauses) == len(parts):
            return True  # every clause is dated (one-clause sentences included)
        weighted = [(t, 1.0) for t in terms]
        return any(self._mentioned(weighted, frozenset(stems(standardize(c)))) for c in clauses)

    def _new_municipality(self, question: str, cand: _Candidate) -> bool:
        """ "Mihin kuntaan … Jyväskylän jälkeen?": the answer names a municipality the question
        does not already name."""
        sentence = self._sentence(cand)
        return bool(municipalities_in(sentence) - municipalities_in(question))

    def _role_reason(self, question: str, cand: _Candidate) -> str:
        """For "who is the X of Y" and "who leads Y": the sentence itself must name a person
        and say the role and whose it is ("Keski-Suomen aluehallituksen puheenjohtaja"), or
        say who leads Y — not a neighbouring role or body."""
        row = self._row[(cand.chunk_pos, cand.sentence)]
        have = self._stems[row] | self._label_of[row]

        def said(terms: Sequence[str]) -> bool:
            return all(any(_compound_match(term, s) for s in have) for term in terms)

        foreign = is_foreign(question)
        led = None if foreign else led_object(question)
        if led is not None:
            sentence = self._sentence(cand)
            if _LEADER.search(sentence) and said(led):
                return ""
            return "the evidence does not say who leads it"
        phrase = None if foreign else role_phrase(question)
        if phrase is not None:
            if cand.typed < 1.0:
                return "no person named in the evidence"
            return "" if said(phrase) else "the named role is not the one asked about"
        if _ASKS_FOR_NAME.search(question) or _CHOSEN.search(question):
            if cand.typed < 1.0:
                return "no person named in the evidence"
            if cand.strict < self.tuning.min_support_name:
                return "the named role is not the one asked about"
        return ""

    def _counts_what_was_asked(
        self, question: str, known: Sequence[str], entities: Sequence[str], cand: _Candidate
    ) -> bool:
        """For "how many" questions: the sentence with the number must name what is counted —
        the noun after "montako"/"kuinka monta" when there is one, otherwise some question
        term other than a proper name — not merely share the place."""
        row = self._row[(cand.chunk_pos, cand.sentence)]
        topic = [s for s in known if s not in entities and not s.isdigit()]
        said = [s for s in topic if any(_compound_match(s, have) for have in self._stems[row])]
        noun = counted_noun(question)
        if noun:
            # what is counted, or much of the rest of the question, said in other words
            return any(_compound_match(noun, have) for have in self._stems[row]) or (
                len([s for s in said if s != noun]) >= 2
            )
        return bool(said) or not topic

    def _missing_entities(self, entities: Sequence[str], cand: _Candidate) -> int:
        """Names in the question that the evidence's document never mentions."""
        if not entities:
            return 0
        text = self._doc_words[self._index.chunks[cand.chunk_pos].doc_id]
        return sum(1 for e in entities if " " + e[: max(4, len(e) - 2)] not in text)

    def _quote(self, cand: _Candidate) -> tuple[str, str]:
        return self._index.chunks[cand.chunk_pos].chunk_id, self._sentence(cand)

    def _sentence(self, cand: _Candidate) -> str:
        return self._index.chunks[cand.chunk_pos].text[cand.start : cand.end]

    def _candidates(
        self,
        weighted: Sequence[tuple[str, float]],
        query_vector: np.ndarray,
        passages: Sequence[Passage],
        qtype: str,
        boosted: Sequence[tuple[str, str]] = (),
        verbal: frozenset[str] = frozenset(),
    ) -> list[_Candidate]:
        t = self.tuning
        boost = {(chunk_id, quote) for chunk_id, quote in boosted}
        alternatives = {term: self._alternatives(term) for term, _ in weighted}
        rows: list[int] = []
        ranks: list[int] = []
        seen: set[tuple[str, int]] = set()
        for rank, passage in enumerate(passages):
            pos = self._index.chunk_pos.get(passage.chunk_id)
            if pos is None:
                continue
            chunk = self._index.chunks[pos]
            for i in range(len(chunk.sentences)):
                row = self._row.get((pos, i))
                if row is None:
                    continue
                start, end = self._spans[row]
                key = (chunk.doc_id, chunk.start + start)
                if key in seen or not _is_answer_sentence(chunk.text[start:end]):
                    continue
                seen.add(key)
                rows.append(row)
                ranks.append(rank)
        if not rows:
            return []
        dense = self._index.sentence_vectors[rows] @ query_vector
        in_context: dict[int, frozenset[str]] = {}  # question terms each passage mentions
        out = []
        for row, rank, cosine in zip(rows, ranks, dense.tolist(), strict=True):
            pos, _ = self._index.sentence_keys[row]
            start, end = self._spans[row]
            sentence = self._index.chunks[pos].text[start:end]
            if pos not in in_context:
                in_context[pos] = self._mentioned(weighted, self._chunk_stems[pos])
            support, strict = self._support(
                weighted,
                self._stems[row],
                in_context[pos],
                self._label_of[row],
                verbal,
                alternatives,
            )
            typed = type_match(qtype, sentence, self._common)
            chunk_id = self._index.chunks[pos].chunk_id
            in_register = any(c == chunk_id and (q in sentence or sentence in q) for c, q in boost)
            score = (
                t.w_dense * (cosine - t.dense_floor)
                + t.w_lex * support
                + t.w_type * typed
                + t.w_rank / (1 + rank)
                + t.w_register * in_register
            )
            out.append(
                _Candidate(
                    pos,
                    self._index.sentence_keys[row][1],
                    start,
                    end,
                    rank,
                    score,
                    support,
                    strict,
                    cosine,
                    typed,
                )
            )
        out.sort(key=lambda c: (-c.score, c.rank, c.chunk_pos, c.start))
        return out


def _trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading dashes, bullets and spaces: the quote starts at the sentence's first word."""
    while start < end and (text[start] in "-–—•*·" or text[start].isspace()):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_answer_sentence(sentence: str) -> bool:
    """Headings and fragments ("Lisätietoja:", "Seuraava kokous") never answer anything;
    signature lines with a name or a number do."""
    n_words = len(sentence.split())
    if _RECORD_RE.search(sentence):
        return True  # a record number line says which matter it is
    if n_words >= 3 and sentence.rstrip()[-1:] in ".!?":
        return True
    if n_words >= 5:
        return True
    # "Esittelijä Kunnanjohtaja Helena Vuopionperä-Kovanen": a signature line says who
    return (n_words >= 2 and bool(re.search(r"\d", sentence))) or (
        n_words >= 3 and has_name(sentence)
    )


def _is_label_line(sentence: str) -> bool:
    """A minutes' label line ("Kh 10.10.2022 § 237", "Esittelijä Kunnanjohtaja …"): short and
    not ended like a sentence."""
    return len(sentence.split()) <= 10 and sentence.rstrip()[-1:] not in ".!?"


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _same_word(term: str, word: str) -> bool:
    """A question stem is a form of ``word`` when they share all but a short tail."""
    return _common_prefix(term, word) >= max(5, max(len(term), len(word)) - 3)


def _same_verb(term: str, stem: str) -> bool:
    """Two forms of one verb share its root ("varmistettava" ~ "varmistaminen")."""
    return _common_prefix(term, stem) >= max(6, len(term) - 5)


def _inhabitants_of(term: str, sentence: frozenset[str]) -> bool:
    """ "keskisuomalainen", "jyväskyläläinen" speak of the place the sentence names
    ("Keski-Suomen", "Jyväskylän")."""
    match = re.fullmatch(r"(\w{5,})(?:lais|läis)", term)
    if not match:
        return False
    place = match.group(1)
    return any(_compound_match(place, s) for s in sentence) or _split_match(place, sentence)


def _part_match(part: str, stem: str) -> bool:
    """One part of a compound against a stem: the same word up to a short inflected or
    consonant-graded tail ("hoito" ~ "hoido", "työllisyyden" ~ "työllisyyd")."""
    k = max(3, len(part) - 2)
    return stem[:k] == part[:k] and abs(len(stem) - len(part)) <= 3


def _split_match(term: str, sentence: frozenset[str]) -> bool:
    """A question compound written apart in the sentence ("työllisyydenhoito" ~ "työllisyyden
    hoidossa"): both parts found, as different words."""
    if len(term) < 9:
        return False
    for i in range(4, len(term) - 3):
        head, tail = term[:i], term[i:]
        heads = {s for s in sentence if _part_match(head, s)}
        if heads and any(_part_match(tail, s) for s in sentence - heads):
            return True
    return False


def _compound_match(term: str, stem: str) -> bool:
    """Finnish compounds: the question's 'johtaja' is found in 'toimialajohtaja', 'palvelu' in
    'terveyspalvelu' — but a more specific question word is not matched by a general one."""
    if term == stem or (len(term) >= 5 and term in stem):
        return True
    # inflection the stemmer missed: same word but for a short ending
    shorter = min(len(term), len(stem))
    return (
        shorter >= 5
        and abs(len(term) - len(stem)) <= 3
        and _common_prefix(term, stem) >= shorter - 2
    )
