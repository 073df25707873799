//! Settings of the `serve` command: built-in defaults, overridden by the
//! `INTERVIEW_*` environment variables, overridden by command-line flags.

use std::net::SocketAddr;
use std::path::PathBuf;

/// Where the host listens and keeps its files.
#[derive(Debug, Clone, clap::Args)]
pub struct ServeConfig {
    /// Address to listen on.
    #[arg(long, env = "INTERVIEW_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory for the database (`interview.redb`) and uploaded files; created if missing.
    #[arg(long, env = "INTERVIEW_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Directory of the built interview bundle (Trunk's output), served at `/i/`.
    #[arg(long, env = "INTERVIEW_BUNDLE_DIR", default_value = "./dist")]
    pub bundle_dir: PathBuf,
}
