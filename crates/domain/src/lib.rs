//! The pure domain of dangvu: what a party organization and a party member *are*, and the
//! rules of the Party Charter and its implementing regulations that the register must obey.
//!
//! This crate does no I/O, never reads the clock and never talks to a database or the network:
//! every function takes "today" and the data it needs as arguments, so every rule can be tested
//! on any date. Storage and web crates call into it; it calls nothing outside itself.
//!
//! Reading order: [`text`] (Vietnamese names, search folding, register order), [`ids`]
//! (identifiers that can only hold valid values), [`member`] (the member record and its closed
//! lists), [`unit`] (the organization tree with history), [`event`] and [`history`] (membership as
//! dated events, and the spans derived from them), [`workdays`] (the working-day calendar that
//! deadlines are counted on, with its lunar calendar), [`admission`] (the admission pipeline's
//! rules by regulation version: checks that block a file, and its deadlines).

pub mod access;
pub mod admission;
pub mod badges;
pub mod cards;
pub mod change_requests;
pub mod codes;
pub mod committees;
pub mod dates;
pub mod directives;
pub mod discipline;
pub mod documents;
pub mod dues;
pub mod enterprises;
pub mod error;
pub mod evaluation;
pub mod event;
pub mod exemptions;
pub mod feedback;
pub mod handbook;
pub mod history;
pub mod ids;
pub mod interchange;
pub mod meetings;
pub mod member;
pub mod member_tasks;
pub mod member_work;
pub mod notifications;
pub mod pipeline;
pub mod quality;
pub mod residence;
pub mod stats;
pub mod strike_off;
pub mod targets;
#[cfg(any(test, feature = "testing"))]
#[allow(clippy::unwrap_used)]
pub mod testing;
pub mod text;
pub mod transfers;
pub mod unit;
pub mod weak;
pub mod workdays;

pub use chrono::NaiveDate;
pub use error::{FieldError, ValidationErrors};
