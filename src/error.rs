//! Errors that need their own exit code, and the mapping to exit codes:
//! 0 success, 1 failure (nothing or not everything written), 2 usage or
//! input needed, 3 written but incomplete (files skipped), 130 cancelled.

/// An error that decides the exit code. Anything else exits 1.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command was used in a way that cannot work, or needs input it
    /// was not given (a terminal, a flag); exit 2.
    #[error("{0}")]
    Usage(String),
    /// The command did its work, but some files could not be read; they were
    /// named on stderr and skipped. Exit 3: written, but incomplete.
    #[error(
        "{} could not be read and {} skipped (named above, and left as they are)",
        files(*.0),
        if *.0 == 1 { "was" } else { "were" }
    )]
    Skipped(usize),
    /// Nothing could be done because the only files that would have served
    /// could not be read (named on stderr). Exit 1.
    #[error(
        "{} could not be read (named above; nothing was changed)",
        files(*.0)
    )]
    Unreadable(usize),
    /// The person pressed Ctrl-C; what was kept is said in the message. Exit 130.
    #[error("{0}")]
    Cancelled(String),
}

fn files(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}

/// Exit codes, documented in the README and in `mentalog --help`.
pub mod code {
    pub const SUCCESS: u8 = 0;
    pub const FAILURE: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const INCOMPLETE: u8 = 3;
    pub const CANCELLED: u8 = 130;
}

/// The exit code for an error returned by [`crate::run`].
pub fn exit_code(err: &anyhow::Error) -> u8 {
    match err.downcast_ref::<Error>() {
        Some(Error::Usage(_)) => code::USAGE,
        Some(Error::Skipped(_)) => code::INCOMPLETE,
        Some(Error::Cancelled(_)) => code::CANCELLED,
        Some(Error::Unreadable(_)) | None => code::FAILURE,
    }
}

/// Whether the error only says that the work was done with files skipped:
/// a warning, not a failure.
pub fn is_incomplete(err: &anyhow::Error) -> bool {
    matches!(err.downcast_ref::<Error>(), Some(Error::Skipped(_)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_its_code() {
        let code = |e: Error| exit_code(&anyhow::Error::from(e));
        assert_eq!(code(Error::Usage("x".into())), 2);
        assert_eq!(code(Error::Skipped(1)), 3);
        assert_eq!(code(Error::Unreadable(1)), 1);
        assert_eq!(code(Error::Cancelled("x".into())), 130);
        assert_eq!(exit_code(&anyhow::anyhow!("x")), 1);
        assert_eq!(
            Error::Skipped(2).to_string(),
            "2 files could not be read and were skipped (named above, and left as they are)"
        );
    }
}
