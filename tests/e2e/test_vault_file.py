"""The vault file, read by independent tools: plain SQLite cannot read it; an
independent SQLCipher 4 (the sqlcipher3 wheel) opens it with the raw key."""

import sqlite3

import pytest
import sqlcipher3

from conftest import instagram_dm, screenshot


def test_the_vault_is_sqlcipher_and_holds_the_message(relay, desk):
    assert relay.post_webhook(instagram_dm("17841400000000001", "5550001", "mid.v1", "Quiero una cita 💇")) == 200
    desk.cli("sync", "--once")
    vault = desk.data_dir / "leadbox.vault"

    with pytest.raises(sqlite3.DatabaseError, match="file is not a database"):
        sqlite3.connect(vault).execute("SELECT count(*) FROM sqlite_master").fetchone()

    wrong = sqlcipher3.connect(str(vault))
    wrong.execute("PRAGMA key = \"x'" + "00" * 32 + "'\"")
    with pytest.raises(sqlcipher3.DatabaseError):
        wrong.execute("SELECT count(*) FROM sqlite_master").fetchone()

    reader = sqlcipher3.connect(str(vault))
    reader.execute(f"PRAGMA key = \"x'{desk.vault_key_hex()}'\"")
    rows = reader.execute("SELECT body FROM messages").fetchall()
    assert rows == [("Quiero una cita 💇",)]
    for path in [vault, vault.with_name("leadbox.vault-wal")]:
        if path.exists():
            assert b"Quiero una cita" not in path.read_bytes(), path


def test_without_its_keychain_entry_the_vault_stays_locked_until_its_recovery_code_is_entered(relay, desk, workdir, fake_graph):
    import hashlib
    import subprocess

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import launch_app

    assert relay.post_webhook(instagram_dm("17841400000000001", "5550002", "mid.v2", "Hola, ¿tenéis hueco el sábado?")) == 200
    desk.cli("sync", "--once")
    vault = desk.data_dir / "leadbox.vault"
    vault_id = (desk.data_dir / "vault-id").read_text().strip()
    # The recovery code is the key, in hex (dashes optional).
    key_hex = desk.vault_key_hex()
    before = hashlib.sha256(vault.read_bytes()).hexdigest()
    subprocess.run(["secret-tool", "clear", "service", "app.leadbox.desktop", "username", f"vault-key:{vault_id}"], check=True)

    session = launch_app(desk.data_dir, workdir, fake_graph)
    app = next(session)
    try:
        wait = WebDriverWait(app, 40)
        wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#notice[role=alert]")))
        notice = app.find_element(By.ID, "notice").get_attribute("textContent")
        assert "recovery code" in notice.lower(), notice
        assert app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item") == []
        wait.until(EC.text_to_be_present_in_element((By.ID, "empty-list"), "locked"))
        assert app.find_element(By.ID, "sync-status").get_attribute("textContent").strip() == "Inbox locked"
        assert not app.find_element(By.ID, "accounts-open").is_enabled(), "no screen opens on a locked inbox"
        screenshot(app, "vault-locked.png")

        # A wrong code is refused, and the vault is left as it was.
        wrong = "0" * 64
        app.find_element(By.ID, "unlock-code").send_keys(wrong)
        app.find_element(By.ID, "unlock-submit").click()
        wait.until(lambda d: "does not open" in d.find_element(By.ID, "unlock-result").get_attribute("textContent"))
        assert hashlib.sha256(vault.read_bytes()).hexdigest() == before, "a wrong code changes nothing"
        assert app.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item") == []

        code = app.find_element(By.ID, "unlock-code")
        code.clear()
        code.send_keys("-".join(key_hex[i : i + 8] for i in range(0, 64, 8)))
        app.find_element(By.ID, "unlock-submit").click()
        wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#conversations li.conversation-item")) == 1)
        assert "sábado" in app.find_element(By.ID, "conversations").get_attribute("textContent")
        wait.until(EC.text_to_be_present_in_element((By.ID, "sync-status"), "Connected"))
        assert not app.find_elements(By.CSS_SELECTOR, "#notice[role=alert]")
        assert app.find_element(By.ID, "accounts-open").is_enabled()
    finally:
        session.close()
    # The key is back in the keychain: the next start opens the vault by itself.
    assert desk.vault_key_hex() == key_hex
