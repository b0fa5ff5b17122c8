//! Integration tests of the whole binary's pieces: the real server on a random port against a
//! real database (SQLite and PostgreSQL), every page and API route answering over a generated
//! register (`smoke`), the account, token and audit commands of the built binary, and a smoke
//! test in headless Chromium.

// Test code: a failed expectation must stop the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod admission_api;
mod admission_pages;
mod admission_periods;
mod auth;
mod authz;
mod browser;
mod cli;
mod contract;
mod delivery;
mod drilldown;
mod forms;
mod hardening;
mod history;
mod http;
mod import;
mod input_rules;
mod links;
mod origin;
mod picker;
mod plans;
mod reports;
mod smoke;
mod support;
