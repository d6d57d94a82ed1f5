"""Metadata read from a document's text (assistant/metadata.py) on small made-up texts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import metadata as md
from assistant.ingest import clean_text

MINUTES = """Dynasty tietopalvelu Haku RSS Kuusiveden kunta
RSS-linkki
Kokousasiat:
https://dynasty.kuusivesi.fi:443/cgi/DREQUEST.PHP?page=rss/meetingitems&show=30
Kunnanhallitus
Pöytäkirja 10.11.2025/Pykälä 239
Edellinen asia | Seuraava asia | Muutoksenhakuohje
Kirjaston aukioloaikojen muuttaminen 1.1.2026 alkaen
Kh 10.11.2025 § 239
512/02.05.00/2025
Valmistelija sivistysjohtaja Liisa Virtanen, puh. 040 123 4567
Kirjaston aukioloaikoja on tarkasteltu kävijämäärien perusteella. Kirjaston aukioloajat \
muuttuvat vuoden alusta, ja muutoksesta tiedotetaan kuntalaisille.
Päätösehdotus
Kunnanhallitus hyväksyy kirjaston aukioloaikojen muuttamisen 1.1.2026 alkaen.
Päätös
Hyväksyttiin.
"""

NEWS = """Siirry suoraan sisältöön
Käytämme sivustollamme evästeitä. Hyväksy kaikki evästeet Vain välttämättömät
Kuusiveden kunta
- Asukkaat
- Päätöksenteko
- Ajankohtaista
Uimahallin peruskorjaus valmistui – uimahalli avautuu maanantaina
Uutinen | 14.3.2026
Kuusiveden uimahallin peruskorjaus valmistui aikataulussa, ja uimahalli avautuu \
asukkaille maanantaina 16.3.2026. Peruskorjauksessa uusittiin altaat ja ilmanvaihto.
Uimahallin aukioloajat pysyvät ennallaan. Peruskorjaus maksoi noin kolme miljoonaa euroa.
"""

PRESS = """Järvi-Suomen hyvinvointialue
TIEDOTE 18.6.2025
Järvi-Suomen hyvinvointialue avaa uuden terveysaseman Kuusiveteen
Järvi-Suomen hyvinvointialueen aluehallitus päätti kokouksessaan 17.6.2025 avata uuden \
terveysaseman Kuusiveteen syksyllä 2025. Terveysasema korvaa kaksi pienempää toimipistettä.
Uusi terveysasema palvelee arkisin, ja ajanvaraus onnistuu myös verkossa.
"""

WEB_PAGE = """Hyppää pääsisältöön
Kuusiveden kunta
Etusivu Asukkaille Päätöksenteko Yhteystiedot
Sosiaali- ja terveyspalvelut kuntalaisille
Julkaistu 20.1.2026
Sosiaali- ja terveyspalvelut järjestää hyvinvointialue. Kunta vastaa edelleen \
kuntalaisten hyvinvoinnin edistämisestä ja ohjaa kuntalaisia oikeisiin palveluihin.
Terveysasemien yhteystiedot löytyvät hyvinvointialueen verkkosivuilta.
Sivua päivitetty 18.3.2026
"""


MINUTES_FIELDS = """Kuusiveden kunta
Kunnanhallitus
Toimielin: Kunnanhallitus
Kokousaika: 2.2.2026 klo 16.00
Paikka: Kunnantalo, valtuustosali
Koulukuljetusten hankinta lukuvuodelle 2026–2027
Kh 2.2.2026 § 14
Valmistelija hallintojohtaja Pirjo Mäki
Koulukuljetukset kilpailutetaan lukuvuodelle 2026–2027 yhdessä naapurikuntien kanssa. \
Kuljetusten hankinnassa noudatetaan hankintalakia.
Päätösehdotus
Kunnanhallitus hyväksyy koulukuljetusten hankinnan.
"""


def test_model_file_loads_and_matches_the_features() -> None:
    model = md.load_model()
    assert model["title"]["features"] == list(md.TITLE_FEATURES)
    assert model["date"]["features"] == list(md.DATE_FEATURES)
    assert len(model["title"]["coef"]) == len(md.TITLE_FEATURES)
    assert len(model["date"]["coef"]) == len(md.DATE_FEATURES)


def test_model_with_other_features_is_refused(tmp_path: Path) -> None:
    model = json.loads(md.MODEL_PATH.read_text(encoding="utf-8"))
    model["title"]["features"] = [*model["title"]["features"][:-1], "something_else"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(model), encoding="utf-8")
    with pytest.raises(ValueError, match="refit"):
        md.load_model(str(path))


def test_dynasty_minutes_header() -> None:
    meta = md.read_metadata(clean_text(MINUTES), "kh-aukioloajat.txt")
    assert meta.title == "Kirjaston aukioloaikojen muuttaminen 1.1.2026 alkaen"
    assert meta.date == "2025-11-10"
    assert meta.date_kind == "meeting"
    assert meta.kind == "minutes"
    assert meta.publisher == "Kuusiveden kunta"


def test_news_page_with_cookie_banner_and_skip_link() -> None:
    meta = md.read_metadata(clean_text(NEWS), "uimahalli.html")
    assert meta.title == "Uimahallin peruskorjaus valmistui – uimahalli avautuu maanantaina"
    assert meta.date == "2026-03-14"
    assert meta.date_kind == "dateline"
    assert meta.kind == "news"
    assert meta.publisher == "Kuusiveden kunta"


def test_press_release() -> None:
    meta = md.read_metadata(clean_text(PRESS), "tiedote.txt")
    assert meta.title == "Järvi-Suomen hyvinvointialue avaa uuden terveysaseman Kuusiveteen"
    assert meta.date == "2025-06-18"
    assert meta.date_kind == "dateline"
    assert meta.kind == "press_release"
    assert meta.publisher == "Järvi-Suomen hyvinvointialue"


def test_page_updated_date_wins_over_published() -> None:
    meta = md.read_metadata(clean_text(WEB_PAGE), "sote-palvelut.html")
    assert meta.title == "Sosiaali- ja terveyspalvelut kuntalaisille"
    assert meta.date == "2026-03-18"
    assert meta.date_kind == "updated"
    assert meta.kind == "web_page"


def test_nothing_is_invented_for_a_text_without_cues() -> None:
    meta = md.read_metadata("tämä on pelkkää tekstiä ilman päivämääriä.", "muistio.txt")
    assert meta.date == ""
    assert meta.date_kind == "none"
    assert meta.publisher == ""
    assert meta.kind == "document"


def test_date_forms_and_cleaning_helpers() -> None:
    assert [d for d, _, _ in md.find_dates("24. lokakuuta 2025 ja 2025-11-03 sekä 5.3.2024")] == [
        "2025-10-24",
        "2025-11-03",
        "2024-03-05",
    ]
    assert md.find_dates("31.13.2025") == []
    assert md.clean_title("§ 58 Puitesopimuksen tarkastaminen") == "Puitesopimuksen tarkastaminen"
    assert md.clean_title("Uutinen | Uusi koulu avattiin") == "Uusi koulu avattiin"
    assert md.clean_title("**Kotoutumisen toimintamalli**") == "Kotoutumisen toimintamalli"


@pytest.mark.parametrize(
    ("iso", "kind", "shown"),
    [
        ("2025-11-24", "meeting", "24.11.2025 (kokouspäivä)"),
        ("2026-03-18", "updated", "18.3.2026 (viimeisin päivityspäivä)"),
        ("2025-03-01", "", "1.3.2025"),
        ("2022-05", "", "5/2022"),
        ("2022", "dateline", "2022 (päiväys)"),
        ("", "meeting", "päiväys ei tiedossa"),
    ],
)
def test_date_label(iso: str, kind: str, shown: str) -> None:
    assert md.date_label(iso, kind) == shown


def test_minutes_header_fields_and_body_names_are_chrome() -> None:
    text = clean_text(MINUTES_FIELDS)
    features = {
        c.text: dict(zip(md.TITLE_FEATURES, c.features, strict=True))
        for c in md.title_candidates(text)
    }
    assert features["Paikka: Kunnantalo, valtuustosali"]["label_start"] == 1.0
    assert features["Kokousaika: 2.2.2026 klo 16.00"]["label_start"] == 1.0
    assert features["Kunnanhallitus"]["org_name"] == 1.0
    meta = md.read_metadata(text, "kh-koulukuljetukset.txt")
    assert meta.title == "Koulukuljetusten hankinta lukuvuodelle 2026–2027"
    assert (meta.date, meta.date_kind, meta.kind) == ("2026-02-02", "meeting", "minutes")


def test_a_county_named_after_two_cities_is_read_whole_as_publisher() -> None:
    text = """Vantaan ja Keravan hyvinvointialue
TIEDOTE 3.2.2026
Vantaan ja Keravan hyvinvointialue avaa uuden perhekeskuksen Keravalle
Vantaan ja Keravan hyvinvointialueen aluehallitus päätti avata uuden perhekeskuksen \
Keravalle keväällä 2026. Perhekeskus kokoaa neuvolan ja perheneuvolan samaan paikkaan.
"""
    meta = md.read_metadata(clean_text(text), "tiedote.txt")
    assert meta.publisher == "Vantaan ja Keravan hyvinvointialue"
