//! The integration tests: one binary, a module per area.

mod browser;
mod cli;
mod editor;
mod examples;
mod export;
mod flow;
mod new;
mod pty;
mod sandbox;
mod screen;
mod store;
