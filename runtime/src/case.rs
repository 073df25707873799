//! Unicode lower and upper case, exactly as std's `str::to_lowercase` and
//! `str::to_uppercase`, from compact tables.
//!
//! Why not std: its case tables (pairs of `u32` code points, about 23 KB in the
//! browser's wasm, and poorly compressible) cost more than everything here.
//!
//! What it does, like std:
//! - each character maps by the Unicode default (untailored, locale
//!   independent) full case mapping, so one character may become several:
//!   `ß` upper-cases to `SS`, `İ` lower-cases to `i` + U+0307;
//! - [`to_lower`] applies the one context-dependent rule std applies, the final
//!   sigma: `Σ` becomes `ς` at the end of a word (preceded by a cased letter and
//!   not followed by one, ignoring case-ignorable characters such as
//!   apostrophes and combining marks on both sides), `σ` elsewhere.
//!
//! The tables at the end of this file:
//! - runs of code points mapping by the same offset (`A`..`Z` +32; `Ā`, `Ă`, ...
//!   +1 every other code point: a stride of 2), one pair of `u32` per run;
//! - the characters that map to several characters, a short list;
//! - for the final sigma, which characters are cased or case-ignorable, as run
//!   lengths.
//!
//! Unicode version: the tables are generated from std, so they follow the
//! Unicode version of the toolchain that generated them (std's own tables
//! follow the toolchain's). The test `tables_are_up_to_date` regenerates them
//! from the current toolchain and fails when the committed ones differ, and
//! `every_char_maps_like_std` compares every code point 0..=0x10FFFF with
//! std's `char::to_lowercase`/`to_uppercase`: so after a toolchain update that
//! moves to a new Unicode version, the tests say so, and
//! `UPDATE_CASE_TABLES=1 cargo test -p interview-runtime case::` rewrites the
//! tables in place.

/// Lower case of `s`, exactly as std's `str::to_lowercase` (final sigma included).
pub fn to_lower(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if c == 'Σ' {
            let before = s.get(..i).unwrap_or("");
            let after = s.get(i + 'Σ'.len_utf8()..).unwrap_or("");
            let word_final = cased_next(before.chars().rev()) && !cased_next(after.chars());
            out.push(if word_final { 'ς' } else { 'σ' });
        } else {
            push_lower(c, &mut out);
        }
    }
    out
}

/// Upper case of `s`, exactly as std's `str::to_uppercase`.
pub fn to_upper(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_upper(c, &mut out);
    }
    out
}

/// Appends the lower case of `c` (std's `char::to_lowercase`) to `out`.
pub fn push_lower(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        push_mapped(c, LOWER_RUNS, LOWER_MULTI, out);
    }
}

/// Appends the upper case of `c` (std's `char::to_uppercase`) to `out`.
pub fn push_upper(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_uppercase());
    } else {
        push_mapped(c, UPPER_RUNS, UPPER_MULTI, out);
    }
}

/// Maps `c` by a pair of tables: first the several-character mappings, then
/// the runs; a character in neither maps to itself.
fn push_mapped(c: char, runs: &[(u32, u32)], multi: &[[u16; 4]], out: &mut String) {
    let code = c as u32;
    if let Ok(i) = multi.binary_search_by(|&[key, ..]| u32::from(key).cmp(&code)) {
        if let Some([_, rest @ ..]) = multi.get(i) {
            for &unit in rest.iter().filter(|&&u| u != 0) {
                out.push(char::from_u32(u32::from(unit)).unwrap_or(c));
            }
            return;
        }
    }
    out.push(char::from_u32(run_mapped(runs, code)).unwrap_or(c));
}

/// The code point `code` maps to by `runs`, or `code` itself.
///
/// A run is `(start << 11 | (count - 1), offset << 8 | stride)`: the `count`
/// code points `start`, `start + stride`, ... each map to itself plus `offset`
/// (signed, 24 bits). Runs are sorted and their spans do not overlap.
fn run_mapped(runs: &[(u32, u32)], code: u32) -> u32 {
    let after = runs.partition_point(|&(head, _)| head >> 11 <= code);
    let Some(&(head, tail)) = after.checked_sub(1).and_then(|i| runs.get(i)) else {
        return code;
    };
    let offset = code - (head >> 11);
    let stride = tail & 0xFF;
    let count = (head & 0x7FF) + 1;
    if offset.checked_rem(stride) == Some(0) && offset / stride.max(1) < count {
        code.wrapping_add_signed((tail as i32) >> 8)
    } else {
        code
    }
}

/// For the final sigma: whether the first character of `chars` that is not
/// case-ignorable is cased (false when there is none).
fn cased_next(mut chars: impl Iterator<Item = char>) -> bool {
    chars
        .find(|&c| sigma_class(c) != IGNORABLE)
        .is_some_and(|c| sigma_class(c) == CASED)
}

const OTHER: u8 = 0;
const IGNORABLE: u8 = 1;
const CASED: u8 = 2;

/// [`CASED`], [`IGNORABLE`] (whether cased or not) or [`OTHER`], from
/// [`SIGMA_RUNS`]: run lengths from U+0000, whose class is [`OTHER`]; each
/// entry is `length << 1 | flag` as a little-endian base-128 varint (high bit:
/// more bytes follow), and the class after the run is the next one of
/// `OTHER -> IGNORABLE -> CASED -> OTHER` when the flag is 0, the one after
/// that when it is 1. The last class runs to the end of Unicode.
fn sigma_class(c: char) -> u8 {
    let code = c as u32;
    let mut class = OTHER;
    let mut end = 0u32;
    let mut entry = 0u32;
    let mut shift = 0;
    for &byte in SIGMA_RUNS {
        entry |= u32::from(byte & 0x7F) << shift;
        if byte & 0x80 != 0 {
            shift += 7;
            continue;
        }
        end += entry >> 1;
        if code < end {
            return class;
        }
        class = (class + 1 + (entry & 1) as u8) % 3;
        entry = 0;
        shift = 0;
    }
    class
}

// BEGIN GENERATED TABLES
// Generated by `case::tests::tables_are_up_to_date` from std (Unicode 17.0.0); do not edit.

/// Lower case: runs (see [`run_mapped`]).
#[rustfmt::skip]
const LOWER_RUNS: &[(u32, u32)] = &[
    (0x00020819, 0x00002001), (0x00060016, 0x00002001), (0x0006C006, 0x00002001), (0x00080017, 0x00000102),
    (0x00099002, 0x00000102), (0x0009C807, 0x00000102), (0x000A5016, 0x00000102), (0x000BC000, 0xFFFF8701),
    (0x000BC802, 0x00000102), (0x000C0800, 0x0000D201), (0x000C1001, 0x00000102), (0x000C3000, 0x0000CE01),
    (0x000C3800, 0x00000101), (0x000C4801, 0x0000CD01), (0x000C5800, 0x00000101), (0x000C7000, 0x00004F01),
    (0x000C7800, 0x0000CA01), (0x000C8000, 0x0000CB01), (0x000C8800, 0x00000101), (0x000C9800, 0x0000CD01),
    (0x000CA000, 0x0000CF01), (0x000CB000, 0x0000D301), (0x000CB800, 0x0000D101), (0x000CC000, 0x00000101),
    (0x000CE000, 0x0000D301), (0x000CE800, 0x0000D501), (0x000CF800, 0x0000D601), (0x000D0002, 0x00000102),
    (0x000D3000, 0x0000DA01), (0x000D3800, 0x00000101), (0x000D4800, 0x0000DA01), (0x000D6000, 0x00000101),
    (0x000D7000, 0x0000DA01), (0x000D7800, 0x00000101), (0x000D8801, 0x0000D901), (0x000D9801, 0x00000102),
    (0x000DB800, 0x0000DB01), (0x000DC001, 0x00000104), (0x000E2000, 0x00000201), (0x000E2800, 0x00000101),
    (0x000E3800, 0x00000201), (0x000E4000, 0x00000101), (0x000E5000, 0x00000201), (0x000E5808, 0x00000102),
    (0x000EF008, 0x00000102), (0x000F8800, 0x00000201), (0x000F9001, 0x00000102), (0x000FB000, 0xFFFF9F01),
    (0x000FB800, 0xFFFFC801), (0x000FC013, 0x00000102), (0x00110000, 0xFFFF7E01), (0x00111008, 0x00000102),
    (0x0011D000, 0x002A2B01), (0x0011D800, 0x00000101), (0x0011E800, 0xFFFF5D01), (0x0011F000, 0x002A2801),
    (0x00120800, 0x00000101), (0x00121800, 0xFFFF3D01), (0x00122000, 0x00004501), (0x00122800, 0x00004701),
    (0x00123004, 0x00000102), (0x001B8001, 0x00000102), (0x001BB000, 0x00000101), (0x001BF800, 0x00007401),
    (0x001C3000, 0x00002601), (0x001C4002, 0x00002501), (0x001C6000, 0x00004001), (0x001C7001, 0x00003F01),
    (0x001C8810, 0x00002001), (0x001D1808, 0x00002001), (0x001E7800, 0x00000801), (0x001EC00B, 0x00000102),
    (0x001FA000, 0xFFFFC401), (0x001FB800, 0x00000101), (0x001FC800, 0xFFFFF901), (0x001FD000, 0x00000101),
    (0x001FE802, 0xFFFF7E01), (0x0020000F, 0x00005001), (0x0020801F, 0x00002001), (0x00230010, 0x00000102),
    (0x0024501A, 0x00000102), (0x00260000, 0x00000F01), (0x00260806, 0x00000102), (0x0026802F, 0x00000102),
    (0x00298825, 0x00003001), (0x00850025, 0x001C6001), (0x00863801, 0x001C6006), (0x009D004F, 0x0097D001),
    (0x009F8005, 0x00000801), (0x00E44800, 0x00000101), (0x00E4802A, 0xFFF44001), (0x00E5E802, 0xFFF44001),
    (0x00F0004A, 0x00000102), (0x00F4F000, 0xFFE24101), (0x00F5002F, 0x00000102), (0x00F84007, 0xFFFFF801),
    (0x00F8C005, 0xFFFFF801), (0x00F94007, 0xFFFFF801), (0x00F9C007, 0xFFFFF801), (0x00FA4005, 0xFFFFF801),
    (0x00FAC803, 0xFFFFF802), (0x00FB4007, 0xFFFFF801), (0x00FC4007, 0xFFFFF801), (0x00FCC007, 0xFFFFF801),
    (0x00FD4007, 0xFFFFF801), (0x00FDC001, 0xFFFFF801), (0x00FDD001, 0xFFFFB601), (0x00FDE000, 0xFFFFF701),
    (0x00FE4003, 0xFFFFAA01), (0x00FE6000, 0xFFFFF701), (0x00FEC001, 0xFFFFF801), (0x00FED001, 0xFFFF9C01),
    (0x00FF4001, 0xFFFFF801), (0x00FF5001, 0xFFFF9001), (0x00FF6000, 0xFFFFF901), (0x00FFC001, 0xFFFF8001),
    (0x00FFD001, 0xFFFF8201), (0x00FFE000, 0xFFFFF701), (0x01093000, 0xFFE2A301), (0x01095000, 0xFFDF4101),
    (0x01095800, 0xFFDFBA01), (0x01099000, 0x00001C01), (0x010B000F, 0x00001001), (0x010C1800, 0x00000101),
    (0x0125B019, 0x00001A01), (0x0160002F, 0x00003001), (0x01630000, 0x00000101), (0x01631000, 0xFFD60901),
    (0x01631800, 0xFFF11A01), (0x01632000, 0xFFD61901), (0x01633802, 0x00000102), (0x01636800, 0xFFD5E401),
    (0x01637000, 0xFFD60301), (0x01637800, 0xFFD5E101), (0x01638000, 0xFFD5E201), (0x01639001, 0x00000103),
    (0x0163F001, 0xFFD5C101), (0x01640031, 0x00000102), (0x01675801, 0x00000102), (0x01679000, 0x00000101),
    (0x05320016, 0x00000102), (0x0534000D, 0x00000102), (0x05391006, 0x00000102), (0x0539901E, 0x00000102),
    (0x053BC801, 0x00000102), (0x053BE800, 0xFF75FC01), (0x053BF004, 0x00000102), (0x053C5800, 0x00000101),
    (0x053C6800, 0xFF5AD801), (0x053C8001, 0x00000102), (0x053CB009, 0x00000102), (0x053D5000, 0xFF5ABC01),
    (0x053D5800, 0xFF5AB101), (0x053D6000, 0xFF5AB501), (0x053D6800, 0xFF5ABF01), (0x053D7000, 0xFF5ABC01),
    (0x053D8000, 0xFF5AEE01), (0x053D8800, 0xFF5AD601), (0x053D9000, 0xFF5AEB01), (0x053D9800, 0x0003A001),
    (0x053DA007, 0x00000102), (0x053E2000, 0xFFFFD001), (0x053E2800, 0xFF5ABD01), (0x053E3000, 0xFF75C801),
    (0x053E3801, 0x00000102), (0x053E5800, 0xFF5A9901), (0x053E6007, 0x00000102), (0x053EE000, 0xFF59BF01),
    (0x053FA800, 0x00000101), (0x07F90819, 0x00002001), (0x08200027, 0x00002801), (0x08258023, 0x00002801),
    (0x082B800A, 0x00002701), (0x082BE00E, 0x00002701), (0x082C6006, 0x00002701), (0x082CA001, 0x00002701),
    (0x08640032, 0x00004001), (0x086A8015, 0x00002001), (0x08C5001F, 0x00002001), (0x0B72001F, 0x00002001),
    (0x0B750018, 0x00001B01), (0x0F480021, 0x00002201),
];

/// Lower case: characters that map to several, then those (zero: none).
#[rustfmt::skip]
const LOWER_MULTI: &[[u16; 4]] = &[
    [0x0130, 0x0069, 0x0307, 0x0000],
];

/// Upper case: runs (see [`run_mapped`]).
#[rustfmt::skip]
const UPPER_RUNS: &[(u32, u32)] = &[
    (0x00030819, 0xFFFFE001), (0x0005A800, 0x0002E701), (0x00070016, 0xFFFFE001), (0x0007C006, 0xFFFFE001),
    (0x0007F800, 0x00007901), (0x00080817, 0xFFFFFF02), (0x00098800, 0xFFFF1801), (0x00099802, 0xFFFFFF02),
    (0x0009D007, 0xFFFFFF02), (0x000A5816, 0xFFFFFF02), (0x000BD002, 0xFFFFFF02), (0x000BF800, 0xFFFED401),
    (0x000C0000, 0x0000C301), (0x000C1801, 0xFFFFFF02), (0x000C4001, 0xFFFFFF04), (0x000C9000, 0xFFFFFF01),
    (0x000CA800, 0x00006101), (0x000CC800, 0xFFFFFF01), (0x000CD000, 0x0000A301), (0x000CD800, 0x00A64101),
    (0x000CF000, 0x00008201), (0x000D0802, 0xFFFFFF02), (0x000D4001, 0xFFFFFF05), (0x000D8001, 0xFFFFFF04),
    (0x000DB001, 0xFFFFFF03), (0x000DE800, 0xFFFFFF01), (0x000DF800, 0x00003801), (0x000E2800, 0xFFFFFF01),
    (0x000E3000, 0xFFFFFE01), (0x000E4000, 0xFFFFFF01), (0x000E4800, 0xFFFFFE01), (0x000E5800, 0xFFFFFF01),
    (0x000E6000, 0xFFFFFE01), (0x000E7007, 0xFFFFFF02), (0x000EE800, 0xFFFFB101), (0x000EF808, 0xFFFFFF02),
    (0x000F9000, 0xFFFFFF01), (0x000F9800, 0xFFFFFE01), (0x000FA801, 0xFFFFFF04), (0x000FD812, 0xFFFFFF02),
    (0x00111808, 0xFFFFFF02), (0x0011E000, 0xFFFFFF01), (0x0011F801, 0x002A3F01), (0x00121001, 0xFFFFFF05),
    (0x00124803, 0xFFFFFF02), (0x00128000, 0x002A1F01), (0x00128800, 0x002A1C01), (0x00129000, 0x002A1E01),
    (0x00129800, 0xFFFF2E01), (0x0012A000, 0xFFFF3201), (0x0012B001, 0xFFFF3301), (0x0012C800, 0xFFFF3601),
    (0x0012D800, 0xFFFF3501), (0x0012E000, 0x00A54F01), (0x00130000, 0xFFFF3301), (0x00130800, 0x00A54B01),
    (0x00131800, 0xFFFF3101), (0x00132000, 0x00A56701), (0x00132800, 0x00A52801), (0x00133000, 0x00A54401),
    (0x00134000, 0xFFFF2F01), (0x00134800, 0xFFFF2D01), (0x00135000, 0x00A54401), (0x00135800, 0x0029F701),
    (0x00136000, 0x00A54101), (0x00137800, 0xFFFF2D01), (0x00138800, 0x0029FD01), (0x00139000, 0xFFFF2B01),
    (0x0013A800, 0xFFFF2A01), (0x0013E800, 0x0029E701), (0x00140000, 0xFFFF2601), (0x00141000, 0x00A54301),
    (0x00141800, 0xFFFF2601), (0x00143800, 0x00A52A01), (0x00144000, 0xFFFF2601), (0x00144800, 0xFFFFBB01),
    (0x00145001, 0xFFFF2701), (0x00146000, 0xFFFFB901), (0x00149000, 0xFFFF2501), (0x0014E800, 0x00A51501),
    (0x0014F000, 0x00A51201), (0x001A2800, 0x00005401), (0x001B8801, 0xFFFFFF02), (0x001BB800, 0xFFFFFF01),
    (0x001BD802, 0x00008201), (0x001D6000, 0xFFFFDA01), (0x001D6802, 0xFFFFDB01), (0x001D8810, 0xFFFFE001),
    (0x001E1000, 0xFFFFE101), (0x001E1808, 0xFFFFE001), (0x001E6000, 0xFFFFC001), (0x001E6801, 0xFFFFC101),
    (0x001E8000, 0xFFFFC201), (0x001E8800, 0xFFFFC701), (0x001EA800, 0xFFFFD101), (0x001EB000, 0xFFFFCA01),
    (0x001EB800, 0xFFFFF801), (0x001EC80B, 0xFFFFFF02), (0x001F8000, 0xFFFFAA01), (0x001F8800, 0xFFFFB001),
    (0x001F9000, 0x00000701), (0x001F9800, 0xFFFF8C01), (0x001FA800, 0xFFFFA001), (0x001FC001, 0xFFFFFF03),
    (0x0021801F, 0xFFFFE001), (0x0022800F, 0xFFFFB001), (0x00230810, 0xFFFFFF02), (0x0024581A, 0xFFFFFF02),
    (0x00261006, 0xFFFFFF02), (0x00267800, 0xFFFFF101), (0x0026882F, 0xFFFFFF02), (0x002B0825, 0xFFFFD001),
    (0x0086802A, 0x000BC001), (0x0087E802, 0x000BC001), (0x009FC005, 0xFFFFF801), (0x00E40000, 0xFFE79201),
    (0x00E40800, 0xFFE79301), (0x00E41000, 0xFFE79C01), (0x00E41801, 0xFFE79E01), (0x00E42800, 0xFFE79D01),
    (0x00E43000, 0xFFE7A401), (0x00E43800, 0xFFE7DB01), (0x00E44000, 0x0089C201), (0x00E45000, 0xFFFFFF01),
    (0x00EBC800, 0x008A0401), (0x00EBE800, 0x000EE601), (0x00EC7000, 0x008A3801), (0x00F0084A, 0xFFFFFF02),
    (0x00F4D800, 0xFFFFC501), (0x00F5082F, 0xFFFFFF02), (0x00F80007, 0x00000801), (0x00F88005, 0x00000801),
    (0x00F90007, 0x00000801), (0x00F98007, 0x00000801), (0x00FA0005, 0x00000801), (0x00FA8800, 0x00000801),
    (0x00FA9800, 0x00000801), (0x00FAA800, 0x00000801), (0x00FAB801, 0x00000809), (0x00FB0806, 0x00000801),
    (0x00FB8001, 0x00004A01), (0x00FB9003, 0x00005601), (0x00FBB001, 0x00006401), (0x00FBC001, 0x00008001),
    (0x00FBD001, 0x00007001), (0x00FBE001, 0x00007E01), (0x00FD8001, 0x00000801), (0x00FDF000, 0xFFE3DB01),
    (0x00FE8001, 0x00000801), (0x00FF0001, 0x00000801), (0x00FF2800, 0x00000701), (0x010A7000, 0xFFFFE401),
    (0x010B800F, 0xFFFFF001), (0x010C2000, 0xFFFFFF01), (0x01268019, 0xFFFFE601), (0x0161802F, 0xFFFFD001),
    (0x01630800, 0xFFFFFF01), (0x01632800, 0xFFD5D501), (0x01633000, 0xFFD5D801), (0x01634002, 0xFFFFFF02),
    (0x01639801, 0xFFFFFF03), (0x01640831, 0xFFFFFF02), (0x01676001, 0xFFFFFF02), (0x01679800, 0xFFFFFF01),
    (0x01680025, 0xFFE3A001), (0x01693801, 0xFFE3A006), (0x05320816, 0xFFFFFF02), (0x0534080D, 0xFFFFFF02),
    (0x05391806, 0xFFFFFF02), (0x0539981E, 0xFFFFFF02), (0x053BD001, 0xFFFFFF02), (0x053BF804, 0xFFFFFF02),
    (0x053C6001, 0xFFFFFF05), (0x053C9800, 0xFFFFFF01), (0x053CA000, 0x00003001), (0x053CB809, 0xFFFFFF02),
    (0x053DA807, 0xFFFFFF02), (0x053E4001, 0xFFFFFF02), (0x053E6807, 0xFFFFFF02), (0x053FB000, 0xFFFFFF01),
    (0x055A9800, 0xFFFC6001), (0x055B804F, 0xFF683001), (0x07FA0819, 0xFFFFE001), (0x08214027, 0xFFFFD801),
    (0x0826C023, 0xFFFFD801), (0x082CB80A, 0xFFFFD901), (0x082D180E, 0xFFFFD901), (0x082D9806, 0xFFFFD901),
    (0x082DD801, 0xFFFFD901), (0x08660032, 0xFFFFC001), (0x086B8015, 0xFFFFE001), (0x08C6001F, 0xFFFFE001),
    (0x0B73001F, 0xFFFFE001), (0x0B75D818, 0xFFFFE501), (0x0F491021, 0xFFFFDE01),
];

/// Upper case: characters that map to several, then those (zero: none).
#[rustfmt::skip]
const UPPER_MULTI: &[[u16; 4]] = &[
    [0x00DF, 0x0053, 0x0053, 0x0000], [0x0149, 0x02BC, 0x004E, 0x0000], [0x01F0, 0x004A, 0x030C, 0x0000],
    [0x0390, 0x0399, 0x0308, 0x0301], [0x03B0, 0x03A5, 0x0308, 0x0301], [0x0587, 0x0535, 0x0552, 0x0000],
    [0x1E96, 0x0048, 0x0331, 0x0000], [0x1E97, 0x0054, 0x0308, 0x0000], [0x1E98, 0x0057, 0x030A, 0x0000],
    [0x1E99, 0x0059, 0x030A, 0x0000], [0x1E9A, 0x0041, 0x02BE, 0x0000], [0x1F50, 0x03A5, 0x0313, 0x0000],
    [0x1F52, 0x03A5, 0x0313, 0x0300], [0x1F54, 0x03A5, 0x0313, 0x0301], [0x1F56, 0x03A5, 0x0313, 0x0342],
    [0x1F80, 0x1F08, 0x0399, 0x0000], [0x1F81, 0x1F09, 0x0399, 0x0000], [0x1F82, 0x1F0A, 0x0399, 0x0000],
    [0x1F83, 0x1F0B, 0x0399, 0x0000], [0x1F84, 0x1F0C, 0x0399, 0x0000], [0x1F85, 0x1F0D, 0x0399, 0x0000],
    [0x1F86, 0x1F0E, 0x0399, 0x0000], [0x1F87, 0x1F0F, 0x0399, 0x0000], [0x1F88, 0x1F08, 0x0399, 0x0000],
    [0x1F89, 0x1F09, 0x0399, 0x0000], [0x1F8A, 0x1F0A, 0x0399, 0x0000], [0x1F8B, 0x1F0B, 0x0399, 0x0000],
    [0x1F8C, 0x1F0C, 0x0399, 0x0000], [0x1F8D, 0x1F0D, 0x0399, 0x0000], [0x1F8E, 0x1F0E, 0x0399, 0x0000],
    [0x1F8F, 0x1F0F, 0x0399, 0x0000], [0x1F90, 0x1F28, 0x0399, 0x0000], [0x1F91, 0x1F29, 0x0399, 0x0000],
    [0x1F92, 0x1F2A, 0x0399, 0x0000], [0x1F93, 0x1F2B, 0x0399, 0x0000], [0x1F94, 0x1F2C, 0x0399, 0x0000],
    [0x1F95, 0x1F2D, 0x0399, 0x0000], [0x1F96, 0x1F2E, 0x0399, 0x0000], [0x1F97, 0x1F2F, 0x0399, 0x0000],
    [0x1F98, 0x1F28, 0x0399, 0x0000], [0x1F99, 0x1F29, 0x0399, 0x0000], [0x1F9A, 0x1F2A, 0x0399, 0x0000],
    [0x1F9B, 0x1F2B, 0x0399, 0x0000], [0x1F9C, 0x1F2C, 0x0399, 0x0000], [0x1F9D, 0x1F2D, 0x0399, 0x0000],
    [0x1F9E, 0x1F2E, 0x0399, 0x0000], [0x1F9F, 0x1F2F, 0x0399, 0x0000], [0x1FA0, 0x1F68, 0x0399, 0x0000],
    [0x1FA1, 0x1F69, 0x0399, 0x0000], [0x1FA2, 0x1F6A, 0x0399, 0x0000], [0x1FA3, 0x1F6B, 0x0399, 0x0000],
    [0x1FA4, 0x1F6C, 0x0399, 0x0000], [0x1FA5, 0x1F6D, 0x0399, 0x0000], [0x1FA6, 0x1F6E, 0x0399, 0x0000],
    [0x1FA7, 0x1F6F, 0x0399, 0x0000], [0x1FA8, 0x1F68, 0x0399, 0x0000], [0x1FA9, 0x1F69, 0x0399, 0x0000],
    [0x1FAA, 0x1F6A, 0x0399, 0x0000], [0x1FAB, 0x1F6B, 0x0399, 0x0000], [0x1FAC, 0x1F6C, 0x0399, 0x0000],
    [0x1FAD, 0x1F6D, 0x0399, 0x0000], [0x1FAE, 0x1F6E, 0x0399, 0x0000], [0x1FAF, 0x1F6F, 0x0399, 0x0000],
    [0x1FB2, 0x1FBA, 0x0399, 0x0000], [0x1FB3, 0x0391, 0x0399, 0x0000], [0x1FB4, 0x0386, 0x0399, 0x0000],
    [0x1FB6, 0x0391, 0x0342, 0x0000], [0x1FB7, 0x0391, 0x0342, 0x0399], [0x1FBC, 0x0391, 0x0399, 0x0000],
    [0x1FC2, 0x1FCA, 0x0399, 0x0000], [0x1FC3, 0x0397, 0x0399, 0x0000], [0x1FC4, 0x0389, 0x0399, 0x0000],
    [0x1FC6, 0x0397, 0x0342, 0x0000], [0x1FC7, 0x0397, 0x0342, 0x0399], [0x1FCC, 0x0397, 0x0399, 0x0000],
    [0x1FD2, 0x0399, 0x0308, 0x0300], [0x1FD3, 0x0399, 0x0308, 0x0301], [0x1FD6, 0x0399, 0x0342, 0x0000],
    [0x1FD7, 0x0399, 0x0308, 0x0342], [0x1FE2, 0x03A5, 0x0308, 0x0300], [0x1FE3, 0x03A5, 0x0308, 0x0301],
    [0x1FE4, 0x03A1, 0x0313, 0x0000], [0x1FE6, 0x03A5, 0x0342, 0x0000], [0x1FE7, 0x03A5, 0x0308, 0x0342],
    [0x1FF2, 0x1FFA, 0x0399, 0x0000], [0x1FF3, 0x03A9, 0x0399, 0x0000], [0x1FF4, 0x038F, 0x0399, 0x0000],
    [0x1FF6, 0x03A9, 0x0342, 0x0000], [0x1FF7, 0x03A9, 0x0342, 0x0399], [0x1FFC, 0x03A9, 0x0399, 0x0000],
    [0xFB00, 0x0046, 0x0046, 0x0000], [0xFB01, 0x0046, 0x0049, 0x0000], [0xFB02, 0x0046, 0x004C, 0x0000],
    [0xFB03, 0x0046, 0x0046, 0x0049], [0xFB04, 0x0046, 0x0046, 0x004C], [0xFB05, 0x0053, 0x0054, 0x0000],
    [0xFB06, 0x0053, 0x0054, 0x0000], [0xFB13, 0x0544, 0x0546, 0x0000], [0xFB14, 0x0544, 0x0535, 0x0000],
    [0xFB15, 0x0544, 0x053B, 0x0000], [0xFB16, 0x054E, 0x0546, 0x0000], [0xFB17, 0x0544, 0x053D, 0x0000],
];

/// Final sigma classes (see [`sigma_class`]).
#[rustfmt::skip]
const SIGMA_RUNS: &[u8] = &[
    78, 3, 12, 3, 22, 3, 13, 52, 6, 3, 2, 2, 52, 90, 3, 3, 2, 4, 3, 2,
    3, 8, 2, 2, 2, 5, 3, 2, 11, 46, 3, 62, 3, 134, 3, 3, 8, 9, 160, 3,
    5, 53, 128, 3, 9, 4, 4, 4, 2, 6, 3, 2, 8, 4, 3, 2, 6, 3, 2, 3,
    40, 3, 166, 1, 3, 150, 2, 2, 14, 204, 2, 3, 76, 4, 3, 10, 2, 82, 16, 91,
    2, 3, 2, 5, 2, 5, 2, 3, 88, 3, 22, 13, 20, 23, 2, 3, 70, 3, 20, 43,
    32, 3, 202, 1, 17, 2, 21, 2, 9, 66, 3, 2, 3, 60, 55, 182, 1, 23, 116, 23,
    8, 3, 4, 3, 48, 49, 86, 7, 88, 3, 14, 5, 10, 19, 82, 117, 110, 3, 2, 3,
    8, 17, 8, 3, 6, 15, 20, 5, 26, 3, 30, 3, 116, 3, 8, 9, 16, 3, 40, 5,
    52, 3, 4, 5, 114, 3, 8, 5, 8, 5, 4, 7, 6, 3, 60, 5, 6, 3, 22, 5,
    114, 3, 8, 11, 2, 5, 8, 3, 40, 5, 44, 13, 2, 3, 116, 3, 4, 3, 2, 9,
    16, 3, 14, 5, 22, 5, 60, 3, 122, 3, 24, 3, 100, 3, 6, 3, 110, 3, 2, 7,
    10, 7, 2, 9, 14, 5, 22, 5, 58, 3, 116, 3, 4, 3, 12, 3, 10, 5, 40, 5,
    56, 5, 114, 5, 8, 9, 16, 3, 40, 5, 58, 3, 144, 1, 3, 14, 7, 2, 3, 180,
    1, 3, 4, 15, 22, 19, 196, 1, 3, 4, 19, 18, 3, 2, 15, 146, 1, 5, 54, 3,
    2, 3, 2, 3, 110, 29, 2, 11, 2, 5, 10, 23, 2, 73, 18, 3, 204, 1, 9, 2,
    13, 2, 5, 4, 5, 50, 5, 8, 7, 32, 9, 26, 3, 4, 5, 12, 3, 30, 3, 5,
    76, 3, 2, 11, 2, 5, 86, 2, 2, 6, 186, 9, 7, 129, 1, 172, 1, 5, 12, 168,
    12, 7, 58, 5, 60, 5, 60, 5, 128, 1, 5, 2, 15, 16, 3, 4, 23, 6, 3, 10,
    3, 90, 11, 102, 3, 130, 1, 5, 68, 3, 236, 1, 7, 8, 5, 18, 3, 12, 7, 182,
    3, 5, 4, 3, 116, 3, 2, 15, 2, 3, 2, 3, 4, 17, 12, 21, 4, 3, 78, 3,
    16, 93, 4, 25, 40, 9, 96, 3, 2, 11, 2, 3, 10, 3, 80, 19, 24, 5, 64, 9,
    4, 5, 2, 7, 112, 3, 2, 5, 6, 3, 2, 7, 116, 17, 4, 5, 128, 1, 13, 5,
    22, 11, 86, 5, 6, 32, 7, 2, 27, 2, 15, 8, 3, 12, 3, 6, 5, 13, 89, 126,
    27, 2, 69, 202, 1, 172, 4, 5, 12, 5, 76, 5, 12, 5, 16, 3, 2, 3, 2, 3,
    2, 3, 62, 5, 106, 3, 15, 2, 3, 6, 6, 3, 15, 6, 8, 5, 12, 2, 6, 27,
    7, 5, 6, 3, 15, 5, 24, 11, 16, 5, 20, 3, 4, 3, 4, 11, 98, 11, 2, 21,
    2, 3, 26, 3, 32, 27, 102, 67, 35, 2, 9, 2, 5, 20, 3, 2, 7, 10, 13, 2,
    3, 2, 3, 2, 3, 8, 3, 12, 9, 2, 5, 8, 11, 10, 9, 2, 35, 64, 7, 4,
    227, 12, 104, 173, 28, 249, 1, 4, 206, 1, 13, 9, 6, 4, 25, 76, 3, 2, 11, 2,
    130, 1, 3, 30, 3, 192, 1, 65, 94, 3, 170, 7, 3, 72, 9, 6, 11, 10, 3, 186,
    1, 13, 186, 1, 7, 172, 188, 3, 3, 196, 19, 13, 156, 4, 3, 103, 92, 2, 9, 2,
    21, 2, 2, 57, 9, 160, 1, 5, 28, 68, 157, 1, 2, 47, 6, 8, 3, 154, 1, 40,
    8, 4, 2, 4, 2, 14, 3, 6, 3, 8, 3, 50, 5, 10, 3, 174, 2, 5, 52, 37,
    26, 3, 76, 17, 50, 23, 92, 7, 96, 3, 4, 9, 4, 5, 34, 3, 42, 5, 132, 1,
    13, 4, 5, 4, 5, 24, 3, 16, 3, 70, 3, 22, 3, 102, 3, 2, 7, 4, 5, 10,
    5, 2, 3, 54, 3, 28, 5, 10, 5, 2, 3, 115, 87, 10, 19, 7, 9, 160, 1, 74,
    3, 4, 3, 8, 3, 165, 188, 2, 14, 25, 10, 12, 3, 166, 2, 35, 250, 8, 33, 6,
    3, 24, 33, 68, 3, 4, 3, 210, 2, 3, 14, 3, 12, 3, 22, 3, 13, 52, 6, 3,
    2, 2, 52, 42, 3, 90, 5, 134, 1, 3, 42, 7, 130, 8, 3, 196, 3, 3, 170, 2,
    11, 139, 2, 160, 1, 193, 1, 72, 9, 72, 233, 1, 22, 3, 30, 3, 14, 3, 4, 3,
    22, 3, 30, 3, 14, 3, 4, 134, 7, 13, 2, 85, 2, 19, 140, 9, 7, 2, 5, 10,
    9, 80, 7, 8, 3, 202, 2, 5, 179, 6, 102, 27, 102, 98, 9, 76, 3, 3, 44, 6,
    11, 2, 2, 44, 202, 4, 5, 48, 3, 104, 13, 140, 1, 23, 98, 9, 246, 1, 3, 108,
    31, 82, 3, 4, 5, 20, 7, 98, 9, 4, 5, 4, 3, 8, 3, 20, 3, 100, 7, 72,
    11, 2, 17, 124, 3, 24, 5, 104, 19, 20, 9, 4, 3, 190, 1, 7, 4, 3, 2, 5,
    12, 3, 4, 3, 186, 2, 3, 6, 17, 42, 5, 114, 5, 6, 3, 74, 15, 6, 11, 140,
    1, 13, 26, 3, 2, 3, 2, 3, 28, 5, 170, 1, 17, 4, 7, 2, 3, 46, 3, 168,
    1, 13, 2, 3, 8, 5, 2, 5, 220, 3, 9, 12, 5, 2, 5, 54, 5, 170, 1, 17,
    4, 3, 2, 5, 212, 1, 3, 2, 3, 4, 13, 2, 3, 202, 1, 3, 2, 3, 4, 9,
    2, 11, 134, 4, 19, 2, 5, 203, 1, 128, 1, 182, 1, 5, 2, 3, 8, 3, 160, 2,
    9, 4, 5, 8, 3, 64, 21, 80, 13, 4, 9, 16, 3, 18, 13, 4, 7, 92, 27, 2,
    5, 140, 3, 3, 2, 7, 2, 3, 146, 3, 15, 2, 13, 2, 3, 164, 1, 45, 4, 15,
    2, 5, 2, 5, 244, 1, 13, 6, 3, 2, 5, 2, 15, 2, 3, 144, 1, 5, 6, 3,
    2, 3, 130, 1, 3, 178, 4, 5, 22, 5, 104, 11, 10, 3, 2, 3, 46, 3, 170, 83,
    35, 12, 31, 144, 179, 1, 25, 6, 7, 128, 39, 11, 118, 15, 18, 9, 248, 7, 7, 80,
    5, 167, 3, 128, 1, 65, 50, 5, 50, 246, 1, 3, 126, 35, 128, 1, 5, 2, 5, 26,
    5, 248, 255, 1, 9, 2, 15, 2, 5, 188, 50, 5, 2, 9, 184, 73, 93, 4, 47, 192,
    8, 7, 18, 33, 4, 15, 60, 9, 168, 2, 7, 247, 6, 170, 1, 3, 142, 1, 3, 4,
    5, 2, 5, 4, 5, 8, 3, 24, 3, 2, 3, 14, 3, 130, 1, 3, 8, 5, 16, 3,
    14, 3, 56, 3, 8, 3, 10, 3, 2, 7, 14, 3, 168, 5, 5, 50, 3, 50, 3, 62,
    3, 50, 3, 62, 3, 50, 3, 62, 3, 50, 3, 62, 3, 50, 3, 16, 232, 8, 111, 8,
    101, 16, 3, 28, 3, 44, 11, 2, 31, 161, 17, 20, 3, 40, 13, 12, 170, 3, 15, 2,
    35, 4, 15, 2, 5, 2, 11, 10, 125, 66, 3, 192, 2, 29, 224, 5, 3, 122, 9, 246,
    7, 11, 252, 3, 5, 230, 3, 3, 4, 3, 14, 5, 10, 3, 18, 3, 160, 7, 15, 83,
    137, 1, 17, 201, 31, 52, 13, 52, 13, 52, 226, 9, 11, 130, 176, 96, 3, 60, 193, 1,
    128, 2, 225, 3,
];
// END GENERATED TABLES

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn std_lower(c: char) -> Vec<char> {
        c.to_lowercase().collect()
    }

    fn std_upper(c: char) -> Vec<char> {
        c.to_uppercase().collect()
    }

    fn all_chars() -> impl Iterator<Item = char> {
        (0..=0x10FFFF_u32).filter_map(char::from_u32)
    }

    /// Runs (packed) and several-character mappings for one direction.
    fn generate_mapping(map: fn(char) -> Vec<char>) -> (Vec<(u32, u32)>, Vec<[u16; 4]>) {
        // (start, last, count, offset, stride)
        let mut runs: Vec<(u32, u32, u32, i64, u32)> = Vec::new();
        let mut multi = Vec::new();
        let mut open = false;
        for c in all_chars() {
            let code = c as u32;
            let mapped = map(c);
            if mapped == [c] {
                continue;
            }
            if let [single] = mapped[..] {
                let offset = i64::from(single as u32) - i64::from(code);
                let extends = open
                    && runs.last().is_some_and(|&(_, last, count, o, stride)| {
                        o == offset && count < 0x800 && {
                            let gap = code - last;
                            if count == 1 {
                                gap <= 0xFF
                            } else {
                                gap == stride
                            }
                        }
                    });
                if extends {
                    let run = runs.last_mut().unwrap();
                    if run.2 == 1 {
                        run.4 = code - run.1;
                    }
                    run.1 = code;
                    run.2 += 1;
                } else {
                    runs.push((code, code, 1, offset, 1));
                    open = true;
                }
            } else {
                open = false;
                assert!(mapped.len() <= 3 && code <= 0xFFFF, "{c:?} does not fit [u16; 4]");
                let mut entry = [code as u16, 0, 0, 0];
                for (slot, m) in entry[1..].iter_mut().zip(&mapped) {
                    assert!((1..=0xFFFF).contains(&(*m as u32)), "{m:?} does not fit u16");
                    *slot = *m as u32 as u16;
                }
                multi.push(entry);
            }
        }
        let packed = runs
            .into_iter()
            .map(|(start, _, count, offset, stride)| {
                assert!((-(1 << 23)..(1 << 23)).contains(&offset) && stride <= 0xFF);
                ((start << 11) | (count - 1), ((offset as i32 as u32) << 8) | stride)
            })
            .collect();
        (packed, multi)
    }

    /// The final-sigma class of every character, found by asking std's
    /// `str::to_lowercase` how it treats a sigma next to it.
    fn std_sigma_class(c: char) -> u8 {
        let lower_c: String = c.to_lowercase().collect();
        // After `c`, at the end: word-final iff `c` is cased and not ignorable.
        let after_c = format!("{c}Σ").to_lowercase();
        if after_c.strip_prefix(lower_c.as_str()) == Some("ς") {
            return CASED;
        }
        // Between `A` and `c` `A`: word-final iff `c` is neither ignorable nor cased.
        if format!("AΣ{c}A").to_lowercase().starts_with("aς") {
            return OTHER;
        }
        IGNORABLE
    }

    fn generate_sigma_runs() -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut class = OTHER;
        let mut start = 0u32;
        for code in 0..=0x10FFFF_u32 {
            // Surrogates are not characters: they continue the current run.
            let Some(c) = char::from_u32(code) else { continue };
            let next = std_sigma_class(c);
            if next == class {
                continue;
            }
            let flag = u32::from((next + 3 - class) % 3 == 2);
            let mut entry = ((code - start) << 1) | flag;
            while entry >= 0x80 {
                bytes.push((entry & 0x7F) as u8 | 0x80);
                entry >>= 7;
            }
            bytes.push(entry as u8);
            class = next;
            start = code;
        }
        bytes
    }

    fn write_runs(out: &mut String, name: &str, runs: &[(u32, u32)]) {
        out.push_str(&format!("#[rustfmt::skip]\nconst {name}: &[(u32, u32)] = &[\n"));
        for line in runs.chunks(4) {
            let items: Vec<String> = line.iter().map(|(a, b)| format!("(0x{a:08X}, 0x{b:08X})")).collect();
            out.push_str(&format!("    {},\n", items.join(", ")));
        }
        out.push_str("];\n");
    }

    fn write_multi(out: &mut String, name: &str, multi: &[[u16; 4]]) {
        out.push_str(&format!("#[rustfmt::skip]\nconst {name}: &[[u16; 4]] = &[\n"));
        for line in multi.chunks(3) {
            let items: Vec<String> = line
                .iter()
                .map(|m| format!("[0x{:04X}, 0x{:04X}, 0x{:04X}, 0x{:04X}]", m[0], m[1], m[2], m[3]))
                .collect();
            out.push_str(&format!("    {},\n", items.join(", ")));
        }
        out.push_str("];\n");
    }

    /// The generated section of this file, as it should read.
    fn generate_tables() -> String {
        let (lower_runs, lower_multi) = generate_mapping(std_lower);
        let (upper_runs, upper_multi) = generate_mapping(std_upper);
        let sigma = generate_sigma_runs();
        let mut out = String::new();
        out.push_str(&format!(
            "// Generated by `case::tests::tables_are_up_to_date` from std (Unicode {}.{}.{}); do not edit.\n\n",
            char::UNICODE_VERSION.0,
            char::UNICODE_VERSION.1,
            char::UNICODE_VERSION.2
        ));
        out.push_str("/// Lower case: runs (see [`run_mapped`]).\n");
        write_runs(&mut out, "LOWER_RUNS", &lower_runs);
        out.push_str("\n/// Lower case: characters that map to several, then those (zero: none).\n");
        write_multi(&mut out, "LOWER_MULTI", &lower_multi);
        out.push_str("\n/// Upper case: runs (see [`run_mapped`]).\n");
        write_runs(&mut out, "UPPER_RUNS", &upper_runs);
        out.push_str("\n/// Upper case: characters that map to several, then those (zero: none).\n");
        write_multi(&mut out, "UPPER_MULTI", &upper_multi);
        out.push_str("\n/// Final sigma classes (see [`sigma_class`]).\n#[rustfmt::skip]\nconst SIGMA_RUNS: &[u8] = &[\n");
        for line in sigma.chunks(20) {
            let items: Vec<String> = line.iter().map(|b| b.to_string()).collect();
            out.push_str(&format!("    {},\n", items.join(", ")));
        }
        out.push_str("];\n");
        out
    }

    const BEGIN: &str = "// BEGIN GENERATED TABLES\n";
    const END: &str = "// END GENERATED TABLES\n";

    #[test]
    fn tables_are_up_to_date() {
        let source = include_str!("case.rs");
        let (head, rest) = source.split_once(&format!("\n{BEGIN}")).expect("begin marker");
        let (committed, tail) = rest.split_once(END).expect("end marker");
        let generated = generate_tables();
        if committed == generated {
            return;
        }
        if std::env::var_os("UPDATE_CASE_TABLES").is_some() {
            let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/case.rs");
            std::fs::write(path, format!("{head}\n{BEGIN}{generated}{END}{tail}")).expect("write case.rs");
            return;
        }
        panic!(
            "the case tables in runtime/src/case.rs differ from what this toolchain's std gives \
             (Unicode {:?}): run `UPDATE_CASE_TABLES=1 cargo test -p interview-runtime case::` \
             and rebuild",
            char::UNICODE_VERSION
        );
    }

    #[test]
    fn every_char_maps_like_std() {
        let mut ours = String::new();
        let mut theirs = String::new();
        for c in all_chars() {
            ours.clear();
            push_lower(c, &mut ours);
            theirs.clear();
            theirs.extend(c.to_lowercase());
            assert_eq!(ours, theirs, "lower case of {c:?}");
            ours.clear();
            push_upper(c, &mut ours);
            theirs.clear();
            theirs.extend(c.to_uppercase());
            assert_eq!(ours, theirs, "upper case of {c:?}");
        }
    }

    #[test]
    fn every_char_has_std_sigma_class() {
        // `sigma_class` is a step function of the code point: checking the
        // first and last code point of every run of equal classes (and a
        // sample in between) checks it everywhere, much faster than all.
        let classes: Vec<(char, u8)> = all_chars().map(|c| (c, std_sigma_class(c))).collect();
        for (i, &(c, class)) in classes.iter().enumerate() {
            let edge = |j: Option<usize>| j.and_then(|j| classes.get(j)).is_none_or(|&(_, other)| other != class);
            if edge(i.checked_sub(1)) || edge(Some(i + 1)) || i % 997 == 0 {
                assert_eq!(sigma_class(c), class, "{c:?}");
            }
        }
    }

    #[test]
    fn strings_like_std() {
        for s in [
            "", "Straße", "İstanbul", "ΣΑΣ", "ὈΔΥΣΣΕΎΣ", "Σ", "aΣ", "Σa", "aΣ'", "aΣ'b", "a'Σ", "A\u{301}Σ.",
            "ΑΣ\u{301}", "ΑΣΑ", "Σ Σ", "ﬁﬂ ŉ ǰ ΐ", "ǅ ǈ ǋ ǲ", "KΩÅ", "ᾈ ᾼ ῌ", "𐐀𐐨", "Ⱥ ⱥ ẞ",
        ] {
            assert_eq!(to_lower(s), s.to_lowercase(), "{s:?}");
            assert_eq!(to_upper(s), s.to_uppercase(), "{s:?}");
        }
    }

    fn interesting_char() -> impl Strategy<Value = char> {
        prop_oneof![
            3 => Just('Σ'),
            2 => prop::sample::select(vec![
                'a', 'A', 'ς', 'σ', '\'', '.', ' ', '\u{301}', '\u{345}', '\u{2019}', '1', 'ǅ', 'İ', 'ß', 'ﬀ',
                '\u{ad}', 'ʰ', 'ᾳ', '\u{1f3fb}', '-', 'Ω', 'ª',
            ]),
            1 => any::<char>(),
        ]
    }

    proptest! {
        #[test]
        fn random_strings_like_std(chars in prop::collection::vec(interesting_char(), 0..12)) {
            let s: String = chars.into_iter().collect();
            prop_assert_eq!(to_lower(&s), s.to_lowercase());
            prop_assert_eq!(to_upper(&s), s.to_uppercase());
        }
    }
}
