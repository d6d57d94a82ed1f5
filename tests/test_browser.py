"""A real Chromium (Playwright, Debian's /usr/bin/chromium) drives the running web chat."""

from __future__ import annotations

import json
import os
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from assistant.sources import current_metadata

if TYPE_CHECKING:
    from conftest import AppServer

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
CHAIR_Q = "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?"
SCRIPT_Q = "<script>alert(1)</script> <img src=x onerror=alert(2)> Kuka vastaa?"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def browser_page(app_server: AppServer) -> Iterator[tuple[Any, list[str], list[str]]]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} puuttuu (apt-get install -y chromium)"
        if os.environ.get("ASSISTANT_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    outside: list[str] = []
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith((app_server.url, "data:", "blob:")):
                r.continue_()
            else:  # the page must work offline: any outside request is recorded and refused
                outside.append(url)
                r.abort()

        page.route("**/*", route)

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(app_server.url)
        page.wait_for_selector("#kysymys textarea")
        yield page, outside, dialogs
        browser.close()


def _expected_quote(app_server: AppServer) -> str:
    from gradio_client import Client

    client = Client(app_server.url, verbose=False)
    try:
        answer = client.predict(CHAIR_Q, "[]", api_name="/ask")
    finally:
        client.close()
    answer = json.loads(answer) if isinstance(answer, str) else answer
    assert answer["citations"], "the chair question must have a cited answer"
    return str(answer["citations"][0]["quote"])


def test_streamed_answer_marker_opens_its_source_card(
    browser_page: tuple[Any, list[str], list[str]],
    app_server: AppServer,
    tmp_path: Path,
) -> None:
    page, outside, dialogs = browser_page
    assert page.evaluate("document.documentElement.lang") == "fi"
    quote = _expected_quote(app_server)

    page.fill("#kysymys textarea", CHAIR_Q)
    page.keyboard.press("Enter")
    page.wait_for_selector("#lahde-1-1", timeout=60_000)
    answer_text = page.locator("#keskustelu").inner_text()
    assert "Maria Kaisa Aula" in answer_text

    marker = page.locator('#keskustelu a.viite[href="#lahde-1-1"]').first
    marker.click()
    card = page.locator("#lahde-1-1")
    assert "valittu" in (card.get_attribute("class") or "")
    assert card.is_visible()
    assert card.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top < window.innerHeight && r.bottom > 0; }"
    ), "the source card is scrolled into view"
    mark = card.locator("mark")
    assert " ".join(mark.inner_text().split()) == " ".join(quote.split())
    page.screenshot(path=str(tmp_path / "vastaus-ja-lahde.png"), full_page=True)

    # the card opens its document with the quote highlighted
    card.locator("button.avaa-asiakirja").click()
    highlighted = page.locator("#asiakirja mark.lainaus")
    highlighted.wait_for(timeout=30_000)
    assert " ".join(highlighted.inner_text().split()) == " ".join(quote.split())
    page.screenshot(path=str(tmp_path / "asiakirja.png"))
    page.get_by_role("tab", name="Keskustelu").click()

    # feedback on the latest answer
    page.get_by_text("Anna palautetta viimeisimmästä vastauksesta").click()
    page.fill("#kommentti textarea", "Selkeä vastaus.")
    page.click("#peukku-ylos")
    page.wait_for_selector("#palaute-tila :text('Kiitos palautteesta')", timeout=30_000)

    assert outside == [], f"the page tried to reach the network: {outside}"
    assert dialogs == []


def test_script_in_question_is_shown_as_text(
    browser_page: tuple[Any, list[str], list[str]], tmp_path: Path
) -> None:
    page, outside, dialogs = browser_page
    before = page.locator("#keskustelu .message").count()
    page.fill("#kysymys textarea", SCRIPT_Q)
    page.click("#kysy")
    page.wait_for_function(
        "n => document.querySelectorAll('#keskustelu .message').length >= n + 2", arg=before
    )
    page.wait_for_selector("#lahteet section h3 >> text=<script>", timeout=60_000)
    chat = page.locator("#keskustelu").inner_text()
    assert "<script>alert(1)</script>" in chat
    assert "<img src=x onerror=alert(2)>" in chat
    assert page.locator("#keskustelu script, #keskustelu img[src='x']").count() == 0
    page.screenshot(path=str(tmp_path / "script-tekstina.png"))
    assert dialogs == [], f"a script ran: {dialogs}"
    assert outside == []


def _log_count(app_server: AppServer, text: str) -> int:
    return app_server.log_path.read_text("utf-8", errors="replace").count(text)


def _wait_for_log(app_server: AppServer, text: str, count: int) -> None:
    """Poll the server's log until ``text`` appears ``count`` times (gives up after 30 s)."""
    for _ in range(300):
        if _log_count(app_server, text) >= count:
            return
        time.sleep(0.1)
    pytest.fail(f"the server never logged {text!r} {count} times")


def test_a_register_row_on_a_day_opens_its_source_and_document(
    browser_page: tuple[Any, list[str], list[str]],
) -> None:
    page, outside, dialogs = browser_page
    page.get_by_role("tab", name="Vastuut ja yhteystiedot").click()
    day = page.locator("#rekisteri-paiva textarea, #rekisteri-paiva input").first
    day.fill("2022-06-01")
    day.press("Enter")
    # filtered by a day, the tables leave out the rows whose validity the text does not give
    page.wait_for_selector("text=joiden voimassaoloa teksti ei kerro", timeout=30_000)
    table = page.locator("#vastuut-taulukko")
    # in force in mid-2022: the municipalities' services until the end of 2022, none of the
    # county's from 2023
    rows = [" ".join(r.split()) for r in table.get_by_role("row").all_inner_texts()[1:]]
    assert rows
    assert all(r.startswith(f"{i} kunnat") and "2022-12-31" in r for i, r in enumerate(rows))

    table.get_by_role("row").nth(1).get_by_text("sosiaali- ja terveyspalvelut").first.click()
    card = page.locator("#rekisteri-lahde article.lahde")
    card.wait_for(timeout=30_000)
    quote = " ".join(card.locator("mark").inner_text().split())
    assert "kunnat" in quote
    card.locator("button.avaa-asiakirja").click()
    highlighted = page.locator("#asiakirja mark.lainaus")
    highlighted.wait_for(timeout=30_000)
    assert " ".join(highlighted.inner_text().split()) == quote
    assert page.get_by_role("tab", name="Asiakirjat", selected=True).is_visible()
    assert outside == [] and dialogs == []


def test_admin_corrects_an_uploads_metadata_and_login_is_rate_limited(
    browser_page: tuple[Any, list[str], list[str]], app_server: AppServer, tmp_path: Path
) -> None:
    page, outside, dialogs = browser_page
    sources = app_server.corpus_dir / "sources.toml"
    before = sources.read_text("utf-8")
    page.get_by_role("tab", name="Ylläpito").click()
    page.fill("#admin-tunnus textarea, #admin-tunnus input", "virkailija")
    page.fill("#admin-salasana input", app_server.env["ASSISTANT_ADMIN_PASSWORD"])
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_selector("text=Kirjauduttu sisään.", timeout=30_000)

    upload = tmp_path / "hyvinvointialue-tiedote.txt"
    upload.write_text(
        "Hyvinvointialueen tiedote yhteistyöstä\n\nAluehallitus käsitteli 3.3.2025 kuntien "
        "kanssa tehtävää yhteistyötä ja hyväksyi uuden yhteistyöryhmän kokoonpanon.",
        "utf-8",
    )
    page.locator("#lataa-asiakirja input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Tallenna aineistoon").click()
    page.wait_for_selector("text=Tallennettu hyvinvointialue-tiedote.txt", timeout=30_000)
    field = {
        key: page.locator(f"#meta-{key} textarea, #meta-{key} input").first
        for key in ("title", "date", "publisher", "kind")
    }
    page.wait_for_function(
        "el => el.value.length > 0", arg=field["title"].element_handle(), timeout=30_000
    )
    suggested = current_metadata(app_server.corpus_dir, "hyvinvointialue-tiedote")
    assert {key: f.input_value() for key, f in field.items()} == {
        key: suggested[key] for key in field
    }, "the form shows the metadata read from the text"

    field["title"].fill("Aluehallitus hyväksyi yhteistyöryhmän kokoonpanon")
    field["date"].fill("2025-03-03")
    page.get_by_role("button", name="Tallenna tiedot").click()
    page.wait_for_selector("text=tiedot tallennettu", timeout=30_000)
    after = sources.read_text("utf-8")
    assert after.startswith(before), "the other entries and comments are kept"
    entry = tomllib.loads(after)["documents"]["hyvinvointialue-tiedote"]
    assert entry["title"] == "Aluehallitus hyväksyi yhteistyöryhmän kokoonpanon"
    assert entry["date"] == "2025-03-03"
    assert all(entry.get(key, "") == suggested[key] for key in ("publisher", "kind"))

    # a bad date is refused in Finnish and the file is left as it was
    page.locator("#meta-date textarea, #meta-date input").first.fill("3.3.2025")
    page.get_by_role("button", name="Tallenna tiedot").click()
    page.wait_for_selector("text=ei kelpaa", timeout=30_000)
    assert sources.read_text("utf-8") == after

    # re-indexed, the corrected title is the document's on the source cards of the chat
    page.get_by_role("button", name="Päivitä hakemisto").click()
    page.wait_for_selector("text=Hakemisto päivitetty", timeout=120_000)
    page.get_by_role("tab", name="Keskustelu").click()
    page.fill("#kysymys textarea", "Milloin aluehallitus hyväksyi yhteistyöryhmän kokoonpanon?")
    page.keyboard.press("Enter")
    corrected = page.locator("#lahteet strong", has_text="Aluehallitus hyväksyi yhteistyöryhmän")
    corrected.first.wait_for(timeout=60_000)
    page.get_by_role("tab", name="Ylläpito").click()

    # five failed logins from this client, then a wait; the password is never logged
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.wait_for_selector("text=Kirjauduttu ulos.", timeout=30_000)
    failed = _log_count(app_server, "failed admin login")
    for i in range(5):
        page.fill("#admin-salasana input", f"arvaus-{i}")
        page.get_by_role("button", name="Kirjaudu", exact=True).click()
        _wait_for_log(app_server, "failed admin login", failed + i + 1)
    page.fill("#admin-salasana input", app_server.env["ASSISTANT_ADMIN_PASSWORD"])
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_selector("text=Liian monta epäonnistunutta kirjautumista", timeout=30_000)
    log = app_server.log_path.read_text("utf-8", errors="replace")
    assert "admin login refused" in log and "admin login: user 'virkailija'" in log
    assert app_server.env["ASSISTANT_ADMIN_PASSWORD"] not in log and "arvaus-0" not in log
    assert outside == [] and dialogs == []
