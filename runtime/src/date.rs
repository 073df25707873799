//! Calendar dates (proleptic Gregorian, years 0001 to 9999) as answers carry
//! them: `"YYYY-MM-DD"` strings.
//!
//! Pure arithmetic on integers, so the browser and the server agree to the
//! day; the caller supplies "today" (the runtime never reads a clock).

use std::fmt;

/// A real calendar date between 0001-01-01 and 9999-12-31.
///
/// Field order makes the derived ordering chronological.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

/// Days from 0000-03-01 to 1970-01-01 in the era-based day count below.
const EPOCH_SHIFT: i64 = 719_468;
/// Days in a 400-year cycle of the Gregorian calendar.
const DAYS_PER_ERA: i64 = 146_097;
/// `days_since_epoch` of 0001-01-01.
const MIN_DAYS: i64 = -719_162;
/// `days_since_epoch` of 9999-12-31.
const MAX_DAYS: i64 = 2_932_896;

impl Date {
    /// 1 January 1970, the day a clock's count of days starts from.
    pub const UNIX_EPOCH: Date = Date { year: 1970, month: 1, day: 1 };

    /// Parses strict `"YYYY-MM-DD"`: exactly ten chars, a real date, year 0001 or later.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            let digits = b.get(range)?;
            digits.iter().try_fold(0u32, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + u32::from(d - b'0'))
            })
        };
        let year = i32::try_from(number(0..4)?).ok()?;
        Date::from_ymd(year, number(5..7)?, number(8..10)?)
    }

    /// The date with this year, month (1-12) and day, if it exists and the
    /// year is within 1..=9999.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day < 1 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Count from March so the leap day is the last day of the counted year.
        let month = i64::from(self.month);
        let year = i64::from(self.year) - i64::from(month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month_from_march = (month + 9) % 12;
        let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * DAYS_PER_ERA + day_of_era - EPOCH_SHIFT
    }

    /// The date `days` after 1970-01-01, if within 0001-01-01..=9999-12-31.
    pub fn from_days_since_epoch(days: i64) -> Option<Date> {
        if !(MIN_DAYS..=MAX_DAYS).contains(&days) {
            return None;
        }
        let z = days + EPOCH_SHIFT;
        let era = z.div_euclid(DAYS_PER_ERA);
        let day_of_era = z - era * DAYS_PER_ERA;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_from_march = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
        let month = if month_from_march < 10 {
            month_from_march + 3
        } else {
            month_from_march - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        Date::from_ymd(
            i32::try_from(year).ok()?,
            u32::try_from(month).ok()?,
            u32::try_from(day).ok()?,
        )
    }

    /// The date `n` days later (earlier if negative), if still in range.
    pub fn add_days(self, n: i64) -> Option<Date> {
        Date::from_days_since_epoch(self.days_since_epoch().checked_add(n)?)
    }

    /// Whole years from `self` to `later`, as an age is counted: a year is
    /// complete on the same month and day (2000-02-29 to 2001-02-28 is 0,
    /// to 2001-03-01 is 1). Negative when `later` is earlier.
    pub fn whole_years_until(self, later: Date) -> i64 {
        if later < self {
            return -later.whole_years_until(self);
        }
        let years = i64::from(later.year) - i64::from(self.year);
        if (later.month, later.day) < (self.month, self.day) {
            years - 1
        } else {
            years
        }
    }

    /// The year, 1 to 9999.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u32 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u32 {
        self.day
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// True in Gregorian leap years.
pub fn is_leap_year(year: i32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

/// Days in `month` (1-12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn parses_real_dates_and_rejects_others() {
        assert_eq!(Date::parse("2024-02-29"), Date::from_ymd(2024, 2, 29));
        assert_eq!(d("2000-02-29").to_string(), "2000-02-29");
        assert_eq!(d("0001-01-01").to_string(), "0001-01-01");
        assert_eq!(d("9999-12-31").to_string(), "9999-12-31");
        for bad in [
            "2023-02-29", // not a leap year
            "1900-02-29", // divisible by 100, not by 400
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-01-00",
            "0000-01-01",
            "2026-1-01",
            "2026-01-1",
            "20260101",
            "2026/01/01",
            "+026-01-01",
            "2026-01-01 ",
            " 2026-01-01",
            "2026-01-01T00:00",
            "２０２６-01-01",
            "",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn leap_years_follow_the_gregorian_rule() {
        assert!(is_leap_year(2024));
        assert!(is_leap_year(2000));
        assert!(!is_leap_year(1900));
        assert!(!is_leap_year(2023));
        assert_eq!(days_in_month(2024, 2), 29);
        assert_eq!(days_in_month(2023, 2), 28);
        assert_eq!(days_in_month(2023, 13), 0);
    }

    #[test]
    fn day_counts_match_known_values() {
        assert_eq!(d("1970-01-01").days_since_epoch(), 0);
        assert_eq!(d("1970-01-02").days_since_epoch(), 1);
        assert_eq!(d("1969-12-31").days_since_epoch(), -1);
        assert_eq!(d("2000-03-01").days_since_epoch(), 11_017);
        assert_eq!(d("0001-01-01").days_since_epoch(), MIN_DAYS);
        assert_eq!(d("9999-12-31").days_since_epoch(), MAX_DAYS);
        assert_eq!(Date::from_days_since_epoch(MIN_DAYS - 1), None);
        assert_eq!(Date::from_days_since_epoch(MAX_DAYS + 1), None);
    }

    #[test]
    fn every_day_round_trips_through_the_day_count() {
        let mut day = d("0001-01-01");
        let mut n = MIN_DAYS;
        // Walks the whole range once, checking that consecutive days are
        // consecutive counts and that each count maps back to its date.
        while let Some(next) = day.add_days(1) {
            assert_eq!(day.days_since_epoch(), n);
            assert_eq!(Date::from_days_since_epoch(n), Some(day));
            assert!(next > day);
            day = next;
            n += 1;
        }
        assert_eq!(day, d("9999-12-31"));
    }

    #[test]
    fn add_days_crosses_months_years_and_leap_days() {
        assert_eq!(d("2024-02-28").add_days(1), Some(d("2024-02-29")));
        assert_eq!(d("2023-02-28").add_days(1), Some(d("2023-03-01")));
        assert_eq!(d("2025-12-31").add_days(1), Some(d("2026-01-01")));
        assert_eq!(d("2026-01-01").add_days(-365), Some(d("2025-01-01")));
        assert_eq!(d("9999-12-31").add_days(1), None);
        assert_eq!(d("2026-01-01").add_days(i64::MAX), None);
    }

    #[test]
    fn whole_years_count_like_an_age() {
        assert_eq!(d("2000-02-29").whole_years_until(d("2001-02-28")), 0);
        assert_eq!(d("2000-02-29").whole_years_until(d("2001-03-01")), 1);
        assert_eq!(d("2000-02-29").whole_years_until(d("2004-02-29")), 4);
        assert_eq!(d("1990-06-15").whole_years_until(d("2026-06-14")), 35);
        assert_eq!(d("1990-06-15").whole_years_until(d("2026-06-15")), 36);
        assert_eq!(d("2026-06-15").whole_years_until(d("2026-06-15")), 0);
        assert_eq!(d("2026-06-15").whole_years_until(d("1990-06-16")), -35);
    }

    #[test]
    fn orders_chronologically() {
        assert!(d("2025-12-31") < d("2026-01-01"));
        assert!(d("2026-01-31") < d("2026-02-01"));
        assert_eq!(d("2026-03-04").year(), 2026);
        assert_eq!(d("2026-03-04").month(), 3);
        assert_eq!(d("2026-03-04").day(), 4);
    }
}
