//! Per-client request limiting in memory: a token bucket for each IP address.
//!
//! Each address may make `max_requests` requests in a burst, and earns them
//! back evenly over `window_secs`. Memory stays bounded: buckets that have
//! refilled completely carry no information and are dropped in periodic
//! sweeps, and when the map still reaches its cap the least recently seen
//! eighth is evicted at once (one pass pays for many inserts).
//!
//! IPv6 clients are limited per /64, since one host can usually pick any
//! address in its /64; IPv4-mapped IPv6 addresses count as the IPv4 address.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv6Addr};
use std::sync::{Mutex, PoisonError};

use crate::clock::Timestamp;

/// Keys tracked at most by default.
pub const DEFAULT_MAX_KEYS: usize = 100_000;

/// Stale buckets are swept at most this often (or once per window, if longer).
const SWEEP_EVERY_MS: i64 = 60_000;

/// One address's bucket. The level is counted in units where one request
/// costs `window_ms` and each millisecond earns `capacity`, so refilling is
/// exact integer arithmetic with no drift.
#[derive(Debug, Clone, Copy)]
struct Bucket {
    level: u128,
    last: Timestamp,
}

#[derive(Debug)]
struct State {
    buckets: HashMap<IpAddr, Bucket>,
    last_sweep: Timestamp,
}

/// A thread-safe token-bucket limiter keyed by client address.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: u32,
    window_ms: u64,
    max_keys: usize,
    state: Mutex<State>,
}

/// The key an address is counted under: its /64 for IPv6, itself for IPv4.
pub fn bucket_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl RateLimiter {
    /// A limiter allowing bursts of `max_requests` per address, refilled over
    /// `window_secs` (both at least 1), tracking up to [`DEFAULT_MAX_KEYS`] addresses.
    pub fn new(max_requests: u32, window_secs: u64) -> RateLimiter {
        RateLimiter {
            capacity: max_requests.max(1),
            window_ms: window_secs.max(1).saturating_mul(1000),
            max_keys: DEFAULT_MAX_KEYS,
            state: Mutex::new(State {
                buckets: HashMap::new(),
                last_sweep: Timestamp(i64::MIN),
            }),
        }
    }

    /// The same limiter tracking at most `max_keys` addresses (at least 1).
    #[must_use]
    pub fn with_max_keys(mut self, max_keys: usize) -> RateLimiter {
        self.max_keys = max_keys.max(1);
        self
    }

    /// Takes one request from `ip`'s bucket at `now`, or says how many
    /// seconds to wait (at least 1, for `Retry-After`).
    pub fn check(&self, ip: IpAddr, now: Timestamp) -> Result<(), u64> {
        let key = bucket_key(ip);
        let cost = u128::from(self.window_ms);
        let full = u128::from(self.capacity) * cost;
        // The map holds only counters, always consistent between statements,
        // so a panic elsewhere while holding the lock leaves nothing to repair.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let sweep_every = SWEEP_EVERY_MS.max(i64::try_from(self.window_ms).unwrap_or(i64::MAX));
        if now.0.saturating_sub(state.last_sweep.0) >= sweep_every {
            self.sweep(&mut state.buckets, now);
            state.last_sweep = now;
        }
        if !state.buckets.contains_key(&key) && state.buckets.len() >= self.max_keys {
            self.make_room(&mut state.buckets, now);
        }
        let bucket = state
            .buckets
            .entry(key)
            .or_insert(Bucket { level: full, last: now });
        bucket.level = self.level_at(bucket, now);
        // A clock stepping back must not earn anything twice later on.
        bucket.last = bucket.last.max(now);
        if bucket.level >= cost {
            bucket.level -= cost;
            return Ok(());
        }
        let wait_ms = (cost - bucket.level).div_ceil(u128::from(self.capacity));
        Err(u64::try_from(wait_ms.div_ceil(1000)).unwrap_or(u64::MAX).max(1))
    }

    /// How many addresses are tracked now (for metrics).
    pub fn tracked_keys(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .buckets
            .len()
    }

    /// The bucket's level at `now`, refilled since it was last touched.
    fn level_at(&self, bucket: &Bucket, now: Timestamp) -> u128 {
        let full = u128::from(self.capacity) * u128::from(self.window_ms);
        let elapsed = u128::try_from(now.0.saturating_sub(bucket.last.0).max(0)).unwrap_or(0);
        bucket
            .level
            .saturating_add(elapsed.saturating_mul(u128::from(self.capacity)))
            .min(full)
    }

    /// Drops buckets that have refilled: forgetting them changes nothing.
    fn sweep(&self, buckets: &mut HashMap<IpAddr, Bucket>, now: Timestamp) {
        let full = u128::from(self.capacity) * u128::from(self.window_ms);
        buckets.retain(|_, bucket| self.level_at(bucket, now) < full);
    }

    /// Frees at least one slot: stale buckets first, then the least recently seen eighth.
    fn make_room(&self, buckets: &mut HashMap<IpAddr, Bucket>, now: Timestamp) {
        self.sweep(buckets, now);
        if buckets.len() < self.max_keys {
            return;
        }
        let evict = (buckets.len() / 8).max(1);
        let mut seen: Vec<i64> = buckets.values().map(|b| b.last.0).collect();
        let (_, &mut cutoff, _) = seen.select_nth_unstable(evict - 1);
        buckets.retain(|_, bucket| bucket.last.0 > cutoff);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    const T0: Timestamp = Timestamp(1_700_000_000_000);

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("an address")
    }

    fn at_ms(ms: i64) -> Timestamp {
        Timestamp(T0.0 + ms)
    }

    #[test]
    fn burst_then_refused_with_retry_after() {
        let limiter = RateLimiter::new(3, 60);
        let a = ip("203.0.113.7");
        for _ in 0..3 {
            assert_eq!(limiter.check(a, T0), Ok(()));
        }
        // One request is earned back every 20 s.
        assert_eq!(limiter.check(a, T0), Err(20));
        assert_eq!(limiter.check(a, at_ms(5_000)), Err(15));
        assert_eq!(limiter.check(a, at_ms(19_001)), Err(1));
        assert_eq!(limiter.check(a, at_ms(20_000)), Ok(()));
        assert_eq!(limiter.check(a, at_ms(20_000)), Err(20));
    }

    #[test]
    fn refill_never_exceeds_the_burst() {
        let limiter = RateLimiter::new(2, 10);
        let a = ip("203.0.113.7");
        assert_eq!(limiter.check(a, T0), Ok(()));
        // A day idle still earns only a full bucket.
        let later = T0.plus_secs(86_400);
        assert_eq!(limiter.check(a, later), Ok(()));
        assert_eq!(limiter.check(a, later), Ok(()));
        assert_eq!(limiter.check(a, later), Err(5));
    }

    #[test]
    fn addresses_are_limited_separately() {
        let limiter = RateLimiter::new(1, 60);
        assert_eq!(limiter.check(ip("198.51.100.1"), T0), Ok(()));
        assert!(limiter.check(ip("198.51.100.1"), T0).is_err());
        assert_eq!(limiter.check(ip("198.51.100.2"), T0), Ok(()));
    }

    #[test]
    fn ipv6_is_limited_per_64_and_mapped_ipv4_as_ipv4() {
        let limiter = RateLimiter::new(1, 60);
        assert_eq!(limiter.check(ip("2001:db8:1:2::1"), T0), Ok(()));
        assert!(limiter.check(ip("2001:db8:1:2:ffff:1234:5:6"), T0).is_err());
        assert_eq!(limiter.check(ip("2001:db8:1:3::1"), T0), Ok(()));
        assert_eq!(limiter.check(ip("192.0.2.9"), T0), Ok(()));
        assert!(limiter.check(ip("::ffff:192.0.2.9"), T0).is_err());
        assert_eq!(bucket_key(ip("::ffff:192.0.2.9")), ip("192.0.2.9"));
    }

    #[test]
    fn clock_stepping_back_earns_nothing() {
        let limiter = RateLimiter::new(1, 60);
        let a = ip("203.0.113.7");
        assert_eq!(limiter.check(a, at_ms(60_000)), Ok(()));
        assert!(limiter.check(a, T0).is_err());
        // Back to the later time: still nothing earned since then.
        assert!(limiter.check(a, at_ms(60_000)).is_err());
        assert_eq!(limiter.check(a, at_ms(120_000)), Ok(()));
    }

    #[test]
    fn memory_is_capped_and_the_oldest_are_evicted() {
        let limiter = RateLimiter::new(1, 3600).with_max_keys(100);
        for i in 0..1000u32 {
            let addr = IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + i));
            assert_eq!(limiter.check(addr, at_ms(i64::from(i))), Ok(()));
            assert!(limiter.tracked_keys() <= 100);
        }
        // The most recent address is still remembered as having spent its request...
        assert!(limiter.check(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + 999)), at_ms(1000)).is_err());
        // ...while the first one was evicted long ago and starts afresh.
        assert_eq!(limiter.check(IpAddr::V4(Ipv4Addr::from(0x0a00_0000)), at_ms(1000)), Ok(()));
    }

    #[test]
    fn refilled_buckets_are_swept() {
        let limiter = RateLimiter::new(5, 10);
        for i in 0..50u8 {
            assert_eq!(limiter.check(IpAddr::V4(Ipv4Addr::new(10, 0, 0, i)), T0), Ok(()));
        }
        assert_eq!(limiter.tracked_keys(), 50);
        // Past both the window and the sweep interval, one request clears the rest.
        assert_eq!(limiter.check(ip("10.1.0.1"), T0.plus_secs(61)), Ok(()));
        assert_eq!(limiter.tracked_keys(), 1);
    }

    #[test]
    fn concurrent_requests_never_exceed_the_burst() {
        let limiter = Arc::new(RateLimiter::new(100, 3600));
        let allowed = Arc::new(AtomicU32::new(0));
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let (limiter, allowed) = (limiter.clone(), allowed.clone());
                std::thread::spawn(move || {
                    for _ in 0..50 {
                        if limiter.check(ip("203.0.113.7"), T0).is_ok() {
                            allowed.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread finished");
        }
        assert_eq!(allowed.load(Ordering::SeqCst), 100);
    }
}
