"""Finnish lexical analysis shared by BM25, the answerer and the register: words → Snowball stems."""

from __future__ import annotations

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
    nyt kyllä vain voi voivat pitää täytyy tulee tulevat olla mukaan kautta osalta
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
    """Lower-cased word tokens (hyphenated compounds split into their parts as well)."""
    out: list[str] = []
    for match in _WORD.finditer(normalize(text)):
        token = match.group()
        out.append(token)
        if "-" in token:
            out.extend(part for part in token.split("-") if part)
    return out


def stems(text: str, *, keep_stopwords: bool = False) -> list[str]:
    """Snowball stems of the words of ``text``; stopwords dropped unless asked to keep them."""
    tokens = [w for w in words(text) if keep_stopwords or w not in STOPWORDS]
    return _stemmer().stemWords(tokens) if tokens else []
