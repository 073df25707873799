//! CSRF tokens for the staff session: the cookie alone must not be enough to
//! change anything, so every state-changing request also carries
//! `X-CSRF-Token`, which a cross-site page cannot read or forge.

use super::token::{digest_eq, new_token, parse_token, Digest};

/// A fresh CSRF token for the staff client and the digest to keep with the session.
pub fn new_csrf() -> (String, Digest) {
    new_token()
}

/// Whether the `X-CSRF-Token` header matches the session's stored digest;
/// a missing or malformed header never does.
pub fn csrf_ok(header: Option<&str>, stored: &Digest) -> bool {
    header
        .and_then(parse_token)
        .is_some_and(|presented| digest_eq(&presented, stored))
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine as _;

    #[test]
    fn only_the_issued_token_passes() {
        let (token, stored) = new_csrf();
        assert!(csrf_ok(Some(&token), &stored));
        let (other, _) = new_csrf();
        assert!(!csrf_ok(Some(&other), &stored));
    }

    #[test]
    fn missing_empty_or_altered_headers_fail() {
        let (token, stored) = new_csrf();
        assert!(!csrf_ok(None, &stored));
        assert!(!csrf_ok(Some(""), &stored));
        assert!(!csrf_ok(Some(&token[..42]), &stored));
        assert!(!csrf_ok(Some(&format!(" {token}")), &stored));
        let mut flipped = token.clone().into_bytes();
        flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).expect("ascii");
        assert!(!csrf_ok(Some(&flipped), &stored));
    }

    #[test]
    fn the_digest_itself_is_not_a_valid_header() {
        // What is stored must not work if it leaks: only the token does.
        let (_, stored) = new_csrf();
        let leaked = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(stored);
        assert!(!csrf_ok(Some(&leaked), &stored));
    }
}
