"""Account-level events in the real window: a WhatsApp Business Account
restricted by Meta reaches the business through its number, raises a
notification and shows on that number in Accounts…; a part of a webhook that
Leadbox cannot read is counted there instead of vanishing."""

import json
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot, wait_for_log

NUMBER = "106540352242922"
BUSINESS_ACCOUNT = "102290129340398"


def whatsapp(changes: list) -> bytes:
    return json.dumps({"object": "whatsapp_business_account", "entry": [
        {"id": BUSINESS_ACCOUNT, "time": int(time.time()), "changes": changes}
    ]}).encode()


def test_a_restricted_whatsapp_account_is_announced_and_shown(app, relay, desk, notification_log):
    desk.cli("claim", "--platform", "whatsapp", "--account-id", NUMBER, "--business-account", BUSINESS_ACCOUNT)
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))

    restriction = whatsapp([{"field": "account_update", "value": {
        "event": "ACCOUNT_RESTRICTION",
        "restriction_info": [{"restriction_type": "RESTRICTED_BIZ_INITIATED_MESSAGING", "expiration": 1893456000}],
    }}])
    assert relay.post_webhook(restriction) == 200
    # A message kind Leadbox does not read (a WhatsApp system note about the contact).
    unreadable = whatsapp([{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": NUMBER},
        "contacts": [{"profile": {"name": "User A"}, "wa_id": "34600111222"}],
        "messages": [{"from": "34600111222", "id": "wamid.sys1", "timestamp": str(int(time.time())), "type": "system",
                      "system": {"body": "User A changed their number", "type": "user_changed_number"}}],
    }}])
    assert relay.post_webhook(unreadable) == 200

    calls = wait_for_log(notification_log, "WhatsApp restricted your account")
    assert "you cannot start conversations until 2030-01-01" in calls, calls

    app.find_element(By.ID, "accounts-open").click()
    wait.until(EC.visibility_of_element_located((By.ID, "accounts-dialog")))
    selector = f'#accounts-list li[data-account="whatsapp:{NUMBER}"]'
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, f"{selector} .account-unreadable")))
    item = app.find_element(By.CSS_SELECTOR, selector)
    notice = item.find_element(By.CSS_SELECTOR, ".account-notice")
    assert "WhatsApp restricted your business account" in notice.get_attribute("textContent")
    assert "restriction" in notice.get_attribute("class").split()
    unread = item.find_element(By.CSS_SELECTOR, ".account-unreadable").get_attribute("textContent")
    assert unread.startswith("1 event from this account could not be read"), unread
    screenshot(app, "account-events.png")
    app.find_element(By.ID, "accounts-close").click()

    listed = desk.cli("accounts", "list")
    assert "WhatsApp restricted your business account" in listed and "1 event(s) could not be read" in listed, listed
