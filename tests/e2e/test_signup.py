"""A new owner signs up to a relay service from the real window (no invite,
no server of their own): the relay creates the business with this computer as
its owner, and a lead's message arrives."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Desk, instagram_dm, screenshot

ACCOUNT = "17841400000000077"


def test_a_new_owner_signs_up_to_a_relay_service_and_receives_a_lead(fresh_app, relay, workdir):
    app = fresh_app
    wait = WebDriverWait(app, 40)
    wait.until(lambda d: d.execute_script("return document.getElementById('welcome-dialog')?.open === true"))
    next_button = app.find_element(By.ID, "welcome-next")
    next_button.click()
    wait.until(EC.visibility_of_element_located((By.ID, "welcome-recovery-code")))
    app.find_element(By.ID, "welcome-recovery-saved").click()
    next_button.click()

    wait.until(EC.visibility_of_element_located((By.ID, "welcome-relay-url")))
    app.find_element(By.ID, "welcome-relay-service").click()
    wait.until(EC.visibility_of_element_located((By.ID, "welcome-business-name")))
    assert not app.find_elements(By.ID, "welcome-invite"), "a service needs no invite code"
    app.find_element(By.ID, "welcome-relay-url").send_keys(relay.url)
    app.find_element(By.ID, "welcome-business-name").send_keys("Bo's Barbers")
    app.find_element(By.ID, "welcome-signup-code").send_keys("not-the-code")
    app.find_element(By.ID, "welcome-device-name").send_keys("Shop laptop")
    screenshot(app, "signup-service.png")
    next_button.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "welcome-result"), "sign-up code"))
    assert not any(b["name"] == "Bo's Barbers" for b in relay.businesses())

    code = app.find_element(By.ID, "welcome-signup-code")
    code.clear()
    code.send_keys("e2e-signup-code")
    next_button.click()
    wait.until(EC.visibility_of_element_located((By.ID, "welcome-profile-description")))
    assert app.find_element(By.ID, "welcome-profile-name").get_attribute("value") == "Bo's Barbers"
    [business] = [b for b in relay.businesses() if b["name"] == "Bo's Barbers"]
    assert business["devices"] == 1
    app.find_element(By.ID, "welcome-later").click()
    wait.until(lambda d: not d.execute_script("return document.getElementById('welcome-dialog').open"))
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert app.find_element(By.ID, "business").get_attribute("textContent") == "Bo's Barbers"

    Desk(workdir / "fresh").cli("claim", "--platform", "instagram", "--account-id", ACCOUNT)
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550077", "mid.signup.1", "Can I get a fade on Friday?")) == 200
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "conversations"), "textContent", "fade on Friday"))
    screenshot(app, "signup-first-lead.png")
