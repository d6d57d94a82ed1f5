"""The corpus vocabulary and how much of a question a sentence carries (term support).

Question words are mapped onto the words the corpus uses — misspellings, spoken forms,
stems the stemmer cut short, parts and wholes of Finnish compounds, synonyms from the
thesaurus of administrative Finnish — and weighted by idf over the corpus's sentences. The
support of a sentence is the idf-weighted share of the question's terms it mentions.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import math
import re
from collections.abc import Mapping, Sequence

from ..lexical import SYNONYMS, normalize, stems


class Vocabulary:
    """Idf of every stem of the corpus and the lookups that map question terms onto them."""

    def __init__(
        self, stem_df: Mapping[str, int], sentences: int, corpus_words: Sequence[str]
    ) -> None:
        """``stem_df``: in how many of the corpus's ``sentences`` (distinct ones) each stem
        occurs (title and heading stems too); ``corpus_words``: every word of the corpus,
        sorted (:mod:`assistant.answering.tables` counts them)."""
        n = max(sentences, 1)
        self._idf = {t: math.log((n + 1) / (df + 0.5)) for t, df in stem_df.items()}
        self.max_idf = math.log((n + 1) / 0.5)
        self._by_prefix: dict[str, list[str]] = {}
        for term in self._idf:
            self._by_prefix.setdefault(term[:2], []).append(term)
        self._blob = "\n".join(self._idf)
        self._words = corpus_words
        self._word_blob = "\n".join(corpus_words)
        # each synonym group with, per member, the corpus stem that writes it (shortest)
        self._synonyms = [
            [(member, self._corpus_stem(member)) for member in group] for group in SYNONYMS
        ]

    def __contains__(self, term: str) -> bool:
        return term in self._idf

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
            for w in self._words_containing(key)
            if len(w) - w.index(key) - len(word) <= 4  # a case ending, not a longer compound
            and (w.startswith(key) or w.index(key) >= 4)
        ]
        return stems(min(forms)[2])[0] if forms else None

    def _words_containing(self, part: str) -> list[str]:
        """The corpus words that contain ``part``, in sorted order (one scan of the blob)."""
        blob = self._word_blob
        found = []
        i = blob.find(part)
        while i >= 0:
            start = blob.rfind("\n", 0, i) + 1
            end = blob.find("\n", i)
            end = len(blob) if end < 0 else end
            found.append(blob[start:end])
            i = blob.find(part, end)
        return found

    def alternatives(self, term: str) -> frozenset[str]:
        """Corpus stems of the synonyms of a question term."""
        return frozenset(
            s
            for group in self._synonyms
            if any(same_word(term, member) for member, _ in group)
            for member, s in group
            if s and not same_word(term, member) and s != term
        )

    def _synonym(self, term: str) -> str | None:
        """The corpus stem of a synonym of ``term`` ("kiertue" → "kuntakiero"), if any."""
        found = self.alternatives(term)
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
            (common_prefix(term, s), s)
            for s in self._by_prefix.get(term[:2], ())
            if common_prefix(term, s) >= need
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

    def weight(self, term: str) -> float:
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
                        if part_match(part, s)
                    ),
                    default=0.0,
                )
                for part in (term[:i], term[i:])
            ]
            if all(parts):
                best = max(best, max(parts))
        return best or self.max_idf

    @staticmethod
    def mentioned(weighted: Sequence[tuple[str, float]], have: frozenset[str]) -> frozenset[str]:
        """The question terms a passage mentions, compounds and their parts included."""
        return frozenset(
            term
            for term, _ in weighted
            if term in have or any(compound_match(term, s) for s in have) or split_match(term, have)
        )

    def support(
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
                any(compound_match(term, s) for s in sentence)
                or split_match(term, sentence)
                # a synonym: "turvata" ~ "varmistaa" ("varmistaminen")
                or any(
                    compound_match(a, s)
                    for a in (alternatives or {}).get(term, ())
                    for s in sentence
                )
                or (term in verbal and any(same_verb(term, s) for s in sentence))
                or inhabitants_of(term, sentence)
            ):
                got += 0.7 * w
                strict += 0.7 * w
            elif label and any(compound_match(term, s) for s in label):
                got += 0.7 * w
            elif term in context:
                got += 0.4 * w
        return got / total, strict / total


def common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def same_word(term: str, word: str) -> bool:
    """A question stem is a form of ``word`` when they share all but a short tail."""
    return common_prefix(term, word) >= max(5, max(len(term), len(word)) - 3)


@functools.lru_cache(maxsize=1 << 18)
def same_verb(term: str, stem: str) -> bool:
    """Two forms of one verb share its root ("varmistettava" ~ "varmistaminen")."""
    return common_prefix(term, stem) >= max(6, len(term) - 5)


@functools.lru_cache(maxsize=1 << 18)
def inhabitants_of(term: str, sentence: frozenset[str]) -> bool:
    """ "keskisuomalainen", "jyväskyläläinen" speak of the place the sentence names
    ("Keski-Suomen", "Jyväskylän")."""
    match = re.fullmatch(r"(\w{5,})(?:lais|läis)", term)
    if not match:
        return False
    place = match.group(1)
    return any(compound_match(place, s) for s in sentence) or split_match(place, sentence)


@functools.lru_cache(maxsize=1 << 18)
def part_match(part: str, stem: str) -> bool:
    """One part of a compound against a stem: the same word up to a short inflected or
    consonant-graded tail ("hoito" ~ "hoido", "työllisyyden" ~ "työllisyyd")."""
    k = max(3, len(part) - 2)
    return stem[:k] == part[:k] and abs(len(stem) - len(part)) <= 3


@functools.lru_cache(maxsize=1 << 18)
def split_match(term: str, sentence: frozenset[str]) -> bool:
    """A question compound written apart in the sentence ("työllisyydenhoito" ~ "työllisyyden
    hoidossa"): both parts found, as different words."""
    if len(term) < 9:
        return False
    for i in range(4, len(term) - 3):
        head, tail = term[:i], term[i:]
        heads = {s for s in sentence if part_match(head, s)}
        if heads and any(part_match(tail, s) for s in sentence - heads):
            return True
    return False


@functools.lru_cache(maxsize=1 << 18)
def compound_match(term: str, stem: str) -> bool:
    """Finnish compounds: the question's 'johtaja' is found in 'toimialajohtaja', 'palvelu' in
    'terveyspalvelu' — but a more specific question word is not matched by a general one."""
    if term == stem or (len(term) >= 5 and term in stem):
        return True
    # inflection the stemmer missed: same word but for a short ending
    shorter = min(len(term), len(stem))
    return (
        shorter >= 5
        and abs(len(term) - len(stem)) <= 3
        and common_prefix(term, stem) >= shorter - 2
    )
