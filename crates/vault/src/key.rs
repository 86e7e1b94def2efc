use zeroize::Zeroizing;

use crate::VaultError;

/// The 32-byte SQLCipher raw key. Not `Clone`, not serializable, `Debug` shows
/// `***`, wiped on drop.
pub struct VaultKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey(***)")
    }
}

impl VaultKey {
    pub fn generate() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut_slice())
            .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
        VaultKey(bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let array: [u8; 32] = bytes.try_into().ok()?;
        Some(VaultKey(Zeroizing::new(array)))
    }

    /// A second copy, for another connection to the same vault (deliberately
    /// not `Clone`, so copies are only made where one is needed).
    pub(crate) fn duplicate(&self) -> VaultKey {
        VaultKey(Zeroizing::new(*self.0))
    }

    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// `x'<hex>'`, the form SQLCipher takes a raw key in (no key derivation).
    pub(crate) fn pragma_value(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", hex::encode(self.0.as_slice())))
    }

    pub fn recovery_code(&self) -> RecoveryCode {
        let hex = Zeroizing::new(hex::encode(self.0.as_slice()));
        let groups: Vec<&str> = (0..8).map(|i| &hex[i * 8..i * 8 + 8]).collect();
        RecoveryCode(Zeroizing::new(groups.join("-")))
    }

    pub fn from_recovery_code(code: &str) -> Result<Self, VaultError> {
        let compact: Zeroizing<String> = Zeroizing::new(
            code.chars()
                .filter(|c| !c.is_whitespace() && *c != '-')
                .collect::<String>()
                .to_lowercase(),
        );
        let bytes =
            Zeroizing::new(hex::decode(compact.as_str()).map_err(|_| VaultError::BadRecoveryCode)?);
        VaultKey::from_bytes(&bytes).ok_or(VaultError::BadRecoveryCode)
    }
}

/// What the owner writes down when the vault is created: the key in eight groups.
pub struct RecoveryCode(Zeroizing<String>);

impl RecoveryCode {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovery_code_round_trips_in_any_reasonable_spelling() {
        let key = VaultKey::generate();
        let code = key.recovery_code();
        assert_eq!(code.expose().len(), 64 + 7);
        for spelling in [
            code.expose().to_owned(),
            code.expose().to_uppercase(),
            code.expose().replace('-', " "),
        ] {
            let back = VaultKey::from_recovery_code(&spelling).unwrap();
            assert_eq!(back.expose_bytes(), key.expose_bytes());
        }
    }

    #[test]
    fn bad_recovery_codes_are_refused() {
        for bad in ["", "abc", &"g".repeat(64), &"a".repeat(62)] {
            assert!(
                matches!(
                    VaultKey::from_recovery_code(bad),
                    Err(VaultError::BadRecoveryCode)
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = VaultKey::generate();
        assert_eq!(format!("{key:?}"), "VaultKey(***)");
        assert_eq!(format!("{:?}", key.recovery_code()), "RecoveryCode(***)");
    }
}
