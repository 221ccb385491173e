//! The integration tests: one binary, a module per area.

mod cli;
mod flow;
mod pty;
mod sandbox;
mod store;
