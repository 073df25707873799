//! The crate's one error type.

/// Everything that can stop the host from starting or serving.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or socket operation failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    /// The database could not be opened or used.
    #[error("database: {0}")]
    Storage(#[from] crate::storage::StorageError),
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
