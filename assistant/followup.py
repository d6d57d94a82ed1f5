"""Follow-up questions: turn "Mikä on hänen puhelinnumeronsa?" into a standalone question.

Without an LLM the rewrite is deterministic: a question that leans on the conversation
(pronouns, "entä …", very short) carries the previous turn's names, organisations and
topic words. The carried words are kept apart so retrieval and scoring can weigh them less
than the user's own words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .answering.patterns import NAME_RE
from .lexical import STOPWORDS, entity_stems, question_stems, stems, words

_DEPENDENT = re.compile(
    r"\b(hän\w*|he|heidä\w*|heille|heiltä|se|sen|sitä|siitä|siihen|sille|siltä|ne|niiden|niitä|"
    r"niistä|tämä\w*|tuo\w*|tuon|nämä|näiden|siellä|sinne|sieltä|täällä|kyseinen\w*|"
    r"entä|entäs|lisäksi|myös|his|her|hers|him|their|them|they|it|its|that|those|"
    r"and what about|what about|hans|hennes|deras|den|det|där)\b",
    re.IGNORECASE,
)
_MARKER = re.compile(r"\s*\[\d+\]")
# A subordinate clause after a comma ("…, kun kaupunginhallitus tapasi …") sets the scene;
# the main clause says what is asked.
_SUBORDINATE = re.compile(
    r",\s*(?:kun|vaikka|jos|koska|jotta|jolloin|mikäli|kunnes|josta|jossa|jonka|johon|"
    r"when|while|if|although)\b",
    re.IGNORECASE,
)
_MAX_CARRIED = 12


@dataclass(frozen=True)
class Standalone:
    """A question ready for retrieval: its text, its own stems, and the stems that are only
    context (carried from history, or from a scene-setting subordinate clause)."""

    text: str
    own_stems: tuple[str, ...]
    carried_stems: tuple[str, ...]
    entities: tuple[str, ...] = ()
    asked: str = ""  # the user's own question (``text`` may carry words of earlier turns)


def needs_context(question: str) -> bool:
    """True when the question cannot stand alone: pronouns, "entä …", or almost no content."""
    content = [w for w in words(question) if w not in STOPWORDS]
    return bool(_DEPENDENT.search(question)) or len(content) <= 2


def _previous_turns(history: Sequence[dict[str, str]]) -> tuple[str, str]:
    user = assistant = ""
    for turn in reversed(history):
        role, content = turn.get("role"), str(turn.get("content") or "")
        if role == "assistant" and not assistant and not user:
            assistant = content
        elif role == "user" and not user:
            user = content
        if user:
            break
    return user, assistant


def _names_about(answer: str, topic: set[str], window: int = 6) -> list[str]:
    """The names in a previous answer that the previous question was about: each name is
    scored by how many of the question's stems stand within a few words of it."""
    scored: list[tuple[int, int, str]] = []
    for i, match in enumerate(NAME_RE.finditer(answer)):
        before = answer[: match.start()].split()[-window:]
        after = answer[match.end() :].split()[:window]
        near = set(stems(" ".join(before + after)))
        scored.append((len(near & topic), -i, match.group()))
    if not scored:
        return []
    best = max(score for score, _, _ in scored)
    return [name for score, _, name in sorted(scored, reverse=True) if score == best][:1]


# Words that only place the question in time ("syyskuussa 2016", "vuoden alussa") narrow it
# down but are seldom repeated by the sentence that answers it.
_TIME_WORD = re.compile(
    r"\b(?:(?:tammi|helmi|maalis|huhti|touko|kesä|heinä|elo|syys|loka|marras|joulu)kuu\w*|"
    r"(?:19|20)\d\d|vuoden|vuodesta|vuoteen|keväällä|kesällä|syksyllä|talvella|alussa|"
    r"alusta|lopussa|lopulla|(?:alku|loppu|keski)(?:vuo|kevä|kesä|syks|talv)\w*)\b",
    re.IGNORECASE,
)


def split_clauses(question: str) -> tuple[str, str]:
    """(main clause, subordinate scene-setting clause or ""): the scene's words count as
    context, like words carried from history, not as what must be found."""
    match = _SUBORDINATE.search(question)
    if not match or not question_stems(question[: match.start()]):
        return question, ""  # no scene, or the main clause says nothing on its own
    return question[: match.start()], question[match.start() + 1 :]


# "Minä päivänä uutinen julkaistiin ja kuka sen julkaisi?": a second question joined on
_SECOND_QUESTION = re.compile(
    r"(?:,\s*|\s+)(?:ja|sekä|entä)\s+(?=(?:kuka|ketkä|kenet|kenen|keitä|mikä|mitkä|mitä|"
    r"minkä|milloin|missä|mistä|mihin|minä|montako|kuinka|paljonko|miksi|miten|monesko)\b)",
    re.IGNORECASE,
)


def split_questions(question: str) -> list[str]:
    """The questions a two-part question asks ("Milloin X ja kuka Y?" → two); the second may
    lean on the first ("… ja kuka sen julkaisi?"). One question gives a list of one."""
    match = _SECOND_QUESTION.search(question)
    if not match:
        return [question]
    first = question[: match.start()].strip()
    second = question[match.end() :].strip()
    if len(question_stems(first)) < 2:  # "Mitä kunnat ja mitä …": one question after all
        return [question]
    return [first.rstrip("?,") + "?", second[:1].upper() + second[1:]]


def condense(question: str, history: Sequence[dict[str, str]] | None) -> Standalone:
    """The standalone form of ``question`` given the conversation so far."""
    main, scene = split_clauses(question)
    when = set(stems(" ".join(_TIME_WORD.findall(main))))
    own = tuple(s for s in question_stems(main) if s not in when)
    background = tuple(
        dict.fromkeys(s for s in [*question_stems(scene), *sorted(when)] if s not in own)
    )
    entities = tuple(entity_stems(question))
    if not history or not needs_context(question):
        return Standalone(question, own, background, entities, question)
    user, assistant = _previous_turns(history)
    names = _names_about(_MARKER.sub("", assistant), set(stems(user))) + NAME_RE.findall(user)
    names = list(dict.fromkeys(names))
    topic = [w for w in words(user) if w not in STOPWORDS and not w.isdigit()]
    carried_words = list(dict.fromkeys([*names, *topic]))[:_MAX_CARRIED]
    carried = background + tuple(
        s for s in stems(" ".join(carried_words)) if s not in own and s not in background
    )
    if not carried_words:
        return Standalone(question, own, background, entities, question)
    text = f"{question.rstrip()} ({', '.join(carried_words)})"
    return Standalone(text, own, carried, entities, question)
