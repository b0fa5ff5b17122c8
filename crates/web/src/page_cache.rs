//! A page's data kept for a moment per account (the member's handbook home: it reads about
//! twenty things — the record, the next meeting and its roll, the documents, the inbox — and
//! members open it far more often than any of that changes). An entry lives [`TTL`] at most; the
//! account's own changes (an answer, a bookmark, a document or notice opened) drop it at once
//! ([`PageCache::forget`]), so only what others change may show up to [`TTL`] late. Pages that
//! use it still audit every request as the uncached read would.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a home page's data is reused.
pub const TTL: Duration = Duration::from_secs(1);
const MAX_ENTRIES: usize = 100_000;

type Entry = (Instant, Arc<dyn Any + Send + Sync>);

/// Per account, one entry per type of data (the home page's, the inbox badge's count).
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<i64, HashMap<TypeId, Entry>>>,
}

impl PageCache {
    /// The data of type `T` kept for this account, when younger than [`TTL`].
    pub fn get<T: Send + Sync + 'static>(&self, account: i64) -> Option<Arc<T>> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let (at, data) = entries.get(&account)?.get(&TypeId::of::<T>())?;
        if at.elapsed() >= TTL {
            return None;
        }
        data.clone().downcast::<T>().ok()
    }

    pub fn put<T: Send + Sync + 'static>(&self, account: i64, data: Arc<T>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, kept| kept.values().any(|(at, _)| at.elapsed() < TTL));
        }
        entries.entry(account).or_default().insert(TypeId::of::<T>(), (Instant::now(), data));
    }

    /// The account changed something its pages show: everything kept for it is read again.
    pub fn forget(&self, account: i64) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(&account);
    }
}
