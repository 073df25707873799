//! Work groups: named headings that work items are filed under. Admins make,
//! rename, describe and archive them; names are unique ignoring case. An
//! archived group is not offered for new work items, but the items already
//! in it keep it, and it can be brought back. Work items name their group by
//! id, so renaming a group touches no work item.

use crate::auth::token;
use crate::clock::Timestamp;
use crate::error::Error;
use crate::storage::records::WorkGroup;
use crate::storage::txn::ReadTxn;
use crate::storage::Storage;

/// Longest group name accepted, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Longest description accepted, in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2000;

/// What a change to a group asks for; `None` leaves that part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// A new name.
    pub name: Option<String>,
    /// A new description; `Some(None)` (or a blank one) removes it.
    pub description: Option<Option<String>>,
    /// Archive (`true`) or bring back (`false`).
    pub archived: Option<bool>,
}

fn checked_name(name: &str) -> Result<String, Error> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || name.chars().any(char::is_control)
    {
        return Err(Error::Unprocessable {
            code: "invalid_name",
            message: format!(
                "A work group needs a name of 1 to {MAX_NAME_CHARS} characters, on one line."
            ),
            errors: None,
        });
    }
    Ok(name.to_owned())
}

fn checked_description(description: Option<&str>) -> Result<Option<String>, Error> {
    let Some(text) = description.map(str::trim).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(Error::Unprocessable {
            code: "invalid_description",
            message: format!(
                "A work group's description can have at most {MAX_DESCRIPTION_CHARS} characters."
            ),
            errors: None,
        });
    }
    Ok(Some(text.to_owned()))
}

/// Refuses `name` when a group other than `id` has it, in any case.
fn name_free(tx: &dyn ReadTxn, name: &str, id: Option<&str>) -> Result<(), Error> {
    match tx.work_group_by_name(name)? {
        Some(other) if Some(other.id.as_str()) != id => Err(Error::Conflict {
            code: "work_group_exists",
            message: format!("There is already a work group named `{}`.", other.name),
        }),
        _ => Ok(()),
    }
}

/// Makes a group; a name another group has, in any case, is a conflict.
pub fn create(
    store: &Storage,
    now: Timestamp,
    name: &str,
    description: Option<&str>,
) -> Result<WorkGroup, Error> {
    let name = checked_name(name)?;
    let description = checked_description(description)?;
    store.write(|tx| {
        name_free(tx, &name, None)?;
        let group = WorkGroup {
            id: token::new_id("wg_"),
            name,
            description,
            created_at: now,
            archived: false,
        };
        tx.put_work_group(&group)?;
        Ok(group)
    })
}

/// Every group, archived ones included, by name ignoring case.
pub fn list(store: &Storage) -> Result<Vec<WorkGroup>, Error> {
    let mut groups = store.read(|tx| Ok(tx.work_groups()?))?;
    groups.sort_by_cached_key(|g| (WorkGroup::name_key(&g.name), g.id.clone()));
    Ok(groups)
}

/// Renames, describes, archives or brings back a group; the whole change or none of it.
pub fn update(store: &Storage, id: &str, changes: Changes) -> Result<WorkGroup, Error> {
    let name = changes.name.as_deref().map(checked_name).transpose()?;
    let description = changes
        .description
        .as_ref()
        .map(|d| checked_description(d.as_deref()))
        .transpose()?;
    store.write(|tx| {
        let mut group = tx
            .work_group(id)?
            .ok_or(Error::NotFound { what: "work group" })?;
        if let Some(name) = &name {
            name_free(tx, name, Some(id))?;
            group.name.clone_from(name);
        }
        if let Some(description) = &description {
            group.description.clone_from(description);
        }
        if let Some(archived) = changes.archived {
            group.archived = archived;
        }
        tx.put_work_group(&group)?;
        Ok(group)
    })
}

/// The group a new work item is filed under, by name ignoring case: it must
/// exist and not be archived.
pub fn for_new_work_item(tx: &dyn ReadTxn, name: &str) -> Result<WorkGroup, Error> {
    let group = tx
        .work_group_by_name(name)?
        .ok_or_else(|| Error::Unprocessable {
            code: "unknown_work_group",
            message: format!(
                "There is no work group named `{}`; an admin can create it.",
                shown(name)
            ),
            errors: None,
        })?;
    if group.archived {
        return Err(Error::Unprocessable {
            code: "archived_work_group",
            message: format!(
                "The work group `{}` is archived; new work items cannot be filed under it.",
                group.name
            ),
            errors: None,
        });
    }
    Ok(group)
}

/// A name as echoed in a message: trimmed, and cut short when long.
fn shown(name: &str) -> String {
    let name = name.trim();
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let mut cut: String = name.chars().take(MAX_NAME_CHARS).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, Storage) {
        let dir = tempfile::tempdir().unwrap();
        let storage = Storage::open(dir.path()).unwrap();
        (dir, storage)
    }

    fn code(err: Error) -> &'static str {
        match err {
            Error::Unprocessable { code, .. } | Error::Conflict { code, .. } => code,
            Error::NotFound { .. } => "not_found",
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn names_are_trimmed_checked_and_unique_ignoring_case() {
        let (_dir, s) = store();
        let north = create(&s, Timestamp(5), "  North  ", Some("  ")).unwrap();
        assert_eq!(
            (
                north.name.as_str(),
                north.description.as_deref(),
                north.created_at
            ),
            ("North", None, Timestamp(5))
        );
        assert!(north.id.starts_with("wg_") && !north.archived);
        assert_eq!(
            code(create(&s, Timestamp(6), "NORTH", None).unwrap_err()),
            "work_group_exists"
        );
        for bad in ["", "   ", "two\nlines", &"x".repeat(MAX_NAME_CHARS + 1)] {
            assert_eq!(
                code(create(&s, Timestamp(6), bad, None).unwrap_err()),
                "invalid_name",
                "{bad:?}"
            );
        }
        assert!(
            create(&s, Timestamp(6), &"é".repeat(MAX_NAME_CHARS), None).is_ok(),
            "characters, not bytes"
        );
        let long = "d".repeat(MAX_DESCRIPTION_CHARS + 1);
        assert_eq!(
            code(create(&s, Timestamp(6), "South", Some(&long)).unwrap_err()),
            "invalid_description"
        );
        assert_eq!(list(&s).unwrap().len(), 2);
    }

    #[test]
    fn an_update_changes_only_what_it_names_and_all_or_nothing() {
        let (_dir, s) = store();
        let north = create(&s, Timestamp(1), "North", Some("Leeds office")).unwrap();
        create(&s, Timestamp(2), "South", None).unwrap();

        let recased = update(
            &s,
            &north.id,
            Changes {
                name: Some("NORTH".into()),
                ..Changes::default()
            },
        )
        .unwrap();
        assert_eq!(
            (recased.name.as_str(), recased.description.as_deref()),
            ("NORTH", Some("Leeds office"))
        );

        let taken = Changes {
            name: Some("south".into()),
            archived: Some(true),
            ..Changes::default()
        };
        assert_eq!(
            code(update(&s, &north.id, taken).unwrap_err()),
            "work_group_exists"
        );
        let unchanged = s.read(|t| Ok(t.work_group(&north.id)?)).unwrap().unwrap();
        assert_eq!(unchanged, recased, "a refused change changes nothing");

        let archived = update(
            &s,
            &north.id,
            Changes {
                description: Some(None),
                archived: Some(true),
                ..Changes::default()
            },
        )
        .unwrap();
        assert_eq!(
            (
                archived.description,
                archived.archived,
                archived.name.as_str()
            ),
            (None, true, "NORTH")
        );
        assert_eq!(
            code(update(&s, "wg_nope", Changes::default()).unwrap_err()),
            "not_found"
        );
        let names: Vec<String> = list(&s).unwrap().into_iter().map(|g| g.name).collect();
        assert_eq!(names, ["NORTH", "South"]);
    }

    #[test]
    fn new_work_items_get_only_live_groups() {
        let (_dir, s) = store();
        let north = create(&s, Timestamp(1), "North", None).unwrap();
        let found = s.read(|t| for_new_work_item(t, " north ")).unwrap();
        assert_eq!(found.id, north.id);
        let missing = s
            .read(|t| for_new_work_item(t, &"z".repeat(5000)))
            .unwrap_err();
        assert!(
            missing.to_string().len() < 400,
            "a huge name is not echoed whole: {missing}"
        );
        assert_eq!(code(missing), "unknown_work_group");
        update(
            &s,
            &north.id,
            Changes {
                archived: Some(true),
                ..Changes::default()
            },
        )
        .unwrap();
        assert_eq!(
            code(s.read(|t| for_new_work_item(t, "North")).unwrap_err()),
            "archived_work_group"
        );
    }
}
