"""The real app window: a webhook posted to the relay shows up in the inbox and
raises a native notification."""

import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import instagram_dm, screenshot


def test_a_webhook_appears_in_the_window_and_notifies(app, relay, notification_log):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert app.find_element(By.ID, "business").text == "Ana's Salon"

    text = "Hola! ¿Tienen cita el sábado? <img src=x onerror=alert(1)>"
    assert relay.post_webhook(instagram_dm("17841400000000001", "5550001", "mid.e2e.1", text)) == 200

    item = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#conversations li.conversation-item")))
    screenshot(app, "inbox-new-lead.png")
    # textContent, not .text: WebKitWebDriver reports ellipsized text as empty.
    assert item.find_element(By.CSS_SELECTOR, ".name").get_attribute("textContent") == "Instagram user …0001"
    # The markup in the message is shown as text, never parsed as HTML.
    assert "<img src=x" in item.find_element(By.CSS_SELECTOR, ".preview").get_attribute("textContent")
    assert app.find_elements(By.CSS_SELECTOR, "#conversations img") == []

    item.click()
    message = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#messages li.message.inbound .text")))
    assert message.get_attribute("textContent") == text
    assert app.execute_script("return document.querySelectorAll('#messages img').length") == 0
    screenshot(app, "inbox-conversation.png")

    deadline = time.time() + 20
    calls = ""
    while time.time() < deadline:
        calls = notification_log.read_text() if notification_log.exists() else ""
        if "Notify" in calls and "New lead on Instagram" in calls:
            break
        time.sleep(0.2)
    assert "New lead on Instagram" in calls, calls


def test_a_second_message_from_the_same_lead_does_not_notify_again(app, relay, notification_log):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    before = notification_log.read_text().count("Notify") if notification_log.exists() else 0
    relay.post_webhook(instagram_dm("17841400000000001", "777", "mid.e2e.a", "first"))
    wait.until(EC.text_to_be_present_in_element_attribute((By.CSS_SELECTOR, "#conversations"), "textContent", "first"))
    relay.post_webhook(instagram_dm("17841400000000001", "777", "mid.e2e.b", "second"))
    wait.until(EC.text_to_be_present_in_element_attribute((By.CSS_SELECTOR, "#conversations"), "textContent", "second"))
    # A new lead after it notifies: once its notification is there, the one
    # the second message would have caused would be there too.
    relay.post_webhook(instagram_dm("17841400000000001", "778", "mid.e2e.c", "third, from someone new"))
    wait.until(lambda _: "778" in notification_log.read_text())
    assert notification_log.read_text().count("Notify") == before + 2, "the second message notified again"


def test_with_the_relay_down_the_inbox_stays_and_says_it_is_offline(app, relay):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    relay.post_webhook(instagram_dm("17841400000000001", "778", "mid.e2e.off", "still here?"))
    wait.until(EC.text_to_be_present_in_element_attribute((By.CSS_SELECTOR, "#conversations"), "textContent", "still here?"))

    relay.stop()
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Offline"))
    screenshot(app, "relay-offline.png")
    assert "still here?" in app.find_element(By.ID, "conversations").get_attribute("textContent")
    app.find_element(By.CSS_SELECTOR, "#conversations li.conversation-item").click()
    wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, "#messages li.message.inbound .text"), "still here?"))
