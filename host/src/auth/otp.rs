//! One-time SMS codes: 6 digits, valid for a limited time, stored only as a
//! digest keyed by the interview.
//!
//! Single use is the caller's job: on [`OtpCheck::Valid`] the caller deletes
//! the stored [`Challenge`] in the same write transaction that opens the
//! session, so the code cannot be replayed. Wrong codes are counted with
//! [`super::softlock`]; a million possible codes against a handful of
//! attempts is what makes 6 digits enough.

use std::fmt;

use rand::RngExt as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use super::token::{digest_eq, Digest};
use crate::clock::Timestamp;

/// Digits in a code.
pub const CODE_LEN: usize = 6;
/// How long a code stays valid by default: 10 minutes.
pub const DEFAULT_TTL_SECS: u64 = 600;
/// The shortest gap between two codes sent for one interview by default.
pub const DEFAULT_RESEND_GAP_SECS: u64 = 30;

/// A fresh code: 6 decimal digits, uniform over 000000-999999 (leading zeros kept).
pub fn new_code() -> String {
    let n: u32 = rand::rng().random_range(0..1_000_000);
    format!("{n:06}")
}

/// The digest stored for `code`, keyed by the interview so that equal codes
/// for different interviews do not share a digest.
pub fn code_digest(interview_id: &str, code: &str) -> Digest {
    let mut hasher = Sha256::new();
    // Domain tag and length prefix: no (id, code) pair can be shifted into
    // another that hashes the same, nor collide with any other digest we make.
    hasher.update(b"interview-otp-v1\0");
    hasher.update((interview_id.len() as u64).to_be_bytes());
    hasher.update(interview_id.as_bytes());
    hasher.update(code.as_bytes());
    hasher.finalize().into()
}

/// What a client typed, as a code: spaces removed, then exactly 6 ASCII digits, or `None`.
pub fn normalize_code(input: &str) -> Option<String> {
    // People copy codes with spaces ("123 456") or a stray newline.
    let code: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    (code.len() == CODE_LEN && code.bytes().all(|b| b.is_ascii_digit())).then_some(code)
}

/// The outcome of checking a code against a [`Challenge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtpCheck {
    /// The code is right and in time: open the session and delete the challenge.
    Valid,
    /// The code is wrong or malformed: count a failed attempt.
    Wrong,
    /// The challenge ran out: the client needs a new code.
    Expired,
}

/// A code sent by SMS and waiting to be entered, as stored with the interview.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// Digest of the code from [`code_digest`]; never the code itself.
    pub code_hash: Digest,
    /// When the code was sent (also what the resend throttle looks at).
    pub sent_at: Timestamp,
    /// The first moment at which the code no longer works.
    pub expires_at: Timestamp,
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A million candidates make this digest trivial to reverse: keep it out of logs.
        f.debug_struct("Challenge")
            .field("code_hash", &"[redacted]")
            .field("sent_at", &self.sent_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Challenge {
    /// A new code for `interview_id` (to send, never to store) and its challenge, valid for `ttl_secs` from `now`.
    pub fn issue(interview_id: &str, now: Timestamp, ttl_secs: u64) -> (String, Challenge) {
        let code = new_code();
        let challenge = Challenge {
            code_hash: code_digest(interview_id, &code),
            sent_at: now,
            expires_at: now.plus_secs(ttl_secs),
        };
        (code, challenge)
    }

    /// Checks what the client typed at `now`; see the module doc for single use.
    pub fn verify(&self, interview_id: &str, code: &str, now: Timestamp) -> OtpCheck {
        // Expiry first: once it is over, whether the code was right no longer matters.
        if now >= self.expires_at {
            return OtpCheck::Expired;
        }
        let Some(code) = normalize_code(code) else {
            return OtpCheck::Wrong;
        };
        if digest_eq(&code_digest(interview_id, &code), &self.code_hash) {
            OtpCheck::Valid
        } else {
            OtpCheck::Wrong
        }
    }
}

/// Whether another code may be sent at `now` when the last went out at
/// `last_sent`; `Err` holds the seconds to wait (for `Retry-After`).
pub fn may_resend(last_sent: Timestamp, now: Timestamp, min_gap_secs: u64) -> Result<(), u64> {
    let next = last_sent.plus_secs(min_gap_secs);
    if now >= next {
        return Ok(());
    }
    // If the clock stepped backwards, never ask for more than one full gap.
    Err(now.secs_until(next).min(min_gap_secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: Timestamp = Timestamp(1_700_000_000_000);

    #[test]
    fn codes_are_six_digits_with_leading_zeros_and_uniform() {
        let mut counts = [[0u32; 10]; CODE_LEN];
        for _ in 0..10_000 {
            let code = new_code();
            assert_eq!(code.len(), CODE_LEN, "{code}");
            for (pos, b) in code.bytes().enumerate() {
                assert!(b.is_ascii_digit(), "{code}");
                counts[pos][usize::from(b - b'0')] += 1;
            }
        }
        // Expected 1000 each, standard deviation 30: 800..1200 only fails for
        // a real bias, such as never starting with 0.
        for (pos, row) in counts.iter().enumerate() {
            for (digit, &n) in row.iter().enumerate() {
                assert!((800..1200).contains(&n), "digit {digit} at {pos}: {n} of 10000");
            }
        }
    }

    #[test]
    fn right_code_in_time_is_valid() {
        let (code, challenge) = Challenge::issue("iv_a", T0, DEFAULT_TTL_SECS);
        assert_eq!(challenge.sent_at, T0);
        assert_eq!(challenge.expires_at, T0.plus_secs(600));
        assert_eq!(challenge.verify("iv_a", &code, T0), OtpCheck::Valid);
        assert_eq!(challenge.verify("iv_a", &code, T0.plus_secs(599)), OtpCheck::Valid);
    }

    #[test]
    fn wrong_code_is_wrong() {
        let (code, challenge) = Challenge::issue("iv_a", T0, 600);
        let n: u32 = code.parse().expect("digits");
        let other = format!("{:06}", (n + 1) % 1_000_000);
        assert_eq!(challenge.verify("iv_a", &other, T0), OtpCheck::Wrong);
    }

    #[test]
    fn code_expires_after_ttl_even_if_right() {
        let (code, challenge) = Challenge::issue("iv_a", T0, 600);
        assert_eq!(challenge.verify("iv_a", &code, T0.plus_secs(600)), OtpCheck::Expired);
        assert_eq!(challenge.verify("iv_a", &code, T0.plus_secs(3600)), OtpCheck::Expired);
        assert_eq!(challenge.verify("iv_a", "000000", T0.plus_secs(601)), OtpCheck::Expired);
    }

    #[test]
    fn code_for_one_interview_does_not_open_another() {
        let (code, challenge) = Challenge::issue("iv_a", T0, 600);
        assert_eq!(challenge.verify("iv_b", &code, T0), OtpCheck::Wrong);
        assert_ne!(code_digest("iv_a", "123456"), code_digest("iv_b", "123456"));
        // The length prefix keeps the boundary between id and code.
        assert_ne!(code_digest("iv_1", "234567"), code_digest("iv_12", "34567"));
    }

    #[test]
    fn spaces_are_ignored_but_anything_else_is_wrong() {
        let (code, challenge) = Challenge::issue("iv_a", T0, 600);
        let spaced = format!(" {} {}\n", &code[..3], &code[3..]);
        assert_eq!(challenge.verify("iv_a", &spaced, T0), OtpCheck::Valid);
        for bad in [
            format!("{code}0"),
            code[..5].to_owned(),
            format!("{}-{}", &code[..3], &code[3..]),
            String::new(),
            "１２３４５６".to_owned(), // full-width digits
            "12345a".to_owned(),
        ] {
            assert_eq!(challenge.verify("iv_a", &bad, T0), OtpCheck::Wrong, "{bad:?}");
        }
        assert_eq!(normalize_code("012 345").as_deref(), Some("012345"));
        assert_eq!(normalize_code("+12345"), None);
    }

    #[test]
    fn challenge_debug_hides_the_digest() {
        let (code, challenge) = Challenge::issue("iv_a", T0, 600);
        let shown = format!("{challenge:?}");
        assert!(shown.contains("[redacted]"), "{shown}");
        assert!(!shown.contains(&format!("{:?}", challenge.code_hash)), "{shown}");
        assert!(!shown.contains(&code));
    }

    #[test]
    fn challenge_survives_storage() {
        let (code, challenge) = Challenge::issue("iv_a", T0, 600);
        let json = serde_json::to_string(&challenge).expect("serializes");
        let back: Challenge = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(back, challenge);
        assert_eq!(back.verify("iv_a", &code, T0), OtpCheck::Valid);
    }

    #[test]
    fn resend_waits_for_the_gap() {
        assert_eq!(may_resend(T0, T0, 30), Err(30));
        assert_eq!(may_resend(T0, T0.plus_secs(1), 30), Err(29));
        assert_eq!(may_resend(T0, Timestamp(T0.0 + 29_001), 30), Err(1));
        assert_eq!(may_resend(T0, T0.plus_secs(30), 30), Ok(()));
        assert_eq!(may_resend(T0, T0.plus_secs(3600), 30), Ok(()));
        // A clock that stepped back an hour still asks for at most one gap.
        assert_eq!(may_resend(T0, Timestamp(T0.0 - 3_600_000), 30), Err(30));
    }
}
