//! The id every request carries in `x-request-id` (kept in its audit entries and logs): this app
//! server's random prefix, drawn once at start so that several servers on one database never
//! share ids, and a counter — no random bytes drawn per request.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::http::{HeaderValue, Request};
use tower_http::request_id::{MakeRequestId, RequestId};

#[derive(Clone)]
pub struct Counter {
    prefix: Arc<str>,
    next: Arc<AtomicU64>,
}

impl Counter {
    pub fn new() -> Self {
        let bytes: [u8; 6] = auth::token::random_bytes().unwrap_or_else(|_| {
            // Without the OS generator the process id still tells two servers' ids apart.
            let b = std::process::id().to_le_bytes();
            [b[0], b[1], b[2], b[3], 0, 0]
        });
        let prefix: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Counter { prefix: prefix.into(), next: Arc::new(AtomicU64::new(1)) }
    }

    fn id(&self) -> String {
        format!("{}-{:x}", self.prefix, self.next.fetch_add(1, Ordering::Relaxed))
    }
}

impl Default for Counter {
    fn default() -> Self {
        Counter::new()
    }
}

impl MakeRequestId for Counter {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&self.id()).ok().map(RequestId::new)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_within_a_server_and_differ_between_servers() {
        let (a, b) = (Counter::new(), Counter::new());
        let (first, second) = (a.id(), a.id());
        assert_ne!(first, second);
        assert_eq!(first.len(), 12 + 2, "{first}");
        assert!(second.ends_with("-2"), "{second}");
        assert_ne!(first, b.id(), "each server draws its own prefix");
    }
}
