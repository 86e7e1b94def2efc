//! Meta's `X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the app secret.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header value Meta sends with `body`: `sha256=<hex>`.
pub fn meta_signature(app_secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(app_secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_documented_example_format() {
        // RFC 4231 test case 2 ("Jefe"), as Meta would send it.
        assert_eq!(
            meta_signature("Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
