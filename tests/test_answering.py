"""The answering package: Finnish analysis, question analysis, features, the model and its bands,
composing the answer, and fitting (evals.train) on hand-made cases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.answering import nlp as nlp_module
from assistant.answering.compose import AS_OF, HEDGE, chosen
from assistant.answering.features import FEATURES, INDEX, lemma_in, residue_of
from assistant.answering.model import DEFAULT_PATH, AnswerModel, ModelError
from assistant.answering.nlp import STATUS_FULL, STATUS_NO_LEMMAS, STATUS_STEMS, Parsed, load_nlp
from assistant.answering.question import focus_nouns, places
from assistant.answering.recency import (
    asked_years,
    asks_now,
    asks_term,
    contemporary_first,
    newest_first,
    same_thing,
    states_term,
    term_statement,
)
from assistant.lexical import stems
from assistant.metadata import fi_date
from assistant.register import held_then

# -- Finnish analysis ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fi() -> nlp_module.NLP:
    return load_nlp()


def test_spacy_with_voikko_gives_lemmas_parse_and_entities(fi: nlp_module.NLP) -> None:
    assert fi.status == STATUS_FULL
    parsed = fi.analyze("Keski-Suomen liiton maakuntajohtaja Pekka Hokkanen puhui Jyväskylässä.")
    lemmas = {t.text: t.lemma for t in parsed.tokens}
    assert lemmas["liiton"] == "liitto" and lemmas["Jyväskylässä"] == "jyväskylä"
    assert "PERSON" in parsed.labels()
    assert Parsed.from_list(parsed.to_list()) == parsed


def test_skipping_the_word_probabilities_changes_no_analysis(fi: nlp_module.NLP) -> None:
    import spacy

    assert not fi._nlp.vocab.lookups.tables  # the 500,000-row table is not loaded
    full = nlp_module.NLP(STATUS_FULL, "full", spacy.load(nlp_module.MODEL), True)
    texts = [
        "Keski-Suomen hyvinvointialue vastaa sosiaali- ja terveyspalveluista 1.1.2023 alkaen.",
        "Kunnanhallitus esittää valtuustolle, että sopimus hyväksytään (Kh 10.11.2025 § 239).",
        "Lisätietoja antaa maakuntajohtaja Pekka Hokkanen, puh. 040 123 4567.",
        "Kuka vastasi pelastustoimesta Jämsässä vuonna 2022?",
    ]
    assert list(fi.pipe(texts)) == list(full.pipe(texts))


def test_question_focus_keeps_whose_it_is(fi: nlp_module.NLP) -> None:
    parsed = fi.analyze("Kuka toimii Keski-Suomen liiton maakuntajohtajana?")
    focus = dict(focus_nouns(parsed))
    assert set(focus["maakuntajohtaja"]) == {"liitto", "keski-suomi"}
    assert "keski-suomi" in places(parsed)


def test_without_voikko_the_parse_stays_and_lemmas_become_stems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import libvoikko

    def missing(*args: Any, **kwargs: Any) -> None:
        raise OSError("libvoikko.so.1: cannot open shared object file")

    monkeypatch.setattr(libvoikko, "Voikko", missing)
    load_nlp.cache_clear()
    try:
        degraded = load_nlp()
        assert degraded.status == STATUS_NO_LEMMAS
        parsed = degraded.analyze("Kunnanhallitus hyväksyi sopimuksen.")
        assert [t.lemma for t in parsed.tokens][:2] == stems("Kunnanhallitus hyväksyi")
        assert parsed.tokens[1].pos == "VERB"
    finally:
        load_nlp.cache_clear()


def test_no_model_means_snowball_stems() -> None:
    stemmed = load_nlp("")
    assert stemmed.status == STATUS_STEMS and stemmed.model_id == "stems"
    parsed = stemmed.analyze("Kunnanhallitus hyväksyi sopimuksen")
    assert [t.lemma for t in parsed.tokens] == stems("Kunnanhallitus hyväksyi sopimuksen")
    assert load_nlp("ei-tällaista-mallia").status == STATUS_STEMS


# -- features -------------------------------------------------------------------------------------


def test_lemma_matches_the_compound_it_ends() -> None:
    assert lemma_in("valtuusto", frozenset({"kunnanvaltuusto"}))
    assert not lemma_in("kunta", frozenset({"kuntayhtymä"}))


def test_residue_blanks_the_question_words() -> None:
    question = frozenset(stems("Kuka on aluehallituksen puheenjohtaja?"))
    residue = residue_of("Aluehallituksen puheenjohtaja on Maria Kaisa Aula.", question)
    assert "Maria Kaisa Aula" in residue and "puheenjohtaja" not in residue


def test_examine_gives_one_row_per_candidate(assistant: Any) -> None:
    table = assistant.examine("Kuka on Keski-Suomen aluehallituksen puheenjohtaja?")
    assert table.x.shape == (len(table.candidates), len(FEATURES))
    assert table.candidates and np.isfinite(table.x).all()
    assert len(set(table.column("q_person").tolist())) == 1  # a column of the question
    texts = [text for text, _ in assistant.sentences_of(table)]
    named = [i for i, t in enumerate(texts) if "Maria Kaisa Aula" in t]
    assert named and table.x[named[0], INDEX["typed_new"]] == 1.0


# -- model, bands, composing ---------------------------------------------------------------------


def _tiny_model(tmp_path: Path) -> AnswerModel:
    import lightgbm

    rng = np.random.default_rng(0)
    x = rng.random((200, len(FEATURES)))
    y = (x[:, INDEX["dense"]] > 0.5).astype(float)
    booster = lightgbm.train(
        {"objective": "binary", "verbosity": -1, "num_leaves": 4, "seed": 1},
        lightgbm.Dataset(x, y, feature_name=list(FEATURES)),
        num_boost_round=5,
    )
    return AnswerModel(FEATURES, booster, (0.0, 0.5, 1.0), (0.0, 0.4, 0.9), high=0.8, low=0.3)


def test_model_round_trip_bands_and_confidence(tmp_path: Path) -> None:
    model = _tiny_model(tmp_path)
    path = tmp_path / "m.json"
    model.save(path)
    loaded = AnswerModel.load(path, FEATURES)
    x = np.random.default_rng(1).random((3, len(FEATURES)))
    assert np.allclose(loaded.score(x), model.score(x))
    assert loaded.confidence(0.25) == pytest.approx(0.2)
    assert [loaded.band(c) for c in (0.9, 0.5, 0.1)] == ["high", "low", "none"]


def test_a_model_for_other_features_is_refused_in_finnish(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    _tiny_model(tmp_path).save(path)
    with pytest.raises(ModelError, match="koulutettu eri piirteillä"):
        AnswerModel.load(path, (*FEATURES, "uusi"))
    with pytest.raises(ModelError, match="ei voi lukea"):
        AnswerModel.load(tmp_path / "puuttuu.json", FEATURES)


def test_training_can_load_the_index_past_a_model_of_other_features(
    corpus_settings: Any, tmp_path: Path
) -> None:
    """After a change of features the shipped model no longer fits; the app refuses it, and
    training (which needs only the features) still opens the index."""
    from dataclasses import replace

    from assistant import Assistant

    path = tmp_path / "m.json"
    replace(_tiny_model(tmp_path), features=(*FEATURES, "vanha")).save(path)
    settings = replace(corpus_settings, answer_model=path)
    with pytest.raises(ModelError, match="koulutettu eri piirteillä"):
        Assistant.load(settings)
    untrained = Assistant.load(settings, answer_model=False)
    assert untrained.answer_model is None
    assert len(untrained.examine("Kuka on Keski-Suomen aluehallituksen puheenjohtaja?").x)


def test_the_shipped_model_fits_the_code() -> None:
    model = AnswerModel.load(DEFAULT_PATH, FEATURES)
    assert 0.0 <= model.low <= model.high <= 1.0
    assert model.meta["folds"] and 5 not in model.meta["folds"]  # never the untouched fold
    assert DEFAULT_PATH.stat().st_size < 2_000_000


def test_runners_up_join_only_when_close_and_other_documents_closer_still() -> None:
    scores = [0.9, 0.5, 0.4, 0.35]
    order = [0, 1, 2, 3]
    assert chosen(scores, order, ["a", "a", "b", "a"], 0.3) == [0, 1]  # b: 0.4 < 0.6 × 0.9
    assert chosen(scores, order, ["a", "a", "a", "a"], 0.3) == [0, 1, 2]  # at most three
    assert chosen(scores, order, ["a", "b", "b", "b"], 0.3) == [0]
    assert chosen([0.5, 0.45], [0, 1], ["a", "b"], 0.3) == [0, 1]
    # a newer document's weaker sentence moved first: runners-up are held to the best score
    assert chosen([0.9, 0.3, 0.2, 0.25], [2, 0, 1, 3], ["old", "old", "new", "new"], 0.3) == [2, 0]


def test_answer_json_carries_the_band(assistant: Any) -> None:
    answer = assistant.ask("Kuka on Keski-Suomen aluehallituksen puheenjohtaja?")
    data = answer.to_dict()
    assert data["confidence"] in ("high", "low") and data["abstained"] is False
    assert data["answer"].startswith(HEDGE) == (data["confidence"] == "low")
    nothing = assistant.ask("Mikä on Pirkanmaan hyvinvointialueen kuntayhteistyölautakunnan nimi?")
    assert (nothing.confidence == "none") == nothing.abstained


def test_swapping_the_model_changes_the_bands_not_the_index(assistant: Any, tmp_path: Path) -> None:
    model = assistant.answer_model
    sure = AnswerModel(model.features, model.booster, (0.0, 1.0), (1.0, 1.0), high=0.5, low=0.1)
    never = AnswerModel(model.features, model.booster, (0.0, 1.0), (0.0, 0.0), high=0.5, low=0.1)
    question = "Milloin yhdyspintajaosto kokoontui?"
    assert assistant.with_model(sure).ask(question).confidence == "high"
    assert assistant.with_model(never).ask(question).confidence == "none"
    assert assistant.with_model(sure).documents() == assistant.documents()


# -- fitting ------------------------------------------------------------------------------------


def test_labels_need_an_accepted_answer_from_a_gold_document() -> None:
    from evals.gold import GoldQuestion
    from evals.train import label

    q = GoldQuestion("x1", "person", "Kuka?", {"a": 2}, ("Maria Kaisa Aula",), True)
    texts = ["Puheenjohtaja on Maria Kaisa Aula.", "Maria Kaisa Aula puhui.", "Jaakko Selin."]
    assert label(texts, ["a", "b", "a"], q).tolist() == [1.0, 0.0, 0.0]
    unanswerable = GoldQuestion("x2", "unanswerable", "Kuka?", {}, (), False)
    assert label(texts, ["a", "a", "a"], unanswerable).tolist() == [0.0, 0.0, 0.0]


def test_band_thresholds_meet_their_definitions() -> None:
    from evals.train import thresholds

    # (score, right, answerable): twelve sure and right, two unsure, one unanswerable
    tops = [(0.9, True, True)] * 12 + [(0.5, True, True), (0.5, False, True), (0.1, False, False)]
    confidences = [0.95] * 12 + [0.5, 0.5, 0.05]
    high, low = thresholds(confidences, tops)
    assert high == 0.95  # the lowest bar whose answers are right ≥ 95 % of the time
    assert low == 0.5  # the highest bar leaving ≤ 6 % of answerable questions without answer
    assert thresholds(confidences[-5:], tops[-5:])[0] == 1.0  # too few sure answers to trust


def test_fit_uses_out_of_fold_scores_for_its_calibration() -> None:
    from evals.train import Example, Examples, fit

    rng = np.random.default_rng(2)
    items = []
    for i in range(90):
        x = rng.random((6, len(FEATURES))).astype(np.float32)
        y = np.zeros(6, dtype=np.float32)
        answerable = i % 3 != 0
        if answerable:
            best = int(np.argmax(x[:, INDEX["support"]]))
            y[best] = 1.0
        fold = None if i < 30 else 1 + i % 3
        items.append(Example(f"q{i}", fold, answerable, x, y, tuple("abcabc")))
    model = fit(Examples(items), [1, 2, 3])
    assert model.meta["folds"] == [1, 2, 3]
    assert list(model.calibration_x) == sorted(model.calibration_x)
    assert list(model.calibration_y) == sorted(model.calibration_y)
    assert 0.0 <= model.low <= model.high <= 1.0
    # another LightGBM seed: another draw of row and feature sampling, recorded in meta
    reseeded = fit(Examples(items), [1, 2, 3], seed=8)
    assert reseeded.meta["seed"] == 8 and "seed" not in model.meta
    x = np.concatenate([e.x for e in items])
    assert not np.allclose(model.booster.predict(x), reseeded.booster.predict(x))


@pytest.mark.parametrize(
    ("question", "now"),
    [
        ("Kuka on hyvinvointialuejohtaja tällä hetkellä?", True),
        ("kuka hoitaa nykyään työvoimapalvelut", True),
        ("Mikä on nykyisen sopimuksen nimi?", True),
        ("Onko vuoden 2022 puitesopimus vielä voimassa?", True),  # the year names the thing
        ("Kuka vastasi palveluista vielä vuonna 2022?", False),  # asks about 2022
        ("Kuka vastaa palveluista vielä vuoden 2022 ajan?", False),
        ("Miksi yhteistyömallit pitää laatia jo nyt?", False),  # acting now, not a state
        ("Mikä vaikuttaa kunnan vetovoimaan yhä enemmän?", False),  # more and more
        ("Onko tiedottaminen vielä tärkeämpää?", False),
        ("Kuka on hyvinvointialuejohtaja?", False),
        # a date followed by a participle names the thing, not the time asked about
        ("Onko aluevaltuuston 14.6.2022 hyväksymä strategia yhä voimassa?", True),
        ("Onko vuonna 2023 hyväksytty sopimus edelleen voimassa?", True),
        ("Onko vanha kotoutumislaki (1386/2010) vielä voimassa?", True),  # a law's number
    ],
)
def test_questions_about_now_are_told_from_questions_about_a_time(question: str, now: bool) -> None:
    assert asks_now(question) is now


@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("Kuka oli maakuntajohtaja vuonna 2017?", (2017, 2017)),
        ("Kuka johti valmistelutoimielintä vuosina 2021–2022?", (2021, 2022)),
        ("Kenen kautta vastaanotot tuotettiin vielä vuoden 2024 lopussa?", (2024, 2024)),
        ("Kenen palveluksessa kuraattorit olivat ennen vuotta 2023?", (2022, 2022)),
        ("Kuka oli puheenjohtaja syksyllä 2022?", (2022, 2022)),
        # years that name a thing: no time asked about
        ("Onko vuoden 2022 puitesopimus vielä voimassa?", None),
        ("Mihin mennessä vuonna 2023 syntyneet alijäämät on katettava?", None),
        ("Mitkä olivat suunnitelman vuosille 2022–2025 painopisteet?", None),
        ("Mikä laki korvasi kotoutumislain 1386/2010?", None),
        ("Keitä kuului Keski-Suomi 2020 -uudistuksen johtoryhmään?", None),
        ("Kuka on hyvinvointialuejohtaja?", None),
    ],
)
def test_the_years_a_question_asks_about(question: str, years: tuple[int, int] | None) -> None:
    assert asked_years(question) == years


def test_a_document_written_in_the_asked_years_goes_first() -> None:
    scores = [0.9, 0.7, 0.6, 0.2]
    dates = ["2025-09-09", "2022-03-01", "2017-08-25", "2017-01-01"]
    assert contemporary_first([0, 1, 2, 3], scores, dates, 0.6, (2017, 2017)) == [2, 0, 1, 3]
    assert contemporary_first([0, 1, 2, 3], scores, dates, 0.6, (2021, 2022)) == [1, 0, 2, 3]
    # 0.2 < 0.6 × 0.9: too far behind, unless it speaks of the same thing
    two, two_dates = [0.9, 0.2], ["2025-09-09", "2017-01-01"]
    assert contemporary_first([0, 1], two, two_dates, 0.6, (2017, 2017)) == [0, 1]
    same = [(1.0, 1.0), (1.0, 1.0)]
    assert contemporary_first([0, 1], two, two_dates, 0.6, (2017, 2017), same) == [1, 0]
    # the best is already of that time, or undated; nothing of that time: no move
    assert contemporary_first([0, 1, 2], scores[:3], dates[:3], 0.6, (2025, 2025)) == [0, 1, 2]
    assert contemporary_first([0, 1], [0.9, 0.8], ["", "2017"], 0.6, (2017, 2017)) == [0, 1]
    assert contemporary_first([0, 1, 2], scores[:3], dates[:3], 0.6, (2019, 2020)) == [0, 1, 2]


def test_the_newest_document_goes_first_only_when_nearly_as_good() -> None:
    scores = [0.9, 0.7, 0.6, 0.3]
    dates = ["2022-06-15", "2026-03-12", "2026-03-20", "2026-03-30"]
    # 0.3 < 0.6 × 0.9: the newest document is too far behind; of the rest, 2026-03-20 is newest
    assert newest_first([0, 1, 2, 3], scores, dates, 0.6) == [2, 0, 1, 3]
    assert newest_first([0, 1, 2, 3], scores, dates, 0.3) == [3, 0, 1, 2]
    # the best candidate already comes from the newest document, or from an undated one
    assert newest_first([0, 1], [0.9, 0.8], ["2026-01-01", "2025-01-01"], 0.6) == [0, 1]
    assert newest_first([0, 1], [0.9, 0.8], ["", "2026-01-01"], 0.6) == [0, 1]
    # undated runners-up are passed over; of one newest document's sentences its best goes
    assert newest_first([0, 1, 2], [0.9, 0.8, 0.7], ["2022", "", "2023"], 0.6) == [2, 0, 1]
    assert newest_first([0, 1, 2], [0.9, 0.8, 0.7], ["2022", "2023", "2023"], 0.6) == [1, 0, 2]
    # a day of 2022 is not newer than a document dated only "2022"; 2023 is
    assert newest_first([0, 1], [0.9, 0.8], ["2022", "2022-10-10"], 0.6) == [0, 1]
    assert newest_first([0, 1], [0.9, 0.8], ["2022-10-10", "2023"], 0.6) == [1, 0]


def test_the_newest_document_goes_first_when_it_speaks_of_the_same_thing() -> None:
    scores = [0.9, 0.2, 0.1]
    dates = ["2022-06-15", "2025-01-01", "2026-03-12"]
    # (share of the question's focus nouns in the sentence, of its places in the document)
    coverage = [(1.0, 1.0), (0.5, 1.0), (1.0, 1.0)]
    assert newest_first([0, 1, 2], scores, dates, 0.6, coverage) == [2, 0, 1]
    assert newest_first([0, 1, 2], scores, dates, 0.6) == [0, 1, 2]  # 0.1 < 0.6 × 0.9
    # names fewer focus nouns, or its document not the question's place: not the same thing
    fewer = [(1.0, 1.0), (1.0, 1.0), (0.5, 1.0)]
    assert newest_first([0, 1, 2], scores, dates, 0.6, fewer) == [1, 0, 2]
    assert newest_first([0, 1], scores[:2], dates[:2], 0.6, [(1.0, 1.0), (1.0, 0.0)]) == [0, 1]
    # the best names under half of the focus nouns: no telling what the thing is
    assert not same_thing((1.0, 1.0), (0.4, 0.0))
    assert same_thing((0.5, 0.0), (0.5, 0.0))


def test_questions_about_how_long_something_holds() -> None:
    for question in (
        "Mihin asti Pirkanmaan puitesopimus on voimassa?",
        "Mihin päivään saakka lausuntoja sai antaa?",
        "Kuinka pitkäksi aikaa sopimus tehtiin?",
        "Miltä ajalta puitesopimus oli voimassa?",
        "Milloin yhteistyösopimuksen kausi päättyy?",
        "Onko vuoden 2022 puitesopimus vielä voimassa?",
    ):
        assert asks_term(question), question
    for question in (
        "Mitkä ovat voimassa olevan hyvinvointisuunnitelman painopisteet?",
        "Mikä sopimus oli voimassa ennen sitä?",
        "Milloin sopimus hyväksyttiin?",
        "Mistä asti palvelu on ollut auki?",
    ):
        assert not asks_term(question), question


def test_a_sentence_states_a_term_with_an_end_word_and_a_time() -> None:
    assert states_term("Sopimus on voimassa 31.12.2025 saakka.")
    assert states_term("Sopimus on voimassa valtuustokauden loppuun eli 31.5.2025 asti.")
    assert states_term("Yhteistyöpöytäkirja on voimassa toistaiseksi.")
    assert states_term("Edellinen kausi päättyi vuonna 2022.")
    assert not states_term("Sopimus tuli voimaan 1.1.2026.")  # a start, not an end
    assert not states_term("Sopimus on voimassa, kunnes osapuolet toisin sopivat.")  # no time
    # a deadline is not a term
    assert not states_term("Laitoshoidosta luovutaan vuoden 2027 loppuun mennessä.")


def test_the_term_sentence_names_what_was_asked_about() -> None:
    sentences = [
        ("Hankkeen rahoitus on varmistettu 31.12.2024 asti.", frozenset({"hanke", "rahoitus"})),
        ("Sopimus on voimassa 31.12.2025 saakka.", frozenset({"sopimus", "olla", "voimassa"})),
        ("Sopimus tuli voimaan 1.1.2023.", frozenset({"sopimus", "tulla", "voima"})),
    ]
    question = frozenset({"puitesopimus", "olla", "voimassa", "pirkanmaa"})
    # "sopimus" is the last part of "puitesopimus"
    assert term_statement(sentences, question, frozenset({"puitesopimus"})) == 1
    # no term sentence names the focus: nothing to offer
    assert term_statement(sentences, question, frozenset({"strategia"})) is None
    assert term_statement(sentences[2:], question, frozenset({"puitesopimus"})) is None


def test_an_answer_about_now_says_the_date_of_its_document(assistant: Any) -> None:
    answer = assistant.ask("Kuka vastaa nykyään pelastustoimesta Keski-Suomessa?")
    assert not answer.abstained
    first = answer.citations[0]
    assert first.date and answer.answer.endswith(AS_OF.format(date=fi_date(first.date)))
    then = assistant.ask("Kuka vastasi pelastustoimesta Keski-Suomessa vuonna 2021?")
    assert "päivättyyn asiakirjaan" not in then.answer


AGREEMENT = """Lakeuden kuntien ja hyvinvointialueen yhteistyösopimus

Lakeuden kunnat ja Lakeuden hyvinvointialue sopivat yhteistyön rakenteista ja \
toimintatavoista. Sopimuksen tavoitteena on, että asukkaiden palvelut muodostavat kokonaisuuden \
riippumatta siitä, kumpi osapuoli niistä vastaa.

Yhteistyötä johtaa strateginen yhteistyöryhmä, johon kuuluvat kuntien johtajat ja \
hyvinvointialueen johtaja. Ryhmä kokoontuu neljä kertaa vuodessa. Sen alla toimivat \
teemakohtaiset työryhmät hyvinvoinnin edistämistä, lasten ja nuorten palveluja sekä \
varautumista varten.

Osapuolet raportoivat yhteistyön tuloksista valtuustoilleen kerran vuodessa. Raportissa \
kerrotaan, miten yhdyspintojen palvelut ovat toimineet ja mitä on sovittu seuraavaksi vuodeksi.

Sopimus on voimassa 31.12.2027 saakka, minkä jälkeen se päivitetään.
"""


def _one_document(tmp_path: Path, text: str) -> tuple[Any, AnswerModel]:
    """An assistant over a corpus of one document, and its answer model (to patch)."""
    from assistant import Assistant, Settings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "asiakirja.txt").write_text(text, encoding="utf-8")
    assistant = Assistant.load(Settings(corpus_dir=corpus, index_dir=tmp_path / "index"))
    model = assistant._extractive.model
    assert model is not None
    return assistant, model


def test_a_question_about_a_term_is_answered_with_the_term(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the model ranks first, the answer to a question about a term leads with the
    sentence of that document that states it (as unsure: the model did not choose it)."""
    lakeus, model = _one_document(tmp_path, AGREEMENT)
    texts: list[str] = []
    real_examine = lakeus._extractive.examine

    def examine(*args: Any, **kwargs: Any) -> Any:
        table = real_examine(*args, **kwargs)
        texts[:] = [lakeus._extractive.sentences.text(c.row) for c in table.candidates]
        return table

    # the model prefers the title line, which names the agreement but states no term
    monkeypatch.setattr(lakeus._extractive, "examine", examine)
    monkeypatch.setattr(
        model,
        "score",
        lambda x: np.array([0.9 if "yhteistyösopimus" in t else 0.01 for t in texts]),
    )
    answer = lakeus.ask("Mihin asti Lakeuden yhteistyösopimus on voimassa?")
    assert answer.confidence == "low"
    assert answer.citations[0].quote.startswith("Sopimus on voimassa 31.12.2027 saakka")
    assert "Lakeuden kuntien ja hyvinvointialueen yhteistyösopimus" in answer.answer
    # a question about something else in the same document keeps the model's choice
    other = lakeus.ask("Mitä Lakeuden yhteistyösopimuksella tavoitellaan?")
    assert other.citations[0].quote.startswith("Lakeuden kuntien")
    assert "31.12.2027" not in other.answer


TRANSFER = """Lakeuden sote-uudistus

Sosiaali- ja terveyspalvelujen järjestämisvastuu siirtyi kunnilta hyvinvointialueelle 1.1.2023.

Hyvinvointialueella on kolme sosiaali- ja terveyskeskusta ja yksi sairaala.

Kuntien tehtäviksi jäivät muun muassa opetus, kulttuuri ja liikunta.
"""


def test_what_held_in_a_named_year_comes_from_the_register_when_the_model_finds_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question asking who was responsible at a named time is answered (as unsure) with the
    register's dated row when the model ranks no sentence high enough; without a time, or
    asking for something other than who, it still abstains."""
    lakeus, model = _one_document(tmp_path, TRANSFER)
    monkeypatch.setattr(model, "score", lambda x: np.zeros(len(x)))  # finds nothing
    answer = lakeus.ask("Kuka vastasi sosiaali- ja terveyspalveluista vuonna 2022?")
    assert answer.confidence == "low"
    assert [c.quote for c in answer.citations] == [
        "Sosiaali- ja terveyspalvelujen järjestämisvastuu siirtyi kunnilta hyvinvointialueelle "
        "1.1.2023."
    ]
    assert lakeus.ask("Kuka vastaa sosiaali- ja terveyspalveluista?").confidence == "none"
    # the register has a row for 2023, but a count is asked, not who
    count = "Kuinka monta sosiaali- ja terveyskeskusta hyvinvointialue järjesti vuonna 2023?"
    assert held_then(lakeus.register.lookup(count), count) is not None
    assert lakeus.ask(count).confidence == "none"
