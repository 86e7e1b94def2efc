//! Names for new people: Instagram and Messenger webhooks carry only an id, so
//! "Instagram user …0001" is asked for the name their profile shows.

use leadbox_vault::NewContact;

use crate::{Engine, InboxError};

impl Engine {
    /// Asks Meta for the profile name of each new person who has none yet,
    /// with the token of the account they wrote to. Returns how many were
    /// named. A person Meta will not describe (no consent yet, a blocked
    /// business, an account without a token) simply keeps the neutral label.
    pub async fn name_new_contacts(&self, contacts: &[NewContact]) -> Result<usize, InboxError> {
        let mut named = 0;
        for contact in contacts {
            let Some(unnamed) = self.vault().unnamed_contact(contact.conversation_id)? else {
                continue;
            };
            let account = &unnamed.account;
            let Some(connection) = account.connection else {
                continue;
            };
            let token_name = self.token_name(account.platform, &account.platform_account_id);
            let Some(token) = self.secrets().get(&token_name)? else {
                continue;
            };
            let token = String::from_utf8_lossy(&token).into_owned();
            let answer = self
                .graph()
                .user_name(
                    account.platform,
                    connection,
                    &unnamed.platform_contact_id,
                    &token,
                )
                .await;
            match answer {
                Ok(Some(name)) => {
                    if self.vault().name_contact(unnamed.contact_id, &name)? {
                        named += 1;
                    }
                }
                Ok(None) => {}
                // Meta's reason, never the person: their id and name stay out of the logs.
                Err(error) => tracing::info!(%error, "a profile name was not available"),
            }
        }
        Ok(named)
    }
}
