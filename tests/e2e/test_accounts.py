"""The accounts panel: connected accounts with their state, and "Connect with
Facebook" asking the relay (here without Facebook Login set up, which the
window reports in words)."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot

ACCOUNT = "17841400000000001"


def test_the_accounts_panel_lists_accounts_and_explains_a_relay_without_login(app, desk, fake_graph):
    out = desk.cli(
        "accounts", "add", "--platform", "instagram", "--account-id", ACCOUNT, "--connection", "page",
        stdin="page-token", env={"LEADBOX_GRAPH_URL": fake_graph.url},
    )
    assert "Connected instagram account" in out
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))

    app.find_element(By.ID, "accounts-open").click()
    wait.until(EC.visibility_of_element_located((By.ID, "accounts-dialog")))
    item = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, f'#accounts-list li[data-account="instagram:{ACCOUNT}"]'))
    )
    text = item.get_attribute("textContent")
    assert "anas_salon" in text and "replies can be sent" in text, text

    app.find_element(By.ID, "connect-facebook").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "accounts-status"), "not set up on this relay"))
    assert "meta_app_id" in app.find_element(By.ID, "accounts-status").get_attribute("textContent")
    assert app.execute_script("return document.getElementById('accounts-dialog').open") is True
    screenshot(app, "accounts.png")
    # Disconnecting asks how (keep or erase), then removes the token only.
    item.find_element(By.CSS_SELECTOR, ".disconnect-open").click()
    item = app.find_element(By.CSS_SELECTOR, f'#accounts-list li[data-account="instagram:{ACCOUNT}"]')
    item.find_element(By.CSS_SELECTOR, ".disconnect-keep").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "accounts-status"), "Disconnected. Its conversations stay"))
    wait.until(
        lambda d: "Disconnected"
        in d.find_element(By.CSS_SELECTOR, f'#accounts-list li[data-account="instagram:{ACCOUNT}"] .account-status').get_attribute("textContent")
    )
    assert "disconnected" in desk.cli("accounts", "list").lower()
    app.find_element(By.ID, "accounts-close").click()


def test_an_account_is_connected_from_the_window_with_a_pasted_token(app, desk):
    from selenium.webdriver.support.ui import Select

    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    app.find_element(By.ID, "accounts-open").click()
    wait.until(EC.visibility_of_element_located((By.ID, "accounts-dialog")))
    app.find_element(By.CSS_SELECTOR, "#token-add summary").click()
    Select(app.find_element(By.ID, "token-platform")).select_by_value("instagram")
    Select(app.find_element(By.ID, "token-connection")).select_by_value("page")
    app.find_element(By.ID, "token-account-id").send_keys(ACCOUNT)
    token = app.find_element(By.ID, "token-value")

    # Meta refuses a wrong token (the local Graph API answers 190): nothing is stored.
    token.send_keys("not-the-token")
    connect = app.find_element(By.ID, "token-connect")
    # The dialog scrolls; WebKitWebDriver does not scroll inside it by itself.
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", connect)
    connect.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "accounts-status"), "not accepted"))
    # (The desk fixture routed the account already; the refused token changed nothing.)
    assert "not_connected" in desk.cli("accounts", "list"), "a refused token connects nothing"

    token.clear()
    token.send_keys("page-token")
    connect.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "accounts-status"), "Connected Instagram"))
    item = wait.until(
        EC.presence_of_element_located((By.CSS_SELECTOR, f'#accounts-list li[data-account="instagram:{ACCOUNT}"]'))
    )
    assert "anas_salon" in item.get_attribute("textContent")
    listed = desk.cli("accounts", "list")
    assert "connected" in listed and "not_connected" not in listed, listed
