//! The integration tests: one binary, a module per area.

mod backup;
mod batch;
mod browser;
mod check;
mod cli;
mod contract;
mod custom_pack;
mod delete;
mod due;
mod editor;
#[cfg(feature = "encryption")]
mod encryption;
mod examples;
mod export;
mod faults;
mod flow;
mod generator;
mod import;
mod new;
mod pack_check;
mod packs;
mod parsers;
mod pseudonyms;
mod pty;
mod reflect;
mod sandbox;
mod sanitise;
mod screen;
mod setup;
mod shell;
mod store;
mod summary_v2;
mod summary_v3;
mod templates;
mod unattended;
