//! CSRF tokens for the staff session: the cookie alone must not be enough to
//! change anything, so every state-changing request also carries
//! `X-CSRF-Token`, which a cross-site page cannot read or forge.
//!
//! A session's token is derived from its cookie ([`for_session`]), so
//! `GET /api/v1/staff/session` can tell it again after a reload although the
//! host keeps only its digest. That gives an attacker nothing: the cookie is
//! HttpOnly (no script reads it), the token is a one-way function of it (the
//! token does not give the cookie back), and no cross-site page can read the
//! GET's answer (staff routes send no CORS headers, so the browser withholds
//! it). Whoever already holds the cookie could ask the GET anyway. The check
//! ([`csrf_ok`]) compares with the stored digest as before, so sessions made
//! with a random token ([`new_csrf`]) keep working with that token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use super::token::{digest_eq, hash_token, new_token, parse_token, Digest};

/// Domain separation: the token is a digest of the cookie made for this use only.
const DERIVATION_LABEL: &[u8] = b"interview csrf v1";

/// A fresh random CSRF token and its digest (sessions made before tokens were derived had these).
pub fn new_csrf() -> (String, Digest) {
    new_token()
}

/// The CSRF token of the session whose cookie value is `cookie`, and the digest
/// to keep with the session: base64url(SHA-256(label || cookie)), 43 characters.
pub fn for_session(cookie: &str) -> (String, Digest) {
    let mut derived = Sha256::new();
    derived.update(DERIVATION_LABEL);
    derived.update(cookie.as_bytes());
    let token = URL_SAFE_NO_PAD.encode(derived.finalize());
    let digest = hash_token(&token);
    (token, digest)
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
    fn a_sessions_token_is_derived_from_its_cookie_alone() {
        let (cookie, _) = new_token();
        let (token, stored) = for_session(&cookie);
        assert_eq!(for_session(&cookie), (token.clone(), stored), "the same cookie gives the same token");
        assert!(csrf_ok(Some(&token), &stored));
        assert_ne!(token, cookie);
        let (other_cookie, _) = new_token();
        let (other, _) = for_session(&other_cookie);
        assert_ne!(other, token);
        assert!(!csrf_ok(Some(&other), &stored));
        // Known answer, so the derivation cannot change by accident (that would
        // break every open session's token).
        assert_eq!(for_session("cookie").0, "_cIdHmslPiUVpAfSOP7cjYPPx9W37snP-8_88aMPQyE");
    }

    #[test]
    fn the_digest_itself_is_not_a_valid_header() {
        // What is stored must not work if it leaks: only the token does.
        let (_, stored) = new_csrf();
        let leaked = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(stored);
        assert!(!csrf_ok(Some(&leaked), &stored));
    }
}
