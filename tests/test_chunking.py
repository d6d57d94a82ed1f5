"""Chunking: Finnish sentence splitting, token-bounded chunks, headings, stable ids."""

from __future__ import annotations

import dataclasses
import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.chunking import Chunk, chunk_document, count_tokens, is_heading, split_sentences
from assistant.ingest import Document, load_corpus

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
ID_PATTERN = re.compile(r"^(?P<doc>[^:]+):(?P<ordinal>\d{4}):(?P<digest>[0-9a-f]{10})$")


@pytest.fixture(scope="module")
def docs() -> dict[str, Document]:
    return {d.doc_id: d for d in load_corpus(CORPUS).documents}


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def make_doc(text: str, doc_id: str = "testi", title: str = "Testi") -> Document:
    return Document(doc_id, title, "", "", "document", "", text, "0" * 64)


# --- sentences -------------------------------------------------------------------------------

SENTENCE_CASES: list[tuple[str, list[str]]] = [
    # dates
    (
        "Kokous pidettiin 1.1.2023. Seuraava kokous on keväällä.",
        ["Kokous pidettiin 1.1.2023.", "Seuraava kokous on keväällä."],
    ),
    (
        "Hallitukset kokoontuivat tiistaina 27.9. keskustelemaan yhteistyöstä.",
        ["Hallitukset kokoontuivat tiistaina 27.9. keskustelemaan yhteistyöstä."],
    ),
    (
        "Yhdyspintajaosto kokoontui 26.1. Kokouksen teemoina olivat talous ja ICT.",
        ["Yhdyspintajaosto kokoontui 26.1.", "Kokouksen teemoina olivat talous ja ICT."],
    ),
    (
        "Aluevaltuusto aloittaa toimintansa 1.3.2022. Jatkovalmistelu etenee.",
        ["Aluevaltuusto aloittaa toimintansa 1.3.2022.", "Jatkovalmistelu etenee."],
    ),
    (
        "Sopimus on voimassa 1.1. 2023 alkaen.",
        ["Sopimus on voimassa 1.1. 2023 alkaen."],
    ),
    # abbreviations
    (
        "Asiantuntijaryhmiä on mm. talouteen ja ICT-asioihin.",
        ["Asiantuntijaryhmiä on mm. talouteen ja ICT-asioihin."],
    ),
    (
        "Mukana on mm. Kuntaliitto. Se tukee valmistelua.",
        ["Mukana on mm. Kuntaliitto.", "Se tukee valmistelua."],
    ),
    (
        "Kunnat vastaavat esim. opetuksesta. Hyvinvointialue vastaa sotesta.",
        ["Kunnat vastaavat esim. opetuksesta.", "Hyvinvointialue vastaa sotesta."],
    ),
    (
        "Ks. Keski-Suomen liiton sivut. Siellä on lisää tietoa.",
        ["Ks. Keski-Suomen liiton sivut.", "Siellä on lisää tietoa."],
    ),
    (
        "Lisätietoja antaa Kati Kallimo, puh. 014 266 3001.",
        ["Lisätietoja antaa Kati Kallimo, puh. 014 266 3001."],
    ),
    (
        "Jaakko Selin p. 0400 778 779 tai Maria Kaisa Aula, p. 050 530 9697",
        ["Jaakko Selin p. 0400 778 779 tai Maria Kaisa Aula, p. 050 530 9697"],
    ),
    (
        "Tilaisuus alkaa klo 9.00. Kahvia on tarjolla.",
        ["Tilaisuus alkaa klo 9.00.", "Kahvia on tarjolla."],
    ),
    ("Paikalla oli n. 40 henkeä.", ["Paikalla oli n. 40 henkeä."]),
    (
        "Kyseessä on ns. yhdyspintatyö. Se jatkuu.",
        ["Kyseessä on ns. yhdyspintatyö.", "Se jatkuu."],
    ),
    ("Kunnat, liitto ym. toimijat osallistuvat.", ["Kunnat, liitto ym. toimijat osallistuvat."]),
    (
        "Yhdyspintoja ovat opetus, kaavoitus jne. Lista ei ole täydellinen.",
        ["Yhdyspintoja ovat opetus, kaavoitus jne.", "Lista ei ole täydellinen."],
    ),
    (
        "Talous, ICT yms. siirtyvät. Henkilöstö siirtyy myös.",
        ["Talous, ICT yms. siirtyvät.", "Henkilöstö siirtyy myös."],
    ),
    (
        "Malli on kevyempi (vrt. Pirkanmaa) ja nopeampi.",
        ["Malli on kevyempi (vrt. Pirkanmaa) ja nopeampi."],
    ),
    ("Tiedot ovat s. 12 ja v. 2022 raportissa.", ["Tiedot ovat s. 12 ja v. 2022 raportissa."]),
    ("Sopimus nro. 12 allekirjoitettiin.", ["Sopimus nro. 12 allekirjoitettiin."]),
    ("Luennoi prof. Matti Virtanen.", ["Luennoi prof. Matti Virtanen."]),
    # § and minutes references
    (
        "Asia käsiteltiin Kh 10.10.2022 § 237. Päätös oli yksimielinen.",
        ["Asia käsiteltiin Kh 10.10.2022 § 237.", "Päätös oli yksimielinen."],
    ),
    ("Kh 10.10.2022 § 237\n275/00.01.01/2022", ["Kh 10.10.2022 § 237", "275/00.01.01/2022"]),
    # initials
    (
        "Aluehallituksen puheenjohtaja K. Aula kertoi asiasta.",
        ["Aluehallituksen puheenjohtaja K. Aula kertoi asiasta."],
    ),
    (
        "Puheenjohtajana toimii Maria K. Aula. Varapuheenjohtaja valitaan myöhemmin.",
        ["Puheenjohtajana toimii Maria K. Aula.", "Varapuheenjohtaja valitaan myöhemmin."],
    ),
    ("Puhujana oli J.-P. Virtanen.", ["Puhujana oli J.-P. Virtanen."]),
    # numbers and ordinals
    (
        "Yli 270 000 asukkaan palvelut siirtyvät. Muutos on suuri.",
        ["Yli 270 000 asukkaan palvelut siirtyvät.", "Muutos on suuri."],
    ),
    (
        "Kokous pidettiin jo 3. kerran tänä vuonna.",
        ["Kokous pidettiin jo 3. kerran tänä vuonna."],
    ),
    ("Syyskuun 27. päivänä sovittiin asiasta.", ["Syyskuun 27. päivänä sovittiin asiasta."]),
    (
        "Ks. liite 2. Liitteessä on sopimus.",
        ["Ks. liite 2.", "Liitteessä on sopimus."],
    ),
    (
        "Hyvinvointiohjelma (2021-2024) jatkuu. Ohjelma päivitetään.",
        ["Hyvinvointiohjelma (2021-2024) jatkuu.", "Ohjelma päivitetään."],
    ),
    # URLs and e-mail addresses
    (
        "Aineistot ovat osoitteessa http://www.jyvaskyla.fi/soteuudistus/palvelutuotanto. "
        "Lisätietoja saa kaupungilta.",
        [
            "Aineistot ovat osoitteessa http://www.jyvaskyla.fi/soteuudistus/palvelutuotanto.",
            "Lisätietoja saa kaupungilta.",
        ],
    ),
    (
        "Katso www.kuntaliitto.fi/uutiset?id=3 ja kommentoi.",
        ["Katso www.kuntaliitto.fi/uutiset?id=3 ja kommentoi."],
    ),
    (
        "Lähetä viesti osoitteeseen hanna.helaste@jamsa.fi. Vastaamme pian.",
        ["Lähetä viesti osoitteeseen hanna.helaste@jamsa.fi.", "Vastaamme pian."],
    ),
    # lines: headings, bullets, numbered items, paragraphs
    (
        "Tausta\n\nKunnilla on yhteiset asukkaat. Yhteistyötä tarvitaan.",
        ["Tausta", "Kunnilla on yhteiset asukkaat.", "Yhteistyötä tarvitaan."],
    ),
    (
        "Työryhmät:\n• Oppilashuolto\n• Työllisyys ja kotoutus\n- Hyvinvoinnin edistäminen",
        ["Työryhmät:", "• Oppilashuolto", "• Työllisyys ja kotoutus", "- Hyvinvoinnin edistäminen"],
    ),
    (
        "1. Avaus\n2. Laillisuus ja päätösvaltaisuus",
        ["1. Avaus", "2. Laillisuus ja päätösvaltaisuus"],
    ),
    (
        "Lisätietoja:\nKati Kallimo, puh. 014 266 3001",
        ["Lisätietoja:", "Kati Kallimo, puh. 014 266 3001"],
    ),
    # dash quotes
    (
        "- Valmius on tärkeää. Siksi sovimme yhteistyöstä, Selin totesi.",
        ["- Valmius on tärkeää.", "Siksi sovimme yhteistyöstä, Selin totesi."],
    ),
    (
        "— Me Kuntaliitossa haluamme auttaa, Karhunen kertoo. — Olemme valmiita.",
        ["— Me Kuntaliitossa haluamme auttaa, Karhunen kertoo.", "— Olemme valmiita."],
    ),
    # other terminators
    (
        "Mitä muuttuu? Palvelut siirtyvät! Kunnat jatkavat.",
        ["Mitä muuttuu?", "Palvelut siirtyvät!", "Kunnat jatkavat."],
    ),
    ("Asia jäi kesken… Palataan siihen.", ["Asia jäi kesken…", "Palataan siihen."]),
    (
        "Hän sanoi: ”Yhteistyö on tärkeää.” Kokous jatkui.",
        ["Hän sanoi: ”Yhteistyö on tärkeää.”", "Kokous jatkui."],
    ),
    ("  Välilyönnit   ympärillä.  \n\n", ["Välilyönnit   ympärillä."]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCE_CASES)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_sentence_table_is_large() -> None:
    assert len(SENTENCE_CASES) >= 25


@given(st.text(alphabet="aäB Ö.!?\n-•§1 2:", max_size=200))
@settings(max_examples=300, deadline=None)
def test_sentence_spans_are_ordered_stripped_and_single_line(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for a, b in spans:
        assert previous_end <= a < b <= len(text)
        piece = text[a:b]
        assert piece == piece.strip() and "\n" not in piece
        previous_end = b
    # nothing but whitespace falls between sentences
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())


def test_seed_sentences_do_not_break_at_the_traps(docs: dict[str, Document]) -> None:
    all_sentences = [s for d in docs.values() for s in sentences(d.text)]
    must_be_whole = [
        "Jyväskylän kaupunginhallitus ja Keski-Suomen aluehallitus kokoontuivat tiistaina 27.9. "
        "keskustelemaan tulevasta uudistuksesta ja erityisesti yhteistyöstä sosiaali- ja "
        "terveyspalveluiden sekä pelastustoimen siirtyessä hyvinvointialueen vastuulle noin "
        "kolmen kuukauden päästä toteutuvan uudistuksen myötä.",
        "Yli 270 000 asukkaan palveluiden varmistaminen ja nykyisen palvelutuotannon "
        "muokkaaminen lain edellyttämään yhtiömalliin on mittava urakka.",
        "Edellä mainituilla kokonaisuuksilla on yhteiset asiantuntijatyöryhmät mm. talouteen ja "
        "kiinteistöihin, ICT-asioihin ja henkilöstöasioihin liittyen.",
        "Yhdyspintajaosto kokoontui 26.1.",
        "Kh 10.10.2022 § 237",
        "Lisätietoja: Palvelutuotantotyöryhmän puheenjohtaja, Jyväskylän perusturvan "
        "toimialajohtaja Kati Kallimo, puh. 014 266 3001",
        "Jyväskylän kaupunginhallituksen puheenjohtaja Jaakko Selin p. 0400 778 779 tai "
        "Keski-Suomen aluehallituksen puheenjohtaja Maria Kaisa Aula, p. 050 530 9697",
        "Palvelutuotantotyöryhmän kokoonpano ja kokousaineistot ovat luettavissa osoitteessa: "
        "http://www.jyvaskyla.fi/soteuudistus/palvelutuotanto",
        "Tausta",
        "Pohja on hyvä.",
    ]
    for sentence in must_be_whole:
        assert sentence in all_sentences, sentence


# --- headings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Tausta", True),
        ("Hyvinvointialueen valmistelu", True),
        (
            "Kuntien ja hyvinvointialueiden välillä merkittävästi yhdyspintoja, joihin on luotava "
            "toimivat käytännöt",
            True,
        ),
        ("2. Sopimuksen tavoitteet", True),
        ("Lisätietoja:", False),
        ("Päätös Hyväksyttiin yksimielisesti.", False),
        ("Esittelijä Kunnanjohtaja Helena Vuopionperä-Kovanen", False),
        ("Valmistelija kunnanjohtaja Helena Vuopionperä-Kovanen, p. 050 307 6114", False),
        ("Kh 10.10.2022 § 237", False),
        ("22.9.2016 Emmi Hyvönen", False),
        ("275/00.01.01/2022", False),
        ("• Oppilashuolto", False),
        ("- Hyvinvoinnin edistäminen", False),
        ("pienellä alkava rivi", False),
        ("Kati Kallimo, puh. 014 266 3001", False),
        ("Lisää osoitteessa www.jyvaskyla.fi", False),
        ("Mitä muuttuu?", False),
        (" ".join(["Sana"] * 25), False),
    ],
)
def test_is_heading(line: str, expected: bool) -> None:
    assert is_heading(line) is expected


# --- tokens ----------------------------------------------------------------------------------


def test_count_tokens_uses_offline_cl100k() -> None:
    assert count_tokens("") == 0
    assert count_tokens("hello world") == 2  # cl100k_base: "hello", " world"
    assert count_tokens("<|endoftext|>") > 1  # special tokens are plain text here
    assert count_tokens("Jyväskylän kaupunki") > count_tokens("Jyväskylä")


# --- chunks on the seeds ---------------------------------------------------------------------


def check_chunk_invariants(doc: Document, chunks: list[Chunk], max_tokens: int) -> None:
    assert chunks, doc.doc_id
    for ordinal, c in enumerate(chunks):
        assert c.ordinal == ordinal and c.doc_id == doc.doc_id and c.title == doc.title
        assert doc.text[c.start : c.end] == c.text
        assert c.n_tokens == count_tokens(c.text) <= max_tokens
        assert c.sentences and c.sentences[0][0] == 0 and c.sentences[-1][1] == len(c.text)
        previous_end = 0
        for a, b in c.sentences:
            assert previous_end <= a < b <= len(c.text)
            assert c.text[a:b] == c.text[a:b].strip()
            previous_end = b
        m = ID_PATTERN.match(c.chunk_id)
        assert m and m["doc"] == doc.doc_id and int(m["ordinal"]) == ordinal
    # chunks advance through the document and together cover all of it
    assert chunks[0].start == 0 and chunks[-1].end == len(doc.text)
    for prev, nxt in itertools.pairwise(chunks):
        assert prev.start < nxt.start <= prev.end + 2 and prev.end < nxt.end
        if len(prev.sentences) == 1:
            assert nxt.start >= prev.end  # overlap never repeats a whole chunk


def test_seed_chunks_are_within_bounds_and_exact(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        chunks = chunk_document(doc)
        check_chunk_invariants(doc, chunks, 480)
        for c in chunks[:-1]:
            assert 100 <= c.n_tokens <= 200, (c.chunk_id, c.n_tokens)  # near the target
        assert chunks[-1].n_tokens <= 200


def test_every_sentence_of_a_document_lands_in_a_chunk(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        spans = set(split_sentences(doc.text))
        covered = {(c.start + a, c.start + b) for c in chunk_document(doc) for a, b in c.sentences}
        assert spans == covered


def test_small_chunks_split_long_sentences_within_the_cap(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        chunks = chunk_document(doc, chunk_tokens=40, overlap=1, max_tokens=60)
        check_chunk_invariants(doc, chunks, 60)


def test_overlap_repeats_exactly_one_sentence(docs: dict[str, Document]) -> None:
    seen_overlap = 0
    for doc in docs.values():
        chunks = chunk_document(doc)
        for prev, nxt in itertools.pairwise(chunks):
            first = nxt.text[nxt.sentences[0][0] : nxt.sentences[0][1]]
            if is_heading(first):
                assert nxt.start > prev.end  # a new section starts without overlap
                continue
            a, b = prev.sentences[-1]
            assert nxt.start == prev.start + a  # starts with the previous chunk's last sentence
            assert first == prev.text[a:b]
            assert nxt.sentences[1][0] > 0 and nxt.start + nxt.sentences[1][0] > prev.end
            seen_overlap += 1
    assert seen_overlap >= 30


def test_no_overlap_and_two_sentence_overlap(docs: dict[str, Document]) -> None:
    doc = docs["2016-09-22-jyvaskyla-sote-johtajat"]
    plain = chunk_document(doc, overlap=0)
    for prev, nxt in itertools.pairwise(plain):
        assert nxt.start > prev.end
    two = chunk_document(doc, overlap=2)
    shared = 0
    for prev, nxt in itertools.pairwise(two):
        if nxt.start < prev.end:
            overlap_text = doc.text[nxt.start : prev.end]
            assert len(split_sentences(overlap_text)) == 2
            shared += 1
    assert shared >= 5


def test_chunks_do_not_end_with_a_heading(docs: dict[str, Document]) -> None:
    for doc in docs.values():
        for c in chunk_document(doc)[:-1]:
            a, b = c.sentences[-1]
            assert not is_heading(c.text[a:b]), c.chunk_id


def heading_of(chunks: list[Chunk], needle: str) -> str:
    matching = [c for c in chunks if needle in c.text]
    assert matching, needle
    headings = {c.heading for c in matching}
    assert len(headings) == 1, (needle, headings)
    return headings.pop()


def test_heading_assignment_on_the_seeds(docs: dict[str, Document]) -> None:
    yhdys = chunk_document(docs["2022-02-02-yhdyspintajaosto"])
    assert yhdys[0].heading == (
        "Yhdyspintajaosto kokoontui - tavoitteena hyvinvointialueen ja kuntien saumaton yhteistyö"
    )
    assert heading_of(yhdys, "Kunnilla ja hyvinvointialueilla on yhteiset asukkaat ja laajoja") == (
        "Kuntien ja hyvinvointialueen yhteiset palvelut ja asukkaat"
    )
    assert heading_of(yhdys, "Tiedonkeruu talouteen") == "Hyvinvointialueen valmistelu"
    assert heading_of(yhdys, "Oppilashuollon työryhmä") == (
        "Yhdyspintajaoston työryhmien katsaukset ja jatkosuunnitelmat"
    )
    assert yhdys[-1].heading == "Seuraava kokous"

    minutes = chunk_document(docs["2022-10-10-kunnanhallitus-puitesopimus"])
    assert minutes[0].heading.startswith("Keski-Suomen kuntien, Keski-Suomen liiton")
    assert heading_of(minutes, "Lainsäädännössä on säädetty yhteistyövelvoite") == "Tausta"
    assert heading_of(minutes, "Päätös Hyväksyttiin yksimielisesti.") == "Tausta"

    sote = chunk_document(docs["2016-09-22-jyvaskyla-sote-johtajat"])
    assert heading_of(sote, "Ohjausryhmä nimeää seuraavaksi") == (
        "Palvelutuotantotyöryhmä nimeää syksyn aikana uudet alatyöryhmänsä"
    )
    assert heading_of(sote, "Pohja on hyvä.") == (
        "Keski-Suomen kuntien sote-johtajat kannustavat rohkeaan visiointiin palvelutuotannon "
        "osalta"
    )

    kuntaliitto = chunk_document(docs["2022-kuntaliitto-yhteistyo"])
    assert heading_of(kuntaliitto, "Molempien toiminta ja hallinto") == (
        "Kunnilla ja hyvinvointialueilla paljon yhteisiä asioita"
    )

    # the 28.9.2022 item has no headings at all
    assert {c.heading for c in chunk_document(docs["2022-09-28-jyvaskyla-aluehallitus"])} == {""}


def test_context_carries_title_and_heading(docs: dict[str, Document]) -> None:
    chunks = chunk_document(docs["2022-02-02-yhdyspintajaosto"])
    c = next(c for c in chunks if c.heading == "Hyvinvointialueen valmistelu")
    assert c.context == f"{c.title} — Hyvinvointialueen valmistelu\n{c.text}"


# --- stable ids ------------------------------------------------------------------------------


def test_ids_are_stable_across_runs() -> None:
    first = [c.chunk_id for d in load_corpus(CORPUS).documents for c in chunk_document(d)]
    second = [c.chunk_id for d in load_corpus(CORPUS).documents for c in chunk_document(d)]
    assert first == second
    assert len(set(first)) == len(first)


def test_ids_change_when_the_text_changes(docs: dict[str, Document]) -> None:
    doc = docs["2022-09-28-jyvaskyla-aluehallitus"]
    before = chunk_document(doc)
    changed_text = doc.text.replace("p. 050 530 9697", "p. 050 530 9698")
    assert changed_text != doc.text
    after = chunk_document(dataclasses.replace(doc, text=changed_text))
    assert len(after) == len(before)
    assert [c.chunk_id for c in after[:-1]] == [c.chunk_id for c in before[:-1]]
    assert after[-1].chunk_id != before[-1].chunk_id
    assert after[-1].chunk_id.rsplit(":", 1)[0] == before[-1].chunk_id.rsplit(":", 1)[0]


def test_ids_change_when_the_title_changes(docs: dict[str, Document]) -> None:
    doc = docs["2022-09-28-jyvaskyla-aluehallitus"]
    before = chunk_document(doc)
    fixed = dataclasses.replace(doc, title="Korjattu otsikko", context_title="Korjattu otsikko")
    after = chunk_document(fixed)
    # the title is embedded with every chunk: a corrected one must be embedded again
    assert [c.text for c in after] == [c.text for c in before]
    assert all(a.chunk_id != b.chunk_id for a, b in zip(after, before, strict=True))


# --- synthetic documents ---------------------------------------------------------------------


def test_short_sentences_fill_chunks_close_to_the_target() -> None:
    text = " ".join(f"Kunta {i} tekee yhteistyötä hyvinvointialueen kanssa." for i in range(400))
    doc = make_doc(text)
    chunks = chunk_document(doc, chunk_tokens=200, overlap=1, max_tokens=480)
    check_chunk_invariants(doc, chunks, 480)
    for c in chunks[:-1]:
        assert 180 <= c.n_tokens <= 200, c.n_tokens


def test_an_over_long_sentence_is_cut_at_word_boundaries() -> None:
    text = "Johdanto.\n\n" + " ".join(["yhteistyörakenteiden"] * 1500) + ".\n\nLoppu."
    doc = make_doc(text)
    chunks = chunk_document(doc, chunk_tokens=200, overlap=1, max_tokens=480)
    check_chunk_invariants(doc, chunks, 480)
    assert len(chunks) > 5
    for c in chunks:
        for a, b in c.sentences:
            start, end = c.start + a, c.start + b
            assert start == 0 or text[start - 1] in " \n"
            assert end == len(text) or text[end] in " \n."


def test_a_word_longer_than_the_cap_is_cut_hard_but_within_the_cap() -> None:
    doc = make_doc("Alku. " + "x" * 20000 + " loppu.")
    chunks = chunk_document(doc, chunk_tokens=100, overlap=1, max_tokens=150)
    check_chunk_invariants(doc, chunks, 150)


def test_large_document_chunks_cover_every_sentence() -> None:
    paragraph = (
        "Tausta\n\nKunnat ja hyvinvointialue sopivat yhteistyöstä 1.1.2023 alkaen. Yli 270 000 "
        "asukkaan palvelut siirtyvät, ks. esim. s. 12. Lisätietoja antaa K. Aula, "
        "p. 050 530 9697.\n\n• talous\n• ICT\n\n"
    )
    text = (paragraph * 2000).strip()
    doc = make_doc(text)
    chunks = chunk_document(doc)
    check_chunk_invariants(doc, chunks, 480)
    covered = {(c.start + a, c.start + b) for c in chunks for a, b in c.sentences}
    assert covered == set(split_sentences(text))


def test_empty_document_has_no_chunks() -> None:
    assert chunk_document(make_doc("")) == []


def test_invalid_parameters_are_rejected() -> None:
    with pytest.raises(ValueError):
        chunk_document(make_doc("Teksti."), chunk_tokens=500, max_tokens=480)
    with pytest.raises(ValueError):
        chunk_document(make_doc("Teksti."), overlap=-1)
