"""Ingestion: the real seed corpus is cleaned right, every format loads, bad files are reported."""

from __future__ import annotations

import hashlib
import tomllib
import unicodedata
from pathlib import Path

import docx
import pytest

from assistant.ingest import (
    SUPPORTED_SUFFIXES,
    Corpus,
    Document,
    IngestError,
    clean_text,
    load_corpus,
    load_document,
)

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
DOC_IDS = [
    "2016-09-22-jyvaskyla-sote-johtajat",
    "2022-02-02-yhdyspintajaosto",
    "2022-09-28-jyvaskyla-aluehallitus",
    "2022-10-10-kunnanhallitus-puitesopimus",
    "2022-kuntaliitto-yhteistyo",
]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return load_corpus(CORPUS)


@pytest.fixture(scope="module")
def docs(corpus: Corpus) -> dict[str, Document]:
    return {d.doc_id: d for d in corpus.documents}


def lines_of(text: str) -> list[str]:
    return text.split("\n")


# --- the real corpus -------------------------------------------------------------------------


def test_corpus_loads_all_five_seeds_without_problems(corpus: Corpus) -> None:
    assert corpus.problems == []
    assert [d.doc_id for d in corpus.documents] == DOC_IDS


def test_metadata_comes_from_sources_toml(docs: dict[str, Document]) -> None:
    sources = tomllib.loads((CORPUS / "sources.toml").read_text(encoding="utf-8"))["documents"]
    assert sorted(sources) == DOC_IDS
    for doc_id, entry in sources.items():
        d = docs[doc_id]
        assert (d.title, d.date, d.publisher, d.kind, d.language) == (
            entry["title"],
            entry["date"],
            entry["publisher"],
            entry["kind"],
            entry["language"],
        )
        assert d.url == entry.get("url", "")
        assert d.sha256 == hashlib.sha256((CORPUS / f"{doc_id}.txt").read_bytes()).hexdigest()
    assert docs["2022-09-28-jyvaskyla-aluehallitus"].date == "2022-09-28"
    assert docs["2016-09-22-jyvaskyla-sote-johtajat"].date == "2016-09-22"
    assert docs["2022-kuntaliitto-yhteistyo"].date == "2022"
    assert docs["2022-10-10-kunnanhallitus-puitesopimus"].kind == "minutes"
    assert docs["2022-kuntaliitto-yhteistyo"].publisher == "Kuntaliitto"


BOILERPLATE: dict[str, list[str]] = {
    "2022-09-28-jyvaskyla-aluehallitus": [
        "Hyppää pääsisältöön",
        "Kuva",
        "Jyväskylä-viiri ja mikrofoni puhujanpaikalla kaupungintalon juhlasalissa. "
        "Kuva Outi Kaakkuri",
    ],
    "2016-09-22-jyvaskyla-sote-johtajat": [
        "Suoraan sisältöön",
        "Avaa navigaatio",
        "Jyväskylän kaupunki » Uutisarkisto » Keski-Suomen kuntien sote-johtajat kannustavat "
        "rohkeaan visiointiin palvelutuotannon osalta",
        "Copyright © Jyväskylän kaupunki 2018 | Sivun alkuun | Tietoja sivustosta",
        "Jyväskylän kaupungin pääFacebook-sivu Jyväskylän kaupungin pääTwitter-virta "
        "Jyväskylän kaupungin pääYouTube-kanava Jyväskylän kaupungin rss-virrat ja ohje",
    ],
    "2022-02-02-yhdyspintajaosto": ["Hyppää pääsisältöön"],
    "2022-kuntaliitto-yhteistyo": [
        "Kuntaliiton asiantuntijat, jotka voivat kertoa lisää",
        "Löydä lisää sisältöä samoista teemoista",
    ],
    "2022-10-10-kunnanhallitus-puitesopimus": [],
}
# Fragments that must not survive anywhere in the cleaned text.
BOILERPLATE_FRAGMENTS = [
    "Hyppää pääsisältöön",
    "Suoraan sisältöön",
    "Avaa navigaatio",
    " » ",
    "Uutisarkisto",
    "Kuva Outi Kaakkuri",
    "Copyright",
    "©",
    "Sivun alkuun",
    "Tietoja sivustosta",
    "Facebook",
    "Twitter",
    "YouTube",
    "rss-virrat",
    "Löydä lisää sisältöä",
    "jotka voivat kertoa lisää",
]


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_boilerplate_lines_are_gone(doc_id: str, docs: dict[str, Document]) -> None:
    raw = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    text = docs[doc_id].text
    for line in BOILERPLATE[doc_id]:
        assert line in raw.split("\n"), f"seed changed: {line!r}"
        assert line not in lines_of(text)
    for fragment in BOILERPLATE_FRAGMENTS:
        assert fragment not in text
    assert "Kuva" not in lines_of(text)


FIRST_SENTENCES: dict[str, list[str]] = {
    "2016-09-22-jyvaskyla-sote-johtajat": [
        "Keski-Suomen kuntien sote-johtajat kannustavat rohkeaan visiointiin palvelutuotannon "
        "osalta",
        "Keski-Suomen sote-johtajat kokoontuivat sosiaali- ja terveyspalveluiden uudistusta "
        "valmistelevan palvelutuotantotyöryhmän kokoukseen Viitasaarelle.",
        "Palvelutuotantotyöryhmä esitti kokouksessaan huolensa siitä, että valtakunnallisessa "
        "valmistelussa puhutaan edelleen aivan liikaa rakenteista,",
        "Keski-Suomessa valmistelun koetaan tuotannon osalta olevan hyvässä vauhdissa, vaikka "
        "kokonaisuus on laaja.",
        "Palvelutuotantotyöryhmän näkemyksen mukaan Keski-Suomeen tulee nimetä määräaikainen "
        "työntekijä",
        "- SOTE 2020 -hankkeessa on tehty kattavasti alustavia suunnitelmia palvelutuotannon "
        "osalta, mutta ne ovat osin vielä ylätasolla.",
        "Esimerkkinä Kallimo nosti esille kokouksessakin esitellyn Keski-Suomen "
        "sairaanhoitopiirin ensihoidon ja kuntien vanhusten kotihoidon yhteistyömallin.",
        "- Mahdollisen työntekijän tehtävänä olisikin laatia palvelutuotantotyöryhmälle "
        "konkreettinen ja tulevaisuuteen rohkeasti katsova suunnitelma",
        "Palvelutuotantotyöryhmä nimeää syksyn aikana uudet alatyöryhmänsä",
        "Tilaisuudessa esiteltiin muun muassa tämän hetkistä visiota siitä, miten sote- ja "
        "maakuntauudistus tulee Keski-Suomessa organisoitumaan.",
        "Johtoryhmän alla valmistelutyö jakautuu tämän hetkisen näkemyksen mukaan "
        "sote-asioiden koordinointiin ja maakunta-asioiden koordinointiin.",
        "Sote-koordinoinnin alla toimii jatkossakin sote-johtajista koostuva "
        "palvelutuotantotyöryhmä, jonka alla toimii eri alatyöryhmiä.",
        "Palvelutuotantotyöryhmän keskustelussa todettiin, että rakenne ja kokonaisuus on laaja.",
        "Palvelutuotantotyöryhmän kokoonpano ja kokousaineistot ovat luettavissa osoitteessa: "
        "http://www.jyvaskyla.fi/soteuudistus/palvelutuotanto",
        "Lisätietoja: Palvelutuotantotyöryhmän puheenjohtaja, Jyväskylän perusturvan "
        "toimialajohtaja Kati Kallimo, puh. 014 266 3001",
        "22.9.2016 Emmi Hyvönen",
    ],
    "2022-02-02-yhdyspintajaosto": [
        "Yhdyspintajaosto kokoontui - tavoitteena hyvinvointialueen ja kuntien saumaton yhteistyö",
        "2.2.2022",
        "Yhdyspintajaosto kokoontui 26.1.",
        "Käsittelyssä olivat myös hyvinvointialueen valmistelun eteneminen sekä yhdyspintojen "
        "jatkovalmistelu ja integroituminen Sote-palvelut jaoston työryhmiin.",
        "Kuntien ja hyvinvointialueen yhteiset palvelut ja asukkaat",
        "Kunnilla ja hyvinvointialueilla on yhteiset asukkaat ja laajoja yhteistyötarpeita.",
        "Keskustelussa nousi esiin sekä kuntia että hyvinvointialuetta koskettavat teemat kuten "
        "verkostojohtamisen mallit,",
        "Hyvinvointialueen valmistelu",
        "Hanna Helaste, Yhdyspintajaoston puheenjohtaja veti yhteen väliaikaisen "
        "valmistelutoimielimen työtä ja tehtäviä, jonka toimikausi päättyy aluevaltuuston "
        "aloittaessa toimintansa 1.3.2022.",
        "Kokouksessa kuultiin ICT-jaoston puheenjohtaja Jari Porrasmaan terveiset "
        "ICT-jaostosta sekä käytiin Yhdyspintajaoston riippuvuuksia keskustellen läpi.",
        "Keski-Suomen hyvinvointialue vastaa 1.1.2023 alkaen keskisuomalaisten sosiaali- ja "
        "terveydenhuollon ja pelastustoimen palvelujen järjestämisestä",
        "Yhdyspintajaoston työryhmien katsaukset ja jatkosuunnitelmat",
        "Hyvinvointikoordinaattori Nina Peränen Keski-Suomen sairaanhoitopiiriltä esitteli "
        "Hyvinvoinnin ja terveyden edistämisen -työryhmän tilannekatsauksen.",
        "Oppilashuollon työryhmä on käynnistynyt ja sen tavoitteena on kuraattori- ja "
        "psykologitehtävien saumattoman ja sujuvan siirtymisen turvaaminen.",
        "Työllisyyden ja kotouttamisen työryhmä on niin ikään käynnistynyt tammikuussa.",
        "Maaliskuun alusta lukien yhdyspintajaoston työryhmätyöskentely integroituu "
        "hyvinvointialueen muuhun valmisteluun.",
        "Seuraava kokous",
        "Sote-jaosto kokoontuu seuraavan kerran keskiviikkona 9.2.2022.",
        "Lisätietoja:",
        "• Hanna Helaste, yhdyspintajaoston puheenjohtaja, ensimmäinen varapuheenjohtaja, "
        "Keski-Suomen hyvinvointialue, väliaikainen valmistelutoimielin, p. 040 074 2751, "
        "hanna.helaste(at)jamsa.fi",
    ],
    "2022-09-28-jyvaskyla-aluehallitus": [
        "28.9.2022",
        "Jyväskylän kaupunginhallitus ja Keski-Suomen aluehallitus kokoontuivat tiistaina 27.9. "
        "keskustelemaan tulevasta uudistuksesta",
        "Keskustelun aiheena oli erityisesti yhteistyö valmius- ja varautumisasioissa.",
        "- Valmius- ja varautumisasioissa meillä on vuoden vaihteen jälkeen uudenlainen "
        "vastuunjako kuntien ja hyvinvointialueiden kesken.",
        "Toimivat palvelut ovat kaupungin näkökulmasta tarkasteltuna myös elinvoimatekijä.",
        "- Kuntien vetovoimaan vaikuttavat yhä enemmän myös toimivat palvelut.",
        "Aluehallituksen puheenjohtaja Maria Kaisa Aula kertoi kokouksessa, että kuntien "
        "toiveet ja yhteistyön merkitys on laajasti tunnistettu hyvinvointialueella.",
        "- Tavoitteenamme ovat ihmislähtöiset ja luotettavat palvelut.",
        "Tilaisuudessa sovittiin, että Jyväskylän kaupungin ja hyvinvointialueen hallitukset "
        "tapaavat tulevaisuudessa säännöllisesti ja varmistavat näin tiiviin vuoropuhelun.",
        "Lisätietoja:",
        "Jyväskylän kaupunginhallituksen puheenjohtaja Jaakko Selin p. 0400 778 779 tai "
        "Keski-Suomen aluehallituksen puheenjohtaja Maria Kaisa Aula, p. 050 530 9697",
    ],
    "2022-10-10-kunnanhallitus-puitesopimus": [
        "Keski-Suomen kuntien, Keski-Suomen liiton ja Keski-Suomen Hyvinvointialueen "
        "puitesopimus yhteistyörakenteiden ja toimintatapojen periaatteiksi",
        "Kh 10.10.2022 § 237",
        "275/00.01.01/2022",
        "Valmistelija kunnanjohtaja Helena Vuopionperä-Kovanen, p. 050 307 6114",
        "Tausta",
        "Kunnilla ja hyvinvointialueilla on yhteiset asukkaat ja paljon asukas- ja "
        "asiakaskohtaisesti toteutettaviin palveluihin liittyviä yhteistyötarpeita.",
        "Lainsäädännössä on säädetty yhteistyövelvoite kuntien ja hyvinvointialueen välille, "
        "jonka vuoksi keväällä 2022 aloitettiin yhteistyösopimuksen valmistelu.",
        "Aluekehittämisen lainsäädännössä ja muussa erityislainsäädännössä on paljon "
        "yhteistyövelvoitteita,",
        "Sopimusosapuolilla on yhteiset asukkaat sekä paljon asukas- ja asiakaskohtaisesti "
        "toteutettaviin palveluihin liittyviä yhteistyötarpeita.",
        "Valmistelu on edennyt siihen pisteeseen, että hyvinvointialueen aluehallitus "
        "käsitteli sopimusta 13.9.2022.",
        "Esittelijä Kunnanjohtaja Helena Vuopionperä-Kovanen",
        "Päätösehdotus Kunnanhallitus päättää esittää valtuustolle, että se hyväksyy",
        "Päätös Hyväksyttiin yksimielisesti.",
    ],
    "2022-kuntaliitto-yhteistyo": [
        "Kuntaliitto ehdottaa hyvinvointialueille yhteistyötä",
        "Kuntaliitto tukee jo nyt tällä hetkellä monin tavoin sote-uudistuksen toimeenpanoa ja "
        "hyvinvointialueiden perustamista",
        "— Me Kuntaliitossa haluamme tarjota osaamisemme hyvinvointialueiden käyttöön,",
        "— Olemmekin kutsuneet hyvinvointialueiden puheenjohtajat ja johtavat viranhaltijat "
        "yhteiseen tilaisuuteen",
        "Kunta- ja hyvinvointityönantajat, Keva, Kuntarahoitus, Kuntien takauskeskus ovat jo "
        "lainsäädännön perusteella kuntien ja hyvinvointialueiden yhteisiä toimijoita.",
        "—Meillä on valmis osaaminen hyvinvointialueiden tueksi muun muassa neuvonnassa ja "
        "kehittämisessä.",
        "Kuntien ja hyvinvointialueiden välillä merkittävästi yhdyspintoja, joihin on luotava "
        "toimivat käytännöt",
        "Sosiaali- ja terveystoimen sekä pelastustoimen tehtävät siirtyvät hyvinvointialueille "
        "ensi vuoden alussa.",
        "Kuntien ja hyvinvointialueiden välisiä yhdyspintoja on runsaasti, ja niitä löytyy koko "
        "ajan lisää.",
        "— Näihin kaikkiin meidän täytyy luoda toimivat käytännöt yhdessä.",
        "Kunnilla ja hyvinvointialueilla paljon yhteisiä asioita",
        "Vaikka sosiaali- ja terveydenhuollon sekä pelastustoimen tehtävät ja niitä ohjaavat "
        "normit siirtyvät valtaosin hyvinvointialueille,",
        "Molempien toiminta ja hallinto rakentuvat samanlaiselle, kuntalakiin perustuvalle "
        "pohjalle.",
        "— Kaiken kaikkiaan on tärkeintä luoda yhdessä toimintamallit asukkaiden palveluiden "
        "sujuvuudelle.",
    ],
}


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_paragraph_keeps_its_first_sentence(doc_id: str, docs: dict[str, Document]) -> None:
    text = docs[doc_id].text
    for sentence in FIRST_SENTENCES[doc_id]:
        assert any(line.startswith(sentence) for line in lines_of(text)), sentence


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_every_body_line_of_the_seed_survives(doc_id: str, docs: dict[str, Document]) -> None:
    """Each seed line that is not boilerplate is in the cleaned text, whitespace normalised."""
    raw = (CORPUS / f"{doc_id}.txt").read_text(encoding="utf-8")
    text = docs[doc_id].text
    for line in raw.split("\n"):
        norm = " ".join(line.replace("\u00a0", " ").split()).lstrip("# ")
        if (
            not norm
            or line in BOILERPLATE[doc_id]
            or norm.startswith(("Kuva", "Jyväskylän kaupungin pää"))
        ):
            continue
        norm = norm.replace("22.9.2016Emmi", "22.9.2016 Emmi")
        assert norm in text, norm


def test_names_phones_emails_and_dates_survive(docs: dict[str, Document]) -> None:
    everything = "\n".join(d.text for d in docs.values())
    for needle in [
        "0400 778 779",
        "050 530 9697",
        "014 266 3001",
        "040 074 2751",
        "050 307 6114",
        "hanna.helaste(at)jamsa.fi",
        "Jaakko Selin",
        "Maria Kaisa Aula",
        "Kati Kallimo",
        "Emmi Hyvönen",
        "Hanna Helaste",
        "Jari Porrasmaan",
        "Nina Peränen",
        "Minna Karhunen",
        "Helena Vuopionperä-Kovanen",
        "28.9.2022",
        "27.9.",
        "22.9.2016",
        "2.2.2022",
        "26.1.",
        "1.3.2022",
        "1.1.2023",
        "9.2.2022",
        "10.10.2022 § 237",
        "13.9.2022",
        "270 000",
        "http://www.jyvaskyla.fi/soteuudistus/palvelutuotanto",
    ]:
        assert needle in everything, needle


@pytest.mark.parametrize("doc_id", DOC_IDS)
def test_text_is_nfc_with_normalised_whitespace(doc_id: str, docs: dict[str, Document]) -> None:
    text = docs[doc_id].text
    assert unicodedata.is_normalized("NFC", text)
    assert "ä" in text and "ö" in text
    assert "\u00a0" not in text and "\t" not in text and "\r" not in text
    assert "  " not in text and "\n\n\n" not in text
    assert text == text.strip()
    for line in lines_of(text):
        assert line == line.strip()
        assert not line.startswith("#")


def test_markdown_heading_markers_and_bullets(docs: dict[str, Document]) -> None:
    minutes = docs["2022-10-10-kunnanhallitus-puitesopimus"].text
    assert minutes.startswith("Keski-Suomen kuntien, Keski-Suomen liiton")
    assert "\n\nTausta\n\n" in minutes
    assert "\n• Hanna Helaste," in docs["2022-02-02-yhdyspintajaosto"].text


def test_clean_text_is_idempotent_on_the_seeds(docs: dict[str, Document]) -> None:
    for d in docs.values():
        assert clean_text(d.text) == d.text


# --- clean_text rules on small inputs --------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            "Kunta tiedottaa.\nKuva\nKaupungintalo talvella. Kuva Matti Meikäläinen",
            "Kunta tiedottaa.",
        ),
        ("Kuva: Lehtikuva / Antti Aimo-Koivisto\nTeksti jatkuu.", "Teksti jatkuu."),
        ("Kuva kertoo enemmän kuin tuhat sanaa.", "Kuva kertoo enemmän kuin tuhat sanaa."),
        ("Näkymä on hieno. Kuva Jyväskylästä.", "Näkymä on hieno. Kuva Jyväskylästä."),
        ("Teksti.\n\nJuhlasali. Kuva K. Aula", "Teksti."),
        ("Etusivu › Ajankohtaista › Uutinen\n\nOtsikko", "Otsikko"),
        ("Hän sanoi »tervetuloa» kaikille.", "Hän sanoi »tervetuloa» kaikille."),
        ("Teksti.\n\nSeuraa meitä\nFacebook Instagram LinkedIn", "Teksti."),
        (
            "Kaupunki tiedottaa Facebookissa ja Twitterissä.",
            "Kaupunki tiedottaa Facebookissa ja Twitterissä.",
        ),
        ("Teksti.\n\n© Keski-Suomen liitto 2023", "Teksti."),
        ("Teksti.\n\nSivun alkuun | Saavutettavuusseloste", "Teksti."),
        ("Siirry pääsisältöön\nOtsikko\n\nTeksti.", "Otsikko\n\nTeksti."),
        ("a\u00a0b\u2009c\t d   e\u200b\u00adf  ", "a b c d ef"),
        ("## Väliotsikko ##\nTeksti.", "Väliotsikko\nTeksti."),
        ("22.9.2016Emmi Hyvönen", "22.9.2016 Emmi Hyvönen"),
        (
            "Kunnat ja hyvinvointialue\nsopivat yhteistyöstä.",
            "Kunnat ja hyvinvointialue sopivat yhteistyöstä.",
        ),
        ("Otsikko\nTeksti alkaa.", "Otsikko\nTeksti alkaa."),
        ("Yksi.\n\n\n\nKaksi.\r\nKolme.", "Yksi.\n\nKaksi.\nKolme."),
        ("  • yksi\n  - kaksi", "• yksi\n- kaksi"),
        # A heading left before removed end-of-page boilerplate titled a widget: dropped ...
        ("Teksti.\n\nAsiantuntijamme\n\nLöydä lisää sisältöä samoista teemoista", "Teksti."),
        # ... but a last short line with nothing removed after it is content and stays.
        ("Teksti.\n\nPuheenjohtaja Matti Virtanen", "Teksti.\n\nPuheenjohtaja Matti Virtanen"),
        (
            "Lisätietoja:\nKati Kallimo, puh. 014 266 3001\n\nSivun alkuun",
            "Lisätietoja:\nKati Kallimo, puh. 014 266 3001",
        ),
    ],
)
def test_clean_text_rules(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_clean_text_composes_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Jyväskylä ja Åland.")
    assert decomposed != "Jyväskylä ja Åland."
    assert clean_text(decomposed) == "Jyväskylä ja Åland."


# --- loaders ---------------------------------------------------------------------------------


def make_pdf(lines: list[str]) -> bytes:
    """A minimal valid one-page PDF with a Helvetica text layer (WinAnsi: ä, ö work)."""

    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = " T* ".join(f"({esc(line)}) Tj" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {ops} ET".encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_supported_suffixes() -> None:
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".md", ".html", ".htm", ".pdf", ".docx"}


def test_load_txt_with_metadata_read_from_the_text(tmp_path: Path) -> None:
    path = tmp_path / "muistio.txt"
    path.write_bytes("28.9.2022\n\nYhteistyö jatkuu\n\nKunnat sopivat asiasta.\n".encode())
    d = load_document(path, None)
    assert d.doc_id == "muistio"
    assert d.title == "Yhteistyö jatkuu"
    # a date alone above the headline is a news item's dateline; no organisation is named
    assert (d.date, d.date_kind, d.kind) == ("2022-09-28", "dateline", "news")
    assert (d.publisher, d.url, d.language) == ("", "", "fi")
    assert d.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_text_without_metadata_stays_unknown(tmp_path: Path) -> None:
    path = tmp_path / "muistio.txt"
    path.write_text("Kunnat sopivat asiasta.\n", encoding="utf-8")
    d = load_document(path, None)
    assert (d.title, d.date, d.date_kind, d.publisher, d.kind) == (
        "Kunnat sopivat asiasta.",  # the first line, as before metadata was read
        "",
        "",
        "",
        "document",
    )


def test_entry_keys_win_and_missing_ones_are_read(tmp_path: Path) -> None:
    path = tmp_path / "tiedote.txt"
    path.write_text(
        "Keski-Suomen hyvinvointialue\nTIEDOTE 18.6.2025\n"
        "Aluehallitus hyväksyi yhteistyösopimuksen kuntien kanssa\n\n"
        "Keski-Suomen hyvinvointialueen aluehallitus hyväksyi kokouksessaan "
        "yhteistyösopimuksen kuntien kanssa.\n",
        encoding="utf-8",
    )
    read = load_document(path, None)
    assert (read.date, read.date_kind, read.kind) == ("2025-06-18", "dateline", "press_release")
    assert read.title == "Aluehallitus hyväksyi yhteistyösopimuksen kuntien kanssa"
    # chunks keep the first heading as their context; the read headline is for people
    assert read.context_title == "Keski-Suomen hyvinvointialue"
    d = load_document(path, {"title": "Oma otsikko", "date": "2025-06-19"})
    assert (d.title, d.context_title, d.date) == ("Oma otsikko", "Oma otsikko", "2025-06-19")
    assert d.date_kind == ""  # the entry's date: its kind is not guessed
    assert (d.publisher, d.kind) == (read.publisher, read.kind)
    full = {"title": "T", "date": "2025", "publisher": "P", "kind": "news", "date_kind": "signed"}
    assert load_document(path, full).date_kind == "signed"


def test_load_markdown(tmp_path: Path) -> None:
    path = tmp_path / "ohje.md"
    path.write_text(
        "# Yhteistyön periaatteet\n\nKunnat ja hyvinvointialue sopivat\nyhteistyöstä "
        "vuosittain. Sopimus\nTarkistetaan keväällä.\n\n- talous\n- ICT\n\n## Lisätietoja ##\n"
        "Kati Kallimo, puh. 014 266 3001\n",
        encoding="utf-8",
    )
    d = load_document(path, {"title": "Oma otsikko", "date": "2023-01-02", "kind": "news"})
    assert d.text == (
        "Yhteistyön periaatteet\n\nKunnat ja hyvinvointialue sopivat yhteistyöstä vuosittain. "
        "Sopimus Tarkistetaan keväällä.\n\n- talous\n- ICT\n\nLisätietoja\n"
        "Kati Kallimo, puh. 014 266 3001"
    )
    assert (d.title, d.date, d.kind) == ("Oma otsikko", "2023-01-02", "news")
    assert load_document(path, None).title == "Yhteistyön periaatteet"


def test_load_html(tmp_path: Path) -> None:
    path = tmp_path / "uutinen.html"
    path.write_text(
        "<!doctype html><html><head><title>Sivu</title><style>p{color:red}</style>"
        "<script>var salainen = 1;</script></head><body>"
        '<a href="#main">Hyppää pääsisältöön</a>'
        "<nav>Etusivu › Uutiset › Yhteistyö</nav>"
        "<h1>Yhteistyö &auml;lykk&auml;&auml;sti</h1>"
        "<p>Kunnat ja&nbsp;hyvinvointialue sopivat <b>yhteistyöstä</b> "
        '<a href="https://example.fi/x">tänään</a>.</p>'
        "<p>- Lainaus alkaa. Toinen lause.</p>"
        "<ul><li>Talous</li><li>ICT</li></ul>"
        "<p>1. kokous pidetään 27.9. kaupungintalolla.</p>"
        "<footer><p>Copyright © Kaupunki 2022</p></footer></body></html>",
        encoding="utf-8",
    )
    d = load_document(path, None)
    assert d.text == (
        "Yhteistyö älykkäästi\n\nKunnat ja hyvinvointialue sopivat yhteistyöstä tänään.\n\n"
        "- Lainaus alkaa. Toinen lause.\n\n- Talous\n- ICT\n\n"
        "1. kokous pidetään 27.9. kaupungintalolla."
    )
    assert d.title == "Yhteistyö älykkäästi"
    assert load_document(path.rename(tmp_path / "uutinen.htm"), None).text == d.text


def test_load_pdf(tmp_path: Path) -> None:
    path = tmp_path / "raportti.pdf"
    path.write_bytes(
        make_pdf(
            [
                "Keski-Suomen yhteistyö",
                "Jyväskylän kaupunki ja",
                "hyvinvointialue tapaavat yhteis-",
                "työssä säännöllisesti.",
                "Sosiaali-",
                "ja terveyspalvelut siirtyvät 1.1.2023.",
            ]
        )
    )
    d = load_document(path, None)
    assert d.text == (
        "Keski-Suomen yhteistyö\n"
        "Jyväskylän kaupunki ja hyvinvointialue tapaavat yhteistyössä säännöllisesti.\n"
        "Sosiaali- ja terveyspalvelut siirtyvät 1.1.2023."
    )
    assert d.title == "Keski-Suomen yhteistyö"


def test_load_docx(tmp_path: Path) -> None:
    path = tmp_path / "sopimus.docx"
    document = docx.Document()
    document.add_heading("Yhteistyösopimus kuntien ja hyvinvointialueen välillä", 1)
    document.add_paragraph("Kunnat ja hyvinvointialue sopivat yhteistyöstä.")
    document.add_paragraph("Talous", style="List Bullet")
    document.add_paragraph("ICT-palvelut", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Jäsen"
    table.cell(0, 1).text = "Muurame"
    document.save(str(path))
    d = load_document(path, None)
    assert d.text == (
        "Yhteistyösopimus kuntien ja hyvinvointialueen välillä\n\n"
        "Kunnat ja hyvinvointialue sopivat yhteistyöstä.\n\n"
        "- Talous\n\n- ICT-palvelut\n\nJäsen – Muurame"
    )
    assert d.title == "Yhteistyösopimus kuntien ja hyvinvointialueen välillä"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jyväskylä ja Äänekoski.".encode("cp1252"), "Jyväskylä ja Äänekoski."),
        ("Kunta – “yhteistyö”.".encode("cp1252"), "Kunta – “yhteistyö”."),
        ("\ufeffJyväskylä.".encode(), "Jyväskylä."),
        ("Jyväskylä.".encode("utf-16"), "Jyväskylä."),
    ],
)
def test_text_encodings(tmp_path: Path, raw: bytes, expected: str) -> None:
    path = tmp_path / "koodaus.txt"
    path.write_bytes(raw)
    assert load_document(path, None).text == expected


def test_load_document_errors_are_finnish_and_name_the_file(tmp_path: Path) -> None:
    cases = {
        "kuva.png": (b"\x89PNG\r\n", "ei tueta"),
        "tyhja.txt": (b"  \n\n", "tyhjä"),
        "rikki.pdf": (b"%PDF-1.4\nthis is not a pdf", "PDF-tiedosto on vioittunut"),
        "rikki.docx": (b"PK\x03\x04 not a zip", "DOCX-tiedosto on vioittunut"),
        "binaari.txt": (b"abc\x00\x01\x02def", "ei ole tekstiä"),
        "vain_valikko.html": (
            b"<p>Hypp\xc3\xa4\xc3\xa4 p\xc3\xa4\xc3\xa4sis\xc3\xa4lt\xc3\xb6\xc3\xb6n</p>",
            "ei ole tekstiä",
        ),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(IngestError) as info:
            load_document(path, None)
        assert str(info.value).startswith(f"{name}: ")
        assert message in str(info.value)
        assert "\n" not in str(info.value)


# --- corpus problems -------------------------------------------------------------------------


def _good(tmp_path: Path) -> None:
    (tmp_path / "hyva.txt").write_text("Otsikko\n\nKunnat tekevät yhteistyötä.\n", encoding="utf-8")
    (tmp_path / "toinen.md").write_text("# Toinen\n\nLisää tekstiä.\n", encoding="utf-8")


def test_bad_files_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    _good(tmp_path)
    (tmp_path / "kuva.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "tyhja.txt").write_bytes(b"")
    (tmp_path / "rikki.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    (tmp_path / "vioittunut.docx").write_bytes(b"not a docx at all")
    (tmp_path / "README.md").write_text("# Ohje\n\nTämä ei ole asiakirja.\n", encoding="utf-8")
    (tmp_path / ".gitkeep").write_bytes(b"")
    (tmp_path / "sources.toml").write_text(
        '[documents."hyva"]\ntitle = "Hyvä asiakirja"\ndate = 2022-09-28\n'
        'publisher = "Jyväskylän kaupunki"\nkind = "news"\n\n'
        '[documents."puuttuva"]\ntitle = "Ei ole kansiossa"\n',
        encoding="utf-8",
    )
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["hyva", "toinen"]
    hyva = corpus.documents[0]
    assert (hyva.title, hyva.date, hyva.publisher, hyva.kind) == (
        "Hyvä asiakirja",
        "2022-09-28",
        "Jyväskylän kaupunki",
        "news",
    )
    assert corpus.documents[1].kind == "document"
    problems = corpus.problems
    assert len(problems) == 5, problems
    for name in ["kuva.png", "tyhja.txt", "rikki.pdf", "vioittunut.docx", "puuttuva"]:
        matching = [p for p in problems if name in p]
        assert len(matching) == 1, (name, problems)
        assert "\n" not in matching[0]
    assert any("puuttuu" in p and "puuttuva" in p for p in problems)
    assert any("tyhjä" in p for p in problems)


def test_malformed_sources_toml_is_reported_and_files_still_load(tmp_path: Path) -> None:
    _good(tmp_path)
    (tmp_path / "sources.toml").write_text('[documents."hyva"\ntitle = "x"\n', encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["hyva", "toinen"]
    assert [d.title for d in corpus.documents] == ["Otsikko", "Toinen"]
    assert len(corpus.problems) == 1
    assert corpus.problems[0].startswith("sources.toml: virheellinen TOML (rivi 1)")


def test_bad_date_in_sources_toml_is_reported(tmp_path: Path) -> None:
    _good(tmp_path)
    (tmp_path / "sources.toml").write_text(
        '[documents."hyva"]\ntitle = "Hyvä"\ndate = "28.9.2022"\n', encoding="utf-8"
    )
    corpus = load_corpus(tmp_path)
    assert corpus.documents[0].title == "Hyvä" and corpus.documents[0].date == ""
    assert len(corpus.problems) == 1 and "28.9.2022" in corpus.problems[0]


def test_duplicate_document_id_is_reported(tmp_path: Path) -> None:
    _good(tmp_path)
    (tmp_path / "hyva.md").write_text("# Kaksoiskappale\n\nTeksti.\n", encoding="utf-8")
    corpus = load_corpus(tmp_path)
    assert [d.doc_id for d in corpus.documents] == ["hyva", "toinen"]
    assert len(corpus.problems) == 1 and corpus.problems[0].startswith("hyva.txt: ")


def test_missing_corpus_folder(tmp_path: Path) -> None:
    corpus = load_corpus(tmp_path / "ei-ole")
    assert corpus.documents == [] and len(corpus.problems) == 1
