//! What every handler receives.

use std::sync::Arc;

use chrono::NaiveDate;
use storage::{Store, WriteContext};

use crate::Clock;
use crate::actor::Actor;

/// The store and the clock, shared by all handlers.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
}

impl AppState {
    /// Today in Vietnam: the default "as of" date and the date rules are checked against.
    pub fn today(&self) -> NaiveDate {
        storage::vietnam_today(self.clock.now())
    }

    /// The context of a write by `actor`, now.
    pub fn write_context(&self, actor: &Actor) -> WriteContext {
        WriteContext::new(actor.name.clone(), self.clock.now())
    }
}
