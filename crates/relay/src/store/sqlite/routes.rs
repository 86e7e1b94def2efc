//! Which business receives which platform account's webhooks.

use super::*;
use crate::store::ClaimOutcome;

impl SqliteStore {
    /// The business an account routes to, if any.
    pub fn route_holder(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<String>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT business_id FROM routes WHERE kind = ?1 AND account_id = ?2",
                    params![kind.as_str(), account_id],
                    |r| r.get(0),
                )
                .optional()?)
        })
    }

    /// Claims a platform account for a business. Claiming one's own again is
    /// fine; an account another business holds moves only when `proven`
    /// (the caller checked that this business controls it).
    pub fn claim_route(
        &self,
        business_id: &str,
        kind: Platform,
        account_id: &str,
        proven: bool,
        now: i64,
    ) -> Result<ClaimOutcome, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let holder: Option<String> = tx
                .query_row(
                    "SELECT business_id FROM routes WHERE kind = ?1 AND account_id = ?2",
                    params![kind.as_str(), account_id],
                    |r| r.get(0),
                )
                .optional()?;
            let outcome = match holder {
                Some(holder) if holder == business_id => ClaimOutcome::AlreadyHeld,
                Some(_) if !proven => {
                    return Err(StoreError::RouteTaken(kind, account_id.to_owned()));
                }
                Some(holder) => {
                    tx.execute(
                        "UPDATE routes SET business_id = ?3, created_at = ?4 WHERE kind = ?1 AND account_id = ?2",
                        params![kind.as_str(), account_id, business_id, now],
                    )?;
                    let devices = active_devices(&tx, &holder)?;
                    ClaimOutcome::Moved {
                        from: Recipients {
                            business_id: holder,
                            devices,
                        },
                    }
                }
                None => {
                    tx.execute(
                        "INSERT INTO routes (kind, account_id, business_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                        params![kind.as_str(), account_id, business_id, now],
                    )?;
                    ClaimOutcome::Claimed
                }
            };
            tx.commit()?;
            Ok(outcome)
        })
    }

    /// Whether a WhatsApp Business Account's account-level changes already
    /// go to this business.
    pub fn business_account_linked(
        &self,
        business_id: &str,
        business_account_id: &str,
    ) -> Result<bool, StoreError> {
        self.read(|conn| {
            Ok(conn
                .query_row(
                    "SELECT 1 FROM business_account_routes WHERE account_id = ?1 AND business_id = ?2",
                    params![business_account_id, business_id],
                    |_| Ok(()),
                )
                .optional()?
                .is_some())
        })
    }

    /// Routes a WhatsApp Business Account's account-level changes to a
    /// business too (it claimed one of the account's numbers).
    pub fn link_business_account(
        &self,
        business_id: &str,
        business_account_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.with(|conn| {
            conn.execute(
                "INSERT OR IGNORE INTO business_account_routes (account_id, business_id, created_at) VALUES (?1, ?2, ?3)",
                params![business_account_id, business_id, now],
            )?;
            Ok(())
        })
    }

    /// Every business linked to a WhatsApp Business Account, with the public
    /// keys of its active devices.
    pub fn business_account_recipients(
        &self,
        business_account_id: &str,
    ) -> Result<Vec<Recipients>, StoreError> {
        self.read(|conn| {
            let businesses: Vec<String> = conn
                .prepare_cached(
                    "SELECT business_id FROM business_account_routes WHERE account_id = ?1 ORDER BY business_id",
                )?
                .query_map(params![business_account_id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            businesses
                .into_iter()
                .map(|business_id| {
                    let devices = active_devices(conn, &business_id)?;
                    Ok(Recipients {
                        business_id,
                        devices,
                    })
                })
                .collect()
        })
    }

    /// The business that claimed an account and the public keys of its active devices.
    pub fn recipients(
        &self,
        kind: Platform,
        account_id: &str,
    ) -> Result<Option<Recipients>, StoreError> {
        self.read(|conn| {
            let business: Option<String> = conn
                .query_row(
                    "SELECT business_id FROM routes WHERE kind = ?1 AND account_id = ?2",
                    params![kind.as_str(), account_id],
                    |r| r.get(0),
                )
                .optional()?;
            let Some(business_id) = business else {
                return Ok(None);
            };
            let devices = active_devices(conn, &business_id)?;
            Ok(Some(Recipients {
                business_id,
                devices,
            }))
        })
    }
}
