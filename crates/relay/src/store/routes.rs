//! Which business receives which platform account's webhooks.

use super::*;

impl Store {
    /// Claims a platform account for a business. Claiming one's own again is fine.
    pub fn claim_route(
        &self,
        business_id: &str,
        kind: RouteKind,
        account_id: &str,
        now: i64,
    ) -> Result<(), StoreError> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            let owner: Option<String> = tx
                .query_row(
                    "SELECT business_id FROM routes WHERE kind = ?1 AND account_id = ?2",
                    params![kind.as_str(), account_id],
                    |r| r.get(0),
                )
                .optional()?;
            match owner {
                Some(owner) if owner == business_id => {}
                Some(_) => return Err(StoreError::RouteTaken(kind, account_id.to_owned())),
                None => {
                    tx.execute(
                        "INSERT INTO routes (kind, account_id, business_id, created_at) VALUES (?1, ?2, ?3, ?4)",
                        params![kind.as_str(), account_id, business_id, now],
                    )?;
                }
            }
            tx.commit()?;
            Ok(())
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
        kind: RouteKind,
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
