//! Errors that need their own exit code, and the mapping to exit codes:
//! 0 success, 1 failure, 2 usage or "needs a terminal", 130 cancelled.

/// An error that decides the exit code. Anything else exits 1.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command was used in a way that cannot work; exit 2.
    #[error("{0}")]
    Usage(String),
    /// Some files could not be read; they were named on stderr and skipped. Exit 1.
    #[error(
        "{} could not be read and {} skipped (named above; nothing was changed)",
        if *.0 == 1 { "1 file".to_string() } else { format!("{} files", .0) },
        if *.0 == 1 { "was" } else { "were" }
    )]
    Skipped(usize),
    /// The person pressed Ctrl-C; what was kept is said in the message. Exit 130.
    #[error("{0}")]
    Cancelled(String),
}

/// The exit code for an error returned by [`crate::run`].
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<Error>() {
        Some(Error::Usage(_)) => 2,
        Some(Error::Cancelled(_)) => 130,
        _ => 1,
    }
}

/// The message of a cancelled command, said without "error".
pub fn cancelled(err: &anyhow::Error) -> Option<&str> {
    match err.downcast_ref::<Error>() {
        Some(Error::Cancelled(msg)) => Some(msg),
        _ => None,
    }
}

/// Whether the error is a closed pipe (`mentalog list | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
