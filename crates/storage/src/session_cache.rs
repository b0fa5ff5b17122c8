//! Who a session cookie belongs to, kept in memory for a moment: every page request asks, and
//! reading the session, the account and its grants each time would cost three queries. An entry
//! lives [`TTL`] at most and every write on this server that could change the answer (a session
//! touched, ended or stepped up; an account changed; a grant added or revoked) drops them all.
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
}

#[derive(Default)]
pub(crate) struct SessionCache {
    generation: AtomicU64,
    entries: Mutex<HashMap<String, Entry>>,
}

impl SessionCache {
    /// The answer for this session digest, when one younger than [`TTL`] and of the current
    /// generation is kept (`Some(None)`: no such session).
    pub(crate) fn get(&self, id_hash: &str) -> Option<Option<Arc<SessionView>>> {
        let generation = self.generation.load(Ordering::Acquire);
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get(id_hash)?;
        (e.generation == generation && e.at.elapsed() < TTL).then(|| e.view.clone())
    }

    /// Keeps an answer read at `generation` (read before the database was asked, so that a
    /// change made meanwhile is not hidden).
    pub(crate) fn put(&self, id_hash: &str, generation: u64, view: Option<Arc<SessionView>>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.at.elapsed() < TTL / 2);
        }
        entries.insert(id_hash.to_owned(), Entry { at: Instant::now(), generation, view });
    }

    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Something that changes who a session is changed: forget every answer.
    pub(crate) fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}
