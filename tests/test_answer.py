"""The extractive answerer's pure parts: question types, answer types, names, follow-ups."""

from __future__ import annotations

import pytest

from assistant.answering.patterns import (
    asked_kind,
    counted_noun,
    has_name,
    led_object,
    question_type,
    role_phrase,
    type_match,
    verb_stems,
)
from assistant.followup import condense, needs_context, split_clauses, split_questions
from assistant.lexical import (
    is_foreign,
    question_stems,
    stems,
    to_finnish_terms,
    with_glossed_words,
)


@pytest.mark.parametrize(
    ("question", "qtype"),
    [
        ("Kuka on aluehallituksen puheenjohtaja?", "person"),
        ("Ketkä kuuluivat valmisteluryhmään?", "people"),
        ("Milloin yhdyspintajaosto kokoontui?", "date"),
        ("millon hyvinvointialue aloittaa?", "date"),
        ("Montako asukasta Keski-Suomessa on?", "number"),
        ("Paljonko asukkaita on?", "number"),
        ("Millä äänin valtuusto hyväksyi talousarvion?", "number"),
        ("Mikä oli äänestystulos?", "number"),
        ("Mikä on hänen puhelinnumeronsa?", "contact"),
        ("Mikä on hänen sähköpostiosoitteensa?", "email"),
        ("Mihin numeroon voin soittaa?", "contact"),
        ("Mitkä tehtävät jäävät kunnille?", "list"),
        ("Missä sote-johtajat kokoontuivat?", "place"),
        ("Minkä kunnan kunnanhallitus käsitteli asiaa?", "municipality"),
        ("Millä paikkakunnalla kokous pidettiin?", "municipality"),
        ("Mistä kunnat vastaavat jatkossa?", "other"),  # asks what, not where
        ("Mistä verkko-osoitteesta aineistot löytyvät?", "address"),
        ("mikä se osoite on", "address"),
        ("Mihin lainkohtaan asetus perustuu?", "record"),
        ("Minä päivänä yhdyspintajaosto kokoontui?", "day"),
        ("koska sote-jaosto kokoontuu seuraavaks", "date"),
        ("Mikä on asian diaarinumero?", "record"),
        ("Minkä keskisuomalaisen kunnan kunnanhallitus käsitteli asiaa?", "municipality"),
        ("Minä vuonna uudistus tulee voimaan?", "date"),
        ("Mikä virka hänellä on?", "role"),
        ("Mikä rooli Jaakko Selinillä on?", "role"),
        ("Paljonko hanke maksoi?", "money"),
        ("Mitä kuntien roolille rahoittamisessa tapahtuu?", "list"),
        ("Monennessako pykälässä asia käsiteltiin?", "number"),
        ("Miksi vuoropuhelua lisätään?", "reason"),
        ("Miten yhteistyö järjestetään?", "reason"),
        ("Who chairs the regional government?", "person"),
        ("När behandlade kommunstyrelsen avtalet?", "date"),
        ("Kerro puitesopimuksesta.", "other"),
        ("Onko asukkaalle olennaista, kuka palvelut järjestää?", "other"),
        ("Hyväksyikö aluevaltuusto sopimuksen?", "other"),
        ("Milloin jaoston seuraava kokous on määrä pitää?", "date"),  # "on määrä": is to be
        ("Kuinka suuri rahoitus hankkeelle myönnettiin?", "money"),
        ("Missä ominaisuudessa Aula osallistui kokoukseen?", "role"),
        # a question word in a later clause is part of what is asked about
        ("Mikä asukkaille on tärkeää, jos ei se, kuka palvelut tuottaa?", "other"),
    ],
)
def test_question_type(question: str, qtype: str) -> None:
    assert question_type(question) == qtype


def test_names_are_not_place_names() -> None:
    common = frozenset({"hyvinvointialueen", "kuntien"})
    assert has_name("Puheenjohtaja Maria Kaisa Aula kertoi asiasta.", common)
    assert has_name("Valmistelija Helena Vuopionperä-Kovanen, p. 050 307 6114", common)
    assert not has_name("Keski-Suomen Hyvinvointialueen puitesopimus hyväksyttiin.", common)
    # a signature line: titles before the name are not part of it
    assert has_name("Esittelijä Kunnanjohtaja Helena Vuopionperä-Kovanen", common)
    # a heading glued to the sentence after it is not a name either
    assert not has_name("Päätös Hyväksyttiin yksimielisesti.", common | {"^hyväks"})


@pytest.mark.parametrize(
    ("qtype", "sentence", "expected"),
    [
        ("date", "Yhdyspintajaosto kokoontui 26.1.", 1.0),
        ("date", "Yhdyspintajaosto kokoontui.", 0.0),
        ("number", "Yli 270 000 asukkaan palvelut.", 1.0),
        ("number", "Kokous pidettiin 1.3.2022.", 0.0),
        ("number", "Jaakko Selin p. 0400 778 779", 0.0),
        ("contact", "Jaakko Selin p. 0400 778 779", 1.0),
        ("contact", "hanna.helaste(at)jamsa.fi", 1.0),
        ("email", "hanna.helaste(at)jamsa.fi", 1.0),
        ("email", "Jaakko Selin p. 0400 778 779", 0.0),
        ("municipality", "Sote-johtajat kokoontuivat Viitasaarelle.", 1.0),
        ("municipality", "Keski-Suomen kuntien puitesopimus", 0.0),
        ("role", "Valmistelija kunnanjohtaja Helena Vuopionperä-Kovanen", 1.0),
        ("list", "varhaiskasvatuksessa, opetuksessa, maankäytössä ja kaavoituksessa", 1.0),
        ("list", "Kunnilla ja hyvinvointialueilla on yhteiset asukkaat.", 0.5),
        ("list", "Esiteltiin visiota siitä, miten sote- ja maakuntauudistus organisoituu.", 0.5),
        ("people", "Esiteltiin visiota siitä, miten sote- ja maakuntauudistus organisoituu.", 0.5),
        ("people", "Liitosta ovat osallistuneet maakuntajohtaja, aluekehitysjohtaja ja muut.", 1.0),
        ("people", "Liitosta osallistuivat maakuntajohtaja ja aluekehitysjohtaja.", 1.0),
        ("money", "Hanke maksoi 1,2 miljoonaa euroa.", 1.0),
        ("money", "Hankkeessa oli kaksi työntekijää.", 0.0),
        ("reason", "Päätös Hyväksyttiin yksimielisesti.", 1.0),
        ("day", "Yhdyspintajaosto kokoontui 26.1.", 1.0),
        ("day", "Alatyöryhmät nimetään syksyn aikana.", 0.5),
        ("record", "275/00.01.01/2022", 1.0),
        ("record", "Kh 10.10.2022 § 237", 0.0),
    ],
)
def test_type_match(qtype: str, sentence: str, expected: float) -> None:
    assert type_match(qtype, sentence) == expected


def test_foreign_questions_are_mapped_to_finnish_terms() -> None:
    question = "Who chairs the regional government of Central Finland?"
    assert is_foreign(question)
    assert not is_foreign("Kuka on aluehallituksen puheenjohtaja?")
    terms = to_finnish_terms(question)
    assert "puheenjohtaja" in terms and "aluehallitus" in terms
    assert set(stems("puheenjohtaja aluehallitus")) <= set(question_stems(question))


def test_possessives_and_inflected_swedish_are_still_foreign() -> None:
    question = "what's Hanna Helaste's phone number"
    assert is_foreign(question)
    assert {"Helaste", "puhelinnumero"} <= set(to_finnish_terms(question).split())
    swedish = "I vilka möten borde arbetsgruppernas ordförande delta?"
    assert is_foreign(swedish)
    assert {"kokous", "työryhmä", "puheenjohtaja"} <= set(to_finnish_terms(swedish).split())
    # a capitalised function word opening the question is not a name
    assert "According" not in to_finnish_terms("According to the chair, who leads it?")


def test_spoken_finnish_is_standardised() -> None:
    assert set(stems("puheenjohtaja")) <= set(question_stems("kuka se aluehallituksen pj on"))


def test_frame_words_are_not_content() -> None:
    assert question_stems("Mikä on Jaakko Selinin puhelinnumero?") == stems("Jaakko Selinin")


def test_follow_up_detection_and_rewrite() -> None:
    assert needs_context("Mikä on hänen puhelinnumeronsa?")
    assert needs_context("Entä Jyväskylän?")
    assert not needs_context("Kuka vastaa pelastustoimesta vuoden 2023 alusta?")
    history = [
        {"role": "user", "content": "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?"},
        {
            "role": "assistant",
            "content": "Aluehallituksen puheenjohtaja Maria Kaisa Aula kertoi. [1]",
        },
    ]
    standalone = condense("Mikä on hänen puhelinnumeronsa?", history)
    assert "Maria Kaisa Aula" in standalone.text
    assert "aluehallituksen" in standalone.text
    assert set(stems("Aula")) <= set(standalone.carried_stems)
    assert standalone.asked == "Mikä on hänen puhelinnumeronsa?"  # the user's own words
    assert condense("Mikä on hänen puhelinnumeronsa?", None).carried_stems == ()


def test_counted_noun_is_what_how_many_counts() -> None:
    assert counted_noun("Montako asukasta Jyväskylässä on?") == stems("asukasta")[0]
    assert counted_noun("Kuinka monen kuukauden päästä uudistus alkaa?") == stems("kuukauden")[0]
    assert counted_noun("Paljonko hanke maksoi?") is None
    assert counted_noun("Kuinka moni kunnanhallituksen jäsen oli paikalla?") == stems("jäsen")[0]
    # the noun agrees with "monessa / monesta", genitives before it are not what is counted
    assert counted_noun("Kuinka monessa Keski-Suomen kunnassa käytiin?") == stems("kunnassa")[0]
    assert counted_noun("Kuinka monesta jäsenestä hallitus koostuu?") == stems("jäsenestä")[0]
    assert counted_noun("How many residents are there?") == stems("asukas")[0]


def test_verb_forms_are_told_from_nouns() -> None:
    verbal = verb_stems("Mitä työryhmä ehdotti palkattavaksi, kun hanke päättyy ja yhdistyy?")
    assert set(stems("palkattavaksi yhdistyy")) <= verbal
    assert not verb_stems("Paljonko on hyvinvointialueen talousarvio ja tuloveroprosentti?")
    # passive past after l/n/r/s, and the question clitic, spoken "-ks" included
    assert set(stems("kuunneltiin sovittiinks äänestettiinkö")) <= verb_stems(
        "Mitä kuunneltiin, sovittiinks jotain ja äänestettiinkö?"
    )
    assert not verb_stems("Mihin kellonaikaan kokous alkaa?") & set(stems("kellonaikaan"))


def test_role_phrase_keeps_whose_role_it_is() -> None:
    assert role_phrase("Kuka on Kuntaliiton hallituksen puheenjohtaja?") == stems(
        "Kuntaliiton hallituksen puheenjohtaja"
    )
    # the participle between is not part of whose role it is
    assert role_phrase(
        "Kuka toimi sote-uudistusta valmistelleen palvelutuotantotyöryhmän puheenjohtajana?"
    ) == stems("palvelutuotantotyöryhmän puheenjohtajana")
    assert role_phrase("Kuka johtaa sairaanhoitopiiriä?") is None
    # an office in the genitive is whose role it is; the noun after it is the role asked
    assert role_phrase("Kuka on Kuntaliiton toimitusjohtajan Minna Karhusen varahenkilö?") == (
        stems("Kuntaliiton toimitusjohtajan varahenkilö")
    )


def test_led_group_keeps_the_genitive_that_says_which() -> None:
    assert led_object("Kuka vetää jaoston talouden työryhmää?") == stems("talouden työryhmää")
    assert led_object("Kuka johtaa Keski-Suomen sairaanhoitopiiriä?") == stems("sairaanhoitopiiriä")


def test_led_object_is_what_is_led() -> None:
    assert led_object("Kuka johtaa Keski-Suomen sairaanhoitopiiriä?") == stems("sairaanhoitopiiriä")
    assert led_object("Kuka veti työryhmää vuonna 2016?") == stems("työryhmää")
    assert led_object("Kuka on sote-johtajien edustaja?") is None
    assert led_object("kuka vetää aluehallitusta, siis kuka on pj") == stems("aluehallitusta")


def test_scene_setting_clause_is_context() -> None:
    main, scene = split_clauses("Kuka oli puheenjohtaja, kun hallitukset tapasivat?")
    assert main == "Kuka oli puheenjohtaja" and scene.strip().startswith("kun")
    standalone = condense("Kuka oli puheenjohtaja, kun hallitukset tapasivat?", None)
    assert set(stems("hallitukset")) <= set(standalone.carried_stems)
    assert not set(stems("hallitukset")) & set(standalone.own_stems)


def test_generic_compound_tail_means_the_first_part() -> None:
    assert question_stems("Mikä on puitesopimusasian diaarinumero?")[0] == stems("puitesopimus")[0]


def test_relative_dates_are_dates_and_durations_are_not() -> None:
    assert type_match("date", "Tehtävät siirtyvät ensi vuoden alussa.") == 1.0
    assert type_match("date", "Suunnitelma tehdään kahden vuoden päästä.") == 0.0


def test_asked_kind_is_the_noun_after_the_question_word() -> None:
    assert asked_kind("Mitä puoluetta hän edustaa?") == stems("puoluetta")[0]
    assert asked_kind("Mikä on hänen puhelinnumeronsa?") is None


def test_question_words_and_courtesies_are_not_terms() -> None:
    own = question_stems("Minkälaisten palvelujen tarjoamisen Aula nimesi tavoitteeksi, kiitos")
    assert not set(stems("minkälaisten kiitos", keep_stopwords=True)) & set(own)
    # Finnish "on" is no sign of English
    assert not is_foreign("kuka se on joka on jyväskylän kaupunginhallituksen puheenjohtaja")


def test_participles_are_verb_forms() -> None:
    verbal = verb_stems("Ketkä nimitetyiksi sanottiin pidetyssä kokouksessa siirryttäessä?")
    assert set(stems("nimitetyiksi pidetyssä siirryttäessä")) <= verbal


def test_english_words_in_a_finnish_question_are_glossed() -> None:
    text = with_glossed_words("Mikä on aluehallituksen chairin phone number?")
    assert "puheenjohtaja" in text and "puhelinnumero" in text
    assert "termin" in with_glossed_words("Mikä on termin merkitys?")  # Finnish, not "term"


def test_time_of_year_is_context() -> None:
    standalone = condense("Kuka toimi jaoston puheenjohtajana alkuvuodesta 2022?", None)
    assert not set(stems("alkuvuodesta")) & set(standalone.own_stems)


def test_role_phrase_keeps_a_name_that_looks_like_a_participle() -> None:
    assert role_phrase("Kuka on Kevan toimitusjohtaja?") == stems("Kevan toimitusjohtaja")


def test_two_part_questions_are_split() -> None:
    assert split_questions("Milloin uutinen julkaistiin ja kuka sen kirjoitti?") == [
        "Milloin uutinen julkaistiin?",
        "Kuka sen kirjoitti?",
    ]
    two = split_questions("Missä kokouksessa sopimus hyväksyttiin, ja mikä on asian diaarinumero?")
    assert len(two) == 2
    # one question with two question words, or two subjects of one question
    assert split_questions("Kuka valittiin ja milloin?") == ["Kuka valittiin ja milloin?"]
    assert len(split_questions("Mitä kunnat ja mitä hyvinvointialue tekee?")) == 1
