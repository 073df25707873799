//! The Previous/Next trail of a list paged by key.
//!
//! The host names only the next page (a cursor in its `Link` header). To go
//! back, and to keep every page a URL (deep links, the browser's Back
//! button), the query string carries the current page's `cursor` and the
//! `trail` of the cursors of the pages before it, first page excluded (it
//! has no cursor). Cursors are base64url, so a comma separates them.

/// Where a list page sits among its pages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Trail {
    /// The current page's cursor (`None` on the first page).
    pub cursor: Option<String>,
    /// The cursors of the pages between the first and this one, oldest first.
    pub before: Vec<String>,
}

impl Trail {
    /// The trail of the query values `cursor` and `trail`.
    pub fn from_query(cursor: Option<&str>, trail: Option<&str>) -> Trail {
        let cursor = cursor.filter(|c| !c.is_empty()).map(str::to_owned);
        let before = match (&cursor, trail) {
            (Some(_), Some(t)) => t.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect(),
            _ => Vec::new(),
        };
        Trail { cursor, before }
    }

    /// This page's number, counting from 1.
    pub fn page_number(&self) -> usize {
        match self.cursor {
            None => 1,
            Some(_) => self.before.len() + 2,
        }
    }

    /// The trail of the page after this one, which starts at `next`.
    pub fn next(&self, next: &str) -> Trail {
        let mut before = self.before.clone();
        if let Some(cursor) = &self.cursor {
            before.push(cursor.clone());
        }
        Trail { cursor: Some(next.to_owned()), before }
    }

    /// The trail of the page before this one, unless this is the first.
    pub fn previous(&self) -> Option<Trail> {
        self.cursor.as_ref()?;
        let mut before = self.before.clone();
        let cursor = before.pop();
        Some(Trail { cursor, before })
    }

    /// The query pairs (`cursor`, `trail`) that name this page; empty values
    /// are left out when the query is written.
    pub fn query_values(&self) -> (String, String) {
        (self.cursor.clone().unwrap_or_default(), self.before.join(","))
    }
}
