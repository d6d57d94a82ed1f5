"""Question and sentence patterns of Finnish administrative text: what kind of answer a
question asks for (``question_type``), what it counts or names, and whether a sentence
carries that kind of answer (``type_match``). These are facts of the language and of the
genre (minutes, news, contact blocks), not of any one document; the answerer uses them as
features its model weighs.
"""

from __future__ import annotations

import re

from ..lexical import (
    FRAME_WORDS,
    STOPWORDS,
    glossary_term,
    is_foreign,
    municipalities_in,
    standardize,
    stems,
    without_generic_tail,
    words,
)

PLURAL_CASE = re.compile(
    r"\b(?:missä|millä|mistä|mihin|mille) \w+(?:i|oi|ei)(?:ssa|ssä|lla|llä|sta|stä|hin|lle)\b",
    re.IGNORECASE,
)
# Question word → what the answer must contain. Checked in order; the first hit decides.
_QTYPE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        # a minutes' record (diary) number, "275/00.01.01/2022"
        # a record (diary) number, a statute number or a section: "275/00.01.01/2022",
        # "(612/2021) 35 §"
        (
            "record",
            r"\b(diaari\w*|dnro|asianumero\w*|asiatunnu\w*|record number|diarienummer|"
            r"säädösnum\w*|lainkoh\w*|lakinumero\w*|\w*numeroi\w*)\b",
        ),
        ("email", r"\b(sähköpost\w*|e-?mail\w*|s-?posti\w*|e-?post\w*)\b"),
        # an address: e-mail, web or street ("mikä se osoite on", "verkko-osoite")
        ("address", r"\b(\w*osoit(?:e|tee|teen|teessa|teesta)\w*|address\w*|adress\w*)\b"),
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
            PLURAL_CASE.pattern,
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

DATE_RE = re.compile(
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
BOUNDARY_DATE = re.compile(
    r"(?:" + DATE_RE.pattern + r")\s+(?:alkaen|lähtien|jälkeen|asti|saakka|mennessä)\b",
    re.IGNORECASE,
)
# The thing held ("tilaisuus", "kokous"): a sentence that dates or places it names it, or says
# that someone met.
EVENT_STEMS = "tilaisuu|kokou|tapaami|seminaari|istun|palaveri|kokoontumi|webinaari"
EVENT_NOUN = re.compile(rf"\w*(?:{EVENT_STEMS})\w*", re.IGNORECASE)
MET = re.compile(rf"{EVENT_STEMS}|kokoon|tapaa|tapas|koolla", re.IGNORECASE)
YEAR_RE = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
RECORD_RE = re.compile(r"\b\d{1,5}/\d{2}(?:\.\d{2}){1,3}/\d{4}\b")
DAY_RE = re.compile(r"\b\d{1,2}\.\s?\d{1,2}\.|\b\d{4}-\d{2}-\d{2}\b")
NUMBER_RE = re.compile(
    r"\d|\b(?:yksi|yhden|kaksi|kahde\w*|kolme\w*|neljä\w*|viisi|viide\w*|kuusi|kuude\w*|"
    r"seitsemä\w*|kahdeksa\w*|yhdeksä\w*|kymmene\w*|sata\w*|tuhat\w*|miljoon\w*)\b",
    re.IGNORECASE,
)
EMAIL_RE = re.compile(r"[\w.-]+(?:@|\s?\(at\)\s?)[\w-]+\.\w+")
STATUTE_RE = re.compile(r"\b\d{1,5}/(?:19|20)\d\d\b")
STREET_RE = re.compile(r"\b[A-ZÅÄÖ]\w*(?:tie|katu|polku|kuja|raitti|väylä|tori) \d+")
ADDRESS_RE = re.compile(r"\S+(?:@|\(at\))\S+|https?://\S+|www\.\S+")
PHONE_RE = re.compile(r"\b0\d{1,3}[ -]?\d{2,4}[ -]?\d{2,4}(?:[ -]?\d{1,4})?\b|@|\(at\)")
CAPITALISED_RUN = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé-]+(?: [A-ZÅÄÖ][a-zåäöé-]+)+")
MAX_FIRST_NAME = 10
PREFIX_MARK = "^"  # marks six-letter word beginnings in the ``common`` vocabulary
# A person's name: two or three capitalised words, the last possibly double-barrelled.
NAME_RE = re.compile(r"\b[A-ZÅÄÖ][a-zåäöé]+(?: [A-ZÅÄÖ][a-zåäöé]+){1,2}(?:-[A-ZÅÄÖ][a-zåäöé]+)?\b")
ORG_RE = re.compile(
    r"\b(?:kun\w*|kaupun\w*|hyvinvointialue\w*|\w*liit\w*|\w*hallitu\w*|\w*valtuust\w*|"
    r"\w*jaost\w*|\w*työryhm\w*|\w*toimielim\w*|\w*ryhm\w*|sairaanhoitopiir\w*)\b",
    re.IGNORECASE,
)
PLACE_RE = re.compile(
    # a capitalised word in a local case (not the genitive "-n" that names and bodies take)
    r"\b[A-ZÅÄÖ][a-zåäö-]+(?:ssa|ssä|lla|llä|lle|lta|ltä|sta|stä|ään|aan|iin|uun|seen)\b|"
    r"\b\w+(?:salissa|osoitteessa|kaupungintalo\w*)\b|https?://",
)
# "Where was it held": a meeting or event, whose answer is a place and nothing else.
VENUE = re.compile(
    r"\b(?:pidettiin|pidetään|pidettävä\w*|järjestettiin|järjestetään|kokoontui\w*|"
    r"kokoontu\w*|held|met|meet|hölls|träffades|samlades)\b",
    re.IGNORECASE,
)
# Any verb of holding or meeting: when or where something is held.
HELD = re.compile(
    rf"{VENUE.pattern}|\b(?:pide|pidä|piti|järjest|kokoon|kokous|tapaa|tapas)\w*",
    re.IGNORECASE,
)
SEQUENCE = re.compile(
    r"\b(seuraav\w*|ensimmäi\w*|viimei\w*|edelli\w*|next|first|last|nästa|första|sista)",
    re.IGNORECASE,
)
# "Kuka valittiin / palkattiin / nimettiin …?" asks for the person chosen, by name.
CHOSEN = re.compile(r"\b(?:kuka|ketkä|kenet|keitä)\s+\w+(?:ttiin|tiin)\b", re.IGNORECASE)
LEADS = re.compile(
    r"\b(johta(?:a|vat|nut|neet|isi)|johti(?:vat)?|vet(?:ää|ävät|änyt|äneet|äisi)|veti(?:vät)?)\b",
    re.IGNORECASE,
)
ROLE = re.compile(
    r"(johtaja|jäsen|koordinaattori|päällikkö|asiantuntija|sihteeri|valmistelija|esittelijä|"
    r"lääkäri|vetäjä|ylilääkäri|pormestari|neuvos|insinööri|suunnittelija|kirjaaja|lakimies)",
    re.IGNORECASE,
)
GROUP = re.compile(r"(?:työ|ala|johto|ohjaus)?(?:ryhm|jaost|toimikun|tiim)")
LEADER = re.compile(r"(johtaja|vetäjä|\bjohta|\bvet[äi])", re.IGNORECASE)
ASKS_FOR_NAME = re.compile(
    r"(johtaja|jäsen|koordinaattori|päällikkö|asiantuntija|sihteeri|valmistelija|esittelijä|"
    r"lääkäri|nimi|chair|director|ordförande|direktör|name|namn)",
    re.IGNORECASE,
)
# "Mitkä olivat ne neljä alatyöryhmää?": a list question that says how many it wants
COUNT_WORDS = {
    "kaks": 2,
    "kahd": 2,
    "kaht": 2,
    "kolm": 3,
    "nelj": 4,
    "viis": 5,
    "viid": 5,
    "viit": 5,
}
N_ITEMS = re.compile(
    r"\b(?:mitkä|mitä|mihin|which|what)\b.*?\b(kaksi|kahteen|kahden|kolme\w*|neljä\w*|"
    r"viisi|viiteen|viiden)\b",
    re.IGNORECASE,
)
# Sentence openings that point back at the previous sentence.
ANAPHORA = re.compile(
    r"(tästä syystä|tämän vuoksi|tämän takia|siksi|sen vuoksi|sen takia|näin ollen|näin|"
    r"tämä|nämä|se |ne |hän |he )",
    re.IGNORECASE,
)
MAX_SENTENCES = 3
MANNER_RE = re.compile(r"\b\w{4,}(?:sti)\b")
MONEY_RE = re.compile(r"€|\beur\w*|\bmilj\w*|\bmrd\b|\bmiljard\w*|\btuhatta\b", re.IGNORECASE)
# "sote- ja maakuntauudistus" joins parts of one word, not items of a list
CONJ_RE = re.compile(r"(?<!-)\s(?:sekä|ja|tai)\b")
PART_CONJ_RE = re.compile(r"-\s(?:sekä|ja|tai)\b")


def list_items(sentence: str) -> int:
    """How many items a sentence enumerates, roughly: its commas and bullets, plus one."""
    return sentence.count(",") + sentence.count("•") + 1


def list_score(sentence: str) -> float:
    """1 for an enumeration of three or more ("A, B ja C"), 0.5 for a pair, else 0."""
    commas = list_items(sentence) - 1
    conj = len(CONJ_RE.findall(sentence))
    if commas >= 2 or (commas and conj):
        return 1.0
    # "valmius- ja varautumisasiat" is a pair too, but no more than a pair
    return 0.5 if conj or PART_CONJ_RE.search(sentence) else 0.0


REASON_RE = re.compile(
    r"\b(?:koska|siksi|jotta|vuoksi|takia|syystä|tavoit\w*|tarkoitu\w*|näin|siten|avulla|"
    r"kautta|edellyt\w*|perustee\w*|seurauk\w*)\b",
    re.IGNORECASE,
)


# A question opened by a verb with -ko/-kö ("Onko", "Hyväksyikö") asks yes or no.
YES_NO = re.compile(r"^(?!monta|paljon|mone|mont|kuinka)\w+(?:ko|kö)$")
# A finite verb (past, passive, perfect, 3rd person present), not a noun made from one.
FINITE = re.compile(r"(?:[aeiouyäö]i|ttiin|tiin|n[uy]t|neet|ee|aa|ää|yy|uu|vat|vät)$")
# A verb in the simple past ("hyväksyi", "käynnistyi", "kokoontuivat").
PAST = re.compile(r"(?:[^aeiouyäö][iy]i|[aeouäö]i|ivat|ivät)$")
# Verbs that name the same event in other words (meeting, starting), by their first letters.
EVENT_VERBS = {
    verb: group
    for group in (
        ("tapas", "tapaa", "istui", "kokoo", "kokou", "koola", "pitiv"),
        ("käynn", "aloit", "alkoi", "alkan", "alkaa"),
    )
    for verb in group
}


WHEN = re.compile(
    "|".join(pattern.pattern for name, pattern in _QTYPE_PATTERNS if name in ("day", "date")),
    re.IGNORECASE,
)


QUESTION_WORD = re.compile(
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
    if first and YES_NO.match(first[0]):
        return "other"  # "Onko …, kuka …?" asks yes or no, whatever words follow
    # "Mikä on olennaista, jos ei se, kuka ne järjestää?": the clause of the first question
    # word asks; a question word in a later clause is part of what is asked about
    asked = QUESTION_WORD.search(question)
    if asked:
        comma = question.find(",", asked.end())
        question = question if comma < 0 else question[:comma]
    for name, pattern in _QTYPE_PATTERNS:
        if pattern.search(question):
            return name
    return "other"


COUNTED = re.compile(
    r"\b(?:montako|kuinka monta|kuinka monen|kuinka moni|moniko|monenko|montaa|how many|"
    r"kuinka mone(?:sta|ssa|lla|lle|lta|en)|mone(?:sta|ssa|lla|lle|lta|e)nko|"
    r"hur många|kuinka paljon|paljonko)\s+"
    r"([\w-]+)",
    re.IGNORECASE,
)


def counted_noun(question: str) -> str | None:
    """The stem of what a "how many" question counts ("Montako asukasta …" → "asuka")."""
    text = standardize(question)
    match = COUNTED.search(text)
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


CASE_ENDINGS = (
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
    endings = next((e for case, e in CASE_ENDINGS if word.endswith(case)), None)
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
CLITIC = re.compile(r"(?:k[oö]s?|ks)$")
# Finnish verb forms by their endings: infinitives and participles, passives, 3rd persons,
# the conditional, and nouns made from verbs ("päättyminen").
VERB_FORM = re.compile(
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
        if not ROLE.search(token):
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
    match = LEADS.search(text)
    if not match:
        return None
    clause = re.split(r"[,;:?!]", text[match.end() :])[0]  # "…, siis kuka on pj" is a new clause
    # "johti puhetta X:ssä syksyllä 2022": the idiom's object and the time are not what is led
    clause = DATE_RE.sub(" ", re.sub(r"\bpuhetta\b", " ", clause, flags=re.IGNORECASE))
    after = [
        w
        for w in re.findall(r"\w+", clause)
        if w.lower() not in STOPWORDS and w.lower() not in FRAME_WORDS and not w.isdigit()
    ]
    if not after:
        return []
    led = stems(after[-1])[:1]
    # "oppilashuollon työryhmää": a group named by what it does needs that genitive
    if led and GROUP.match(led[0]) and len(after) >= 2 and re.fullmatch(r"[a-zåäö]+n", after[-2]):
        return [*stems(after[-2]), *led]
    return led


KIND = re.compile(
    r"\b(?:mikä|mitä|minkä|mitkä|millainen|millaista|millaisia|which|what)\s+([\w-]+)",
    re.IGNORECASE,
)


def asked_kind(question: str) -> str | None:
    """The stem of the noun that names what kind of thing is asked ("Mitä puoluetta …" →
    "puolue"): when the documents never use it, they hold no such thing."""
    match = KIND.search(standardize(question))
    if not match or match.group(1).lower() in STOPWORDS:
        return None
    found = stems(match.group(1))
    return found[0] if found else None


def verb_stems(question: str) -> frozenset[str]:
    """Stems of the words of ``question`` that look like inflected verbs (or comparatives):
    words that say what happens or how much, not what the question is about."""
    verbal = [w for w in words(question) if len(w) >= 6 and VERB_FORM.search(CLITIC.sub("", w))]
    return frozenset(stems(" ".join(verbal)))


def has_name(sentence: str, common: frozenset[str] = frozenset()) -> bool:
    """True when the sentence names a person: two or more capitalised words that are not
    ordinary words of the corpus ("Keski-Suomen Hyvinvointialueen" is not a name), after any
    capitalised title before them ("Puheenjohtaja Maria Kaisa Aula")."""

    def ordinary(word: str) -> bool:
        low = word.lower()
        # "Hyväksyttiin" shares its start with lower-case words ("hyväksyy"), names do not
        return low in common or (len(low) >= 7 and PREFIX_MARK + low[:6] in common)

    for match in CAPITALISED_RUN.finditer(sentence):
        names = match.group().split(" ")
        while names and (len(names[0]) > MAX_FIRST_NAME or ordinary(names[0])):
            names.pop(0)  # a title or a heading word, not a first name
        if len(names) >= 2 and not any(ordinary(p) for n in names for p in n.split("-")):
            return True
    return False


def type_match(qtype: str, sentence: str, common: frozenset[str] = frozenset()) -> float:
    """How well a sentence carries the kind of answer asked for: 1 yes, 0.5 partly, 0 no.

    ``common`` holds words seen in lower case, so that capitalised common nouns are not
    taken for names."""
    if qtype == "record":
        return 1.0 if RECORD_RE.search(sentence) or STATUTE_RE.search(sentence) else 0.0
    if qtype == "email":
        return 1.0 if EMAIL_RE.search(sentence) else 0.0
    if qtype == "address":
        return 1.0 if ADDRESS_RE.search(sentence) or STREET_RE.search(sentence) else 0.0
    if qtype == "contact":
        return 1.0 if PHONE_RE.search(sentence) else 0.0
    if qtype == "number":
        # dates and phone numbers are not the amounts "how many" asks for
        return 1.0 if NUMBER_RE.search(DATE_RE.sub(" ", PHONE_RE.sub(" ", sentence))) else 0.0
    if qtype == "date":
        return 1.0 if DATE_RE.search(sentence) else 0.0
    if qtype == "day":
        return 1.0 if DAY_RE.search(sentence) else 0.5 if DATE_RE.search(sentence) else 0.0
    if qtype == "person":
        if has_name(sentence, common):
            return 1.0
        return 0.5 if ORG_RE.search(sentence) else 0.0
    if qtype == "role":
        return 1.0 if ROLE.search(sentence) else 0.0
    if qtype == "municipality":
        return 1.0 if municipalities_in(sentence) else 0.0
    if qtype == "place":
        return 1.0 if PLACE_RE.search(sentence[1:]) else 0.0
    if qtype == "list":
        return list_score(sentence)
    if qtype == "people":
        # names, offices ("maakuntajohtaja ja aluekehitysjohtaja") or a list of either
        offices = 1.0 if ROLE.search(sentence) else 0.0
        return max(list_score(sentence), offices, type_match("person", sentence, common))
    if qtype == "money":
        return 1.0 if MONEY_RE.search(sentence) else 0.0
    if qtype == "reason":
        # a reason word, or a manner adverb for "miten/millä tavoin" ("yksimielisesti")
        return 1.0 if REASON_RE.search(sentence) or MANNER_RE.search(sentence) else 0.3
    return 0.0
