//! Time as a parameter: every expiry and lockout rule takes a [`Timestamp`]
//! from a [`Clock`], so tests move time with [`ManualClock`] instead of waiting.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A moment in UTC, as milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// This moment plus `secs` seconds (saturating).
    pub fn plus_secs(self, secs: u64) -> Timestamp {
        let ms = i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_add(ms))
    }

    /// Whole seconds from `self` until `later` (0 when `later` is not after `self`).
    pub fn secs_until(self, later: Timestamp) -> u64 {
        let ms = later.0.saturating_sub(self.0).max(0);
        // Round up so "retry after" never says 0 while still locked.
        (ms as u64).div_ceil(1000)
    }

    /// RFC 3339 in UTC with second precision: `2026-11-24T09:11:06Z`.
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // Outside years 1-9999 (never reached by a real clock) the day is clamped.
        let day = interview_runtime::date::Date::from_days_since_epoch(days)
            .map(|d| d.to_string())
            .unwrap_or_else(|| if days < 0 { "0001-01-01" } else { "9999-12-31" }.to_owned());
        format!("{day}T{:02}:{:02}:{:02}Z", rem / 3600, (rem % 3600) / 60, rem % 60)
    }

    /// Parses the RFC 3339 UTC form written by [`Timestamp::to_rfc3339`] (fractions and offsets accepted).
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let (date, time) = text.split_once(['T', 't', ' '])?;
        let day = interview_runtime::date::Date::parse(date)?;
        let bytes = time.as_bytes();
        if bytes.len() < 8 || bytes.get(2) != Some(&b':') || bytes.get(5) != Some(&b':') {
            return None;
        }
        let num = |s: &str| s.parse::<i64>().ok();
        let (h, mi, s) = (num(time.get(0..2)?)?, num(time.get(3..5)?)?, num(time.get(6..8)?)?);
        if h > 23 || mi > 59 || s > 60 {
            return None;
        }
        let mut rest = time.get(8..)?;
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return None;
            }
            let padded = format!("{:0<3}", &digits[..digits.len().min(3)]);
            millis = padded.parse().ok()?;
            rest = &frac[digits.len()..];
        }
        let offset_secs = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.get(0..1)? {
                    "+" => 1,
                    "-" => -1,
                    _ => return None,
                };
                let oh = num(rest.get(1..3)?)?;
                let om = num(rest.get(4..6)?)?;
                if rest.len() != 6 || rest.get(3..4)? != ":" {
                    return None;
                }
                sign * (oh * 3600 + om * 60)
            }
        };
        let secs = day.days_since_epoch() * 86_400 + h * 3600 + mi * 60 + s - offset_secs;
        Some(Timestamp(secs * 1000 + millis))
    }

    /// The calendar day of this moment in UTC (`None` outside years 1-9999).
    pub fn date(self) -> Option<interview_runtime::date::Date> {
        interview_runtime::date::Date::from_days_since_epoch(self.0.div_euclid(86_400_000))
    }
}

/// Where the host gets "now" from.
pub trait Clock: Send + Sync + 'static {
    /// The current moment.
    fn now(&self) -> Timestamp;
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        let ms = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0);
        Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
    }
}

/// A clock that only moves when told to, for tests.
#[derive(Debug, Default)]
pub struct ManualClock {
    now: AtomicI64,
}

impl ManualClock {
    /// A clock standing at `start`.
    pub fn new(start: Timestamp) -> ManualClock {
        ManualClock { now: AtomicI64::new(start.0) }
    }

    /// Moves the clock forward by `secs` seconds.
    pub fn advance_secs(&self, secs: u64) {
        let ms = i64::try_from(secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        self.now.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the clock to `at`.
    pub fn set(&self, at: Timestamp) {
        self.now.store(at.0, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        Timestamp(self.now.load(Ordering::SeqCst))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips() {
        let t = Timestamp::parse_rfc3339("2026-11-24T09:11:06Z").expect("parses");
        assert_eq!(t.to_rfc3339(), "2026-11-24T09:11:06Z");
        assert_eq!(Timestamp(0).to_rfc3339(), "1970-01-01T00:00:00Z");
        let with_offset = Timestamp::parse_rfc3339("2026-11-24T10:11:06.250+01:00").expect("parses");
        assert_eq!(with_offset.0, t.0 + 250);
        assert!(Timestamp::parse_rfc3339("2026-11-24").is_none());
        assert!(Timestamp::parse_rfc3339("2026-11-24T25:00:00Z").is_none());
    }

    #[test]
    fn secs_until_rounds_up() {
        assert_eq!(Timestamp(0).secs_until(Timestamp(1)), 1);
        assert_eq!(Timestamp(0).secs_until(Timestamp(2000)), 2);
        assert_eq!(Timestamp(5).secs_until(Timestamp(0)), 0);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let clock = ManualClock::new(Timestamp(1000));
        assert_eq!(clock.now(), Timestamp(1000));
        clock.advance_secs(96 * 3600);
        assert_eq!(clock.now(), Timestamp(1000 + 96 * 3600 * 1000));
    }

    #[test]
    fn date_is_the_utc_day() {
        let t = Timestamp::parse_rfc3339("2026-11-24T23:59:59Z").expect("parses");
        assert_eq!(t.date().map(|d| d.to_string()).as_deref(), Some("2026-11-24"));
    }
}
