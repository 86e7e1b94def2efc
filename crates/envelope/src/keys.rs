use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hpke::{Deserializable, Kem as _, Serializable};
use zeroize::Zeroizing;

pub(crate) type Kem = hpke::kem::X25519HkdfSha256;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("a device key must be 32 bytes, got {0}")]
    WrongLength(usize),
    #[error("a device public key must be 43 characters of URL-safe base64")]
    BadEncoding,
}

/// A desktop's X25519 secret key. It cannot be cloned, serialized or printed,
/// and its bytes are wiped when it is dropped.
pub struct DeviceSecretKey(Zeroizing<[u8; 32]>);

impl std::fmt::Debug for DeviceSecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSecretKey(***)")
    }
}

impl DeviceSecretKey {
    pub fn generate() -> Self {
        let (secret, _) = Kem::gen_keypair();
        let mut bytes = Zeroizing::new([0u8; 32]);
        bytes.copy_from_slice(&secret.to_bytes());
        DeviceSecretKey(bytes)
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, KeyError> {
        let array: [u8; 32] = bytes
            .try_into()
            .map_err(|_| KeyError::WrongLength(bytes.len()))?;
        Ok(DeviceSecretKey(Zeroizing::new(array)))
    }

    /// The raw key, for storing it in the OS keychain and nowhere else.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn public_key(&self) -> DevicePublicKey {
        let secret = self.to_hpke();
        let public = Kem::sk_to_pk(&secret);
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&public.to_bytes());
        DevicePublicKey(bytes)
    }

    pub(crate) fn to_hpke(&self) -> <Kem as hpke::Kem>::PrivateKey {
        // Every 32-byte string is a valid X25519 secret (it is clamped on use).
        <Kem as hpke::Kem>::PrivateKey::from_bytes(self.0.as_slice())
            .unwrap_or_else(|_| unreachable!("32 bytes always decode as an X25519 secret"))
    }
}

/// A desktop's X25519 public key, as registered with the relay.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DevicePublicKey([u8; 32]);

impl std::fmt::Debug for DevicePublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DevicePublicKey({})", self.to_base64())
    }
}

impl DevicePublicKey {
    pub fn to_base64(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    pub fn from_base64(text: &str) -> Result<Self, KeyError> {
        let bytes = URL_SAFE_NO_PAD
            .decode(text)
            .map_err(|_| KeyError::BadEncoding)?;
        let array: [u8; 32] = bytes
            .as_slice()
            .try_into()
            .map_err(|_| KeyError::WrongLength(bytes.len()))?;
        Ok(DevicePublicKey(array))
    }

    /// Whether envelopes can be sealed to this key. Some 32-byte strings are
    /// not usable X25519 public keys (all zeros, the small-order points):
    /// every seal to them fails, so the relay refuses them when a computer
    /// registers or rotates its key.
    pub fn is_usable(&self) -> bool {
        crate::seal(self, "key-check", "key-check", b"").is_ok()
    }

    pub(crate) fn to_hpke(self) -> <Kem as hpke::Kem>::PublicKey {
        <Kem as hpke::Kem>::PublicKey::from_bytes(&self.0)
            .unwrap_or_else(|_| unreachable!("32 bytes always decode as an X25519 public key"))
    }
}

impl serde::Serialize for DevicePublicKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> serde::Deserialize<'de> for DevicePublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DevicePublicKey::from_base64(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_key_debug_hides_the_key() {
        let key = DeviceSecretKey::generate();
        let shown = format!("{key:?}");
        assert_eq!(shown, "DeviceSecretKey(***)");
        assert!(!shown.contains(&hex_of(key.expose_bytes())));
    }

    #[test]
    fn public_key_round_trips_through_base64_and_json() {
        let public = DeviceSecretKey::generate().public_key();
        assert_eq!(
            DevicePublicKey::from_base64(&public.to_base64()).ok(),
            Some(public)
        );
        let json = serde_json::to_string(&public).unwrap_or_default();
        let back: DevicePublicKey = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, public);
    }

    #[test]
    fn malformed_public_keys_are_refused() {
        assert!(matches!(
            DevicePublicKey::from_base64("!!"),
            Err(KeyError::BadEncoding)
        ));
        assert!(matches!(
            DevicePublicKey::from_base64("AAAA"),
            Err(KeyError::WrongLength(3))
        ));
        assert!(matches!(
            DeviceSecretKey::from_bytes(&[1; 31]),
            Err(KeyError::WrongLength(31))
        ));
    }

    #[test]
    fn the_same_secret_always_gives_the_same_public_key() {
        let key = DeviceSecretKey::generate();
        let again =
            DeviceSecretKey::from_bytes(key.expose_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(key.public_key(), again.public_key());
        assert_ne!(key.public_key(), DeviceSecretKey::generate().public_key());
    }

    fn hex_of(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
