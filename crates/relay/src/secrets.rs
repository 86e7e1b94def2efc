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

/// A code people copy and paste (invites): `groups` groups of 5 characters
/// from a-z and 2-7 (5 bits each), joined by dashes. Never starts with a dash,
/// so no command line mistakes it for an option.
pub fn human_code(groups: usize) -> String {
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    let mut buffer = vec![0u8; groups * 5];
    getrandom::fill(&mut buffer)
        .unwrap_or_else(|e| panic!("the operating system has no randomness: {e}"));
    buffer
        .chunks(5)
        .map(|chunk| {
            chunk
                .iter()
                .map(|b| char::from(ALPHABET[usize::from(b & 31)]))
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
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

/// Why a `signed_request` from Meta's data-deletion callback was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignedRequestError {
    #[error("signed_request is not `<signature>.<payload>` in base64url")]
    Malformed,
    #[error("signed_request is not signed with this relay's meta_app_secret")]
    BadSignature,
    #[error("signed_request uses {0}; only HMAC-SHA256 is accepted")]
    Algorithm(String),
    #[error("signed_request names no user_id")]
    NoUser,
    #[error(
        "signed_request was issued more than a day ago (or in the future): a replay is refused"
    )]
    Stale,
}

/// What a verified `signed_request` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The app-scoped id of the person whose data is to be deleted.
    pub user_id: String,
    pub issued_at: Option<i64>,
}

fn base64url(part: &str) -> Result<Vec<u8>, SignedRequestError> {
    // Meta pads some values and not others.
    URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|_| SignedRequestError::Malformed)
}

/// How old a data-deletion request may be: Meta calls at once, so an older
/// one is a captured request played again.
pub const SIGNED_REQUEST_MAX_AGE_SECONDS: i64 = 24 * 3600;
/// Clock difference allowed for a request that seems to come from the future.
const SIGNED_REQUEST_CLOCK_SKEW_SECONDS: i64 = 300;

/// Verifies `<base64url HMAC-SHA256(app_secret, payload part)>.<base64url JSON>`:
/// the MAC covers the payload part exactly as received, compared in constant
/// time; and its `issued_at` must be recent at `now` (seconds): no replays.
pub fn verify_signed_request(
    app_secret: &str,
    signed_request: &str,
    now: i64,
) -> Result<SignedRequest, SignedRequestError> {
    let (signature, payload) = signed_request
        .trim()
        .split_once('.')
        .ok_or(SignedRequestError::Malformed)?;
    let signature = base64url(signature)?;
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .map_err(|_| SignedRequestError::BadSignature)?;
    mac.update(payload.as_bytes());
    mac.verify_slice(&signature)
        .map_err(|_| SignedRequestError::BadSignature)?;
    let claims: serde_json::Value =
        serde_json::from_slice(&base64url(payload)?).map_err(|_| SignedRequestError::Malformed)?;
    let algorithm = claims
        .get("algorithm")
        .and_then(|a| a.as_str())
        .unwrap_or_default();
    if !algorithm.eq_ignore_ascii_case("HMAC-SHA256") {
        return Err(SignedRequestError::Algorithm(
            algorithm.chars().take(40).collect(),
        ));
    }
    let user_id = match claims.get("user_id") {
        Some(serde_json::Value::String(id)) if !id.trim().is_empty() => id.trim().to_owned(),
        Some(serde_json::Value::Number(id)) => id.to_string(),
        _ => return Err(SignedRequestError::NoUser),
    };
    let issued_at = claims.get("issued_at").and_then(serde_json::Value::as_i64);
    let fresh = issued_at.is_some_and(|at| {
        at <= now + SIGNED_REQUEST_CLOCK_SKEW_SECONDS && now - at <= SIGNED_REQUEST_MAX_AGE_SECONDS
    });
    if !fresh {
        return Err(SignedRequestError::Stale);
    }
    Ok(SignedRequest { user_id, issued_at })
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
    fn human_codes_are_lowercase_groups_that_never_start_with_a_dash() {
        for _ in 0..200 {
            let code = human_code(4);
            assert_eq!(code.len(), 23);
            assert!(!code.starts_with('-'));
            assert!(code.split('-').all(|group| {
                group.len() == 5
                    && group
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || ('2'..='7').contains(&c))
            }));
        }
        assert_ne!(human_code(4), human_code(4));
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

    const NOW: i64 = 1_764_600_000;

    fn signed_request(secret: &str, claims: &serde_json::Value) -> String {
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).unwrap());
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(payload.as_bytes());
        format!(
            "{}.{payload}",
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        )
    }

    #[test]
    fn a_signed_request_from_meta_is_read() {
        let claims =
            serde_json::json!({"algorithm": "HMAC-SHA256", "issued_at": NOW, "user_id": "10157"});
        let request = signed_request("app-secret", &claims);
        assert_eq!(
            verify_signed_request("app-secret", &request, NOW),
            Ok(SignedRequest {
                user_id: "10157".into(),
                issued_at: Some(NOW)
            })
        );
        // Padded base64 is accepted too.
        let (signature, payload) = request.split_once('.').unwrap();
        let padded = format!("{signature}=.{payload}");
        assert!(verify_signed_request("app-secret", &padded, NOW).is_ok());
        let numeric = signed_request(
            "app-secret",
            &serde_json::json!({"algorithm": "HMAC-SHA256", "issued_at": NOW, "user_id": 42}),
        );
        assert_eq!(
            verify_signed_request("app-secret", &numeric, NOW)
                .unwrap()
                .user_id,
            "42"
        );
    }

    #[test]
    fn an_old_or_future_signed_request_is_a_replay_and_refused() {
        for issued_at in [
            Some(NOW - SIGNED_REQUEST_MAX_AGE_SECONDS - 1),
            Some(NOW + 3600),
            None,
        ] {
            let mut claims = serde_json::json!({"algorithm": "HMAC-SHA256", "user_id": "10157"});
            if let Some(at) = issued_at {
                claims["issued_at"] = at.into();
            }
            assert_eq!(
                verify_signed_request("s", &signed_request("s", &claims), NOW),
                Err(SignedRequestError::Stale),
                "{issued_at:?}"
            );
        }
        let recent =
            serde_json::json!({"algorithm": "HMAC-SHA256", "issued_at": NOW - 600, "user_id": "1"});
        assert!(verify_signed_request("s", &signed_request("s", &recent), NOW).is_ok());
    }

    #[test]
    fn forged_or_odd_signed_requests_are_refused() {
        let claims =
            serde_json::json!({"algorithm": "HMAC-SHA256", "issued_at": NOW, "user_id": "1"});
        assert_eq!(
            verify_signed_request("other-secret", &signed_request("app-secret", &claims), NOW),
            Err(SignedRequestError::BadSignature)
        );
        let weak = serde_json::json!({"algorithm": "none", "issued_at": NOW, "user_id": "1"});
        assert!(matches!(
            verify_signed_request("s", &signed_request("s", &weak), NOW),
            Err(SignedRequestError::Algorithm(_))
        ));
        let nobody = serde_json::json!({"algorithm": "HMAC-SHA256", "issued_at": NOW});
        assert_eq!(
            verify_signed_request("s", &signed_request("s", &nobody), NOW),
            Err(SignedRequestError::NoUser)
        );
        assert_eq!(
            verify_signed_request("s", "no-dot", NOW),
            Err(SignedRequestError::Malformed)
        );
        assert_eq!(
            verify_signed_request("s", "***.***", NOW),
            Err(SignedRequestError::Malformed)
        );
    }

    proptest! {
        #[test]
        fn any_changed_payload_character_invalidates_a_signed_request(user in "[0-9]{1,20}", index in any::<usize>()) {
            let claims = serde_json::json!({"algorithm": "HMAC-SHA256", "issued_at": NOW, "user_id": user});
            let request = signed_request("s", &claims);
            let (signature, payload) = request.split_once('.').unwrap();
            let mut changed: Vec<char> = payload.chars().collect();
            let at = index % changed.len();
            changed[at] = if changed[at] == 'A' { 'B' } else { 'A' };
            let forged = format!("{signature}.{}", changed.into_iter().collect::<String>());
            prop_assert!(verify_signed_request("s", &forged, NOW).is_err());
        }

        #[test]
        fn arbitrary_signed_requests_never_panic(text in ".{0,200}") {
            let _ = verify_signed_request("s", &text, NOW);
        }
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
