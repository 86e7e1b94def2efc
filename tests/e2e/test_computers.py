"""Settings lists the computers that receive the business's messages; a lost
one is removed from here (after a second click) and loses its access at once."""

import subprocess

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BIN, Desk, screenshot


def test_a_lost_laptop_is_removed_from_settings(app, relay, desk, workdir):
    laptop = Desk(workdir / "laptop")
    laptop.cli("pair", "--relay", relay.url, "--invite", relay.invite("Ana's Salon"), "--name", "Old laptop")

    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    app.find_element(By.ID, "settings-open").click()
    wait.until(lambda d: d.execute_script("return document.getElementById('settings-dialog')?.open === true"))
    app.execute_script("document.querySelectorAll('#settings-dialog details').forEach(d => d.open = true)")
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "settings-computers"), "textContent", "Old laptop"))

    rows = app.find_elements(By.CSS_SELECTOR, "#settings-computers li[data-device]")
    assert len(rows) == 2
    laptop_row = next(r for r in rows if "Old laptop" in r.get_attribute("textContent"))
    this_row = next(r for r in rows if "this computer" in r.get_attribute("textContent"))
    assert this_row.find_elements(By.CSS_SELECTOR, ".computer-remove-open") == [], "this computer cannot remove itself"

    open_button = laptop_row.find_element(By.CSS_SELECTOR, ".computer-remove-open")
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", open_button)
    open_button.click()
    confirm = app.find_element(By.CSS_SELECTOR, "#settings-computers .computer-remove")
    confirm.click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "settings-computers-result"), "no longer receives your messages"))
    wait.until(EC.text_to_be_present_in_element_attribute((By.ID, "settings-computers"), "textContent", "removed"))
    screenshot(app, "settings-computers.png")

    # The laptop's access ended at the relay.
    out = subprocess.run([BIN / "leadbox-cli", "--data-dir", laptop.data_dir, "sync", "--once"], capture_output=True, text=True)
    assert out.returncode != 0, out.stdout


def test_the_owner_invites_another_computer_from_settings(app, relay, desk, workdir):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    app.find_element(By.ID, "settings-open").click()
    wait.until(lambda d: d.execute_script("return document.getElementById('settings-dialog')?.open === true"))
    app.execute_script("document.querySelectorAll('#settings-dialog details').forEach(d => d.open = true)")
    button = app.find_element(By.ID, "settings-invite-computer")
    app.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    wait.until(EC.visibility_of_element_located((By.ID, "settings-invite-code")))
    code = app.find_element(By.ID, "settings-invite-code").get_attribute("textContent").strip()
    screenshot(app, "settings-invite-computer.png")

    # The code pairs a second computer into this business, once.
    laptop = Desk(workdir / "laptop")
    paired = laptop.cli("pair", "--relay", relay.url, "--invite", code, "--name", "New laptop")
    assert "Ana's Salon" in paired, paired
    again = subprocess.run(
        [BIN / "leadbox-cli", "--data-dir", workdir / "again", "pair", "--relay", relay.url, "--invite", code],
        capture_output=True,
        text=True,
    )
    assert again.returncode != 0
