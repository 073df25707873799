//! The host's database: one redb file, `interview.redb`, in the data directory.
//!
//! redb calls block; async callers run them on the blocking pool.

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};

use crate::Result;

/// File name of the database inside the data directory.
pub const DATABASE_FILE: &str = "interview.redb";

/// The version of the stored layout this build reads and writes.
pub const SCHEMA_VERSION: u64 = 1;

/// Facts about the database itself (`schema_version`).
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

/// The open database.
pub struct Storage {
    db: Database,
    path: PathBuf,
}

impl Storage {
    /// Creates `data_dir` if needed and opens (or creates) the database in it,
    /// recording the schema version on first use.
    pub fn open(data_dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(data_dir)?;
        let path = data_dir.join(DATABASE_FILE);
        let db = Database::create(&path)?;
        let txn = db.begin_write()?;
        {
            let mut meta = txn.open_table(META)?;
            if meta.get("schema_version")?.is_none() {
                meta.insert("schema_version", SCHEMA_VERSION)?;
            }
        }
        txn.commit()?;
        Ok(Self { db, path })
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version recorded in the database.
    pub fn schema_version(&self) -> Result<Option<u64>> {
        let txn = self.db.begin_read()?;
        let meta = txn.open_table(META)?;
        Ok(meta.get("schema_version")?.map(|value| value.value()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opening_creates_the_data_dir_and_records_the_schema_version() {
        let dir = tempfile::tempdir().unwrap();
        let data_dir = dir.path().join("nested").join("data");
        let storage = Storage::open(&data_dir).unwrap();
        assert!(data_dir.join(DATABASE_FILE).is_file());
        assert_eq!(storage.schema_version().unwrap(), Some(SCHEMA_VERSION));
    }

    #[test]
    fn reopening_keeps_the_existing_database() {
        let dir = tempfile::tempdir().unwrap();
        drop(Storage::open(dir.path()).unwrap());
        let storage = Storage::open(dir.path()).unwrap();
        assert_eq!(storage.schema_version().unwrap(), Some(SCHEMA_VERSION));
    }
}
