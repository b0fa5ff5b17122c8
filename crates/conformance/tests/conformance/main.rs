//! The storage conformance suite: every scenario runs on SQLite and on PostgreSQL
//! (`conformance::on_both_engines!`), plus the schema-parity test.

mod events;
mod fixtures;
mod parity;
mod search;
mod tree;
