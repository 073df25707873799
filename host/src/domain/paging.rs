//! Lists paged by key, never by offset: a page is read from an index
//! starting strictly after the key of the previous page's last row, so page
//! 200 costs what page 1 costs, and rows written between two pages neither
//! repeat nor push rows of the list out of it (newer rows sort before the
//! cursor, so a walk that already began does not see them).
//!
//! The cursor handed to the caller is that key, base64url-encoded: opaque to
//! the caller, checked when it comes back (`400 invalid_cursor`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
pub use interview_api::paging::{DEFAULT_LIMIT, MAX_LIMIT};
pub use interview_api::Page;

use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::RowKey;

/// Rows read from an index per step while filters not served by the index drop some.
pub const FILTERED_CHUNK: usize = 256;

/// Reads the `limit` query parameter: absent means [`DEFAULT_LIMIT`]; it must be 1 to [`MAX_LIMIT`].
pub fn read_limit(text: Option<&str>) -> Result<usize, Error> {
    let Some(text) = text else { return Ok(DEFAULT_LIMIT) };
    match text.trim().parse::<usize>() {
        Ok(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        _ => Err(Error::BadRequest {
            code: "invalid_query",
            message: format!("`limit` must be a whole number from 1 to {MAX_LIMIT}, not `{text}`."),
        }),
    }
}

fn invalid_cursor() -> Error {
    Error::BadRequest {
        code: "invalid_cursor",
        message: "The `cursor` is not one this list gave out; start again from the first page.".to_owned(),
    }
}

fn cursor_text(cursor: &str) -> Result<String, Error> {
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| invalid_cursor())?;
    String::from_utf8(bytes).map_err(|_| invalid_cursor())
}

/// The cursor of a list ordered by (created_at, id): `<ms>.<id>`, base64url.
pub fn row_cursor(key: &RowKey) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}", key.created_at.0, key.id))
}

/// Reads a cursor made by [`row_cursor`].
pub fn read_row_cursor(cursor: &str) -> Result<RowKey, Error> {
    let text = cursor_text(cursor)?;
    let (at, id) = text.split_once('.').ok_or_else(invalid_cursor)?;
    let at = at.parse::<i64>().map_err(|_| invalid_cursor())?;
    let id_ok = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if !id_ok {
        return Err(invalid_cursor());
    }
    Ok(RowKey { created_at: Timestamp(at), id: id.to_owned() })
}

/// The cursor of a list ordered by a sequence number (the audit log): `s<n>`, base64url.
pub fn seq_cursor(seq: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("s{seq}"))
}

/// Reads a cursor made by [`seq_cursor`].
pub fn read_seq_cursor(cursor: &str) -> Result<u64, Error> {
    let text = cursor_text(cursor)?;
    text.strip_prefix('s').and_then(|n| n.parse::<u64>().ok()).ok_or_else(invalid_cursor)
}

/// Walks an index a chunk at a time from `after` (`fetch(after, n)` gives up
/// to `n` rows in the list's order), keeping what `keep` turns into a row,
/// until `limit` rows are kept and another kept one is known to follow, or
/// the index runs out; so a filtered page is only short at the end of the
/// list. Gives the rows and, when more follow, the key of the last one.
pub fn collect<K: Clone, R, T>(
    mut after: Option<K>,
    limit: usize,
    chunk: usize,
    mut fetch: impl FnMut(Option<&K>, usize) -> Result<Vec<R>, Error>,
    key: impl Fn(&R) -> K,
    mut keep: impl FnMut(R) -> Result<Option<T>, Error>,
) -> Result<(Vec<T>, Option<K>), Error> {
    let limit = limit.max(1);
    let chunk = chunk.max(limit + 1);
    let mut rows = Vec::new();
    let mut last_kept = None;
    loop {
        let found = fetch(after.as_ref(), chunk)?;
        let exhausted = found.len() < chunk;
        for record in found {
            let k = key(&record);
            after = Some(k.clone());
            if let Some(row) = keep(record)? {
                if rows.len() == limit {
                    return Ok((rows, last_kept));
                }
                rows.push(row);
                last_kept = Some(k);
            }
        }
        if exhausted {
            return Ok((rows, None));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_1_to_200_are_refused() {
        assert_eq!(read_limit(None).ok(), Some(DEFAULT_LIMIT));
        assert_eq!(read_limit(Some("1")).ok(), Some(1));
        assert_eq!(read_limit(Some("200")).ok(), Some(200));
        for bad in ["0", "201", "x", "-1", "", "1.5"] {
            assert!(matches!(read_limit(Some(bad)), Err(Error::BadRequest { code: "invalid_query", .. })), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip_and_strangers_are_refused() {
        let key = RowKey { created_at: Timestamp(1_700_000_000_123), id: "wi_ABC123".into() };
        assert_eq!(read_row_cursor(&row_cursor(&key)).ok(), Some(key));
        assert_eq!(read_seq_cursor(&seq_cursor(42)).ok(), Some(42));
        let strangers = ["", "!!!", "bm90IGEga2V5", &seq_cursor(3), &URL_SAFE_NO_PAD.encode("5.wi_1/../x")];
        for bad in strangers {
            assert!(matches!(read_row_cursor(bad), Err(Error::BadRequest { code: "invalid_cursor", .. })), "{bad}");
        }
        assert!(read_seq_cursor(&row_cursor(&RowKey { created_at: Timestamp(1), id: "a".into() })).is_err());
    }

    #[test]
    fn collect_fills_a_page_across_chunks_and_says_when_more_follow() {
        let all: Vec<u32> = (1..=100).rev().collect();
        let fetch = |after: Option<&u32>, n: usize| -> Result<Vec<u32>, Error> {
            Ok(all.iter().copied().filter(|v| after.is_none_or(|a| v < a)).take(n).collect())
        };
        // Only multiples of 7 are kept: 14 of them, each page full until the last.
        let keep = |v: u32| Ok(v.is_multiple_of(7).then_some(v));
        let (rows, next) = collect(None, 5, 3, fetch, |v| *v, keep).unwrap();
        assert_eq!(rows, [98, 91, 84, 77, 70]);
        assert_eq!(next, Some(70));
        let (rows, next) = collect(next, 5, 3, fetch, |v| *v, keep).unwrap();
        assert_eq!(rows, [63, 56, 49, 42, 35]);
        let (rows, next) = collect(next, 5, 3, fetch, |v| *v, keep).unwrap();
        assert_eq!(rows, [28, 21, 14, 7]);
        assert_eq!(next, None);
        // Exactly a page's worth left: no next page.
        let (rows, next) = collect(Some(15), 2, 3, fetch, |v| *v, keep).unwrap();
        assert_eq!((rows, next), (vec![14, 7], None));
    }
}
