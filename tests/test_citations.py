"""The citation validator: table tests of each behaviour plus property-based marker soups."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer import Citation
from assistant.citations import (
    MARKER_RE,
    SourceRef,
    check_integrity,
    finalize,
    locate_quote,
    marker_numbers,
)
from assistant.retrieve import Passage

TEXTS = {
    "c1": "Keski-Suomen liitto on maakunnan liitto. Maakuntahallituksen puheenjohtaja on "
    "Matti Virtanen. Liittoon kuuluu 22 kuntaa.",
    "c2": "Hyvinvointialue järjestää   sote-palvelut.\nAluevaltuusto päättää talousarviosta.",
    # Decomposed (NFD) ä and ö, as some PDF extractors leave them.
    "c3": unicodedata.normalize("NFD", "Jyväskylän kaupunki ja Äänekoski tekevät yhteistyötä."),
}
PASSAGES = [
    Passage(
        chunk_id=cid, doc_id=f"doc-{cid}", score=1.0 / (i + 1), text=text, title=f"Otsikko {cid}",
        date="2024-01-0" + str(i + 1), publisher="Keski-Suomen liitto", url=f"https://example.fi/{cid}",
    )
    for i, (cid, text) in enumerate(TEXTS.items())
]  # fmt: skip

MATTI = SourceRef("c1", "Maakuntahallituksen puheenjohtaja on Matti Virtanen.")
KUNNAT = SourceRef("c1", "Liittoon kuuluu 22 kuntaa.")
SOTE = SourceRef("c2", "Aluevaltuusto päättää talousarviosta.")


def order_of_first_use(text: str) -> list[int]:
    """Marker numbers of ``text`` in order of first appearance."""
    seen: list[int] = []
    for m in MARKER_RE.finditer(text):
        for n in marker_numbers(m.group()):
            if n not in seen:
                seen.append(n)
    return seen


def run(text: str, refs: dict[int, SourceRef]) -> tuple[str, tuple[Citation, ...]]:
    """finalize + the integrity check every result must pass."""
    out, cits = finalize(text, refs, PASSAGES)
    assert check_integrity(out, cits, TEXTS) == []
    return out, cits


# --- table tests -------------------------------------------------------------------------


def test_valid_markers_are_kept_with_exact_quotes_and_metadata() -> None:
    out, cits = run("Puheenjohtaja on Matti Virtanen [1]. Kuntia on 22 [2].", {1: MATTI, 2: KUNNAT})
    assert out == "Puheenjohtaja on Matti Virtanen [1]. Kuntia on 22 [2]."
    assert [c.n for c in cits] == [1, 2]
    c = cits[0]
    assert (c.doc_id, c.title, c.date, c.publisher, c.url, c.chunk_id) == (
        "doc-c1", "Otsikko c1", "2024-01-01", "Keski-Suomen liitto", "https://example.fi/c1", "c1",
    )  # fmt: skip
    assert c.quote == MATTI.quote == TEXTS["c1"][c.start : c.end]


def test_renumbered_by_first_appearance() -> None:
    out, cits = run(
        "Kuntia on 22 [2]. Puheenjohtaja on Matti [1]. Taas [2].", {1: MATTI, 2: KUNNAT}
    )
    assert out == "Kuntia on 22 [1]. Puheenjohtaja on Matti [2]. Taas [1]."
    assert [(c.n, c.quote) for c in cits] == [(1, KUNNAT.quote), (2, MATTI.quote)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Väite [9].", "Väite."),
        ("Väite [9] ja toinen [1].", "Väite ja toinen [1]."),
        ("[9] Alku.", "Alku."),
        ("Loppu [9]", "Loppu"),
        ("Väite [9], sitten [1]", "Väite, sitten [1]"),
        ("Sa[9]na [1].", "Sana [1]."),
        ("Rivi [9]\nToinen [1].", "Rivi\nToinen [1]."),
        ("Väite [9] [8] [7]  .", "Väite."),
        ("Väite [9] [1].", "Väite [1]."),
    ],
)
def test_markers_pointing_nowhere_are_removed_tidily(text: str, expected: str) -> None:
    out, cits = run(text, {1: MATTI})
    assert out == expected
    assert "  " not in out and " ." not in out and " ," not in out
    assert len(cits) == (1 if "[1]" in expected else 0)


@pytest.mark.parametrize(
    "text",
    [
        "Molemmat [1, 2].",
        "Molemmat [1][2].",
        "Molemmat [1] [2].",
        "Molemmat [1-2].",
        "Molemmat [1;2].",
    ],
)
def test_marker_forms_are_normalised(text: str) -> None:
    out, cits = run(text, {1: MATTI, 2: SOTE})
    assert out == "Molemmat [1] [2]."
    assert [c.chunk_id for c in cits] == ["c1", "c2"]


def test_spaced_marker_is_normalised() -> None:
    out, _ = run("Väite [ 3 ].", {3: KUNNAT})
    assert out == "Väite [1]."


def test_ref_to_chunk_not_among_passages_is_removed() -> None:
    out, cits = run("Väite [1]. Toinen [2].", {1: SourceRef("other", "Mitä tahansa."), 2: SOTE})
    assert out == "Väite. Toinen [1]."
    assert [c.chunk_id for c in cits] == ["c2"]


@pytest.mark.parametrize(
    "quote",
    [
        "",
        "   ",
        "Maakuntahallituksen puheenjohtaja on Matti Virtane.",  # near miss
        "maakuntahallituksen puheenjohtaja on Matti Virtanen.",  # case differs
        "Aluevaltuusto päättää talousarviosta.",  # real sentence, wrong chunk
    ],
)
def test_unlocatable_quote_is_removed(quote: str) -> None:
    out, cits = run("Väite [1].", {1: SourceRef("c1", quote)})
    assert (out, cits) == ("Väite.", ())


def test_whitespace_difference_maps_back_to_original_span() -> None:
    out, cits = run(
        "Palvelut [1].", {1: SourceRef("c2", "Hyvinvointialue järjestää sote-palvelut.")}
    )
    assert out == "Palvelut [1]."
    assert cits[0].quote == "Hyvinvointialue järjestää   sote-palvelut."
    assert cits[0].start == 0


def test_nfc_difference_maps_back_to_original_span() -> None:
    composed = "Jyväskylän kaupunki ja Äänekoski"
    assert composed not in TEXTS["c3"]
    out, cits = run("Yhteistyö [1].", {1: SourceRef("c3", composed)})
    assert out == "Yhteistyö [1]."
    assert cits[0].quote == unicodedata.normalize("NFD", composed)
    assert cits[0].quote == TEXTS["c3"][cits[0].start : cits[0].end]


def test_quote_with_newline_matches_across_line_break() -> None:
    quote = "sote-palvelut. Aluevaltuusto"
    span = locate_quote(quote, TEXTS["c2"])
    assert span is not None and TEXTS["c2"][span[0] : span[1]] == "sote-palvelut.\nAluevaltuusto"


def test_markers_for_the_same_span_merge() -> None:
    dup = SourceRef("c1", MATTI.quote)
    out, cits = run(
        "Matti [1][2]. Kuntia on 22 [3]. Matti taas [2].", {1: MATTI, 2: dup, 3: KUNNAT}
    )
    assert out == "Matti [1]. Kuntia on 22 [2]. Matti taas [1]."
    assert len(cits) == 2


def test_no_unused_citations() -> None:
    _, cits = run("Vain yksi [2].", {1: MATTI, 2: KUNNAT, 3: SOTE})
    assert [(c.n, c.quote) for c in cits] == [(1, KUNNAT.quote)]


def test_marker_inside_word_is_kept_when_valid() -> None:
    out, cits = run("Sa[1]na.", {1: MATTI})
    assert out == "Sa[1]na." and len(cits) == 1


def test_removal_does_not_leave_a_new_marker_behind() -> None:
    out, cits = run("Outo [1[9]] teksti.", {1: MATTI})
    assert order_of_first_use(out) == [c.n for c in cits]


def test_huge_numbers_and_malformed_brackets_do_not_crash() -> None:
    text = "A [" + "9" * 5000 + "] B [1 C 2] D [] E [x] F [1"
    out, cits = run(text, {1: MATTI})
    assert cits == ()
    assert "[1 C 2]" in out and "[x]" in out and out.endswith("F [1")


def test_duplicate_passages_use_the_first() -> None:
    twice = [*PASSAGES, replace(PASSAGES[0], doc_id="other-doc")]
    _, cits = finalize("Väite [1].", {1: MATTI}, twice)
    assert cits[0].doc_id == "doc-c1"


# --- check_integrity catches hand-made broken answers -----------------------------------


Breakage = Callable[[str, list[Citation]], tuple[str, list[Citation]]]


def good() -> tuple[str, list[Citation]]:
    """A correct answer to break in the tests below."""
    out, cits = run("Matti [1]. Kuntia 22 [2].", {1: MATTI, 2: KUNNAT})
    return out, list(cits)


def test_good_answer_passes() -> None:
    text, cits = good()
    assert check_integrity(text, cits, TEXTS) == []


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (lambda t, c: (t + " Lisää [3].", c), "has no citation"),
        (lambda t, c: (t.replace("[2]", ""), c), "not used"),
        (lambda t, c: ("Kuntia 22 [2]. Matti [1].", c), "not numbered 1..N"),
        (
            lambda t, c: ("Matti [1]. Kuntia 22 [3].", [c[0], replace(c[1], n=3)]),
            "not numbered 1..N",
        ),
        (
            lambda t, c: (t, [c[0], replace(c[1], quote="Liittoon kuuluu 23 kuntaa.")]),
            "quote is not",
        ),
        (lambda t, c: (t, [c[0], replace(c[1], start=c[1].start + 1)]), "quote is not"),
        (lambda t, c: (t, [c[0], replace(c[1], end=10_000)]), "outside the chunk"),
        (lambda t, c: (t, [c[0], replace(c[1], chunk_id="nope")]), "unknown"),
        (lambda t, c: (t, [c[0], replace(c[1], quote="", end=c[1].start)]), "empty"),
        (lambda t, c: (t, [*c, c[1]]), "more than once"),
        (lambda t, c: (t.replace("[2]", "[2, 1]"), c), "not of the form"),
        (lambda t, c: (t.replace("[2]", "[ 2 ]"), c), "not of the form"),
    ],
)
def test_check_integrity_catches_each_violation(breakage: Breakage, problem: str) -> None:
    text, cits = breakage(*good())
    problems = check_integrity(text, cits, TEXTS)
    assert any(problem in p for p in problems), problems


# --- property-based: random marker soups and quotes --------------------------------------

ALL_REFS_SOURCES = list(TEXTS.items())


@st.composite
def quotes(draw: st.DrawFn) -> SourceRef:
    """Real substrings, near misses, whitespace/NFC variants, empty strings, unknown chunks."""
    cid, text = draw(st.sampled_from([*ALL_REFS_SOURCES, ("missing", "Ei tällaista palaa.")]))
    i = draw(st.integers(0, len(text) - 1))
    j = draw(st.integers(i + 1, len(text)))
    quote = text[i:j]
    kinds = ["exact", "exact", "exact", "near", "space", "nfc", "nfd", "random", "empty"]
    kind = draw(st.sampled_from(kinds))
    if kind == "near" and quote:
        k = draw(st.integers(0, len(quote) - 1))
        quote = quote[:k] + draw(st.characters()) + quote[k + 1 :]
    elif kind == "space":
        quote = re.sub(r"\s+", lambda m: draw(st.sampled_from([" ", "  ", "\n", "\t "])), quote)
    elif kind == "nfc":
        quote = unicodedata.normalize("NFC", quote)
    elif kind == "nfd":
        quote = unicodedata.normalize("NFD", quote)
    elif kind == "random":
        quote = draw(st.text(max_size=20))
    elif kind == "empty":
        quote = draw(st.sampled_from(["", " ", "\n"]))
    return SourceRef(cid, quote)


NUM = st.integers(1, 6).map(str) | st.integers(0, 12).map(str) | st.sampled_from(["007", "9" * 12])
MARKER = st.one_of(
    NUM.map(lambda n: f"[{n}]"),
    st.tuples(NUM, NUM).map(lambda p: f"[{p[0]}, {p[1]}]"),
    st.tuples(NUM, NUM).map(lambda p: f"[{p[0]}-{p[1]}]"),
    NUM.map(lambda n: f"[ {n} ]"),
    st.lists(NUM, min_size=2, max_size=4).map(lambda ns: "".join(f"[{n}]" for n in ns)),
    NUM.map(lambda n: f"[{n}"),  # malformed
    NUM.map(lambda n: f"{n}]"),  # malformed
    NUM.map(lambda n: f"[[{n}]]"),
    st.sampled_from(["[", "]", "[]", "[x]", "[1,]", "[-1]", "[1 2]"]),
)
WORD = st.text(min_size=0, max_size=8) | st.sampled_from(
    ["Matti", "Äänekoski", "kunta", ".", ",", " ", "\n", "  ", "é", "e\u0301", "日本", "🙂"]
)
SOUP = st.lists(MARKER | MARKER | WORD, min_size=1, max_size=30).flatmap(
    lambda parts: st.lists(
        st.sampled_from(["", " ", "\n"]), min_size=len(parts), max_size=len(parts)
    ).map(lambda seps: "".join(p + s for p, s in zip(parts, seps, strict=True)))
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=SOUP, refs=st.dictionaries(st.integers(0, 8), quotes(), min_size=1, max_size=8))
def test_any_soup_comes_out_with_integrity(text: str, refs: dict[int, SourceRef]) -> None:
    out, cits = finalize(text, refs, PASSAGES)
    assert check_integrity(out, cits, TEXTS) == []
    assert order_of_first_use(out) == list(range(1, len(cits) + 1))
    assert [c.n for c in cits] == list(range(1, len(cits) + 1))
    for c in cits:
        assert c.quote and c.quote == TEXTS[c.chunk_id][c.start : c.end]
        # Each citation comes from a proposed ref that really locates there.
        assert any(
            r.chunk_id == c.chunk_id
            and locate_quote(r.quote, TEXTS[c.chunk_id]) == (c.start, c.end)
            for r in refs.values()
        )
    # Spans are distinct: one number per (chunk, start, end).
    assert len({(c.chunk_id, c.start, c.end) for c in cits}) == len(cits)


@settings(max_examples=200, deadline=None)
@given(text=SOUP)
def test_soup_without_refs_loses_every_marker(text: str) -> None:
    out, cits = finalize(text, {}, PASSAGES)
    assert cits == () and MARKER_RE.search(out) is None


@settings(max_examples=200, deadline=None)
@given(source=st.sampled_from(ALL_REFS_SOURCES), data=st.data())
def test_real_substrings_are_always_located(source: tuple[str, str], data: st.DataObject) -> None:
    cid, text = source
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    if not text[i:j].strip():
        return
    out, cits = run("Väite [4].", {4: SourceRef(cid, text[i:j])})
    assert out == "Väite [1]." and cits[0].quote == text[i:j]
