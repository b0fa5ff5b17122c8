//! The storage conformance suite: every scenario runs on SQLite and on PostgreSQL
//! (`conformance::on_both_engines!`), plus the schema-parity test.

// Test code: a failed expectation must stop the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod access;
mod activation;
mod admission;
mod backup;
mod committees;
mod directives;
mod documents;
mod dues;
mod enterprises;
mod evaluation;
mod events;
mod feedback;
mod fixtures;
mod handbook;
mod import;
mod import_desk;
mod meetings;
mod notifications;
mod parity;
mod plans;
mod quality;
mod residence;
mod routines;
mod schema;
mod search;
mod stats;
mod transfers;
mod tree;
mod weak;
