"""Finnish lexical analysis for BM25, the answerer and the register: words → Snowball stems."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

import Stemmer

_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ]+(?:[-'][0-9A-Za-zÀ-ÖØ-öø-ÿ]+)*")

# Function words and question words: they carry no topic, so they neither rank passages
# nor count as evidence that a sentence answers a question.
STOPWORDS = frozenset(
    """
    ja tai sekä eli mutta vaan kuin jos kun että koska vaikka niin myös vielä jo nyt sitten siis
    on ovat oli olivat ole olla olisi ollut olleet ei en et emme ette eivät
    se ne sen niiden sitä niitä siitä niistä siihen niihin sillä niillä siinä niissä
    tämä nämä tämän näiden tätä näitä tästä tähän tässä tällä
    joka jotka jonka joiden jota joita josta joista johon joihin jossa joissa jolla joilla
    mikä mitkä minkä mitä mistä mihin missä millä miksi miten milloin kuka ketkä kenen ketä keneltä
    kenelle kenestä kehen keillä kenet montako monta paljonko kuinka mikäli kumpi kumman mille
    minä sinä hän me te he hänen heidän meidän teidän minun sinun häntä heitä
    voin voisin voisi voimme voitte voisiko voiko varten nähden toisiinsa toistensa moni moniko
    haluaa haluat haluaisi haluaisit halutaan haluaisimme
    millainen millaiseen millaisen millaista millaisia millaisiin millaisessa millaisella
    millaisten millaiset millaisilla millaisissa millaisista millaisesta millaiseksi
    minkälainen minkälaisen minkälaista minkälaisia minkälaisten minkälaiset minkälaiseen
    minkälaisessa minkälaisella minkälaisiin minkälaisiksi mimmoinen mimmoisen mimmoista
    kiitos kiitti kiitoksia please pls tack ystävällisesti
    ulkopuolella ulkopuolelle ulkopuolelta sisällä lisäksi ohella myötä puitteissa
    nyt kyllä vain voi voivat pitää täytyy tulee tulevat olla mukaan kautta osalta
    jälkeen ennen aikana alla yllä kanssa välillä välissä lähtien alkaen asti saakka vuoksi
    takia jne mm esim ns eri muun muassa yhä enemmän keitä keneen kenellä vai saa saada saako
    häneen häneltä hänelle häntä heihin heille monta monen monesko monennessa piti pitää pitäisi
    hänet heidät hänestä heistä hänellä heillä heiltä hänen heidän siltä niiltä sille niille
    joku jokin jotain jotakin jonkin joitain mikään mitään
    mielestä mieltä onko oliko ovatko olivatko voiko kannattaa toimii toimi toimivat toimia
    the a an of to in on for and or is are was were be been by with as at from that this which
    who whom whose what when where why how many much does do did has have had will would can
    och i på att det som en ett är av för med till den de om var när hur vem vad vilka vilken
    """.split()
)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("finnish")


def normalize(text: str) -> str:
    """NFC, lower case, soft hyphens removed: the form every lexical comparison uses."""
    return unicodedata.normalize("NFC", text).replace("\u00ad", "").lower()


def words(text: str) -> list[str]:
    """Lower-cased word tokens; hyphenated compounds ("sote-uudistus") give their parts."""
    out: list[str] = []
    for match in _WORD.finditer(normalize(text)):
        out.extend(part for part in match.group().split("-") if part)
    return out


def stems(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Snowball stems of the words of ``text``; stopwords dropped unless asked to keep them."""
    tokens = [w for w in words(text) if keep_stopwords or w not in STOPWORDS]
    return _stemmer().stemWords(tokens) if tokens else []


# Words that frame what kind of answer is wanted ("phone number", "date") rather than what the
# question is about; the answer type is detected from them separately.
FRAME_WORDS = frozenset(
    """
    puhelinnumero puhelinnumeron puhelinnumeronsa puhelinnumeroa puhelinnumerot numero numeron
    numeroon numerosta numeronsa numeroa numerot puhelin puhelimella puhelimitse sähköposti
    sähköpostiosoite sähköpostiosoitteensa sähköpostiosoitteen sähköpostia sähköpostilla
    yhteystiedot yhteystietonsa yhteystieto yhteys yhteyden yhteyttä soittaa soitan soittaisin
    tavoittaa tavoitan tavoittaisin tavoittaa nimi nimensä nimeltä päivä päivänä päivämäärä
    päivämääränä päivästä aika aikaan ajankohta paikka paikassa paikkakunnalla paikkakunta
    oikein oikeen mahtaa mahtoi tietää kertoa kerro haluaisin haluan tietää vuosi vuonna
    vuotena taho tahot taholle taho organisaatio organisaatiossa organisaation
    kysyä kysyn kysyisin lisää lisätietoja lisätietoa kiinni
    virka virkansa virassa viran virkaa virkanimike ammatti ammatiltaan työskentelee työskentelevä
    rooli roolinsa roolia roolissa roolina asema asemansa asemassa titteli tittelinsä tittelin
    ominaisuus ominaisuudessa ominaisuudessaan
    koskeva koskevan koskevaa koskevat koskevia koskevista koskien
    liittyvä liittyvän liittyvää liittyvät liittyviä liittyvistä liittyen
    asia asian asiaa asiat asioita asioista asioihin asioissa asioiden asiassa
    aihe aiheena aiheen aiheita pääaihe pääaiheena pääaiheen teema teemana pääteema pääteemana
    asiakirja asiakirjan asiakirjaa asiakirjat elin elimen elintä elimet dokumentti
    vuodenvaihde vuodenvaihteen vuodenvaihteessa vuodenvaihdetta vuodenvaihteeseen
    vuodenvaihteesta nykyään nykyisin tällä hetkellä hetkellä juttu jutun juttua jutut jutusta
    diaarinumero diaarinumeron diaarinumeroa dnro asianumero asianumeron asiatunnus
    pöytäkirja pöytäkirjan pöytäkirjassa pöytäkirjasta
    verkkosivu verkkosivut verkkosivuilla verkkosivuille verkkosivulla verkkosivuilta nettisivu
    nettisivut nettisivuilla nettisivuille nettisivulla nettisivuilta verkko-osoite
    verkko-osoitteesta verkko-osoitteessa linkki linkin linkistä url website webbadress
    """.split()
)

# Words of administrative Finnish that say the same thing (base forms; superlatives also as
# they are asked, "ylimpänä"). A question word the corpus never uses stands for a synonym the
# corpus does use; words the corpus uses keep their own meaning.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("kierros", "kiertue", "kiertokäynti"),
    ("yhdyspinta", "rajapinta", "liittymäkohta", "rajapinnat"),
    ("vetovoima", "houkuttelevuus", "vetovoimaisuus", "viehätysvoima"),
    ("sitoutua", "lupautua", "sitoutuminen", "lupautuminen"),
    ("tavoite", "päämäärä", "tähtäin", "pyrkimys"),
    ("tapaaminen", "vierailu", "käynti", "tapaamiskäynti"),
    ("kokous", "istunto", "palaveri", "kokoontuminen"),
    ("ylin", "ylimpänä", "ylimmäinen", "korkein", "korkeimpana", "korkeimmalla", "ylimmällä"),
    ("toimielin", "elin"),
    ("organisaatio", "organisaatiorakenne"),
    ("projekti", "hanke"),
    ("rahoitus", "rahoittaminen", "raha", "määräraha"),
    ("lainsäädäntö", "lait", "säädökset", "säännökset", "säädös", "laki"),
    ("yhteistyö", "yhteistoiminta", "kumppanuus", "kumppanuustyö"),
    ("tiedote", "lehdistötiedote", "uutinen", "mediatiedote"),
    ("yhtiö", "yritys", "firma"),
    ("asukas", "kuntalainen", "kansalainen", "kaupunkilainen"),
    ("väestö", "väkiluku", "asukasmäärä", "asukasluku"),
    ("varautuminen", "valmiussuunnittelu", "kriisivalmius"),
    ("nimetä", "nimittää", "valita"),
    ("laatia", "valmistella", "kirjoittaa"),
    ("hyväksyä", "vahvistaa"),
    ("keskustella", "pohtia", "käydä läpi", "keskustelu", "pohdinta"),
    ("korostaa", "painottaa", "alleviivata"),
    ("siirtyä", "siirtää", "siirto", "siirtyminen"),
    ("vastuu", "velvollisuus", "vastuullisuus"),
    ("toimintamalli", "malli", "käytäntö", "toimintatapa"),
    ("työryhmä", "tiimi", "ryhmä"),
    ("kehittäminen", "kehitystyö", "parantaminen"),
    ("järjestää", "tuottaa", "toteuttaa"),
    ("kunnanjohtaja", "kunnan johtaja"),
    ("puheenjohtaja", "puheenjohtajuus"),
    ("johtaa", "luotsata", "vetää"),
    ("sopimus", "sopimusasiakirja", "sopimusteksti"),
    ("kokoonpano", "jäsenistö", "miehitys"),
    ("aloittaa", "käynnistää"),
    ("päättyä", "loppua", "lakata"),
    ("vuoropuhelu", "dialogi", "keskusteluyhteys"),
    ("tilannekuva", "tilannekatsaus", "tilannetieto"),
    ("turvata", "varmistaa", "taata"),
    ("oppilashuolto", "opiskeluhuolto"),
    ("ihmislähtöinen", "asiakaslähtöinen", "ihmiskeskeinen", "asukaslähtöinen"),
)

# Municipalities: the 22 of Central Finland and Finland's larger towns. "Minkä kunnan …?" is
# answered only by a sentence that names one.
MUNICIPALITIES = tuple(
    """
    jyväskylä jämsä äänekoski laukaa muurame keuruu saarijärvi viitasaari kannonkoski karstula
    kinnula kivijärvi konnevesi kuhmoinen kyyjärvi luhanka multia petäjävesi pihtipudas
    toivakka uurainen hankasalmi joutsa helsinki espoo tampere vantaa oulu turku kuopio lahti
    pori joensuu lappeenranta hämeenlinna vaasa seinäjoki rovaniemi mikkeli kotka salo porvoo
    kokkola hyvinkää lohja järvenpää rauma kajaani kerava savonlinna nurmijärvi kangasala
    """.split()
)
_MUNICIPALITY_RE = re.compile(
    r"\b(" + "|".join(m[: max(4, len(m) - 2)] for m in MUNICIPALITIES) + r")\w*",
    re.IGNORECASE,
)


def municipalities_in(text: str) -> frozenset[str]:
    """The Finnish municipalities ``text`` names (in any case form), by their stems."""
    return frozenset(m.group(1) for m in _MUNICIPALITY_RE.finditer(normalize(text)))


# Spoken and abbreviated Finnish → standard forms (whole words only).
COLLOQUIAL = {
    "pj": "puheenjohtaja",
    "pj:n": "puheenjohtajan",
    "pj:nä": "puheenjohtajana",
    "vpj": "varapuheenjohtaja",
    "toimari": "toimitusjohtaja",
    "toimarin": "toimitusjohtajan",
    "kh": "kunnanhallitus",
    "kv": "kunnanvaltuusto",
    "kaupsa": "kaupunki",
    "soppari": "sopimus",
    "sopparin": "sopimuksen",
    "sopparia": "sopimusta",
    "sopparii": "sopimusta",
    "hommat": "tehtävät",
    "hommia": "tehtäviä",
    "homma": "tehtävä",
    "millon": "milloin",
    "mist": "mistä",
    "mis": "missä",
    "ku": "kun",
    "mikä": "mikä",
    "rupee": "alkaa",
    "rupeaa": "alkaa",
    "alottaa": "aloittaa",
    "alotti": "aloitti",
    "keskisuomes": "Keski-Suomessa",
    "keskisuomessa": "Keski-Suomessa",
    "jkl": "Jyväskylä",
    "jyväskyläs": "Jyväskylässä",
    "mitä": "mitä",
    "noi": "ne",
    "toi": "se",
    "tää": "tämä",
    "meijän": "meidän",
    "teijän": "teidän",
    "hyvinvointialuel": "hyvinvointialueella",
    "siel": "siellä",
    "tääl": "täällä",
    "nykyää": "nykyään",
    "mite": "miten",
    "sit": "sitten",
    "siit": "siitä",
    "tost": "tosta",
    "nyky": "nykyään",
}

# English and Swedish domain vocabulary → Finnish, so that foreign questions can be matched
# against Finnish stems. Phrases are matched before single words.
GLOSSARY = {
    # English phrases
    "wellbeing services county": "hyvinvointialue",
    "welfare area": "hyvinvointialue",
    "wellbeing county": "hyvinvointialue",
    "well-being services county": "hyvinvointialue",
    "regional government": "aluehallitus",
    "regional council": "aluevaltuusto",
    "regional board": "aluehallitus",
    "city board": "kaupunginhallitus",
    "city government": "kaupunginhallitus",
    "city council": "kaupunginvaltuusto",
    "municipal board": "kunnanhallitus",
    "municipal council": "kunnanvaltuusto",
    "municipal executive": "kunnanhallitus",
    "central finland": "Keski-Suomi",
    "association of finnish municipalities": "Kuntaliitto",
    "finnish municipalities": "Kuntaliitto",
    "managing director": "toimitusjohtaja",
    "chief executive": "toimitusjohtaja",
    "social and health": "sosiaali- ja terveys",
    "health and social": "sosiaali- ja terveys",
    "rescue services": "pelastustoimi",
    "rescue service": "pelastustoimi",
    "early childhood education": "varhaiskasvatus",
    "land use": "maankäyttö",
    "working group": "työryhmä",
    "steering group": "ohjausryhmä",
    "framework agreement": "puitesopimus",
    "hospital district": "sairaanhoitopiiri",
    "emergency care": "ensihoito",
    "home care": "kotihoito",
    "phone number": "puhelinnumero",
    "health promotion": "terveyden edistäminen",
    "well-being": "hyvinvointi",
    # English words
    "chair": "puheenjohtaja",
    "chairs": "puheenjohtaja",
    "chaired": "puheenjohtaja",
    "chairman": "puheenjohtaja",
    "chairperson": "puheenjohtaja",
    "chairwoman": "puheenjohtaja",
    "vice-chair": "varapuheenjohtaja",
    "leads": "johtaa",
    "lead": "johtaa",
    "led": "johtaa",
    "heads": "johtaa",
    "director": "johtaja",
    "directors": "johtaja",
    "ceo": "toimitusjohtaja",
    "mayor": "kunnanjohtaja",
    "manager": "johtaja",
    "coordinator": "koordinaattori",
    "government": "hallitus",
    "board": "hallitus",
    "council": "valtuusto",
    "municipality": "kunta",
    "municipalities": "kunta",
    "municipal": "kunta",
    "city": "kaupunki",
    "town": "kaupunki",
    "region": "alue",
    "regional": "alue",
    "county": "hyvinvointialue",
    "wellbeing": "hyvinvointi",
    "welfare": "hyvinvointi",
    "rescue": "pelastustoimi",
    "social": "sosiaali",
    "health": "terveys",
    "healthcare": "terveydenhuolto",
    "services": "palvelut",
    "service": "palvelu",
    "reform": "uudistus",
    "responsible": "vastaa",
    "responsibility": "vastuu",
    "responsibilities": "vastuu",
    "organise": "järjestää",
    "organize": "järjestää",
    "organises": "järjestää",
    "organizes": "järjestää",
    "organised": "järjesti",
    "organized": "järjesti",
    "arranges": "järjestää",
    "provides": "järjestää",
    "provide": "järjestää",
    "remain": "jää",
    "remains": "jää",
    "transfer": "siirtyy",
    "transferred": "siirtyi",
    "move": "siirtyy",
    "moved": "siirtyi",
    "meet": "kokoontua",
    "met": "kokoontui",
    "meeting": "kokous",
    "meetings": "kokous",
    "agreement": "sopimus",
    "contract": "sopimus",
    "cooperation": "yhteistyö",
    "co-operation": "yhteistyö",
    "collaboration": "yhteistyö",
    "partnership": "kumppanuus",
    "preparedness": "varautuminen",
    "emergency": "poikkeustilanne",
    "residents": "asukas",
    "inhabitants": "asukas",
    "population": "asukas",
    "education": "opetus",
    "teaching": "opetus",
    "employment": "työllisyys",
    "integration": "kotouttaminen",
    "immigrants": "kotouttaminen",
    "zoning": "kaavoitus",
    "planning": "kaavoitus",
    "budget": "talousarvio",
    "cost": "kustannus",
    "costs": "kustannus",
    "funding": "rahoitus",
    "finances": "talous",
    "money": "raha",
    "approve": "hyväksyä",
    "approved": "hyväksyi",
    "unanimously": "yksimielisesti",
    "decision": "päätös",
    "decided": "päätti",
    "prepare": "valmistella",
    "prepared": "valmisteli",
    "preparation": "valmistelu",
    "committee": "jaosto",
    "section": "jaosto",
    "division": "jaosto",
    "interface": "yhdyspinta",
    "interfaces": "yhdyspinta",
    "task": "tehtävä",
    "tasks": "tehtävä",
    "duties": "tehtävä",
    "news": "uutinen",
    "photo": "kuva",
    "picture": "kuva",
    "photographer": "kuva",
    "elderly": "vanhus",
    "law": "laki",
    "laws": "laki",
    "legislation": "lainsäädäntö",
    "goal": "tavoite",
    "aim": "tavoite",
    "year": "vuosi",
    "term": "toimikausi",
    "started": "aloitti",
    "start": "aloittaa",
    "starts": "aloittaa",
    "begin": "aloittaa",
    "began": "aloitti",
    "association": "liitto",
    "federation": "liitto",
    "hospital": "sairaala",
    "school": "koulu",
    "students": "oppilas",
    "pupil": "oppilas",
    "psychologist": "psykologi",
    "psychologists": "psykologi",
    "curator": "kuraattori",
    "email": "sähköposti",
    "phone": "puhelin",
    "telephone": "puhelin",
    "contact": "yhteystiedot",
    "support": "tukea",
    "supports": "tukea",
    "offer": "tarjota",
    "offers": "tarjota",
    "help": "auttaa",
    "expertise": "osaaminen",
    "counties": "hyvinvointialue",
    "subgroups": "alatyöryhmä",
    "invite": "kutsua",
    "invited": "kutsua",
    "continue": "jatkaa",
    "continuing": "jatkaa",
    "attend": "osallistua",
    "participate": "osallistua",
    # Swedish
    "delta": "osallistua",
    "deltar": "osallistua",
    "deltog": "osallistua",
    "mellersta finland": "Keski-Suomi",
    "mellersta finlands": "Keski-Suomi",
    "samlades": "kokoontui",
    "möttes": "kokoontui",
    "träffas": "kokoontuu",
    "chefer": "johtaja",
    "cheferna": "johtaja",
    "direktörerna": "johtaja",
    "socialvården": "sosiaalihuolto",
    "hälsovården": "terveydenhuolto",
    "social- och hälsovård": "sote",
    "social- och hälsovårdscheferna": "sote-johtajat",
    "social- och hälsovårdsdirektörerna": "sote-johtajat",
    "nivåer": "taso",
    "nivå": "taso",
    "stöd": "tuki",
    "stödja": "tukea",
    "erbjuda": "tarjota",
    "erbjuder": "tarjota",
    "välfärdsområde": "hyvinvointialue",
    "välfärdsområdet": "hyvinvointialue",
    "välfärdsområden": "hyvinvointialue",
    "välfärdsområdena": "hyvinvointialue",
    "välfärdsområdets": "hyvinvointialue",
    "regionstyrelse": "aluehallitus",
    "regionstyrelsen": "aluehallitus",
    "regionstyrelsens": "aluehallitus",
    "regionfullmäktige": "aluevaltuusto",
    "kommunstyrelse": "kunnanhallitus",
    "kommunstyrelsen": "kunnanhallitus",
    "stadsstyrelse": "kaupunginhallitus",
    "stadsstyrelsen": "kaupunginhallitus",
    "stadsstyrelsens": "kaupunginhallitus",
    "kommunfullmäktige": "kunnanvaltuusto",
    "fullmäktige": "valtuusto",
    "kommunförbund": "Kuntaliitto",
    "kommunförbundet": "Kuntaliitto",
    "finlands kommunförbund": "Kuntaliitto",
    "landskapsförbund": "liitto",
    "ordförande": "puheenjohtaja",
    "ordföranden": "puheenjohtaja",
    "vice ordförande": "varapuheenjohtaja",
    "verkställande direktör": "toimitusjohtaja",
    "direktör": "johtaja",
    "kommundirektör": "kunnanjohtaja",
    "stadsdirektör": "kaupunginjohtaja",
    "kommun": "kunta",
    "kommuner": "kunta",
    "kommunerna": "kunta",
    "kommunernas": "kunta",
    "stad": "kaupunki",
    "staden": "kaupunki",
    "räddningsväsende": "pelastustoimi",
    "räddningsväsendet": "pelastustoimi",
    "socialvård": "sosiaalihuolto",
    "hälsovård": "terveydenhuolto",
    "hälso": "terveys",
    "tjänster": "palvelut",
    "tjänsterna": "palvelut",
    "reformen": "uudistus",
    "ansvar": "vastuu",
    "ansvarar": "vastaa",
    "ansvarig": "vastaa",
    "ordnar": "järjestää",
    "ordna": "järjestää",
    "möte": "kokous",
    "mötet": "kokous",
    "träffades": "kokoontui",
    "sammanträdde": "kokoontui",
    "avtal": "sopimus",
    "avtalet": "sopimus",
    "ramavtal": "puitesopimus",
    "ramavtalet": "puitesopimus",
    "samarbete": "yhteistyö",
    "samarbetet": "yhteistyö",
    "samarbetsstrukturer": "yhteistyörakenne",
    "telefonnummer": "puhelinnumero",
    "invånare": "asukas",
    "behandlade": "käsitteli",
    "beslut": "päätös",
    "godkände": "hyväksyi",
    "godkänna": "hyväksyä",
    "uppgifter": "tehtävä",
    "arbetsgrupp": "työryhmä",
    "arbetsgruppen": "työryhmä",
    "beredskap": "varautuminen",
    "utbildning": "opetus",
    "sysselsättning": "työllisyys",
    "år": "vuosi",
    "kvar": "jää",
    "blir": "jää",
    "överförs": "siirtyy",
    "flyttas": "siirtyy",
    "började": "aloitti",
    "börjar": "aloittaa",
}
_PHRASES = sorted((k for k in GLOSSARY if " " in k), key=len, reverse=True)


# Swedish and English inflection endings, longest first ("arbetsgruppernas", "möten", "boards")
_FOREIGN_ENDINGS = (
    *("ernas", "arnas", "ornas", "erna", "arna", "orna"),
    *("ens", "ets", "en", "et", "na", "s", "n"),
)


def glossary_term(word: str) -> str | None:
    """The Finnish word for an English or Swedish one, inflected forms included."""
    key = _glossary_key(word.lower())
    return GLOSSARY[key] if key else None


def _glossary_key(word: str) -> str | None:
    """The glossary entry a foreign word is an inflected form of, if any."""
    if word in GLOSSARY:
        return word
    for ending in _FOREIGN_ENDINGS:
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= 4 and base in GLOSSARY:
            return base
    return None


def to_finnish_terms(question: str) -> str:
    """The Finnish domain words of an English or Swedish question (names and numbers kept)."""
    text = normalize(question)
    out: list[str] = []
    for phrase in _PHRASES:
        if phrase in text:
            out.append(GLOSSARY[phrase])
            text = text.replace(phrase, " ")
    # what the phrases left, "helaste's" read as "helaste"
    present = {token.split("'")[0] for token in text.split()}
    for match in re.finditer(r"[\w-]+", question):
        token = match.group()
        low = normalize(token)
        base = _glossary_key(low)
        if base and low in present:
            out.append(GLOSSARY[base])
        elif (
            low in present
            and token[:1].isupper()
            and low not in STOPWORDS
            and low not in FOREIGN_WORDS
        ) or low.isdigit():
            out.append(token)
    return " ".join(out)


def standardize(question: str) -> str:
    """Spoken and abbreviated Finnish words replaced by their standard forms."""
    question = re.sub(r"soppar(?:i|in|ia|ii|ista|iin)\b", "sopimus", question, flags=re.I)
    question = question.replace("§", " pykälä ")
    # spoken "koska" opening a question asks when ("koska se kokous on?"), not why
    question = re.sub(r"^\s*koska\b", "milloin", question, flags=re.I)
    return re.sub(r"[\w:]+", lambda m: COLLOQUIAL.get(m.group().lower(), m.group()), question)


FOREIGN_WORDS = frozenset(
    "the a an of is are was were who whom whose what when where why how which does do did will "
    "would can in on for and to with from about many much by both already has have had been be "
    "shall should their they it its this that these those there say says said according after "
    "before under between also not or as at any all our your "
    "har hade ska skall efter enligt också inte eller mellan vid sina sin deras dess vara blev "
    "vem vad när var hur varför vilka vilken vilket är och som av för med till om på det den de "
    "hur många mycket".split()
)


# Foreign function words that are everyday Finnish too ("kuka se on joka on …")
_ALSO_FINNISH = frozenset({"on"})


def is_foreign(question: str) -> bool:
    """True when the question reads as English or Swedish rather than Finnish."""
    # "what's", "Helaste's": the English possessive and contraction are not part of the word
    tokens = [t.split("'")[0] for t in words(question)]
    if not tokens:
        return False
    hits = sum(
        1 for t in tokens if (t in FOREIGN_WORDS and t not in _ALSO_FINNISH) or _glossary_key(t)
    )
    return hits >= 2 and hits / len(tokens) >= 0.25


@cache
def _frame_stems() -> frozenset[str]:
    return frozenset(_stemmer().stemWords(list(FRAME_WORDS)))


# Finnish case endings on an English word ("chairin", "boardille"): joined with an "i"
# (five letters or more: "termin" is Finnish)
_FINNISH_ON_FOREIGN = re.compile(r"^([a-z]{4,}[^aeiouy\W])i(?:n|lle|lta|ssa|sta|hin|na|ksi|a)$")


def with_glossed_words(question: str) -> str:
    """A Finnish question with English or Swedish domain words in it ("aluehallituksen
    chairin phone number") with those words in Finnish."""
    text = normalize(question)
    for phrase in _PHRASES:
        text = text.replace(phrase, GLOSSARY[phrase])

    def glossed(match: re.Match[str]) -> str:
        word = match.group()
        if word in GLOSSARY:
            return GLOSSARY[word]
        inflected = _FINNISH_ON_FOREIGN.match(word)
        return GLOSSARY.get(inflected.group(1), word) if inflected else word

    return re.sub(r"[\w-]+", glossed, text)


def question_stems(question: str) -> list[str]:
    """Content stems of a question: foreign questions through the glossary, spoken Finnish
    standardised and its foreign domain words glossed, answer-frame words ("puhelinnumero",
    "päivämäärä") left out."""
    if is_foreign(question):
        text = to_finnish_terms(question)
    else:
        text = with_glossed_words(standardize(question))
    frame = _frame_stems()
    return [
        without_generic_tail(s)
        for s in stems(text)
        if s not in frame and not any(len(f) >= 6 and s.startswith(f[:6]) for f in frame)
    ]


def without_generic_tail(stem: str) -> str:
    """ "puitesopimusasia" asks about "puitesopimus": a compound ending in a generic noun
    (asia, juttu) means its first part."""
    match = re.search(r"(?:asi[aoe]|jut+u)\w?$", stem)
    if match and match.start() >= 5:
        return stem[: match.start()]
    return stem


def entity_stems(question: str) -> list[str]:
    """Stems of the proper names a Finnish question uses (capitalised words after the first)."""
    if is_foreign(question):
        return []
    out: list[str] = []
    for i, match in enumerate(re.finditer(r"[\w-]+", standardize(question))):
        token = match.group()
        if i > 0 and token[:1].isupper() and not token.isupper():
            out.extend(s for s in stems(token) if s)
    return out


PREFIX_LEN = 5
# What the BM25 index depends on besides the text: an index built under another lexicon is
# rebuilt when opened.
LEXICON_ID = hashlib.sha256(
    " ".join(["finnish-snowball", str(PREFIX_LEN), *sorted(STOPWORDS)]).encode()
).hexdigest()[:16]


def with_prefixes(stem_list: list[str]) -> list[str]:
    """Stems plus a truncated form of each long stem ("~aluev"): Finnish inflection and
    compounding often defeat the stemmer, truncation still matches."""
    return stem_list + ["~" + s[:PREFIX_LEN] for s in stem_list if len(s) >= PREFIX_LEN]
