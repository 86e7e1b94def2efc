//! Wake-ups across instances. A webhook stored by one instance must reach a
//! desktop streaming (or long-polling) from another at once: every commit
//! that stores envelopes or website-chat replies sends a notification
//! (`pg_notify`, delivered at commit), and every instance listens on a
//! connection of its own and wakes its waiting streams, which then read.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use tokio_postgres::{AsyncMessage, NoTls};

/// Envelopes were stored for some device.
pub const ENVELOPES: &str = "leadbox_envelopes";
/// A website-chat reply was queued for some visitor.
pub const REPLIES: &str = "leadbox_replies";
/// A website chat was added: every instance reloads its list of sites.
pub const SITES: &str = "leadbox_sites";

/// What another instance (or this one) stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    Envelopes,
    Replies,
    Sites,
}

pub type Wake = Arc<dyn Fn(Stored) + Send + Sync>;

/// Listens for as long as the task runs, reconnecting with backoff. After
/// each (re)connect every waiter is woken once: something may have been
/// stored while no one was listening.
pub async fn listen(database_url: String, wake: Wake) {
    let mut backoff = Duration::from_millis(250);
    loop {
        match listen_once(&database_url, &wake).await {
            Ok(()) => {
                tracing::warn!("the database closed the notification connection; reconnecting")
            }
            Err(error) => {
                tracing::warn!(%error, "listening for other instances' envelopes failed; retrying");
            }
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(Duration::from_secs(10));
    }
}

async fn listen_once(database_url: &str, wake: &Wake) -> Result<(), tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(database_url, NoTls).await?;
    let (heard, mut hearing) = tokio::sync::mpsc::unbounded_channel::<Stored>();
    // The connection delivers notifications only while it is polled.
    let driver = tokio::spawn(async move {
        let mut messages = futures_util::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            if let AsyncMessage::Notification(notification) = message? {
                let stored = match notification.channel() {
                    REPLIES => Stored::Replies,
                    SITES => Stored::Sites,
                    _ => Stored::Envelopes,
                };
                let _ = heard.send(stored);
            }
        }
        Ok::<_, tokio_postgres::Error>(())
    });
    client
        .batch_execute(&format!(
            "LISTEN {ENVELOPES}; LISTEN {REPLIES}; LISTEN {SITES}"
        ))
        .await?;
    tracing::debug!("listening for other instances' envelopes");
    wake(Stored::Envelopes);
    wake(Stored::Replies);
    wake(Stored::Sites);
    while let Some(stored) = hearing.recv().await {
        wake(stored);
    }
    drop(client);
    match driver.await {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}
