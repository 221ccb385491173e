//! The integration tests: one binary, a module per area.

mod browser;
mod cli;
mod custom_pack;
mod due;
mod editor;
mod examples;
mod export;
mod faults;
mod flow;
mod new;
mod pack_check;
mod packs;
mod parsers;
mod pseudonyms;
mod pty;
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
