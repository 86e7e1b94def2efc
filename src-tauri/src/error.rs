use leadbox_inbox::InboxError;
use serde::Serialize;

/// What the front end receives when a command fails: a stable code to branch
/// on and a sentence a business owner can act on. Internals stay in the logs.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, ts_rs::TS)]
pub struct CommandError {
    pub code: &'static str,
    pub message: String,
}

impl CommandError {
    pub fn locked(message: impl Into<String>) -> Self {
        CommandError {
            code: "vault_locked",
            message: message.into(),
        }
    }
}

impl From<InboxError> for CommandError {
    fn from(error: InboxError) -> Self {
        let code = match &error {
            InboxError::NotPaired => "not_paired",
            InboxError::RelayUnreachable { .. } => "relay_unreachable",
            InboxError::Relay { .. } => "relay_refused",
            InboxError::BadRelayUrl(_) => "bad_relay_url",
            InboxError::Vault(_) | InboxError::Keychain(_) => "vault_error",
            InboxError::DamagedDeviceKey => "device_key_damaged",
            InboxError::Profile(_) => "profile_invalid",
            InboxError::Settings(_) => "settings_invalid",
            InboxError::NotSent(_) => "not_sent",
            InboxError::VaultExists(_) => "vault_exists",
            InboxError::UnsafeAddress(_) => "unsafe_address",
        };
        tracing::warn!(code, "command failed");
        CommandError {
            code,
            message: error.to_string(),
        }
    }
}

impl From<leadbox_vault::VaultError> for CommandError {
    fn from(error: leadbox_vault::VaultError) -> Self {
        CommandError::from(InboxError::from(error))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_reach_the_ui_with_a_code_and_a_plain_sentence() {
        let error = CommandError::from(InboxError::NotPaired);
        assert_eq!(error.code, "not_paired");
        assert!(error.message.starts_with("this computer is not paired"));
        let json = serde_json::to_value(CommandError::from(InboxError::RelayUnreachable {
            url: "http://r".into(),
        }))
        .unwrap();
        assert_eq!(json["code"], "relay_unreachable");
        assert!(json["message"].as_str().unwrap().contains("http://r"));
    }
}
