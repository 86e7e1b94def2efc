"""The owner's click: a lead's message gets a draft in the window; the owner
edits it and approves; the reply reaches the (local) Graph API exactly once."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, screenshot


def test_an_edited_draft_is_sent_once_after_the_click(app, relay, desk, fake_graph):
    out = desk.cli(
        "accounts", "add", "--platform", "instagram", "--account-id", "17841400000000001", "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    assert "Connected instagram account" in out
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm("17841400000000001", "5550001", "mid.draft.1", "Hi! Can I book for Saturday?")) == 200

    item = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item")))
    item.click()
    textarea = wait.until(EC.visibility_of_element_located((By.ID, "draft-text")))
    wait.until(lambda _: textarea.get_attribute("value"))
    assert "Nothing is sent until you click" in app.find_element(By.ID, "draft-status").get_attribute("textContent")
    # Meta's 24-hour window, and what it means, under the draft.
    window = app.find_element(By.ID, "draft-window").get_attribute("textContent")
    assert "You can reply until" in window and "24 hours" in window, window
    screenshot(app, "draft-review.png")
    time.sleep(1)
    assert fake_graph.sends == [], "a draft alone sends nothing"

    textarea.send_keys(Keys.CONTROL, "a")
    textarea.send_keys(Keys.DELETE)
    textarea.send_keys("Hi! Saturday works. Book here: https://book.example.com")
    app.find_element(By.ID, "draft-approve").click()
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "draft-result"), "textContent", "Sent."))

    assert len(fake_graph.sends) == 1
    path, auth, body = fake_graph.sends[0]
    assert path == "/v21.0/me/messages", "a page token sends as its page"
    assert auth == "Bearer page-token"
    assert body == {
        "recipient": {"id": "5550001"},
        "messaging_type": "RESPONSE",
        "message": {"text": "Hi! Saturday works. Book here: https://book.example.com"},
    }
    outbound = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#messages li.message.outbound .text")))
    assert outbound.get_attribute("textContent") == "Hi! Saturday works. Book here: https://book.example.com"
    screenshot(app, "draft-sent.png")
    time.sleep(1)
    assert len(fake_graph.sends) == 1, "sent exactly once"


def test_an_expired_login_keeps_the_draft_and_asks_to_reconnect(app, relay, desk, fake_graph):
    desk.cli(
        "accounts", "add", "--platform", "instagram", "--account-id", "17841400000000001", "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm("17841400000000001", "5550009", "mid.expired.1", "Are you open on Monday?")) == 200
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item"))).click()
    textarea = wait.until(EC.visibility_of_element_located((By.ID, "draft-text")))
    wait.until(lambda _: textarea.get_attribute("value"))

    fake_graph.token_expired = True
    app.find_element(By.ID, "draft-approve").click()
    wait.until(lambda _: app.find_element(By.ID, "draft-result").get_attribute("textContent") not in ("", "Sent."))
    result = app.find_element(By.ID, "draft-result").get_attribute("textContent")
    assert "not sent" in result.lower(), result
    # The banner names the account and the way back; the draft waits to be sent again.
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "notice"), "textContent", "needs to be connected again"))
    screenshot(app, "login-expired.png")
    assert app.find_element(By.ID, "draft-text").get_attribute("value")
    assert fake_graph.sends == []
