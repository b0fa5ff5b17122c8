//! A page's data kept for a moment per account (the member's handbook home: it reads about
//! twenty things — the record, the next meeting and its roll, the documents, the inbox — and
//! members open it far more often than any of that changes). An entry lives [`TTL`] at most; the
//! account's own changes (an answer, a bookmark, a document or notice opened) drop it at once
//! ([`PageCache::forget`]), so only what others change may show up to [`TTL`] late (twice that
//! while one request reads it again). Pages that use it still audit every request.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a home page's data is reused.
pub const TTL: Duration = Duration::from_secs(1);
const MAX_ENTRIES: usize = 100_000;

struct Entry {
    at: Instant,
    data: Arc<dyn Any + Send + Sync>,
    /// A request found it expired and is reading it again.
    refreshing: bool,
}

/// Per account, one entry per type of data (the home page's, the inbox badge's count).
#[derive(Default)]
pub struct PageCache {
    entries: Mutex<HashMap<i64, HashMap<TypeId, Entry>>>,
}

impl PageCache {
    /// The data of type `T` kept for this account, when younger than [`TTL`]. Once expired, the
    /// first request to ask gets `None` and reads the data again; the requests arriving meanwhile
    /// still get the kept data (for at most another [`TTL`]) instead of all reading it at once.
    pub fn get<T: Send + Sync + 'static>(&self, account: i64) -> Option<Arc<T>> {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        let e = entries.get_mut(&account)?.get_mut(&TypeId::of::<T>())?;
        if !storage::still_usable(e.at.elapsed(), TTL, &mut e.refreshing) {
            return None;
        }
        e.data.clone().downcast::<T>().ok()
    }

    pub fn put<T: Send + Sync + 'static>(&self, account: i64, data: Arc<T>) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, kept| kept.values().any(|e| e.at.elapsed() < TTL));
        }
        entries.entry(account).or_default().insert(TypeId::of::<T>(), Entry { at: Instant::now(), data, refreshing: false });
    }

    /// The account changed something its pages show: everything kept for it is read again.
    pub fn forget(&self, account: i64) {
        self.entries.lock().unwrap_or_else(|e| e.into_inner()).remove(&account);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn age(cache: &PageCache, account: i64, by: Duration) {
        let mut entries = cache.entries.lock().unwrap();
        for e in entries.get_mut(&account).unwrap().values_mut() {
            e.at -= by;
        }
    }

    #[test]
    fn an_expired_entry_is_read_again_by_one_request_while_the_others_keep_it() {
        let cache = PageCache::default();
        cache.put(7, Arc::new(1_u32));
        assert_eq!(cache.get::<u32>(7).as_deref(), Some(&1));
        assert_eq!(cache.get::<u64>(7), None, "one entry per type");
        age(&cache, 7, TTL);
        assert_eq!(cache.get::<u32>(7), None, "the first to find it expired reads it again");
        assert_eq!(cache.get::<u32>(7).as_deref(), Some(&1), "the others meanwhile keep the data");
        cache.put(7, Arc::new(2_u32));
        assert_eq!(cache.get::<u32>(7).as_deref(), Some(&2));
        age(&cache, 7, TTL);
        assert_eq!(cache.get::<u32>(7), None);
        age(&cache, 7, TTL);
        assert_eq!(cache.get::<u32>(7), None, "never kept past twice the time, read again or not");
        cache.put(7, Arc::new(3_u32));
        cache.forget(7);
        assert_eq!(cache.get::<u32>(7), None, "the account's own change drops it at once");
    }
}
