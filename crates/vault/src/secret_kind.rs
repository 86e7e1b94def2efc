//! The kinds of keychain entry a vault has. An entry's name is its kind's
//! label and the vault's id (`relay-token:{vault id}`), so two vaults on one
//! computer never mix; the labels are written here once.

use leadbox_channels::Platform;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretKind {
    /// The vault's SQLCipher key (shown once as the recovery code).
    VaultKey,
    /// A new key while the vault is being re-encrypted with it.
    PendingVaultKey,
    /// This computer's X25519 secret key, which opens what the relay seals.
    DeviceSecret,
    /// This computer's login at the relay.
    RelayToken,
    /// The AI provider's API key.
    AiApiKey,
    /// An account's access token (page, Instagram Login, WhatsApp).
    AccountToken {
        platform: Platform,
        account_id: String,
    },
}

impl SecretKind {
    /// The entries a backup carries besides the accounts' tokens: what makes
    /// a restored computer connected as this one was. (The vault key is not
    /// among them: a restored vault gets a key of its own.)
    pub const CARRIED: [SecretKind; 3] = [
        SecretKind::DeviceSecret,
        SecretKind::RelayToken,
        SecretKind::AiApiKey,
    ];

    pub fn account_token(platform: Platform, account_id: &str) -> SecretKind {
        SecretKind::AccountToken {
            platform,
            account_id: account_id.to_owned(),
        }
    }

    /// The entry's name without the vault id (`account-token:whatsapp:123`).
    pub fn label(&self) -> String {
        match self {
            SecretKind::VaultKey => "vault-key".into(),
            SecretKind::PendingVaultKey => "vault-key-pending".into(),
            SecretKind::DeviceSecret => "device-secret".into(),
            SecretKind::RelayToken => "relay-token".into(),
            SecretKind::AiApiKey => "ai-api-key".into(),
            SecretKind::AccountToken {
                platform,
                account_id,
            } => format!("account-token:{platform}:{account_id}"),
        }
    }

    /// The keychain entry of this kind for the vault `vault_id`.
    pub fn entry(&self, vault_id: &str) -> String {
        format!("{}:{vault_id}", self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_the_label_then_the_vault_id() {
        assert_eq!(SecretKind::RelayToken.entry("v1"), "relay-token:v1");
        assert_eq!(SecretKind::VaultKey.entry("v1"), "vault-key:v1");
        assert_eq!(
            SecretKind::PendingVaultKey.entry("v1"),
            "vault-key-pending:v1"
        );
        assert_eq!(
            SecretKind::account_token(Platform::Whatsapp, "123").entry("v1"),
            "account-token:whatsapp:123:v1"
        );
    }
}
