"""The owner's own words in the real window: a reply written in the
composer (reached with c, sent with Ctrl+Enter) reaches the local Graph API
exactly once and sets the suggested reply aside; a saved reply is created,
found and inserted with the keyboard, its placeholders filled from the
person's profile name and the business profile, and the unknown one left
visible."""

from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, screenshot

ACCOUNT = "17841400000000001"
PROFILE = Path(__file__).resolve().parents[2] / "crates/drafts/tests/profiles/surf_school.toml"


def press(app, *keys):
    ActionChains(app).send_keys(*keys).perform()


def chord(app, modifier, key):
    ActionChains(app).key_down(modifier).send_keys(key).key_up(modifier).perform()


def active_id(app) -> str:
    return app.execute_script("return document.activeElement?.id ?? ''")


def dialog_open(app) -> bool:
    return app.execute_script("return document.getElementById('saved-replies-dialog')?.open === true")


def test_a_written_reply_is_sent_once_and_a_saved_reply_goes_in_by_keyboard(app, relay, desk, fake_graph):
    desk.cli("profile", "import", "--file", str(PROFILE))
    desk.cli(
        "accounts", "add", "--platform", "instagram", "--account-id", ACCOUNT, "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    fake_graph.profiles["5550001"] = {"name": "Marta Puig", "id": "5550001"}
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550001", "mid.composer.1", "Do you have lessons on Sunday?")) == 200
    wait.until(EC.text_to_be_present_in_element_attribute(
        (By.CSS_SELECTOR, "#conversations li.conversation-item .name"), "textContent", "Marta Puig"))
    app.find_element(By.CSS_SELECTOR, "#conversations li.conversation-item").click()
    # The suggested reply is there too; the owner writes their own instead.
    wait.until(lambda _: app.find_element(By.ID, "draft-text").get_attribute("value"))
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "composer-window"), "textContent", "You can reply until"))

    app.find_element(By.ID, "conversation-title").click()
    press(app, "c")
    wait.until(lambda _: active_id(app) == "composer-text")
    send = app.find_element(By.ID, "composer-send")
    assert not send.is_enabled(), "nothing to send yet"
    press(app, "Yes, Sunday at 10 and at 15. Bring a towel!")
    assert send.is_enabled()
    screenshot(app, "composer-written.png")
    assert fake_graph.sends == [], "writing sends nothing"
    chord(app, Keys.CONTROL, Keys.ENTER)
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "composer-result"), "textContent", "Sent."))

    assert len(fake_graph.sends) == 1
    path, auth, body = fake_graph.sends[0]
    assert (path, auth) == ("/v21.0/me/messages", "Bearer page-token")
    assert body == {
        "recipient": {"id": "5550001"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Yes, Sunday at 10 and at 15. Bring a towel!"},
    }
    wait.until(lambda _: app.execute_script(
        "return [...document.querySelectorAll('#messages li.message.outbound .text')].map(e => e.textContent)")
        == ["Yes, Sunday at 10 and at 15. Bring a towel!"])
    # The owner answered: the suggestion is set aside, the composer is empty.
    wait.until(lambda _: not app.find_elements(By.ID, "draft"))
    assert app.find_element(By.ID, "composer-text").get_attribute("value") == ""
    screenshot(app, "composer-sent.png")
    # Sending again with nothing written sends nothing.
    app.find_element(By.ID, "composer-text").click()
    chord(app, Keys.CONTROL, Keys.ENTER)
    assert not app.find_element(By.ID, "composer-send").is_enabled()
    assert len(fake_graph.sends) == 1, "sent exactly once"

    # "/" at the start of the reply opens the saved replies; there are none yet.
    press(app, "/")
    wait.until(lambda _: dialog_open(app))
    wait.until(EC.visibility_of_element_located((By.ID, "saved-reply-empty")))
    app.find_element(By.ID, "saved-reply-new").click()
    wait.until(lambda _: active_id(app) == "saved-reply-title")
    press(app, "Booking")
    app.find_element(By.ID, "saved-reply-text").send_keys(
        "Hi {first_name}! Book at {booking_link} or write to {email}. {sign_off}")
    app.find_element(By.CSS_SELECTOR, ".saved-reply-form summary").click()
    wait.until(EC.visibility_of_element_located((By.ID, "placeholder-help")))
    screenshot(app, "saved-reply-form.png")
    app.find_element(By.ID, "saved-reply-save").click()
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "saved-reply-result"), "textContent", "Saved “Booking”."))
    app.find_element(By.ID, "saved-reply-new").click()
    wait.until(lambda _: active_id(app) == "saved-reply-title")
    press(app, "Wetsuits")
    app.find_element(By.ID, "saved-reply-text").send_keys("Wetsuits and boards are included.")
    app.find_element(By.ID, "saved-reply-save").click()
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#saved-reply-list li.saved-reply")) == 2)
    screenshot(app, "saved-replies.png")

    # Search narrows by every word in any case; arrows pick, Enter inserts.
    wait.until(lambda _: active_id(app) == "saved-reply-search")
    press(app, "zzz")
    wait.until(EC.visibility_of_element_located((By.ID, "saved-reply-empty")))
    press(app, Keys.BACKSPACE * 3, "BOOK")
    wait.until(lambda _: app.execute_script(
        "return [...document.querySelectorAll('#saved-reply-list li.saved-reply strong')].map(e => e.textContent)")
        == ["Booking"])
    press(app, Keys.ENTER)
    wait.until(lambda _: not dialog_open(app))
    composer = app.find_element(By.ID, "composer-text")
    wait.until(lambda _: composer.get_attribute("value"))
    assert composer.get_attribute("value") == (
        "Hi Marta! Book at https://book.example.com/onda or write to {email}. Rita, Onda Surf School")
    assert "{email}" in app.find_element(By.ID, "composer-result").get_attribute("textContent")
    assert active_id(app) == "composer-text", "back to writing"
    screenshot(app, "composer-saved-reply.png")

    # s (outside the text) opens the picker too; Escape closes it.
    app.find_element(By.ID, "conversation-title").click()
    press(app, "s")
    wait.until(lambda _: dialog_open(app))
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#saved-reply-list li.saved-reply")) == 2)
    press(app, Keys.ESCAPE)
    wait.until(lambda _: not dialog_open(app))
    assert len(fake_graph.sends) == 1, "inserting a saved reply sends nothing"
