//! The integration tests: one binary, a module per area.

mod cli;
mod editor;
mod export;
mod flow;
mod pty;
mod sandbox;
mod store;
