//! The integration tests: one binary, a module per area.

mod browser;
mod cli;
mod editor;
mod examples;
mod export;
mod faults;
mod flow;
mod new;
mod parsers;
mod pseudonyms;
mod pty;
mod sandbox;
mod sanitise;
mod screen;
mod store;
