//! Lists paged by key: `limit` and an opaque `cursor` in the query, the
//! next page named in the `Link` header (`<…?cursor=…&limit=…>; rel="next"`).

use serde::{Deserialize, Serialize};

/// Rows per page when the caller does not say.
pub const DEFAULT_LIMIT: usize = 50;
/// The most rows one page may ask for.
pub const MAX_LIMIT: usize = 200;

/// One page of a list, as a client reads it: the rows and the next page's cursor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    /// The rows, in the list's order.
    pub items: Vec<T>,
    /// The cursor of the next page, when more follow.
    pub next: Option<String>,
}

/// The `cursor` of the `rel="next"` link in a `Link` header value, if any.
pub fn next_cursor(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.trim().split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        if !is_next {
            return None;
        }
        let url = target.trim().strip_prefix('<')?.strip_suffix('>')?;
        let query = url.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == "cursor").then(|| v.to_owned())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_cursor_is_read_from_a_link_header() {
        let link = "</api/v1/work-items?cursor=abc_12&limit=50>; rel=\"next\"";
        assert_eq!(next_cursor(link).as_deref(), Some("abc_12"));
        assert_eq!(next_cursor("</x?cursor=a>; rel=\"prev\", </x?limit=5&cursor=b>; rel=\"next\"").as_deref(), Some("b"));
        assert_eq!(next_cursor("</x?limit=5>; rel=\"next\""), None);
        assert_eq!(next_cursor(""), None);
    }
}
