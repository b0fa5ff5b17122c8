//! Where "now" comes from: the system clock in production, a fixed instant in tests.

/// The source of the current instant.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> chrono::DateTime<chrono::Utc>;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place the server reads the clock (clippy.toml `disallowed-methods`).
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// A clock stopped at one instant (tests).
pub struct FixedClock(pub chrono::DateTime<chrono::Utc>);

impl Clock for FixedClock {
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.0
    }
}
