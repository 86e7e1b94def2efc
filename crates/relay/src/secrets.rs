//! Random tokens and Meta's HMAC signatures.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A random token of `bytes` random bytes, URL-safe base64.
pub fn random_token(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    getrandom::fill(&mut buffer)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    URL_SAFE_NO_PAD.encode(buffer)
}

#[derive(Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    Valid,
    Missing,
    Invalid,
}

/// Checks `X-Hub-Signature-256: sha256=<hex>` over the exact bytes received,
/// in constant time (`verify_slice`).
pub fn verify_meta_signature(
    app_secret: &str,
    header: Option<&str>,
    body: &[u8],
) -> SignatureCheck {
    let Some(header) = header else {
        return SignatureCheck::Missing;
    };
    let Some(hex_signature) = header.trim().strip_prefix("sha256=") else {
        return SignatureCheck::Invalid;
    };
    let Ok(signature) = hex::decode(hex_signature) else {
        return SignatureCheck::Invalid;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes()) else {
        return SignatureCheck::Invalid;
    };
    mac.update(body);
    match mac.verify_slice(&signature) {
        Ok(()) => SignatureCheck::Valid,
        Err(_) => SignatureCheck::Invalid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn known_vector_matches() {
        // HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog")
        let header = "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";
        assert_eq!(
            verify_meta_signature(
                "key",
                Some(header),
                b"The quick brown fox jumps over the lazy dog"
            ),
            SignatureCheck::Valid
        );
    }

    #[test]
    fn the_signature_covers_the_raw_escaped_bytes() {
        let raw = br#"{"text":"caf\u00e9 http:\/\/x"}"#;
        let header = sign("s", raw);
        assert_eq!(
            verify_meta_signature("s", Some(&header), raw),
            SignatureCheck::Valid
        );
        let reserialized =
            serde_json::to_vec(&serde_json::from_slice::<serde_json::Value>(raw).unwrap()).unwrap();
        assert_eq!(
            verify_meta_signature("s", Some(&header), &reserialized),
            SignatureCheck::Invalid
        );
    }

    #[test]
    fn missing_malformed_and_wrong_signatures() {
        assert_eq!(
            verify_meta_signature("s", None, b"{}"),
            SignatureCheck::Missing
        );
        assert_eq!(
            verify_meta_signature("s", Some("sha1=abcd"), b"{}"),
            SignatureCheck::Invalid
        );
        assert_eq!(
            verify_meta_signature("s", Some("sha256=zz"), b"{}"),
            SignatureCheck::Invalid
        );
        assert_eq!(
            verify_meta_signature("other", Some(&sign("s", b"{}")), b"{}"),
            SignatureCheck::Invalid
        );
    }

    proptest! {
        #[test]
        fn any_changed_byte_invalidates(body in proptest::collection::vec(any::<u8>(), 1..300), index in any::<usize>()) {
            let header = sign("secret", &body);
            let mut changed = body.clone();
            let at = index % changed.len();
            changed[at] = changed[at].wrapping_add(1);
            prop_assert_eq!(verify_meta_signature("secret", Some(&header), &body), SignatureCheck::Valid);
            prop_assert_eq!(verify_meta_signature("secret", Some(&header), &changed), SignatureCheck::Invalid);
        }

        #[test]
        fn arbitrary_headers_never_panic(header in ".{0,100}") {
            let _ = verify_meta_signature("secret", Some(&header), b"{}");
        }
    }
}
