//! Turning entries into text for people and JSON for scripts. Each function
//! writes to the `impl Write` it is given and does nothing else.

pub mod chart;
pub mod journal;
pub mod plan;
pub mod summary;
