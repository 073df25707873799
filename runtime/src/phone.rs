//! Phone numbers: reading what people type into E.164 (`+` and 8 to 15 digits).
//!
//! People write numbers in national form ("020 7946 0958", "(415) 555-2671"),
//! with the international `00` prefix, or with `+`. A national number only
//! means something together with a region (ISO 3166 alpha-2), whose country
//! calling code is put in front after the national trunk prefix (the "0" of
//! most of Europe) is taken off. The table covers the regions clients are most
//! likely to come from; a number written with `+` or `00` is accepted for any
//! country, known to the table or not.

/// Most digits E.164 allows, country code included.
const MAX_DIGITS: usize = 15;
/// Fewest digits accepted, country code included; shorter numbers are typing mistakes.
const MIN_DIGITS: usize = 8;
/// Longest input looked at: room for separators around 15 digits, and a bound on work.
const MAX_INPUT_CHARS: usize = 64;

use crate::locale::{Locale, Text};

/// Why a phone number could not be read, worded for the person who typed it
/// ([`PhoneError::message`]; `Display` gives the English words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    /// Nothing was typed.
    Empty,
    /// The number has letters in it (words, or an extension such as "ext. 12").
    Letters,
    /// A character that is neither a digit nor an accepted separator.
    InvalidCharacter(char),
    /// A `+` somewhere other than at the start.
    MisplacedPlus,
    /// Fewer digits than any complete number has.
    TooShort,
    /// More digits than E.164 allows.
    TooLong,
    /// A national number for a region whose numbers have a fixed length, with the wrong length.
    WrongLength {
        /// The region (upper case) the number was read for.
        region: String,
        /// How many digits the national number has there.
        expected: usize,
    },
    /// An international number whose country code starts with 0, which none does.
    InvalidCountryCode,
    /// A national number with no region to say which country it belongs to.
    NoCountryCode,
    /// The region given is not one this table knows.
    UnknownRegion(String),
}

impl PhoneError {
    /// What is wrong, in `locale`'s words.
    pub fn message(&self, locale: Locale) -> String {
        let text = match self {
            PhoneError::Empty => Text::PhoneEmpty,
            PhoneError::Letters => Text::PhoneLetters,
            PhoneError::InvalidCharacter(c) => {
                return locale.say(Text::PhoneCharacter, &[("char", c.encode_utf8(&mut [0; 4]))]);
            }
            PhoneError::MisplacedPlus => Text::PhonePlus,
            PhoneError::TooShort => Text::PhoneTooShort,
            PhoneError::TooLong => Text::PhoneTooLong,
            PhoneError::WrongLength { region, expected } => {
                return locale.say(Text::PhoneLength, &[("region", region), ("expected", &expected.to_string())]);
            }
            PhoneError::InvalidCountryCode => Text::PhoneCountryCodeZero,
            PhoneError::NoCountryCode => Text::PhoneNoCountryCode,
            PhoneError::UnknownRegion(region) => return locale.say(Text::PhoneUnknownRegion, &[("region", region)]),
        };
        locale.text(text).to_owned()
    }
}

impl std::fmt::Display for PhoneError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Locale::En))
    }
}

impl std::error::Error for PhoneError {}

/// What the table knows about one region.
struct Region {
    /// ISO 3166 alpha-2 code, upper case.
    code: &'static str,
    /// Country calling code, digits only.
    calling: &'static str,
    /// National trunk prefixes dialled before a national number, taken off in E.164.
    trunk: &'static [&'static str],
    /// The region's own international prefix when it is not "00".
    intl: Option<&'static str>,
    /// Digits of every national significant number, where that is fixed.
    national_len: Option<usize>,
}

const fn region(
    code: &'static str,
    calling: &'static str,
    trunk: &'static [&'static str],
) -> Region {
    Region {
        code,
        calling,
        trunk,
        intl: None,
        national_len: None,
    }
}

/// A North American Numbering Plan region: "1" is both the country code and the
/// trunk prefix, numbers have 10 digits, and "011" dials abroad.
const fn nanp(code: &'static str) -> Region {
    Region {
        code,
        calling: "1",
        trunk: &["1"],
        intl: Some("011"),
        national_len: Some(10),
    }
}

const ZERO: &[&str] = &["0"];
const NONE: &[&str] = &[];

/// The regions, sorted by code.
const REGIONS: &[Region] = &[
    region("AD", "376", NONE),
    region("AE", "971", ZERO),
    region("AL", "355", ZERO),
    region("AM", "374", ZERO),
    region("AR", "54", ZERO),
    region("AT", "43", ZERO),
    Region {
        code: "AU",
        calling: "61",
        trunk: ZERO,
        intl: Some("0011"),
        national_len: None,
    },
    region("AZ", "994", ZERO),
    region("BA", "387", ZERO),
    region("BD", "880", ZERO),
    region("BE", "32", ZERO),
    region("BG", "359", ZERO),
    region("BH", "973", NONE),
    region("BR", "55", ZERO),
    // Belarus dials "8 0" before the area code; its national numbers have 9 digits.
    Region {
        code: "BY",
        calling: "375",
        trunk: &["80"],
        intl: Some("810"),
        national_len: Some(9),
    },
    nanp("CA"),
    region("CH", "41", ZERO),
    region("CL", "56", NONE),
    region("CN", "86", ZERO),
    region("CO", "57", NONE),
    region("CY", "357", NONE),
    region("CZ", "420", NONE),
    region("DE", "49", ZERO),
    region("DK", "45", NONE),
    nanp("DO"),
    region("EE", "372", NONE),
    region("EG", "20", ZERO),
    region("ES", "34", NONE),
    region("FI", "358", ZERO),
    region("FR", "33", ZERO),
    region("GB", "44", ZERO),
    region("GE", "995", ZERO),
    region("GG", "44", ZERO),
    region("GH", "233", ZERO),
    region("GI", "350", NONE),
    region("GR", "30", NONE),
    region("HK", "852", NONE),
    region("HR", "385", ZERO),
    region("HU", "36", &["06"]),
    region("ID", "62", ZERO),
    region("IE", "353", ZERO),
    region("IL", "972", ZERO),
    region("IM", "44", ZERO),
    region("IN", "91", ZERO),
    region("IS", "354", NONE),
    // Italian numbers keep their leading 0 in international form: there is no trunk prefix.
    region("IT", "39", NONE),
    region("JE", "44", ZERO),
    nanp("JM"),
    region("JO", "962", ZERO),
    Region {
        code: "JP",
        calling: "81",
        trunk: ZERO,
        intl: Some("010"),
        national_len: None,
    },
    region("KE", "254", ZERO),
    region("KR", "82", ZERO),
    region("KW", "965", NONE),
    Region {
        code: "KZ",
        calling: "7",
        trunk: &["8"],
        intl: Some("810"),
        national_len: Some(10),
    },
    region("LB", "961", ZERO),
    region("LI", "423", NONE),
    region("LK", "94", ZERO),
    // Lithuania moved its trunk prefix from 8 to 0; people write both.
    Region {
        code: "LT",
        calling: "370",
        trunk: &["8", "0"],
        intl: None,
        national_len: Some(8),
    },
    region("LU", "352", NONE),
    region("LV", "371", NONE),
    region("MA", "212", ZERO),
    region("MC", "377", NONE),
    region("MD", "373", ZERO),
    region("ME", "382", ZERO),
    region("MK", "389", ZERO),
    region("MT", "356", NONE),
    region("MX", "52", NONE),
    region("MY", "60", ZERO),
    region("NG", "234", ZERO),
    region("NL", "31", ZERO),
    region("NO", "47", NONE),
    region("NP", "977", ZERO),
    region("NZ", "64", ZERO),
    region("OM", "968", NONE),
    region("PE", "51", ZERO),
    region("PH", "63", ZERO),
    region("PK", "92", ZERO),
    region("PL", "48", NONE),
    nanp("PR"),
    region("PT", "351", NONE),
    region("QA", "974", NONE),
    region("RO", "40", ZERO),
    region("RS", "381", ZERO),
    Region {
        code: "RU",
        calling: "7",
        trunk: &["8"],
        intl: Some("810"),
        national_len: Some(10),
    },
    region("SA", "966", ZERO),
    region("SE", "46", ZERO),
    region("SG", "65", NONE),
    region("SI", "386", ZERO),
    region("SK", "421", ZERO),
    region("SM", "378", NONE),
    region("TH", "66", ZERO),
    region("TR", "90", ZERO),
    nanp("TT"),
    region("TW", "886", ZERO),
    region("UA", "380", ZERO),
    nanp("US"),
    region("VN", "84", ZERO),
    region("ZA", "27", ZERO),
];

/// Finds a region by code, ignoring case; "UK" is taken for "GB", as people write it.
fn lookup(code: &str) -> Option<&'static Region> {
    let code = code.trim();
    if code.eq_ignore_ascii_case("UK") {
        return lookup("GB");
    }
    REGIONS.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Whether `code` is a region (ISO 3166 alpha-2, any case) this module can read national numbers for.
pub fn is_known_region(code: &str) -> bool {
    lookup(code).is_some()
}

/// The country calling code of a region (digits, without `+`), e.g. `"44"` for `"GB"`.
pub fn calling_code(region: &str) -> Option<&'static str> {
    lookup(region).map(|r| r.calling)
}

/// Every region code the table knows, sorted, for a region picker.
pub fn known_regions() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().map(|r| r.code)
}

/// Reads a phone number as typed into E.164 (`+14155552671`).
///
/// `region` is the region assumed for a number written without `+` or an
/// international prefix; it is only consulted for such numbers.
pub fn normalise(input: &str, region: Option<&str>) -> Result<String, PhoneError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(PhoneError::Empty);
    }
    if input.chars().count() > MAX_INPUT_CHARS {
        return Err(PhoneError::TooLong);
    }
    let (plus, body) = match input.strip_prefix('+') {
        Some(rest) => (true, without_shown_trunk(rest)),
        None => (false, input.to_owned()),
    };
    let digits = digits_of(&body)?;
    let region = region.map(str::trim).filter(|r| !r.is_empty());

    let international = if plus {
        Some(digits.as_str())
    } else {
        international_part(&digits, region)
    };
    let full = match international {
        Some(rest) => international_digits(rest)?,
        None => national_digits(&digits, region)?,
    };
    if full.len() < MIN_DIGITS {
        return Err(PhoneError::TooShort);
    }
    if full.len() > MAX_DIGITS {
        return Err(PhoneError::TooLong);
    }
    Ok(format!("+{full}"))
}

/// Drops a "(0)" written right after the country code: "+44 (0)20 ..." is a common
/// way to show the trunk prefix that is not dialled from abroad.
fn without_shown_trunk(body: &str) -> String {
    if let Some((before, after)) = body.split_once("(0)") {
        // Country codes have one to three digits.
        if (1..=3).contains(&before.bytes().filter(u8::is_ascii_digit).count()) {
            return format!("{before}{after}");
        }
    }
    body.to_owned()
}

/// The digits of a number, after checking that everything else is a separator.
fn digits_of(body: &str) -> Result<String, PhoneError> {
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | '.' | '(' | ')' | '/' => {}
            '+' => return Err(PhoneError::MisplacedPlus),
            c if c.is_whitespace() => {}
            c if c.is_alphabetic() => return Err(PhoneError::Letters),
            c => return Err(PhoneError::InvalidCharacter(c)),
        }
    }
    Ok(digits)
}

/// For a number without `+`: what follows an international prefix, if it starts with one.
fn international_part<'a>(digits: &'a str, region: Option<&str>) -> Option<&'a str> {
    // The region's own prefix first: Australia's "0011" also starts with "00".
    if let Some(prefix) = region.and_then(lookup).and_then(|r| r.intl) {
        if let Some(rest) = digits.strip_prefix(prefix) {
            return Some(rest);
        }
    }
    digits.strip_prefix("00")
}

/// Checks and tidies the digits after `+` (country code first).
fn international_digits(digits: &str) -> Result<String, PhoneError> {
    if digits.is_empty() {
        return Err(PhoneError::TooShort);
    }
    if digits.starts_with('0') {
        return Err(PhoneError::InvalidCountryCode);
    }
    let Some((calling, national)) = REGIONS
        .iter()
        .find_map(|r| digits.strip_prefix(r.calling).map(|rest| (r.calling, rest)))
    else {
        // A country the table does not know: only the E.164 length rules apply.
        return Ok(digits.to_owned());
    };
    let sharing: Vec<&Region> = REGIONS.iter().filter(|r| r.calling == calling).collect();
    // "+49 0171 ..." repeats the trunk prefix, which countries dialling "0" never use
    // as the first digit of a national number.
    let national = match national.strip_prefix('0') {
        Some(rest) if sharing.iter().all(|r| r.trunk == ZERO) => rest,
        _ => national,
    };
    if let Some(expected) = common_length(&sharing) {
        if national.len() != expected {
            return Err(length_error(
                national.len(),
                expected,
                sharing.first().map_or("", |r| r.code),
            ));
        }
    }
    Ok(format!("{calling}{national}"))
}

/// The fixed national length shared by every region of one calling code, if there is one.
fn common_length(sharing: &[&Region]) -> Option<usize> {
    let first = sharing.first()?.national_len?;
    sharing
        .iter()
        .all(|r| r.national_len == Some(first))
        .then_some(first)
}

/// Reads a national number for a region: trunk prefix off, calling code on.
fn national_digits(digits: &str, region: Option<&str>) -> Result<String, PhoneError> {
    let Some(code) = region else {
        return Err(PhoneError::NoCountryCode);
    };
    let Some(region) = lookup(code) else {
        return Err(PhoneError::UnknownRegion(code.to_owned()));
    };
    let national = region
        .trunk
        .iter()
        .filter_map(|t| digits.strip_prefix(t))
        // Where the length is fixed, a leading trunk digit may belong to the number
        // itself (Russia's 812 area code): take it off only when that leaves a whole number.
        .find(|rest| region.national_len.is_none_or(|n| rest.len() == n))
        .unwrap_or(digits);
    if let Some(expected) = region.national_len {
        if national.len() != expected {
            return Err(length_error(national.len(), expected, region.code));
        }
    }
    Ok(format!("{}{national}", region.calling))
}

/// The error for a national number of the wrong fixed length.
fn length_error(found: usize, expected: usize, region: &str) -> PhoneError {
    // Far off the mark is a different mistake (a missing or extra block), better told plainly.
    if found > expected + 2 {
        PhoneError::TooLong
    } else if found + 3 < expected {
        PhoneError::TooShort
    } else {
        PhoneError::WrongLength {
            region: region.to_owned(),
            expected,
        }
    }
}

/// The last `n` digits of an E.164 number, for the "last 4 digits of your mobile" check.
///
/// `None` when `e164` is not `+` and digits, or has fewer than `n` digits, or `n` is 0.
pub fn last_digits(e164: &str, n: usize) -> Option<&str> {
    let digits = e164.strip_prefix('+')?;
    if n == 0 || digits.len() < n || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.get(digits.len() - n..)
}

/// Whether `entered` (spaces allowed) is exactly the last `n` digits of `e164`.
///
/// Compares every digit whatever the first mismatch, so the time taken tells nothing.
pub fn last_digits_match(e164: &str, entered: &str, n: usize) -> bool {
    let Some(expected) = last_digits(e164, n) else {
        return false;
    };
    let entered: Vec<u8> = entered
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if entered.len() != expected.len() {
        return false;
    }
    let difference = expected
        .bytes()
        .zip(&entered)
        .fold(0u8, |acc, (a, b)| acc | (a ^ b));
    difference == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(input: &str, region: Option<&str>) -> String {
        match normalise(input, region) {
            Ok(s) => s,
            Err(e) => panic!("{input:?} ({region:?}) was refused: {e}"),
        }
    }

    #[test]
    fn international_numbers_need_no_region() {
        assert_eq!(ok("+44 20 7946 0958", None), "+442079460958");
        assert_eq!(ok("+1 (415) 555-2671", None), "+14155552671");
        assert_eq!(ok("+41.44.668.18.00", None), "+41446681800");
        assert_eq!(ok("  +4915123456789 ", Some("FR")), "+4915123456789");
    }

    #[test]
    fn double_zero_is_the_international_prefix() {
        assert_eq!(ok("0044 20 7946 0958", None), "+442079460958");
        assert_eq!(ok("00 49 30 1234567", Some("GB")), "+49301234567");
    }

    #[test]
    fn regional_international_prefixes_are_understood() {
        assert_eq!(ok("011 44 20 7946 0958", Some("US")), "+442079460958");
        assert_eq!(ok("0011 44 20 7946 0958", Some("AU")), "+442079460958");
        assert_eq!(ok("010 44 20 7946 0958", Some("JP")), "+442079460958");
    }

    #[test]
    fn national_numbers_lose_the_trunk_prefix() {
        assert_eq!(ok("020 7946 0958", Some("GB")), "+442079460958");
        assert_eq!(ok("07700 900123", Some("gb")), "+447700900123");
        assert_eq!(ok("030/1234567", Some("DE")), "+49301234567");
        assert_eq!(ok("01 23 45 67 89", Some("FR")), "+33123456789");
        assert_eq!(ok("06-12345678", Some("NL")), "+31612345678");
        assert_eq!(ok("(02) 9876 5432", Some("AU")), "+61298765432");
        assert_eq!(ok("06 1 234 5678", Some("HU")), "+3612345678");
    }

    #[test]
    fn numbers_without_trunk_prefix_keep_every_digit() {
        // In Italy the 0 belongs to the number.
        assert_eq!(ok("06 1234 5678", Some("IT")), "+390612345678");
        assert_eq!(ok("612 345 678", Some("ES")), "+34612345678");
        assert_eq!(ok("9123 4567", Some("SG")), "+6591234567");
    }

    #[test]
    fn north_american_numbers_take_the_leading_one_as_country_code() {
        assert_eq!(ok("(415) 555-2671", Some("US")), "+14155552671");
        assert_eq!(ok("1 415 555 2671", Some("US")), "+14155552671");
        assert_eq!(ok("1-416-555-0199", Some("CA")), "+14165550199");
        assert_eq!(
            normalise("555 2671", Some("US")),
            Err(PhoneError::WrongLength {
                region: "US".into(),
                expected: 10
            })
        );
        assert_eq!(normalise("2671", Some("US")), Err(PhoneError::TooShort));
        assert_eq!(
            normalise("415 555 267", Some("US")),
            Err(PhoneError::WrongLength {
                region: "US".into(),
                expected: 10
            })
        );
        assert_eq!(
            normalise("+1 415 555 26711", None),
            Err(PhoneError::WrongLength {
                region: "CA".into(),
                expected: 10
            })
        );
    }

    #[test]
    fn fixed_length_regions_keep_a_trunk_digit_that_belongs_to_the_number() {
        assert_eq!(ok("8 812 123 4567", Some("RU")), "+78121234567");
        assert_eq!(ok("812 123 4567", Some("RU")), "+78121234567");
        assert_eq!(ok("8 029 123 45 67", Some("BY")), "+375291234567");
    }

    #[test]
    fn a_repeated_trunk_zero_after_the_country_code_is_dropped() {
        assert_eq!(ok("+44 (0)20 7946 0958", None), "+442079460958");
        assert_eq!(ok("+49 0171 1234567", None), "+491711234567");
        // Italy has no trunk prefix, so its 0 stays.
        assert_eq!(ok("+39 06 1234 5678", None), "+390612345678");
    }

    #[test]
    fn unknown_countries_are_accepted_with_a_country_code() {
        assert_eq!(ok("+683 4002 1234", None), "+68340021234");
    }

    #[test]
    fn letters_and_stray_characters_are_refused() {
        assert_eq!(
            normalise("0800 FLOWERS", Some("GB")),
            Err(PhoneError::Letters)
        );
        assert_eq!(
            normalise("020 7946 0958 ext 12", Some("GB")),
            Err(PhoneError::Letters)
        );
        assert_eq!(
            normalise("020#7946", Some("GB")),
            Err(PhoneError::InvalidCharacter('#'))
        );
        assert_eq!(
            normalise("020 +7946 0958", Some("GB")),
            Err(PhoneError::MisplacedPlus)
        );
        assert_eq!(
            normalise("++44 20 7946 0958", None),
            Err(PhoneError::MisplacedPlus)
        );
    }

    #[test]
    fn length_limits_are_enforced() {
        assert_eq!(normalise("", None), Err(PhoneError::Empty));
        assert_eq!(normalise("   ", Some("GB")), Err(PhoneError::Empty));
        assert_eq!(normalise("+44 12", None), Err(PhoneError::TooShort));
        assert_eq!(normalise("+", None), Err(PhoneError::TooShort));
        assert_eq!(
            normalise("+44 1234 5678 9012 34", None),
            Err(PhoneError::TooLong)
        );
        assert_eq!(
            normalise(&"1".repeat(200), Some("GB")),
            Err(PhoneError::TooLong)
        );
        assert_eq!(ok("+44 1234 5678", None), "+4412345678");
    }

    #[test]
    fn national_numbers_need_a_known_region() {
        assert_eq!(
            normalise("020 7946 0958", None),
            Err(PhoneError::NoCountryCode)
        );
        assert_eq!(
            normalise("020 7946 0958", Some(" ")),
            Err(PhoneError::NoCountryCode)
        );
        assert_eq!(
            normalise("020 7946 0958", Some("XX")),
            Err(PhoneError::UnknownRegion("XX".into()))
        );
        // The region is only consulted when it is needed.
        assert_eq!(ok("+44 20 7946 0958", Some("XX")), "+442079460958");
    }

    #[test]
    fn a_country_code_never_starts_with_zero() {
        assert_eq!(
            normalise("+0 20 7946 0958", None),
            Err(PhoneError::InvalidCountryCode)
        );
        assert_eq!(
            normalise("000 20 7946 0958", Some("GB")),
            Err(PhoneError::InvalidCountryCode)
        );
    }

    #[test]
    fn output_is_always_e164() {
        let samples = [
            ("+44 20 7946 0958", None),
            ("(415) 555-2671", Some("US")),
            ("0612345678", Some("NL")),
        ];
        for (input, region) in samples {
            let out = ok(input, region);
            let digits = &out[1..];
            assert!(out.starts_with('+'));
            assert!((MIN_DIGITS..=MAX_DIGITS).contains(&digits.len()), "{out}");
            assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{out}");
            // Normalising again changes nothing.
            assert_eq!(ok(&out, None), out);
        }
    }

    #[test]
    fn regions_are_looked_up_without_regard_to_case() {
        assert!(is_known_region("gb"));
        assert!(is_known_region("Us"));
        assert!(is_known_region("UK"));
        assert!(!is_known_region("XX"));
        assert!(!is_known_region(""));
        assert_eq!(calling_code("de"), Some("49"));
        assert_eq!(calling_code("UK"), Some("44"));
        assert_eq!(calling_code("CA"), Some("1"));
        assert_eq!(calling_code("ZZ"), None);
    }

    #[test]
    fn the_table_is_sorted_unique_and_well_formed() {
        let codes: Vec<&str> = known_regions().collect();
        assert!(codes.len() >= 60, "{} regions", codes.len());
        assert!(codes.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        for r in REGIONS {
            assert!(
                r.code.len() == 2 && r.code.bytes().all(|b| b.is_ascii_uppercase()),
                "{}",
                r.code
            );
            assert!(
                !r.calling.is_empty() && !r.calling.starts_with('0'),
                "{}",
                r.code
            );
            assert!(r.calling.bytes().all(|b| b.is_ascii_digit()), "{}", r.code);
        }
        for code in [
            "AT", "BE", "DE", "FR", "GB", "IE", "IT", "NL", "ES", "SE", "US", "CA", "AU", "NZ",
            "CH", "NO", "IN", "ZA", "BR", "MX", "JP", "CN", "SG", "HK", "AE",
        ] {
            assert!(is_known_region(code), "{code}");
        }
        // Calling codes are prefix-free, so a number's country code is found unambiguously.
        for a in REGIONS {
            for b in REGIONS {
                assert!(
                    a.calling == b.calling || !a.calling.starts_with(b.calling),
                    "{} {}",
                    a.code,
                    b.code
                );
            }
        }
    }

    #[test]
    fn last_digits_are_taken_from_e164_numbers_only() {
        assert_eq!(last_digits("+447700900123", 4), Some("0123"));
        assert_eq!(last_digits("+447700900123", 12), Some("447700900123"));
        assert_eq!(last_digits("+447700900123", 13), None);
        assert_eq!(last_digits("+447700900123", 0), None);
        assert_eq!(last_digits("447700900123", 4), None);
        assert_eq!(last_digits("+44 7700 900123", 4), None);
        assert_eq!(last_digits("+4477009001é", 1), None);
    }

    #[test]
    fn last_digits_match_ignores_spaces_and_nothing_else() {
        assert!(last_digits_match("+447700900123", "0123", 4));
        assert!(last_digits_match("+447700900123", " 01 23 ", 4));
        assert!(!last_digits_match("+447700900123", "0124", 4));
        assert!(!last_digits_match("+447700900123", "123", 4));
        assert!(!last_digits_match("+447700900123", "00123", 4));
        assert!(!last_digits_match("not a number", "0123", 4));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(input in "\\PC{0,80}", region in proptest::option::of("[A-Za-z]{0,3}")) {
            if let Ok(out) = normalise(&input, region.as_deref()) {
                proptest::prop_assert!(out.starts_with('+'));
                proptest::prop_assert!((MIN_DIGITS..=MAX_DIGITS).contains(&(out.len() - 1)));
            }
        }

        #[test]
        fn separators_never_change_the_last_digits(digits in "[1-9][0-9]{7,13}", sep in "[ .()/-]{0,2}") {
            let typed: String = digits.chars().flat_map(|c| std::iter::once(c).chain(sep.chars())).collect();
            // Tidying only ever touches the country code and trunk prefix at the front.
            if let Ok(out) = normalise(&format!("+{typed}"), None) {
                proptest::prop_assert_eq!(last_digits(&out, 4), digits.get(digits.len() - 4..));
            }
        }
    }
}
