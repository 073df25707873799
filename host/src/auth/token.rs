//! Random secrets and identifiers: link and session tokens (kept only as
//! SHA-256 digests), record ids, and the receipt numbers clients read out.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::{Rng as _, RngExt as _};
use sha2::{Digest as _, Sha256};
use subtle::ConstantTimeEq as _;

/// A SHA-256 digest: what the host stores in place of a token.
pub type Digest = [u8; 32];

/// Length of a token in characters: 32 random bytes in base64url without padding.
pub const TOKEN_LEN: usize = 43;

/// Crockford's base32 alphabet: no I, L, O or U, so a receipt read over the
/// phone cannot be mistaken for another.
const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Lower-case base32 (RFC 4648): ids are case-insensitive-safe and URL-safe.
const ID_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A fresh 256-bit token (base64url, no padding) and the digest to store for it.
pub fn new_token() -> (String, Digest) {
    let mut bytes = [0u8; 32];
    // ThreadRng is a CSPRNG seeded from the operating system.
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let digest = hash_token(&token);
    (token, digest)
}

/// The SHA-256 digest of a token, as stored and looked up.
pub fn hash_token(token: &str) -> Digest {
    Sha256::digest(token.as_bytes()).into()
}

/// The digest of a presented token, or `None` when it cannot be one of ours
/// (not exactly 43 base64url characters); callers treat `None` like an unknown
/// token, so malformed and unknown links look the same from outside.
pub fn parse_token(presented: &str) -> Option<Digest> {
    // Checked before hashing so junk of any size is turned away for free.
    let well_formed = presented.len() == TOKEN_LEN
        && presented
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    well_formed.then(|| hash_token(presented))
}

/// Compares two digests in constant time, so response timing says nothing
/// about how much of a guess was right.
pub fn digest_eq(a: &Digest, b: &Digest) -> bool {
    a.ct_eq(b).into()
}

/// A new random id: `prefix` followed by 128 random bits in 26 lower-case base32 characters.
pub fn new_id(prefix: &str) -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let mut bits = u128::from_be_bytes(bytes);
    let mut id = String::with_capacity(prefix.len() + 26);
    id.push_str(prefix);
    let mut chars = [0u8; 26];
    for slot in chars.iter_mut().rev() {
        *slot = ID_ALPHABET[(bits & 31) as usize];
        bits >>= 5;
    }
    id.extend(chars.iter().map(|&b| char::from(b)));
    id
}

/// A human-friendly receipt number such as `R-7KQ4-M2XD-9PZA` (60 random bits).
pub fn receipt_number() -> String {
    let mut receipt = String::with_capacity(16);
    receipt.push('R');
    let mut rng = rand::rng();
    for _ in 0..3 {
        receipt.push('-');
        for _ in 0..4 {
            let index: usize = rng.random_range(0..RECEIPT_ALPHABET.len());
            receipt.push(char::from(RECEIPT_ALPHABET[index]));
        }
    }
    receipt
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn new_token_is_43_url_safe_chars_and_its_digest_matches() {
        let (token, digest) = new_token();
        assert_eq!(token.len(), TOKEN_LEN);
        assert!(token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'), "{token}");
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).map(|b| b.len()).ok(), Some(32));
        assert_eq!(digest, hash_token(&token));
        assert_eq!(parse_token(&token), Some(digest));
    }

    #[test]
    fn tokens_and_digests_are_unique() {
        let tokens: HashSet<String> = (0..1000).map(|_| new_token().0).collect();
        assert_eq!(tokens.len(), 1000);
        let digests: HashSet<Digest> = tokens.iter().map(|t| hash_token(t)).collect();
        assert_eq!(digests.len(), 1000);
    }

    #[test]
    fn hash_token_is_sha256_of_the_text() {
        // Known answer: SHA-256("abc").
        let expected = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let hex: String = hash_token("abc").iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(hex, expected);
    }

    #[test]
    fn parse_token_rejects_anything_not_43_base64url_chars() {
        let (token, _) = new_token();
        assert!(parse_token(&token[..42]).is_none());
        assert!(parse_token(&format!("{token}A")).is_none());
        assert!(parse_token(&format!("{token}=")).is_none());
        assert!(parse_token("").is_none());
        for bad in ['+', '/', '=', ' ', '.', '%'] {
            let mut t = token.clone();
            t.replace_range(0..1, &bad.to_string());
            assert!(parse_token(&t).is_none(), "accepted {bad:?}");
        }
        // 43 bytes, but not ASCII.
        let multibyte = format!("é{}", &token[..41]);
        assert_eq!(multibyte.len(), 43);
        assert!(parse_token(&multibyte).is_none());
        assert!(parse_token(&"A".repeat(1 << 20)).is_none());
    }

    #[test]
    fn digest_eq_tells_equal_from_different() {
        let (_, a) = new_token();
        let mut b = a;
        assert!(digest_eq(&a, &b));
        b[31] ^= 1;
        assert!(!digest_eq(&a, &b));
        b = a;
        b[0] ^= 0x80;
        assert!(!digest_eq(&a, &b));
    }

    #[test]
    fn new_id_has_prefix_and_128_random_bits() {
        let id = new_id("iv_");
        let rest = id.strip_prefix("iv_").unwrap_or_default();
        assert_eq!(rest.len(), 26, "{id}");
        assert!(rest.bytes().all(|b| ID_ALPHABET.contains(&b)), "{id}");
        // 26 x 5 bits = 130: the first character carries only 3 bits.
        assert!(matches!(rest.as_bytes()[0], b'a'..=b'h'), "{id}");
        let ids: HashSet<String> = (0..1000).map(|_| new_id("wi_")).collect();
        assert_eq!(ids.len(), 1000);
        // Every position varies, so no part of the id is fixed.
        for pos in 1..26 {
            let seen: HashSet<u8> = ids.iter().map(|id| id.as_bytes()[3 + pos]).collect();
            assert!(seen.len() > 16, "position {pos} barely varies");
        }
    }

    #[test]
    fn receipt_numbers_read_well_and_differ() {
        let receipts: HashSet<String> = (0..1000).map(|_| receipt_number()).collect();
        assert_eq!(receipts.len(), 1000);
        for r in &receipts {
            let groups: Vec<&str> = r.split('-').collect();
            assert_eq!(groups.len(), 4, "{r}");
            assert_eq!(groups[0], "R");
            for g in &groups[1..] {
                assert_eq!(g.len(), 4, "{r}");
                assert!(g.bytes().all(|b| RECEIPT_ALPHABET.contains(&b)), "{r}");
                assert!(!g.contains(['I', 'L', 'O', 'U']), "{r}");
            }
        }
        // All 32 symbols turn up: the alphabet is really used in full.
        let symbols: HashSet<char> = receipts.iter().flat_map(|r| r[2..].chars()).filter(|c| *c != '-').collect();
        assert_eq!(symbols.len(), 32);
    }
}
