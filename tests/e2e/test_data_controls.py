"""Data controls in the window: an access export of one person with progress,
then erasing that person after a confirmation; the other lead is untouched."""

import csv
import json

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.file_detector import UselessFileDetector
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Desk, instagram_dm, screenshot

ACCOUNT = "17841400000000001"


def text_of(app, element_id: str) -> str:
    return app.find_element(By.ID, element_id).get_attribute("textContent")


def test_the_owner_exports_one_person_then_erases_them(app, relay, desk, workdir):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550001", "mid.dc.1", "Hi, I'm Marta. A balayage on Friday?")) == 200
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550002", "mid.dc.2", "Hola, ¿abrís el domingo?")) == 200
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 2)
    marta = next(
        item
        for item in app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")
        if "balayage" in item.get_attribute("textContent")
    )
    marta.click()
    wait.until(EC.visibility_of_element_located((By.ID, "erase-open")))

    # An access export of this person only, as CSV.
    app.find_element(By.ID, "menu-open").click()
    app.find_element(By.ID, "export-open").click()
    wait.until(EC.visibility_of_element_located((By.ID, "export-dialog")))
    app.find_element(By.CSS_SELECTOR, 'input[name="export-format"][value="csv"]').click()
    app.find_element(By.ID, "export-person").click()
    app.find_element(By.ID, "export-start").click()
    wait.until(lambda _: "Exported" in text_of(app, "export-status") or "could not" in text_of(app, "export-status"))
    status = text_of(app, "export-status")
    assert "Exported" in status and "messages.csv" in status, status
    screenshot(app, "export-done.png")
    folders = list((workdir / "exports").iterdir())
    assert len(folders) == 1 and folders[0].name in status
    with open(folders[0] / "messages.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    texts = " ".join(" ".join(row.values()) for row in rows)
    assert "balayage" in texts
    assert "domingo" not in texts, "an access export holds only that person"
    app.find_element(By.ID, "export-close").click()

    # Erase, after the confirmation dialog.
    app.find_element(By.ID, "erase-open").click()
    wait.until(EC.visibility_of_element_located((By.ID, "erase-dialog")))
    assert "Marta" in text_of(app, "erase-name") or "5550001"[-4:] in text_of(app, "erase-name")
    app.find_element(By.ID, "erase-confirm").click()
    wait.until(EC.text_to_be_present_in_element((By.ID, "erase-result"), "Confirmation code: ER-"))
    assert "Erased 1 conversation, 1 message" in text_of(app, "erase-result")
    screenshot(app, "erasure-done.png")
    app.find_element(By.ID, "erase-cancel").click()
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 1)
    assert text_of(app, "conversation-title") == "Select a conversation"

    left = [json.loads(line) for line in desk.cli("conversations", "--json").splitlines()]
    assert [c["contact_id"] for c in left] == ["5550002"]
    assert "balayage" not in desk.cli("search", "balayage")


def test_a_backup_made_in_the_window_restores_on_another_computer(app, relay, workdir):
    wait = WebDriverWait(app, 40)
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550031", "mid.bk.1", "Do you have parking nearby?")) == 200
    wait.until(lambda _: len(app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 1)

    app.find_element(By.ID, "menu-open").click()
    app.find_element(By.ID, "backup-open").click()
    wait.until(lambda d: d.execute_script("return document.getElementById('backup-dialog')?.open === true"))
    passphrase = app.find_element(By.ID, "backup-passphrase")
    passphrase.send_keys("short")
    assert "at least 8 characters" in text_of(app, "backup-status")
    assert not app.find_element(By.ID, "backup-start").is_enabled()
    passphrase.send_keys(" but now long enough")
    app.find_element(By.ID, "backup-passphrase-again").send_keys("short but now long enough")
    app.find_element(By.ID, "backup-start").click()
    wait.until(lambda _: "Writing" not in text_of(app, "backup-status"))
    assert "Saved an encrypted backup" in text_of(app, "backup-status"), text_of(app, "backup-status")
    screenshot(app, "backup.png")

    backups = list((workdir / "exports").glob("Leadbox backup *.age"))
    assert len(backups) == 1, backups
    assert b"parking" not in backups[0].read_bytes(), "the backup is encrypted"
    restored = Desk(workdir / "restored")
    restored.cli("restore", "--from", str(backups[0]), stdin="short but now long enough\n")
    assert "parking" in restored.cli("conversations")


def test_a_new_computer_restores_a_backup_from_the_window(fresh_app, relay, desk, workdir):
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550041", "mid.rs.1", "Can I bring my dog to the appointment?")) == 200
    desk.cli("sync", "--once")
    backup = workdir / "salon backup.age"
    desk.cli("backup", "--out", str(backup), stdin="a long passphrase\n")

    app = fresh_app
    wait = WebDriverWait(app, 60)
    wait.until(lambda d: d.execute_script("return document.getElementById('welcome-dialog')?.open === true"))
    app.find_element(By.ID, "welcome-start-backup").click()
    # Typed as text: Selenium would otherwise upload an existing file's path.
    with app.file_detector_context(UselessFileDetector):
        app.find_element(By.ID, "welcome-restore-file").send_keys(str(backup))
    passphrase = app.find_element(By.ID, "welcome-restore-passphrase")
    passphrase.send_keys("not the passphrase")
    app.find_element(By.ID, "welcome-next").click()
    wait.until(lambda _: "Restoring" not in text_of(app, "welcome-result"))
    assert "passphrase does not open this backup" in text_of(app, "welcome-result"), text_of(app, "welcome-result")
    assert not (workdir / "fresh" / "leadbox.vault").exists(), "a failed restore leaves no inbox behind"
    assert app.find_element(By.ID, "welcome-start-backup").is_displayed(), "the owner can try again"

    passphrase.clear()
    passphrase.send_keys("a long passphrase")
    screenshot(app, "onboarding-restore.png")
    app.find_element(By.ID, "welcome-next").click()
    wait.until(EC.visibility_of_element_located((By.ID, "welcome-recovery-code")))
    restored_id = (workdir / "fresh" / "vault-id").read_text().strip()
    assert restored_id != (desk.data_dir / "vault-id").read_text().strip(), "the restored inbox has its own key"

    # The backup was paired already: confirming the recovery code is the last step.
    app.find_element(By.ID, "welcome-recovery-saved").click()
    finish = app.find_element(By.ID, "welcome-next")
    assert finish.text == "Start using Leadbox"
    finish.click()
    wait.until(lambda d: not d.execute_script("return document.getElementById('welcome-dialog').open"))
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 1)
    assert "dog" in app.find_element(By.ID, "conversations").get_attribute("textContent")
    # The backup brought this computer's relay login: the restored inbox syncs at once.
    wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
    assert relay.post_webhook(instagram_dm(ACCOUNT, "5550042", "mid.rs.2", "Are you open on Sunday?")) == 200
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 2)
