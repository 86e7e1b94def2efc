"""First start on a new computer, in the real window: a new inbox is chosen, its
recovery code must be confirmed, the computer is paired with the relay from the window, the profile,
reply provider and retention are chosen, a test notification is sent; then a
lead's message arrives. Pausing notifications keeps the next lead silent."""

import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import Desk, instagram_dm, screenshot, wait_for_log

ACCOUNT = "17841400000000001"


def notify_calls(log) -> str:
    return log.read_text() if log.exists() else ""


def test_a_new_computer_is_set_up_from_the_window(fresh_app, relay, workdir, notification_log):
    app = fresh_app
    wait = WebDriverWait(app, 40)
    wait.until(lambda d: d.execute_script("return document.getElementById('welcome-dialog')?.open === true"))
    # Nothing is created until the owner chooses a new inbox or a backup.
    assert not (workdir / "fresh" / "leadbox.vault").exists()
    assert not app.find_element(By.ID, "welcome-later").is_displayed()
    assert app.find_element(By.ID, "welcome-start-new").is_selected()
    screenshot(app, "onboarding-start.png")
    app.find_element(By.ID, "welcome-next").click()

    wait.until(EC.visibility_of_element_located((By.ID, "welcome-recovery-code")))
    assert (workdir / "fresh" / "leadbox.vault").exists()
    assert not app.find_element(By.ID, "welcome-back").is_displayed(), "the inbox exists now: no way back to the start"
    screenshot(app, "onboarding-recovery.png")

    code = app.find_element(By.ID, "welcome-recovery-code").get_attribute("textContent")
    assert re.search(r"\w{4,}", code), code
    assert not app.find_element(By.ID, "welcome-later").is_displayed(), "the recovery code cannot be skipped"
    next_button = app.find_element(By.ID, "welcome-next")
    next_button.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "welcome-result"), "Tick the box"))
    app.find_element(By.ID, "welcome-recovery-saved").click()
    next_button.click()

    wait.until(EC.visibility_of_element_located((By.ID, "welcome-relay-url")))
    app.find_element(By.ID, "welcome-relay-url").send_keys(relay.url)
    app.find_element(By.ID, "welcome-invite").send_keys("not-a-real-code")
    next_button.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "welcome-result"), "invite code is unknown"))
    invite = app.find_element(By.ID, "welcome-invite")
    invite.clear()
    invite.send_keys(relay.invite("Ana's Salon"))
    app.find_element(By.ID, "welcome-device-name").send_keys("Front desk")
    next_button.click()

    wait.until(EC.visibility_of_element_located((By.ID, "welcome-profile-description")))
    assert app.find_element(By.ID, "welcome-profile-name").get_attribute("value") == "Ana's Salon"
    app.find_element(By.ID, "welcome-profile-description").send_keys("Hair and nails in Gràcia.")
    app.find_element(By.ID, "welcome-profile-hours").send_keys("Mon-Sat 9:00-19:00")
    screenshot(app, "onboarding-profile.png")
    next_button.click()

    # Channels: the login buttons, and a pasted token (checked with the local Graph API).
    wait.until(EC.visibility_of_element_located((By.ID, "welcome-connect-facebook")))
    app.find_element(By.CSS_SELECTOR, "#welcome-token-add summary").click()
    Select(app.find_element(By.ID, "welcome-token-platform")).select_by_value("instagram")
    app.find_element(By.ID, "welcome-token-account-id").send_keys(ACCOUNT)
    app.find_element(By.ID, "welcome-token-value").send_keys("page-token")
    connect = app.find_element(By.ID, "welcome-token-connect")
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", connect)
    connect.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "welcome-result"), "Connected Instagram"))
    screenshot(app, "onboarding-channels.png")
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", next_button)
    next_button.click()

    wait.until(EC.visibility_of_element_located((By.ID, "welcome-provider-provider")))
    disclosure = app.find_element(By.ID, "welcome-provider-disclosure").get_attribute("textContent")
    assert "nothing is sent" in disclosure, disclosure
    Select(app.find_element(By.ID, "welcome-provider-provider")).select_by_value("openai_compatible")
    app.find_element(By.ID, "welcome-provider-base_url").send_keys("https://api.openai.com/v1")
    disclosure = app.find_element(By.ID, "welcome-provider-disclosure").get_attribute("textContent")
    assert "api.openai.com" in disclosure, "the owner is told where drafts would be sent"
    Select(app.find_element(By.ID, "welcome-provider-provider")).select_by_value("offline")
    next_button.click()

    wait.until(EC.visibility_of_element_located((By.ID, "welcome-retention")))
    Select(app.find_element(By.ID, "welcome-retention")).select_by_value("180")
    next_button.click()

    wait.until(EC.visibility_of_element_located((By.ID, "welcome-test-notification")))
    app.find_element(By.ID, "welcome-test-notification").click()
    wait_for_log(notification_log, "Leadbox notifications work")
    # Starting with the computer is offered, ticked: the login item starts Leadbox in the tray.
    assert app.find_element(By.ID, "welcome-start-at-login").is_selected()
    next_button.click()
    wait.until(lambda d: not d.execute_script("return document.getElementById('welcome-dialog').open"))
    login_item = workdir / "home" / ".config" / "autostart" / "Leadbox.desktop"
    assert "--hidden" in login_item.read_text()

    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert app.find_element(By.ID, "business").get_attribute("textContent") == "Ana's Salon"

    # What the window saved is what the engine now uses.
    desk = Desk(workdir / "fresh")
    assert "180" in desk.cli("retention", "show")
    desk.cli("claim", "--platform", "instagram", "--account-id", ACCOUNT)
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550002", "mid.onboard.1", "Do you do balayage?")) == 200
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "conversations"), "textContent", "balayage"))
    wait_for_log(notification_log, "New lead on Instagram")
    screenshot(app, "onboarding-done-inbox.png")

    app.find_element(By.ID, "settings-open").click()
    wait.until(lambda d: d.execute_script("return document.getElementById('settings-dialog')?.open === true"))
    wait.until(
        lambda d: d.find_element(By.ID, "settings-profile-description").get_attribute("value")
        == "Hair and nails in Gràcia."
    )
    app.execute_script("document.querySelectorAll('#settings-dialog details').forEach(d => d.open = true)")
    # The relay lists the business's computers; this one is marked.
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "settings-computers"), "textContent", "this computer"))
    computers = app.find_element(By.ID, "settings-computers").get_attribute("textContent")
    assert "Front desk" in computers, computers
    assert app.find_elements(By.CSS_SELECTOR, "#settings-computers .computer-remove-open") == [], "no removing itself"
    screenshot(app, "settings.png")
    app.find_element(By.ID, "notify-pause").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "settings-result"), "paused"))
    assert "paused until" in app.find_element(By.ID, "paused-status").get_attribute("textContent")
    app.find_element(By.ID, "settings-close").click()

    before = notify_calls(notification_log).count("New lead on")
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550003", "mid.onboard.2", "Quiet please")) == 200
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "conversations"), "textContent", "Quiet please"))
    time.sleep(2)
    assert notify_calls(notification_log).count("New lead on") == before, "paused: no notification"
