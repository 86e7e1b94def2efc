"""The vault file, read by independent tools: plain SQLite cannot read it; an
independent SQLCipher 4 (the sqlcipher3 wheel) opens it with the raw key."""

import sqlite3

import pytest
import sqlcipher3

from conftest import instagram_dm


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
