//! Integration tests of the whole binary's pieces: the real server on a random port against a
//! real database (SQLite and PostgreSQL), every page and API route answering over a generated
//! register (`smoke`), the account, token, audit, backup and restore commands of the built
//! binary, and a smoke test in headless Chromium.

// Test code: a failed expectation must stop the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod accounts;
mod admission_api;
mod admission_pages;
mod admission_periods;
mod auth;
mod authz;
mod backup;
mod browser;
mod change_requests;
mod cli;
mod committees;
mod contract;
mod delivery;
mod directives;
mod documents;
mod drilldown;
mod dues;
mod enterprises;
mod evaluation;
mod export;
mod feedback;
mod forms;
mod handbook;
mod handbook_accounts;
mod hardening;
mod history;
mod http;
mod import;
mod import_cli;
mod input_rules;
mod links;
mod meetings;
mod member_tasks;
mod notifications;
mod origin;
mod package;
mod picker;
mod plans;
mod quality;
mod reports;
mod residence;
mod round_trip;
mod routines;
mod service;
mod smoke;
mod strike_off;
mod support;
mod transfers;
mod weak;
