"""Precision and recall of the extracted register against the hand-checked gold register.

``evaluate_register(assistant)`` uses ``assistant.register`` only. Matching rules, per document
(a row must come from the document the gold row cites):

- responsibilities: the task names are equal after Snowball-stemming every word; the actors
  match when both are shared rows (``… (yhdyspinta)``) or have the same organisation head
  (kunta/kunnat/kaupunki → kunta; hyvinvointialue/-alueet → hyvinvointialue; other words by
  stem) and, when both name a qualifier ("Keski-Suomen"), the same qualifier; ``valid_from``
  and ``valid_until`` are equal exactly (None included).
- roles: person names equal after NFC + case folding; role titles equal by stem. The
  organisation is not part of the match; its agreement is reported as
  ``roles_organisation_agreement`` among matched roles.
- contacts: person names equal after NFC + case folding and phone numbers equal digits-only.

Extracted rows are first collapsed per (document, match key): the same fact quoted by two
overlapping chunks counts once. ``register_quote_support`` is the share of extracted
responsibility/role/contact rows whose quote contains the row's key terms: the task (by the
register's own task vocabulary, or an anaphor when the quote names several tasks) and the
actor's organisation word for responsibilities; the person's surname and the role title for
roles; the person's surname and the phone digits (or e-mail) for contacts.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any, Protocol

import Stemmer

from assistant.register import (
    SHARED_MARK,
    Contact,
    Register,
    Responsibility,
    Role,
    RowCitation,
    tasks_in,
)

GOLD_PATH = Path(__file__).with_name("register_gold.jsonl")
DEVDOCS_GOLD_PATH = Path(__file__).with_name("register_gold_devdocs.jsonl")
# 12 documents of folds 6-9, annotated by another helper (session 28) and only ever measured
# as totals, never read to change the extractor: the held-out register figure
HELDOUT_GOLD_PATH = Path(__file__).with_name("register_gold_devdocs_heldout.jsonl")
# Roles and contacts only, of seven more development documents of folds 1-4 with boards'
# members and chairs (session 38): what the role extractor was developed on since
ROLES_GOLD_PATH = Path(__file__).with_name("register_gold_devdocs_roles.jsonl")
# A second annotator's rows for half of each file's documents (session 38), written from the
# same instructions without seeing the first: how far two people agree under these matching
# rules, i.e. what recall and precision a register can be expected to reach against one of them
SECOND_GOLD_PATHS = {
    DEVDOCS_GOLD_PATH: Path(__file__).with_name("register_gold_devdocs_b.jsonl"),
    HELDOUT_GOLD_PATH: Path(__file__).with_name("register_gold_devdocs_heldout_b.jsonl"),
}
_STEMMER = Stemmer.Stemmer("finnish")
_HEADS = {"kunta": "kunta", "kaupunki": "kunta", "hyvinvointialue": "hyvinvointialue"}


class HasRegister(Protocol):
    """Anything with a ``register`` and its ``documents`` (the Assistant)."""

    @property
    def register(self) -> Register: ...

    def documents(self) -> list[Any]: ...


def load_gold(path: Path = GOLD_PATH) -> list[dict[str, Any]]:
    """The gold rows, one JSON object a line."""
    lines = path.read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def _stems(text: str) -> tuple[str, ...]:
    words = re.findall(r"[0-9a-zåäöéü]+", unicodedata.normalize("NFC", text).lower())
    return tuple(_STEMMER.stemWord(w) for w in words if w != "ja")


def _name(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _head(word: str) -> str:
    s = _STEMMER.stemWord(word.lower())
    for base, head in _HEADS.items():
        b = _STEMMER.stemWord(base)  # "kun" for kunta, while "kuntien" stems to "kunt"
        if s.startswith(b[: max(3, len(b) - 2)]) and len(s) <= len(b) + 2:
            return head
    return s


def _actor_key(actor: str) -> tuple[bool, str, str]:
    if actor.endswith(SHARED_MARK):
        return True, "", ""
    words = actor.split()
    qualifier = " ".join(w.lower() for w in words[:-1])
    return False, _head(words[-1]) if words else "", qualifier


def _actors_match(a: str, b: str) -> bool:
    ka, kb = _actor_key(a), _actor_key(b)
    if ka[0] or kb[0]:
        return ka[0] == kb[0]
    return ka[1] == kb[1] and (not ka[2] or not kb[2] or ka[2] == kb[2])


def _resp_match(g: dict[str, Any], r: Responsibility) -> bool:
    return (
        _stems(g["task"]) == _stems(r.task)
        and _actors_match(g["actor"], r.actor)
        and g["valid_from"] == r.valid_from
        and g["valid_until"] == r.valid_until
    )


def _role_match(g: dict[str, Any], r: Role) -> bool:
    return _name(g["person"]) == _name(r.person) and _stems(g["role"]) == _stems(r.role)


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


def _contact_match(g: dict[str, Any], r: Contact) -> bool:
    return _name(g["person"]) == _name(r.person) and _digits(g["phone"]) == _digits(r.phone)


def _collapse(rows: Iterable[Any], key: Callable[[Any], Hashable]) -> list[Any]:
    seen: dict[Hashable, Any] = {}
    for r in rows:
        seen.setdefault((r.citation.doc_id, key(r)), r)
    return list(seen.values())


def _pr(
    gold: list[dict[str, Any]], rows: list[Any], match: Callable[[dict[str, Any], Any], bool]
) -> tuple[float, float, list[Any], list[dict[str, Any]]]:
    def same_doc(g: dict[str, Any], r: Any) -> bool:
        return bool(g["doc_id"] == r.citation.doc_id and match(g, r))

    correct = [r for r in rows if any(same_doc(g, r) for g in gold)]
    found = [g for g in gold if any(same_doc(g, r) for r in rows)]
    precision = len(correct) / len(rows) if rows else 0.0
    recall = len(found) / len(gold) if gold else 0.0
    wrong = [r for r in rows if r not in correct]
    missed = [g for g in gold if g not in found]
    return precision, recall, wrong, missed


def quote_supports(row: Responsibility | Role | Contact) -> bool:
    """Whether the row's quote contains the row's key terms (see module docstring)."""
    quote = row.citation.quote
    q = quote.lower()
    if isinstance(row, Responsibility):
        named = tasks_in(quote)
        task_ok = row.task in named or (len(named) > 1 and "palvelu" in q)
        if row.actor.endswith(SHARED_MARK):
            actor_ok = bool(re.search(r"yhdyspin|vastuunja|työnja", q))
        else:
            head = _head(row.actor.split()[-1])
            actor_ok = any(_head(w) == head for w in re.findall(r"[a-zåäö-]+", q))
        return task_ok and actor_ok
    surname = _name(row.person).split()[-1]
    if surname[:5] not in _name(quote):
        return False
    if isinstance(row, Role):  # by stem: a title may be named inflected ("jäseninä")
        return all(w in q or _STEMMER.stemWord(w) in q for w in row.role.lower().split())
    return (bool(row.phone) and _digits(row.phone) in _digits(quote)) or (
        bool(row.email) and row.email.split("@")[0].lower() in q
    )


def evaluate_register(assistant: HasRegister, gold_path: Path = GOLD_PATH) -> dict[str, float]:
    """Per-kind precision/recall against the gold register, plus quote support. When the
    index holds the development documents the register gold covers, the same figures against
    their gold follow with a ``devdocs_`` prefix: documents the extractor was not written on."""
    out = evaluate(assistant.register, load_gold(gold_path))
    if gold_path == GOLD_PATH and DEVDOCS_GOLD_PATH.exists():
        dev_gold = load_gold(DEVDOCS_GOLD_PATH)
        indexed = {d.doc_id for d in assistant.documents()}
        if {g["doc_id"] for g in dev_gold} <= indexed:
            dev = evaluate(assistant.register, dev_gold)
            out.update({f"devdocs_{k}": v for k, v in dev.items()})
    return out


def evaluate(register: Register, gold: list[dict[str, Any]]) -> dict[str, float]:
    """The figures of ``evaluate_register`` for a register and gold rows."""
    return {k: v for k, v in details(register, gold).items() if isinstance(v, float)}


def details(register: Register, gold: list[dict[str, Any]]) -> dict[str, Any]:
    """Figures plus the wrong and missed rows of each kind, for debugging the extractor.
    Only rows of the documents the gold annotates count."""
    annotated = {g["doc_id"] for g in gold}

    def of_annotated(rows: Iterable[Any]) -> list[Any]:
        return [r for r in rows if r.citation.doc_id in annotated]

    out: dict[str, Any] = {}
    responsibilities = of_annotated(register.responsibilities)
    roles = of_annotated(register.roles)
    contacts = of_annotated(register.contacts)
    kinds: list[tuple[str, str, list[Any], Callable[[Any], Hashable], Callable[..., bool]]] = [
        (
            "responsibilities",
            "responsibility",
            responsibilities,
            lambda r: (_actor_key(r.actor), _stems(r.task), r.valid_from, r.valid_until),
            _resp_match,
        ),
        ("roles", "role", roles, lambda r: (_name(r.person), _stems(r.role)), _role_match),
        (
            "contacts",
            "contact",
            contacts,
            lambda r: (_name(r.person), _digits(r.phone)),
            _contact_match,
        ),
    ]
    for name, gold_kind, rows, key, match in kinds:
        g = [x for x in gold if x["kind"] == gold_kind]
        if not g:
            continue  # a gold file of roles and contacts only says nothing of the rest
        p, r, wrong, missed = _pr(g, _collapse(rows, key), match)
        out[f"{name}_precision"] = round(p, 4)
        out[f"{name}_recall"] = round(r, 4)
        out[f"{name}_wrong"] = wrong
        out[f"{name}_missed"] = missed
    matched_roles = [
        (g, r)
        for g in gold
        if g["kind"] == "role"
        for r in roles
        if r.citation.doc_id == g["doc_id"] and _role_match(g, r)
    ]
    if matched_roles:
        agree = sum(_name(g["organisation"]) == _name(r.organisation) for g, r in matched_roles)
        out["roles_organisation_agreement"] = round(agree / len(matched_roles), 4)
    rows_all: list[Responsibility | Role | Contact] = [*responsibilities, *roles, *contacts]
    supported = sum(quote_supports(r) for r in rows_all)
    out["register_quote_support"] = round(supported / len(rows_all), 4) if rows_all else 0.0
    return out


def as_register(gold: Iterable[dict[str, Any]]) -> Register:
    """Gold rows as a register, so that one annotator's rows are scored against another's
    exactly as the extractor's are."""
    rows: list[Responsibility | Role | Contact] = []
    for g in gold:
        cit = RowCitation(g["doc_id"], "", g["sentence"], 0, len(g["sentence"]))
        if g["kind"] == "responsibility":
            span = (g["valid_from"], g["valid_until"])
            rows.append(Responsibility(g["actor"], g["task"], *span, cit))
        elif g["kind"] == "role":
            rows.append(Role(g["person"], g["role"], g.get("organisation") or "", cit))
        elif g["kind"] == "contact":
            rows.append(Contact(g["person"], g.get("phone") or "", g.get("email") or "", cit))
    return Register.from_rows(rows)


def agreement(
    first: list[dict[str, Any]], second: list[dict[str, Any]], extracted: Register
) -> dict[str, dict[str, float]]:
    """Precision and recall of the second annotator against the first, beside the extractor's
    against each, on the documents the second annotated (the first's rows of other documents
    do not count). The annotators' agreement is the ceiling of what the extractor's figures
    can reach against one annotator."""
    docs = {g["doc_id"] for g in second}
    first = [g for g in first if g["doc_id"] in docs]
    return {
        "second annotator vs first": evaluate(as_register(second), first),
        "extractor vs first": evaluate(extracted, first),
        "extractor vs second": evaluate(extracted, second),
    }


def main(argv: list[str] | None = None) -> None:
    """Print the figures and the wrong and missed rows (``python -m evals.register_metrics``):
    the seed gold on the configured index, or with ``--devdocs`` the development documents'
    gold on the development index (or with ``--heldout`` the held-out documents' gold)."""
    import argparse

    from assistant import Assistant

    parser = argparse.ArgumentParser(prog="python -m evals.register_metrics")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--devdocs", action="store_true", help="kehitysasiakirjojen rekisterikulta (issue 14)"
    )
    which.add_argument(
        "--roles",
        action="store_true",
        help="seitsemän kehitysasiakirjan roolien ja yhteystietojen kulta",
    )
    which.add_argument(
        "--heldout",
        action="store_true",
        help="kehitysasiakirjojen jaksojen 6–9 rekisterikulta, jota ei käytetty kehittäessä",
    )
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="kahden merkitsijän yhtäpitävyys (--devdocs tai --heldout), rinnalla poimija",
    )
    args = parser.parse_args(argv)
    chosen = {"devdocs": DEVDOCS_GOLD_PATH, "roles": ROLES_GOLD_PATH, "heldout": HELDOUT_GOLD_PATH}
    path = next((p for flag, p in chosen.items() if getattr(args, flag)), GOLD_PATH)
    if args.agreement and path not in SECOND_GOLD_PATHS:
        parser.error("--agreement tarvitsee valinnan --devdocs tai --heldout")
    if path == GOLD_PATH:
        register, gold = Assistant.load().register, load_gold()
    else:
        from .devdocs import dev_assistant

        register, gold = dev_assistant().register, load_gold(path)
    if args.agreement:
        second = load_gold(SECOND_GOLD_PATHS[path])
        print(f"{len({g['doc_id'] for g in second})} asiakirjaa kahdelta merkitsijältä")
        for pair, figures in agreement(gold, second, register).items():
            print(pair)
            for k, v in figures.items():
                if k != "register_quote_support":
                    print(f"    {k:34s} {v:.3f}")
        return
    d = details(register, gold)
    print(f"{len({g['doc_id'] for g in gold})} asiakirjaa, {len(gold)} kultariviä")
    for k, v in d.items():
        if isinstance(v, float):
            print(f"{k:34s} {v:.3f}")
        elif v:
            print(f"{k}:")
            for item in v:
                print("   ", item if isinstance(item, dict) else {**item.__dict__, "citation": ""})


if __name__ == "__main__":
    main()
