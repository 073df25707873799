//! Passphrases and staff passwords, stored only as argon2id PHC strings.
//!
//! Argon2 is deliberately slow and memory-hungry, so [`Hasher`] runs it on
//! tokio's blocking pool behind a semaphore: a flood of guesses queues for a
//! few permits instead of occupying every executor thread and every core.

use std::sync::Arc;

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
    ARGON2ID_IDENT,
};
use rand::Rng as _;
use tokio::sync::Semaphore;

use super::AuthError;

/// Longest passphrase accepted, in bytes; longer input is refused before any hashing.
pub const MAX_PASSPHRASE_BYTES: usize = 1024;

/// Memory cost in KiB (OWASP's argon2id recommendation: 19 MiB).
pub const M_COST_KIB: u32 = 19 * 1024;
/// Number of passes over memory (OWASP: 2).
pub const T_COST: u32 = 2;
/// Degree of parallelism (OWASP: 1).
pub const P_COST: u32 = 1;

/// Concurrent hashes a default [`Hasher`] allows: one per core on the 2-core target.
pub const DEFAULT_PERMITS: usize = 2;

/// A stored hash asking for more than this is refused instead of verified: a
/// corrupted or planted PHC string must not make one login allocate gigabytes
/// or spin for minutes. Generous, so stronger future parameters still verify.
const MAX_VERIFY_M_COST_KIB: u32 = 256 * 1024;
const MAX_VERIFY_T_COST: u32 = 10;
const MAX_VERIFY_P_COST: u32 = 4;

/// A PHC string for a password nobody knows, hashed with the current
/// parameters. Verify against it when an account does not exist, so a missing
/// account takes as long to reject as a wrong password.
pub const DECOY_PHC: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$adn3OWeIYMa9byTLMYnFVg$V29dTCFsPPSvGTXqcn9wIyfJun7pUN6wJMwKs84XGyk";

/// Whether verifying against a stored hash with these costs is safe to attempt.
fn affordable(params: &Params) -> bool {
    params.m_cost() <= MAX_VERIFY_M_COST_KIB
        && params.t_cost() <= MAX_VERIFY_T_COST
        && params.p_cost() <= MAX_VERIFY_P_COST
}

/// Turns away empty and over-long input before it costs a hash.
fn check_input(passphrase: &str) -> Result<(), AuthError> {
    if passphrase.is_empty() {
        return Err(AuthError::EmptyPassphrase);
    }
    if passphrase.len() > MAX_PASSPHRASE_BYTES {
        return Err(AuthError::PassphraseTooLong { max: MAX_PASSPHRASE_BYTES });
    }
    Ok(())
}

/// Hashes a passphrase with argon2id and a fresh 16-byte salt, as a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$...`). Blocks for tens of milliseconds: use [`Hasher`] in async code.
pub fn hash_passphrase(passphrase: &str) -> Result<String, AuthError> {
    check_input(passphrase)?;
    let params = Params::new(M_COST_KIB, T_COST, P_COST, None)
        .map_err(|e| AuthError::Hashing(e.to_string()))?;
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
        .hash_password_with_salt(passphrase.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(|e| AuthError::Hashing(e.to_string()))
}

/// Whether `passphrase` matches the argon2id PHC string `phc`; anything
/// malformed, not argon2id, or with outlandish cost parameters is a mismatch.
/// Blocks like [`hash_passphrase`].
pub fn verify_passphrase(passphrase: &str, phc: &str) -> bool {
    if check_input(passphrase).is_err() {
        return false;
    }
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    // Only argon2id is ever stored; accepting argon2d/argon2i would let a
    // tampered record downgrade the algorithm.
    if parsed.algorithm != ARGON2ID_IDENT {
        return false;
    }
    match Params::try_from(&parsed) {
        Ok(params) if affordable(&params) => {}
        _ => return false,
    }
    // The parameters come from the PHC string itself, so hashes made with
    // older settings keep verifying after the defaults change.
    Argon2::default()
        .verify_password(passphrase.as_bytes(), &parsed)
        .is_ok()
}

/// Runs argon2 off the async executor with a bound on concurrent hashes; cheap to clone.
#[derive(Debug, Clone)]
pub struct Hasher {
    permits: Arc<Semaphore>,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher::new(DEFAULT_PERMITS)
    }
}

impl Hasher {
    /// A hasher allowing `max_concurrent` hashes at once (at least one).
    pub fn new(max_concurrent: usize) -> Hasher {
        Hasher {
            permits: Arc::new(Semaphore::new(max_concurrent.max(1))),
        }
    }

    /// Hashes a passphrase on the blocking pool (see [`hash_passphrase`]).
    pub async fn hash(&self, passphrase: String) -> Result<String, AuthError> {
        // Bad input never waits in the queue.
        check_input(&passphrase)?;
        self.run(move || hash_passphrase(&passphrase)).await?
    }

    /// Checks a passphrase on the blocking pool (see [`verify_passphrase`]).
    pub async fn verify(&self, passphrase: String, phc: String) -> bool {
        if check_input(&passphrase).is_err() {
            return false;
        }
        self.run(move || verify_passphrase(&passphrase, &phc))
            .await
            .unwrap_or(false)
    }

    /// Runs `work` on the blocking pool once a permit is free.
    async fn run<T, F>(&self, work: F) -> Result<T, AuthError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(|_| AuthError::Unavailable)?;
        tokio::task::spawn_blocking(move || {
            // The permit lives inside the blocking task: if the request is
            // cancelled the hash still runs to the end, and it must keep
            // counting against the bound until it does.
            let _permit = permit;
            work()
        })
        .await
        .map_err(|_| AuthError::Unavailable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Barrier;
    use std::time::{Duration, Instant};

    #[test]
    fn right_passphrase_verifies_and_wrong_one_does_not() {
        let phc = hash_passphrase("correct horse battery staple").expect("hashes");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(!phc.contains("correct horse"));
        assert!(verify_passphrase("correct horse battery staple", &phc));
        assert!(!verify_passphrase("correct horse battery stapler", &phc));
        assert!(!verify_passphrase("Correct horse battery staple", &phc));
    }

    #[test]
    fn same_passphrase_hashes_differently_each_time() {
        let a = hash_passphrase("same").expect("hashes");
        let b = hash_passphrase("same").expect("hashes");
        assert_ne!(a, b, "salt must be fresh per hash");
        assert!(verify_passphrase("same", &a) && verify_passphrase("same", &b));
    }

    #[test]
    fn empty_and_overlong_input_is_refused() {
        assert!(matches!(hash_passphrase(""), Err(AuthError::EmptyPassphrase)));
        let long = "x".repeat(MAX_PASSPHRASE_BYTES + 1);
        assert!(matches!(hash_passphrase(&long), Err(AuthError::PassphraseTooLong { .. })));
        let longest = "x".repeat(MAX_PASSPHRASE_BYTES);
        let phc = hash_passphrase(&longest).expect("1024 bytes is allowed");
        assert!(verify_passphrase(&longest, &phc));
        assert!(!verify_passphrase("", &phc));
    }

    #[test]
    fn malformed_or_foreign_hashes_never_verify() {
        assert!(!verify_passphrase("pw", ""));
        assert!(!verify_passphrase("pw", "pw"));
        assert!(!verify_passphrase("pw", "$argon2id$v=19$m=19456,t=2,p=1$"));
        // Genuine argon2i and argon2d hashes of "pw": right password, wrong algorithm.
        for algorithm in [Algorithm::Argon2i, Algorithm::Argon2d] {
            let params = Params::new(M_COST_KIB, T_COST, P_COST, None).expect("params");
            let other = Argon2::new(algorithm, Version::V0x13, params)
                .hash_password_with_salt(b"pw", b"saltsaltsalt")
                .expect("hashes")
                .to_string();
            assert!(Argon2::default().verify_password(b"pw", other.as_str()).is_ok());
            assert!(!verify_passphrase("pw", &other), "{other}");
        }
    }

    /// A genuine argon2id PHC string of `pw` with the given costs.
    fn argon2id_with(pw: &str, m: u32, t: u32, p: u32) -> String {
        let params = Params::new(m, t, p, None).expect("params");
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_with_salt(pw.as_bytes(), b"saltsaltsalt")
            .expect("hashes")
            .to_string()
    }

    #[test]
    fn stored_hashes_with_other_costs_verify_within_limits_only() {
        // Older or stronger settings keep working: costs come from the string.
        assert!(verify_passphrase("pw", &argon2id_with("pw", 1024, MAX_VERIFY_T_COST, MAX_VERIFY_P_COST)));
        // Beyond the limits a right password is refused rather than computed.
        assert!(!verify_passphrase("pw", &argon2id_with("pw", 1024, MAX_VERIFY_T_COST + 1, 1)));
        assert!(!verify_passphrase("pw", &argon2id_with("pw", 1024, 1, MAX_VERIFY_P_COST + 1)));
        // Memory is checked the same way; too costly to hash for real here.
        let at_limit = Params::new(MAX_VERIFY_M_COST_KIB, 1, 1, None).expect("params");
        let over = Params::new(MAX_VERIFY_M_COST_KIB + 8, 1, 1, None).expect("params");
        assert!(affordable(&at_limit));
        assert!(!affordable(&over));
        assert!(!verify_passphrase("pw", &argon2id_with("pw", 1024, 1, 1).replace("m=1024", "m=4194304")));
    }

    #[test]
    fn decoy_is_a_current_hash_that_matches_nothing_plausible() {
        let real = hash_passphrase("x").expect("hashes");
        let params = |phc: &str| phc.split('$').nth(3).map(str::to_owned);
        assert_eq!(params(DECOY_PHC), params(&real), "decoy must cost what a real check costs");
        assert!(PasswordHash::new(DECOY_PHC).is_ok());
        assert!(!verify_passphrase("", DECOY_PHC));
        assert!(!verify_passphrase("password", DECOY_PHC));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn hasher_hashes_and_verifies_off_the_executor() {
        let hasher = Hasher::default();
        let phc = hasher.hash("tell no one".to_owned()).await.expect("hashes");
        assert!(phc.starts_with("$argon2id$"));
        assert!(hasher.verify("tell no one".to_owned(), phc.clone()).await);
        assert!(!hasher.verify("tell everyone".to_owned(), phc).await);
        assert!(matches!(hasher.hash(String::new()).await, Err(AuthError::EmptyPassphrase)));
    }

    /// Runs `jobs` jobs through `hasher` at once and returns the most that
    /// were ever inside `work` together.
    async fn peak_concurrency(hasher: &Hasher, jobs: usize, rendezvous: Option<Arc<Barrier>>) -> usize {
        let active = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut handles = Vec::new();
        for _ in 0..jobs {
            let (hasher, active, peak, rendezvous) =
                (hasher.clone(), active.clone(), peak.clone(), rendezvous.clone());
            handles.push(tokio::spawn(async move {
                hasher
                    .run(move || {
                        let now_active = active.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now_active, Ordering::SeqCst);
                        match rendezvous {
                            Some(barrier) => {
                                barrier.wait();
                            }
                            None => {
                                // Give any other job every chance to overlap
                                // with this one: stay inside until one joins
                                // or a generous moment has passed.
                                let until = Instant::now() + Duration::from_millis(50);
                                while active.load(Ordering::SeqCst) < 2 && Instant::now() < until {
                                    std::thread::yield_now();
                                }
                            }
                        }
                        active.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
            }));
        }
        for handle in handles {
            handle.await.expect("task ran").expect("job ran");
        }
        peak.load(Ordering::SeqCst)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_permit_runs_hashes_one_after_the_other() {
        assert_eq!(peak_concurrency(&Hasher::new(1), 4, None).await, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn two_permits_let_two_hashes_run_together() {
        // The barrier only opens when both jobs are inside at once: with one
        // permit this would hang, which is what the test above relies on.
        let barrier = Arc::new(Barrier::new(2));
        assert_eq!(peak_concurrency(&Hasher::new(2), 2, Some(barrier)).await, 2);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn zero_permits_still_allows_one() {
        let hasher = Hasher::new(0);
        assert!(!hasher.verify("a".to_owned(), DECOY_PHC.to_owned()).await);
    }
}
