//! The computers paired with the business's relay: listed in Settings so the
//! owner sees who receives their messages, and a lost one can be removed.

use crate::{Engine, InboxError};

/// One paired desktop, as Settings lists it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Computer {
    pub device_id: String,
    pub name: String,
    /// Milliseconds since the epoch.
    pub paired_at: i64,
    /// Set once removed; removed computers stay listed with the time.
    pub removed_at: Option<i64>,
    /// Messages waiting at the relay for that computer.
    pub waiting: u64,
    pub this_computer: bool,
    /// The business's owner computer (the first paired): only it removes
    /// other computers.
    pub owner: bool,
}

impl Engine {
    pub async fn computers(&self) -> Result<Vec<Computer>, InboxError> {
        let this = self.pairing()?.ok_or(InboxError::NotPaired)?.device_id;
        let (client, token) = self.relay()?;
        Ok(client
            .devices(&token)
            .await?
            .into_iter()
            .map(|device| Computer {
                this_computer: device.device_id == this,
                device_id: device.device_id,
                name: device.name,
                paired_at: device.created_at.saturating_mul(1000),
                removed_at: device.revoked_at.map(|at| at.saturating_mul(1000)),
                waiting: device.queued,
                owner: device.owner,
            })
            .collect())
    }

    /// Removes another computer of the business: its access ends at once and
    /// nothing more is sealed to it. This computer cannot remove itself here.
    pub async fn remove_computer(&self, device_id: &str) -> Result<(), InboxError> {
        let this = self.pairing()?.ok_or(InboxError::NotPaired)?.device_id;
        if device_id == this {
            return Err(InboxError::Settings(
                "this is the computer you are using; remove it from another one".into(),
            ));
        }
        let (client, token) = self.relay()?;
        client.revoke_device(&token, device_id).await?;
        self.vault()
            .audit("computer_removed", &format!("device {device_id}"))?;
        tracing::info!(device = %device_id, "computer removed from the business");
        Ok(())
    }
}
