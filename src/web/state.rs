//! What every request shares: the database (one writer connection behind a
//! lock, a pool of reader connections) and whether the server speaks TLS.
//! Every call runs on tokio's blocking pool. The lab's time zone is read
//! from the database by every request (one indexed row), so a change of
//! the `timezone` setting applies at once, not at the next start.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::NaiveDate;

use super::ServeOptions;
use super::error::ApiError;
use crate::accounts::Principal;
use crate::app::Actor;
use crate::app::dashboard::Dashboard;
use crate::clock::{Clock, Zone};
use crate::error::{Error, Result};
use crate::store::{OpenOptions, Store};

/// Password checks run at once (see `ServerState::password_checks`): as
/// many as argon2 workspaces are kept ([`crate::accounts::WORKSPACES_KEPT`]).
const PASSWORD_CHECKS: usize = crate::accounts::WORKSPACES_KEPT;

/// Reads at once, each on a reader connection of its own; the pool never
/// holds more connections than this. Reads are index probes of a few
/// milliseconds, so a few per core keep the cores busy; more only add
/// connections, each with its own parsed schema and page cache.
const READERS: usize = 4;

/// Page cache of each of the server's connections, in KiB (SQLite's
/// `cache_size`): the readers, the writer and the opener together hold at
/// most (READERS + 2) × this. The file's pages beyond it come from the
/// operating system's file cache, which is not the server's memory.
/// `mmap_size` stays 0: mapped pages of a 500 MB file would count in the
/// server's resident size.
pub(super) const CACHE_KIB: i64 = 2048;

/// Writes at once on PostgreSQL, each on a writer connection of its own.
/// SQLite has one writer, so one write runs at a time there. PostgreSQL's
/// writers are correct together (advisory lock per chain, balance rows
/// locked, src/store/mod.rs), and take turns only from a chain's lock to
/// their commit: the rest of a write (the session, the lookups, the
/// statements before the ledger row, each a round trip) runs in parallel.
const PG_WRITERS: usize = 4;

/// Threads for database work off the async threads: the reads and the
/// writes that may run at once (each waits for its turn on a semaphore
/// before it takes a thread), with room to spare. Few, because each thread
/// may keep an allocator arena.
pub(super) const BLOCKING_THREADS: usize = READERS + PG_WRITERS + 4;

pub(crate) struct ServerState {
    db: PathBuf,
    /// A connection never used for queries, kept to open readers from
    /// ([`Store::open_again`]: never through the file-checking open,
    /// which would drop this process's locks on the file).
    opener: Mutex<Store>,
    open_options: OpenOptions,
    pub(super) tls: bool,
    /// Writer connections not in use (one on SQLite; up to
    /// [`PG_WRITERS`] on PostgreSQL, opened as needed).
    writers: Mutex<Vec<Store>>,
    /// A write's turn: taken before its thread, so writes waiting for a
    /// writer wait without holding a thread.
    writes: Arc<tokio::sync::Semaphore>,
    readers: Mutex<Vec<Store>>,
    /// A read's turn on one of at most [`READERS`] reader connections.
    reads: Arc<tokio::sync::Semaphore>,
    /// The dashboard last computed, with the date and change marks it was
    /// computed for.
    dashboard: Mutex<Option<(NaiveDate, Vec<i64>, Dashboard)>>,
    /// Held while a dashboard is computed, so sixteen benches asking at
    /// once compute it once; waited for without a thread or a read turn,
    /// so the other reads go on meanwhile.
    computing_dashboard: tokio::sync::Mutex<()>,
    /// Password checks at once: argon2id takes 19 MiB and tens of
    /// milliseconds each, so a shift signing in together queues here
    /// rather than holding hundreds of megabytes at once.
    pub(super) password_checks: tokio::sync::Semaphore,
    /// Pages rendered for a key (page, user, query), with the date and
    /// change marks they were rendered for; served again while those are
    /// equal. Bounded: cleared when it would pass [`PAGES_KEPT`] pages or
    /// [`PAGES_KEPT_BYTES`].
    pages: Mutex<KeptPages>,
}

/// Rendered pages kept (see `ServerState::pages`).
const PAGES_KEPT: usize = 512;

/// Bytes of rendered pages kept (see `ServerState::pages`).
const PAGES_KEPT_BYTES: usize = 4 * 1024 * 1024;

#[derive(Default)]
struct KeptPages {
    pages: HashMap<String, (Freshness, axum::body::Bytes)>,
    bytes: usize,
}

/// What a kept page is valid for: the lab's date and the change marks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Freshness {
    pub(super) today: NaiveDate,
    pub(super) marks: Vec<i64>,
}

impl ServerState {
    /// Open the database; refuse to serve it without an active manager.
    pub(crate) fn open(options: &ServeOptions) -> Result<ServerState> {
        let writer = Store::open_any(&options.db, options.open_options)?;
        if !crate::app::accounts::has_active_manager(&writer)? {
            return Err(Error::NoManager);
        }
        writer.limit_page_cache(CACHE_KIB)?;
        let opener = writer.open_again()?;
        opener.limit_page_cache(CACHE_KIB)?;
        // Fail at start, not at the first request, on a bad LABSTOCK_NOW.
        Clock::from_env()?;
        Ok(ServerState {
            db: options.db.clone(),
            open_options: options.open_options,
            opener: Mutex::new(opener),
            tls: options.tls.is_some(),
            writes: Arc::new(tokio::sync::Semaphore::new(match writer.engine_kind() {
                crate::store::EngineKind::Sqlite => 1,
                crate::store::EngineKind::Postgres => PG_WRITERS,
            })),
            writers: Mutex::new(vec![writer]),
            readers: Mutex::new(Vec::new()),
            reads: Arc::new(tokio::sync::Semaphore::new(READERS)),
            dashboard: Mutex::new(None),
            computing_dashboard: tokio::sync::Mutex::new(()),
            password_checks: tokio::sync::Semaphore::new(PASSWORD_CHECKS),
            pages: Mutex::new(KeptPages::default()),
        })
    }

    /// The dashboard as of today: the one computed before while nothing
    /// has been written since (the change marks are equal), else anew.
    pub(super) async fn dashboard(self: &Arc<Self>) -> Result<Dashboard, ApiError> {
        let fresh = self.freshness().await?;
        if let Some(d) = self.kept_dashboard(&fresh) {
            return Ok(d);
        }
        let _computing = self.computing_dashboard.lock().await;
        // Another request may have computed it while this one waited.
        if let Some(d) = self.kept_dashboard(&fresh) {
            return Ok(d);
        }
        let today = fresh.today;
        let d = self
            .read(move |store, _| crate::app::dashboard::summary(store, today))
            .await?;
        // Kept for the marks read before it was computed: a write since
        // then has newer marks, so the next request computes it again.
        *self
            .dashboard
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some((fresh.today, fresh.marks, d.clone()));
        Ok(d)
    }

    fn kept_dashboard(&self, fresh: &Freshness) -> Option<Dashboard> {
        let kept = self
            .dashboard
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        kept.as_ref()
            .filter(|(day, marks, _)| *day == fresh.today && *marks == fresh.marks)
            .map(|(_, _, d)| d.clone())
    }

    /// The date and change marks now (a few index probes).
    pub(super) async fn freshness(self: &Arc<Self>) -> Result<Freshness, ApiError> {
        self.read(|store, clock| {
            Ok(Freshness {
                today: clock.today(),
                marks: crate::app::dashboard::change_marks(store)?,
            })
        })
        .await
    }

    /// A page kept for `key` that is still fresh.
    pub(super) fn kept_page(&self, key: &str, fresh: &Freshness) -> Option<axum::body::Bytes> {
        let kept = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        kept.pages
            .get(key)
            .filter(|(kept, _)| kept == fresh)
            .map(|(_, body)| body.clone())
    }

    /// Keep a page rendered for `key` at `fresh`.
    pub(super) fn keep_page(&self, key: String, fresh: Freshness, body: axum::body::Bytes) {
        let mut kept = self.pages.lock().unwrap_or_else(PoisonError::into_inner);
        let size = key.len().saturating_add(body.len());
        if size > PAGES_KEPT_BYTES {
            return;
        }
        if kept.pages.len() >= PAGES_KEPT || kept.bytes.saturating_add(size) > PAGES_KEPT_BYTES {
            kept.pages.clear();
            kept.bytes = 0;
        }
        if let Some((old_key, (_, old))) = kept.pages.remove_entry(&key) {
            kept.bytes = kept.bytes.saturating_sub(old_key.len() + old.len());
        }
        kept.bytes = kept.bytes.saturating_add(size);
        kept.pages.insert(key, (fresh, body));
    }

    /// The clock of this request (`LABSTOCK_NOW` pins it, as for the CLI),
    /// with dates in the lab's zone as the database says it now.
    fn clock(store: &Store) -> Result<Clock> {
        let zone: Zone = store.lab_zone()?;
        Ok(Clock::from_env()?.in_zone(zone))
    }

    fn reader(&self) -> Result<Store> {
        self.pooled(&self.readers)
    }

    /// A connection from `pool`, or a new one when none is free.
    fn pooled(&self, pool: &Mutex<Vec<Store>>) -> Result<Store> {
        let free = pool.lock().unwrap_or_else(PoisonError::into_inner).pop();
        match free {
            Some(store) => Ok(store),
            None => {
                let store = self
                    .opener
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .open_again()?;
                store.limit_page_cache(CACHE_KIB)?;
                Ok(store)
            }
        }
    }

    /// A writer connection: one not in use, or a new one (PostgreSQL,
    /// while fewer than [`PG_WRITERS`] writes run).
    fn writer(&self) -> Result<Store> {
        self.pooled(&self.writers)
    }

    fn give_back(&self, store: Store) {
        let mut readers = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        if readers.len() < READERS {
            readers.push(store);
        }
    }

    /// Run a read on a reader connection, off the async threads.
    pub(super) async fn read<T, F>(self: &Arc<Self>, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &Clock) -> Result<T> + Send + 'static,
    {
        let turn = Arc::clone(&self.reads)
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("the server is stopping"))?;
        let me = Arc::clone(self);
        let ran = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let store = me.reader()?;
            let result = Self::clock(&store).and_then(|clock| f(&store, &clock));
            me.give_back(store);
            result.map_err(|e| e.in_database(&me.db, me.open_options.busy_timeout))
        })
        .await;
        match ran {
            Ok(result) => result.map_err(ApiError::from),
            Err(_) => Err(ApiError::internal("a read stopped unexpectedly")),
        }
    }

    /// Run a write on a writer connection (SQLite's one; one of
    /// PostgreSQL's), off the async threads, recorded as `who` (the signed-in account; empty for the
    /// server's own bookkeeping, such as a sign-in).
    pub(super) async fn write<T, F>(
        self: &Arc<Self>,
        who: Option<&Principal>,
        f: F,
    ) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Store, Actor<'_>) -> Result<T> + Send + 'static,
    {
        let turn = Arc::clone(&self.writes)
            .acquire_owned()
            .await
            .map_err(|_| ApiError::internal("the server is stopping"))?;
        let me = Arc::clone(self);
        let user = who.map(|p| p.name.clone()).unwrap_or_default();
        let ran = tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let mut store = me.writer()?;
            let result = Self::clock(&store).and_then(|clock| {
                let actor = Actor::new(&user, &clock);
                f(&mut store, actor)
            });
            // The turn (one per writer connection) bounds the pool.
            me.writers
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(store);
            result.map_err(|e| e.in_database(&me.db, me.open_options.busy_timeout))
        })
        .await;
        match ran {
            Ok(result) => result.map_err(ApiError::from),
            Err(_) => Err(ApiError::internal("a write stopped unexpectedly")),
        }
    }
}
