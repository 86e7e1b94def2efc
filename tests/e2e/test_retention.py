"""Retention from the window: the 7-day preview names what is due, "Apply
now" deletes it, and "never" keeps everything."""

import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import screenshot

ACCOUNT = "17841400000000001"
DAY_MS = 24 * 3600 * 1000


def dm(sender: str, mid: str, text: str, age_days: int) -> bytes:
    at = int(time.time() * 1000) - age_days * DAY_MS
    entry = {"id": ACCOUNT, "time": at, "messaging": [
        {"sender": {"id": sender}, "recipient": {"id": ACCOUNT}, "timestamp": at, "message": {"mid": mid, "text": text}}
    ]}
    return json.dumps({"object": "instagram", "entry": [entry]}).encode()


def text_of(app, element_id: str) -> str:
    return app.find_element(By.ID, element_id).get_attribute("textContent")


def test_the_owner_previews_and_applies_the_retention_policy(app, relay):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(dm("5550201", "mid.r.old", "an old question", 120)) == 200
    assert relay.post_webhook(dm("5550202", "mid.r.new", "a new question", 0)) == 200
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 2)

    app.find_element(By.ID, "menu-open").click()
    app.find_element(By.ID, "retention-open").click()
    wait.until(EC.visibility_of_element_located((By.ID, "retention-dialog")))
    assert Select(app.find_element(By.ID, "retention-days")).first_selected_option.get_attribute("value") == "90"
    preview = text_of(app, "retention-preview")
    assert "1 conversation" in preview and "0201" in preview, preview

    # A different period for Instagram is previewed before it is saved.
    app.find_element(By.CSS_SELECTOR, ".retention-channels summary").click()
    Select(app.find_element(By.ID, "retention-channel-instagram")).select_by_value("never")
    wait.until(EC.text_to_be_present_in_element((By.ID, "retention-preview"), "Nothing is due"))
    Select(app.find_element(By.ID, "retention-channel-instagram")).select_by_value("default")
    wait.until(EC.text_to_be_present_in_element((By.ID, "retention-preview"), "1 conversation"))

    # "never" keeps everything: nothing is due.
    Select(app.find_element(By.ID, "retention-days")).select_by_value("never")
    app.find_element(By.ID, "retention-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "retention-preview"), "Nothing is due"))

    # Back to 90 days and apply now: the old conversation goes, the new one stays.
    Select(app.find_element(By.ID, "retention-days")).select_by_value("90")
    app.find_element(By.ID, "retention-save").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "retention-preview"), "1 conversation"))
    app.find_element(By.ID, "retention-run").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "retention-result"), "Deleted 1 conversation"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "retention-preview"), "Nothing is due"))
    screenshot(app, "retention.png")
    app.find_element(By.ID, "retention-close").click()
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 1)
    remaining = app.find_element(By.CSS_SELECTOR, "#conversations li.conversation-item").get_attribute("textContent")
    assert "new question" in remaining
