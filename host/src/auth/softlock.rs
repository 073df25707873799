//! Failed-attempt limiting per interview, with a temporary lockout.
//!
//! A pure state machine over [`Attempts`], the record stored with each
//! interview; time comes in as a parameter, so tests move it and the storage
//! layer decides when to read and write. The record belongs to one interview
//! and guards only the client's sign-in to it; staff authentication never
//! consults it, so a locked interview cannot lock staff out (DESIGN rule 6).
//!
//! ```text
//!                failure, failed + 1 < max: AttemptsLeft
//!                       +---------+
//!                       v         |
//!  start ---> +-------------------+ ----+
//!             |  Open { failed }  |     | success: failed := 0
//!             +-------------------+ <---+
//!                 |            ^
//!  failure,       |            | now >= until: failed := 0
//!  failed + 1     |            | (a fresh set of attempts)
//!  == max:        v            |
//!  LockedNow  +-----------------------------+
//!  (audit it) |  Locked { until }           |
//!             |  check   -> Err(Locked)     |
//!             |  failure -> AlreadyLocked   |
//!             +-----------------------------+
//! ```
//!
//! Callers do `check` before looking at the passphrase or code, then
//! `record_failure` or `record_success`, and store the record again.

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;

/// Failed attempts for one interview, as stored with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempts {
    /// Failures since the last success or the last lockout ended.
    pub failed: u32,
    /// While set and in the future, every attempt is refused.
    pub locked_until: Option<Timestamp>,
}

/// Refusal while locked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locked {
    /// Seconds until the lock lifts (at least 1), for `Retry-After`.
    pub retry_after_secs: u64,
}

/// What a failed attempt led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Still open; this many attempts remain (for `attempts_left`).
    AttemptsLeft(u32),
    /// This failure used the last attempt: locked from now on. Audit it.
    LockedNow {
        /// Seconds until the lock lifts.
        retry_after_secs: u64,
    },
    /// Was already locked (the caller raced another request past `check`):
    /// nothing changed, and the lock was not extended.
    AlreadyLocked {
        /// Seconds until the lock lifts.
        retry_after_secs: u64,
    },
}

/// The lock still in force at `now`, if any.
fn active_lock(attempts: &Attempts, now: Timestamp) -> Option<Locked> {
    match attempts.locked_until {
        Some(until) if now < until => Some(Locked {
            retry_after_secs: now.secs_until(until).max(1),
        }),
        _ => None,
    }
}

/// Forgets a lock that has run out, with the failures that led to it.
fn settle(attempts: &mut Attempts, now: Timestamp) {
    if matches!(attempts.locked_until, Some(until) if now >= until) {
        *attempts = Attempts::default();
    }
}

/// Whether an attempt may be made at `now`.
pub fn check(attempts: &Attempts, now: Timestamp) -> Result<(), Locked> {
    match active_lock(attempts, now) {
        Some(locked) => Err(locked),
        None => Ok(()),
    }
}

/// Counts a failed attempt at `now`; the `max_failed`-th failure (at least 1)
/// locks the interview for `lockout_secs`.
pub fn record_failure(
    attempts: &mut Attempts,
    now: Timestamp,
    max_failed: u32,
    lockout_secs: u64,
) -> Failure {
    if let Some(locked) = active_lock(attempts, now) {
        return Failure::AlreadyLocked {
            retry_after_secs: locked.retry_after_secs,
        };
    }
    settle(attempts, now);
    let max_failed = max_failed.max(1);
    attempts.failed = attempts.failed.saturating_add(1);
    if attempts.failed < max_failed {
        return Failure::AttemptsLeft(max_failed - attempts.failed);
    }
    let until = now.plus_secs(lockout_secs);
    attempts.locked_until = Some(until);
    Failure::LockedNow {
        retry_after_secs: now.secs_until(until),
    }
}

/// Clears the record after a successful attempt.
pub fn record_success(attempts: &mut Attempts) {
    *attempts = Attempts::default();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};

    const MAX: u32 = 5;
    const LOCKOUT: u64 = 900;

    fn clock() -> ManualClock {
        ManualClock::new(Timestamp(1_700_000_000_000))
    }

    #[test]
    fn attempts_count_down_then_lock() {
        let clock = clock();
        let mut a = Attempts::default();
        for left in (1..MAX).rev() {
            assert_eq!(check(&a, clock.now()), Ok(()));
            assert_eq!(record_failure(&mut a, clock.now(), MAX, LOCKOUT), Failure::AttemptsLeft(left));
            clock.advance_secs(1);
        }
        assert_eq!(
            record_failure(&mut a, clock.now(), MAX, LOCKOUT),
            Failure::LockedNow { retry_after_secs: LOCKOUT }
        );
        assert_eq!(check(&a, clock.now()), Err(Locked { retry_after_secs: LOCKOUT }));
    }

    #[test]
    fn lock_counts_down_and_lifts_with_fresh_attempts() {
        let clock = clock();
        let mut a = Attempts::default();
        for _ in 0..MAX {
            record_failure(&mut a, clock.now(), MAX, LOCKOUT);
        }
        clock.advance_secs(600);
        assert_eq!(check(&a, clock.now()), Err(Locked { retry_after_secs: 300 }));
        clock.advance_secs(299);
        assert_eq!(check(&a, clock.now()), Err(Locked { retry_after_secs: 1 }));
        clock.advance_secs(1);
        assert_eq!(check(&a, clock.now()), Ok(()));
        // After the lock, the client gets a full set of attempts again.
        assert_eq!(
            record_failure(&mut a, clock.now(), MAX, LOCKOUT),
            Failure::AttemptsLeft(MAX - 1)
        );
        assert_eq!(a, Attempts { failed: 1, locked_until: None });
    }

    #[test]
    fn failures_while_locked_do_not_extend_the_lock() {
        let clock = clock();
        let mut a = Attempts::default();
        for _ in 0..MAX {
            record_failure(&mut a, clock.now(), MAX, LOCKOUT);
        }
        let stored = a.clone();
        clock.advance_secs(100);
        assert_eq!(
            record_failure(&mut a, clock.now(), MAX, LOCKOUT),
            Failure::AlreadyLocked { retry_after_secs: LOCKOUT - 100 }
        );
        assert_eq!(a, stored);
    }

    #[test]
    fn success_resets_the_count() {
        let clock = clock();
        let mut a = Attempts::default();
        for _ in 0..MAX - 1 {
            record_failure(&mut a, clock.now(), MAX, LOCKOUT);
        }
        record_success(&mut a);
        assert_eq!(a, Attempts::default());
        assert_eq!(
            record_failure(&mut a, clock.now(), MAX, LOCKOUT),
            Failure::AttemptsLeft(MAX - 1)
        );
    }

    #[test]
    fn sub_second_remainder_rounds_up_to_one() {
        let now = Timestamp(10_000);
        let a = Attempts { failed: MAX, locked_until: Some(Timestamp(10_001)) };
        assert_eq!(check(&a, now), Err(Locked { retry_after_secs: 1 }));
        assert_eq!(check(&a, Timestamp(10_001)), Ok(()));
    }

    #[test]
    fn max_of_zero_still_allows_one_try() {
        let mut a = Attempts::default();
        assert!(matches!(
            record_failure(&mut a, Timestamp(0), 0, LOCKOUT),
            Failure::LockedNow { .. }
        ));
        assert!(check(&a, Timestamp(0)).is_err());
    }

    #[test]
    fn stored_shape_round_trips() {
        let a = Attempts { failed: 3, locked_until: Some(Timestamp(42)) };
        let json = serde_json::to_string(&a).expect("serializes");
        assert_eq!(json, r#"{"failed":3,"locked_until":42}"#);
        assert_eq!(serde_json::from_str::<Attempts>(&json).expect("parses"), a);
    }
}
