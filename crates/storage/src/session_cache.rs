//! Who a session cookie belongs to, kept in memory for a moment: every page request asks, and
//! reading the session, the account and its grants each time would cost three queries. An entry
//! lives [`TTL`] at most and every write on this server that could change the answer (a session
//! ended or stepped up; an account changed; a grant added or revoked) drops them all; a session
//! merely used again updates its own entry.
//! Another app server on the same PostgreSQL database sees such a change within [`TTL`].

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use domain::access::Principal;

use crate::model::{Account, SessionRecord};

/// How long an answer is reused.
pub const TTL: Duration = Duration::from_secs(2);
/// Entries kept at most (beyond, the oldest half of the map is simply dropped).
const MAX_ENTRIES: usize = 100_000;

/// A session with its account and, once fully logged in, the person behind it.
#[derive(Debug, Clone)]
pub struct SessionView {
    pub session: SessionRecord,
    pub account: Account,
    /// `None` before the second factor, or when the account has no principal (disabled).
    pub principal: Option<Principal>,
}

struct Entry {
    at: Instant,
    generation: u64,
    view: Option<Arc<SessionView>>,
    /// A request found it expired and is reading it again.
    refreshing: bool,
}

/// Whether something kept `age` ago may still be used: while younger than `ttl`; once expired,
/// not by the first request to ask (it reads it again: `refreshing` is set until a fresh copy
/// replaces the entry) but still by those arriving meanwhile, for at most another `ttl` — so an
/// expiry sends one request to the database, not every request of that instant.
pub fn still_usable(age: Duration, ttl: Duration, refreshing: &mut bool) -> bool {
    if age < ttl {
        return true;
    }
    if !*refreshing {
        *refreshing = true;
        return false;
    }
    age < 2 * ttl
}

#[derive(Default)]
pub(crate) struct SessionCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl SessionCache {
    /// The answer for this session digest, when one younger than [`TTL`] and of the current
    /// generation is kept (`Some(None)`: no such session). Once expired, the first request to ask
    /// reads it again; those arriving meanwhile keep the answer (for at most another [`TTL`])
    /// rather than all asking the database at the same instant. A change on this server
    /// (a new generation) is never answered from before it.
    pub(crate) fn get(&self, id_hash: &str) -> Option<Option<Arc<SessionView>>> {
        let generation = self.generation.load(Ordering::Acquire);
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get_mut(id_hash)?;
        if e.generation != generation {
            return None;
        }
        still_usable(e.at.elapsed(), TTL, &mut e.refreshing).then(|| e.view.clone())
    }

    /// Keeps an answer read at `generation` (read before the database was asked, so that a
    /// change made meanwhile is not hidden).
    pub(crate) fn put(&self, id_hash: &str, generation: u64, view: Option<Arc<SessionView>>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.at.elapsed() < TTL / 2);
        }
        entries.insert(id_hash.to_owned(), Entry { at: Instant::now(), generation, view, refreshing: false });
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The session was just used at `now`: the kept answer says so at once, so that the requests
    /// arriving while its row is written do not each write it again (nothing else about the
    /// session changed, so no other answer is dropped).
    pub(crate) fn touched(&self, id_hash: &str, now: chrono::DateTime<chrono::Utc>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = entries.get_mut(id_hash)
            && let Some(view) = &e.view
        {
            let mut fresh = SessionView::clone(view);
            fresh.session.last_seen_at = now;
            e.view = Some(Arc::new(fresh));
        }
    }

    /// Something that changes who a session is changed: forget every answer.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}
