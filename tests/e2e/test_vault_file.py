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


def test_without_its_keychain_entry_the_window_says_the_vault_is_locked_and_leaves_it_alone(relay, desk, workdir, fake_graph):
    import hashlib
    import subprocess

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    from conftest import launch_app

    assert relay.post_webhook(instagram_dm("17841400000000001", "5550002", "mid.v2", "Hola")) == 200
    desk.cli("sync", "--once")
    vault = desk.data_dir / "leadbox.vault"
    vault_id = (desk.data_dir / "vault-id").read_text().strip()
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
        screenshot(app, "vault-locked.png")
    finally:
        session.close()
    assert hashlib.sha256(vault.read_bytes()).hexdigest() == before, "the locked vault is not touched"
