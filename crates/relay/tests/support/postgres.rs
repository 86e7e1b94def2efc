//! Databases in the throw-away PostgreSQL server that `scripts/with-postgres`
//! starts (its address in `LEADBOX_TEST_POSTGRES`): each relay under test
//! gets a database of its own.

use tokio_postgres::NoTls;

/// Where the test server is; a clear failure when the tests were not started
/// through `scripts/with-postgres` (they never skip themselves).
pub fn server() -> String {
    std::env::var("LEADBOX_TEST_POSTGRES").unwrap_or_else(|_| {
        panic!(
            "these tests need PostgreSQL: run them through scripts/with-postgres \
             (scripts/test does), e.g. scripts/with-postgres cargo test -p leadbox-relay"
        )
    })
}

/// A new, empty database; returns its postgres:// address.
pub async fn fresh_database() -> String {
    let server = server();
    let (client, connection) = tokio_postgres::connect(&server, NoTls).await.unwrap();
    tokio::spawn(connection);
    let name = format!("relay_{}", uuid::Uuid::new_v4().simple());
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let (base, _) = server.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// Whether this run puts the relays under test on PostgreSQL
/// (`LEADBOX_TEST_STORE=postgres`) rather than SQLite.
pub fn relays_on_postgres() -> bool {
    std::env::var("LEADBOX_TEST_STORE").as_deref() == Ok("postgres")
}
