use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hpke::{Deserializable, OpModeR, OpModeS, Serializable};

use crate::keys::Kem;
use crate::{DevicePublicKey, DeviceSecretKey};

type Aead = hpke::aead::ChaCha20Poly1305;
type Kdf = hpke::kdf::HkdfSha256;

/// HPKE's `info`: names the protocol so a ciphertext can never be mistaken for another's.
const INFO: &[u8] = b"leadbox envelope v1";

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("the envelope could not be sealed")]
    Seal,
    #[error("the envelope is not addressed to this device's key, or it was altered in transit")]
    Open,
    #[error("the envelope is malformed: {0}")]
    Malformed(&'static str),
}

/// One payload sealed to one device key, as the relay stores and serves it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SealedEnvelope {
    /// The relay's position of this envelope in the device's queue; acks name it.
    pub cursor: u64,
    /// Unique per payload (the same payload sealed to two devices shares it).
    pub envelope_id: String,
    pub business_id: String,
    /// The HPKE encapsulated key, URL-safe base64.
    pub encapsulated_key: String,
    /// ChaCha20-Poly1305 ciphertext with its tag, URL-safe base64.
    pub ciphertext: String,
}

/// The associated data binds the ciphertext to its business and envelope id, so a
/// relay cannot replay one business's envelope as another's or swap two envelopes.
fn associated_data(business_id: &str, envelope_id: &str) -> Vec<u8> {
    let mut aad = Vec::with_capacity(business_id.len() + envelope_id.len() + 24);
    aad.extend_from_slice(b"leadbox-envelope-v1\0");
    aad.extend_from_slice(business_id.as_bytes());
    aad.push(0);
    aad.extend_from_slice(envelope_id.as_bytes());
    aad
}

/// Seals `plaintext` to one device key. The returned envelope has cursor 0 until
/// the relay stores it.
pub fn seal(
    recipient: &DevicePublicKey,
    business_id: &str,
    envelope_id: &str,
    plaintext: &[u8],
) -> Result<SealedEnvelope, SealError> {
    let aad = associated_data(business_id, envelope_id);
    let (encapsulated, ciphertext) = hpke::single_shot_seal::<Aead, Kdf, Kem>(
        &OpModeS::Base,
        &recipient.to_hpke(),
        INFO,
        plaintext,
        &aad,
    )
    .map_err(|_| SealError::Seal)?;
    Ok(SealedEnvelope {
        cursor: 0,
        envelope_id: envelope_id.to_owned(),
        business_id: business_id.to_owned(),
        encapsulated_key: URL_SAFE_NO_PAD.encode(encapsulated.to_bytes()),
        ciphertext: URL_SAFE_NO_PAD.encode(ciphertext),
    })
}

/// Opens an envelope with this device's secret key.
pub fn open(secret: &DeviceSecretKey, envelope: &SealedEnvelope) -> Result<Vec<u8>, SealError> {
    let encapsulated_bytes = URL_SAFE_NO_PAD
        .decode(&envelope.encapsulated_key)
        .map_err(|_| SealError::Malformed("encapsulated key is not base64"))?;
    let encapsulated = <Kem as hpke::Kem>::EncappedKey::from_bytes(&encapsulated_bytes)
        .map_err(|_| SealError::Malformed("encapsulated key has the wrong length"))?;
    let ciphertext = URL_SAFE_NO_PAD
        .decode(&envelope.ciphertext)
        .map_err(|_| SealError::Malformed("ciphertext is not base64"))?;
    let aad = associated_data(&envelope.business_id, &envelope.envelope_id);
    hpke::single_shot_open::<Aead, Kdf, Kem>(
        &OpModeR::Base,
        &secret.to_hpke(),
        &encapsulated,
        INFO,
        &ciphertext,
        &aad,
    )
    .map_err(|_| SealError::Open)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sealed(key: &DeviceSecretKey, plaintext: &[u8]) -> SealedEnvelope {
        seal(&key.public_key(), "biz-1", "env-1", plaintext).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_recipient_opens_what_was_sealed_to_it() {
        let key = DeviceSecretKey::generate();
        let envelope = sealed(&key, b"hello lead");
        assert_eq!(open(&key, &envelope).ok(), Some(b"hello lead".to_vec()));
    }

    #[test]
    fn the_ciphertext_does_not_contain_the_plaintext() {
        let key = DeviceSecretKey::generate();
        let envelope = sealed(&key, b"a very recognisable message body");
        let raw = URL_SAFE_NO_PAD
            .decode(&envelope.ciphertext)
            .unwrap_or_default();
        assert!(!raw.windows(8).any(|w| w == b"message "));
    }

    #[test]
    fn another_device_cannot_open_it() {
        let envelope = sealed(&DeviceSecretKey::generate(), b"secret");
        assert!(matches!(
            open(&DeviceSecretKey::generate(), &envelope),
            Err(SealError::Open)
        ));
    }

    #[test]
    fn moving_an_envelope_to_another_business_or_id_breaks_it() {
        let key = DeviceSecretKey::generate();
        let envelope = sealed(&key, b"secret");
        let moved = SealedEnvelope {
            business_id: "biz-2".into(),
            ..envelope.clone()
        };
        assert!(matches!(open(&key, &moved), Err(SealError::Open)));
        let renamed = SealedEnvelope {
            envelope_id: "env-2".into(),
            ..envelope
        };
        assert!(matches!(open(&key, &renamed), Err(SealError::Open)));
    }

    #[test]
    fn garbage_fields_are_reported_as_malformed() {
        let key = DeviceSecretKey::generate();
        let envelope = sealed(&key, b"x");
        let bad = SealedEnvelope {
            encapsulated_key: "***".into(),
            ..envelope.clone()
        };
        assert!(matches!(open(&key, &bad), Err(SealError::Malformed(_))));
        let short = SealedEnvelope {
            encapsulated_key: "AAAA".into(),
            ..envelope.clone()
        };
        assert!(matches!(open(&key, &short), Err(SealError::Malformed(_))));
        let bad = SealedEnvelope {
            ciphertext: "%%".into(),
            ..envelope
        };
        assert!(matches!(open(&key, &bad), Err(SealError::Malformed(_))));
    }

    proptest! {
        #[test]
        fn any_payload_round_trips(payload in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let key = DeviceSecretKey::generate();
            let envelope = sealed(&key, &payload);
            prop_assert_eq!(open(&key, &envelope).ok(), Some(payload));
        }

        #[test]
        fn any_flipped_ciphertext_byte_is_detected(payload in proptest::collection::vec(any::<u8>(), 1..512), index in any::<usize>(), bit in 0u8..8) {
            let key = DeviceSecretKey::generate();
            let envelope = sealed(&key, &payload);
            let mut raw = URL_SAFE_NO_PAD.decode(&envelope.ciphertext).unwrap_or_default();
            let at = index % raw.len();
            raw[at] ^= 1 << bit;
            let tampered = SealedEnvelope { ciphertext: URL_SAFE_NO_PAD.encode(raw), ..envelope };
            prop_assert!(open(&key, &tampered).is_err());
        }

        #[test]
        fn arbitrary_envelopes_never_panic(enc in ".{0,80}", ct in ".{0,200}") {
            let key = DeviceSecretKey::generate();
            let envelope = SealedEnvelope { cursor: 1, envelope_id: "e".into(), business_id: "b".into(), encapsulated_key: enc, ciphertext: ct };
            prop_assert!(open(&key, &envelope).is_err());
        }
    }
}
