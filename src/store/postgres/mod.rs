//! The PostgreSQL engine (SPEC §12): connecting and classifying what goes
//! wrong, identifying a database (empty, labstock's and which version, or
//! another application's), creating the schema (`init`), appending to a
//! hash chain and locking a balance safely under concurrency, and
//! verifying every chain. All of labstock's PostgreSQL SQL lives in this
//! folder: the schema in `schema.sql`, its later changes in `migrations/`.
//!
//! The blocking `postgres` client is used rather than `tokio-postgres`:
//! every labstock command is synchronous code over one transaction, as
//! with rusqlite, and the server already runs its database work on
//! blocking threads (`spawn_blocking`), so one synchronous engine serves
//! both faces. (The blocking client runs its own small tokio runtime
//! underneath.)

mod bulk;
mod cell;
pub(crate) mod check;
pub(crate) mod conn;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use postgres::error::SqlState;
use postgres::types::ToSql;
use postgres::{Client, Config, NoTls, Transaction};

use crate::chain::{self, Chained};
use crate::error::{Error, PgProblem, Result};

pub(crate) use cell::{Cell, Kind, Value};

/// The schema, version 1 (see its header).
pub const SCHEMA: &str = include_str!("schema.sql");

/// Later schema changes, in order, each one SQL text applied in the
/// transaction that opens or creates the database. Append only; the
/// version is 1 + the number applied.
const MIGRATIONS: &[&str] = &[
    include_str!("migrations/excursion_lots.sql"),
    include_str!("migrations/nocase_secondary.sql"),
    include_str!("migrations/exact_codes.sql"),
];

/// The schema version this binary writes and understands.
#[allow(clippy::cast_possible_wrap)]
pub const SCHEMA_VERSION: i64 = 1 + MIGRATIONS.len() as i64;

/// The first key of every advisory lock labstock takes ('LB'); the second
/// names what is locked.
const LOCK_CLASS: i32 = 0x4C42;

/// How long connecting may take before the server counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often a transaction that met a deadlock or serialization failure
/// is run again before it is reported as busy.
const RETRIES: u32 = 5;

/// Whether a `--db` value names PostgreSQL: `postgres://` or
/// `postgresql://`, scheme in any case.
pub fn is_url(text: &str) -> bool {
    let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// A PostgreSQL connection URL, parsed, with what people are shown of it:
/// `postgres://USER@HOST:PORT/DATABASE`, never the password. Two URLs are
/// equal when they name the same role, host, port and database.
#[derive(Clone)]
pub struct Url {
    config: Config,
    shown: String,
    /// The busy timeout, set as `lock_timeout` ([`Url::with_lock_timeout`]).
    lock_timeout_ms: Option<u64>,
}

impl PartialEq for Url {
    fn eq(&self, other: &Self) -> bool {
        self.shown == other.shown
    }
}
impl Eq for Url {}

impl fmt::Debug for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the password, not even in a debug print.
        write!(f, "Url({})", self.shown)
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.shown)
    }
}

impl Url {
    /// Parse a `postgres://` URL (the libpq form: user, password, host,
    /// port, database, and `?key=value` options).
    pub fn parse(text: &str) -> Result<Url> {
        // The scheme in any case (SPEC §12); the driver reads lower case.
        let lowered;
        let text = match text.find("://") {
            Some(i) if is_url(text) => {
                lowered = format!("{}{}", text[..i].to_ascii_lowercase(), &text[i..]);
                lowered.as_str()
            }
            _ => text,
        };
        let mut config = Config::from_str(text).map_err(|_| {
            Error::invalid(
                "PostgreSQL URL",
                redact(text),
                "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
            )
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        config.application_name("labstock");
        let host = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(h)) => h.clone(),
            #[cfg(unix)]
            // A socket's directory, as the URL spells it (`%2Fvar%2Frun%2F…`).
            Some(postgres::config::Host::Unix(p)) => p.display().to_string().replace('/', "%2F"),
            None => "localhost".to_owned(),
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let user = config.get_user().map(str::to_owned);
        let database = config
            .get_dbname()
            .map(str::to_owned)
            .or_else(|| user.clone())
            .unwrap_or_default();
        let shown = match &user {
            Some(u) => format!("postgres://{u}@{host}:{port}/{database}"),
            None => format!("postgres://{host}:{port}/{database}"),
        };
        Ok(Url {
            config,
            shown,
            lock_timeout_ms: None,
        })
    }

    /// The error for `problem` with this database.
    pub(crate) fn error(&self, problem: PgProblem) -> Error {
        Error::Postgres {
            database: self.shown.clone(),
            problem,
        }
    }

    /// An error from the driver, classified (never with the password: the
    /// URL is not part of any driver message).
    pub(crate) fn driver(&self, e: &postgres::Error) -> Error {
        self.error(classify(e, self.config.get_user()))
    }

    /// This URL with every statement waiting at most `wait` for a lock
    /// (`lock_timeout`): the busy timeout, as SQLite's. Zero waits not at
    /// all (PostgreSQL's 0 would wait for ever, so 1 ms).
    pub(crate) fn with_lock_timeout(&self, wait: Duration) -> Url {
        let mut url = self.clone();
        url.lock_timeout_ms = Some(wait.as_millis().clamp(1, i32::MAX as u128) as u64);
        url
    }

    /// The `lock_timeout` to set, as text (`None`: the server's).
    fn lock_timeout_text(&self) -> Option<String> {
        self.lock_timeout_ms.map(|ms| ms.to_string())
    }

    /// Connect and set the session ([`SESSION`]), classifying every
    /// failure (unreachable, refused, missing).
    pub(crate) fn connect(&self) -> Result<Client> {
        let mut client = self.connect_unset()?;
        self.set_session(&mut client)?;
        Ok(client)
    }

    /// Connect, the session not yet set (opening sets it in its own first
    /// statement).
    fn connect_unset(&self) -> Result<Client> {
        self.config.connect(NoTls).map_err(|e| self.driver(&e))
    }

    /// Set the session as [`SESSION`] says.
    fn set_session(&self, client: &mut Client) -> Result<()> {
        client
            .query_typed(
                SESSION,
                &[(&self.lock_timeout_text(), postgres::types::Type::TEXT)],
            )
            .map(drop)
            .map_err(|e| self.driver(&e))
    }
}

/// What every connection sets for its session, by a statement rather
/// than the startup packet's `options` (which a connection pooler such
/// as PgBouncer refuses): no JIT compilation (labstock's statements are
/// index probes and reports over a few hundred thousand rows, and each
/// process would compile its report afresh: `report expiry` at 2M
/// movements took 130 ms with JIT, 38 ms without; BENCHMARKS.md), and the
/// busy timeout as `lock_timeout` ($1; NULL keeps the server's).
const SESSION: &str = "SELECT set_config('jit', 'off', false), \
    set_config('lock_timeout', coalesce($1, current_setting('lock_timeout')), false)";

/// `text` with any password between `://user:` and `@` replaced.
fn redact(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_owned();
    };
    let rest = &text[start..];
    let Some(at) = rest.rfind('@') else {
        return text.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!("{}{}:***{}", &text[..start], &rest[..colon], &rest[at..]),
        None => text.to_owned(),
    }
}

/// What a driver error means for the user.
fn classify(e: &postgres::Error, user: Option<&str>) -> PgProblem {
    let code = e.code();
    if code == Some(&SqlState::INVALID_CATALOG_NAME) {
        return PgProblem::Missing;
    }
    if code == Some(&SqlState::INVALID_PASSWORD)
        || code == Some(&SqlState::INVALID_AUTHORIZATION_SPECIFICATION)
    {
        return PgProblem::Authentication {
            user: user.unwrap_or("").to_owned(),
        };
    }
    // Two writers creating the same new balance or lot at once: the second
    // fails on the key, and run again it finds the row (src/store/sql/ledger.rs).
    // So too two writers adding the same item code, GTIN or location code:
    // run again, the second is refused as SQLite refuses it ("already exists").
    if code == Some(&SqlState::UNIQUE_VIOLATION)
        && e.as_db_error()
            .and_then(|d| d.constraint())
            .is_some_and(|c| {
                matches!(
                    c,
                    "balances_pkey"
                        | "lots_item_id_lot_key"
                        | "items_code_key"
                        | "items_gtin_key"
                        | "locations_code_key"
                )
            })
    {
        return PgProblem::Busy {
            detail: "another writer created the same balance or lot at the same moment".into(),
        };
    }
    if code == Some(&SqlState::LOCK_NOT_AVAILABLE) {
        // Waited the whole busy timeout (`lock_timeout`): not retried.
        return PgProblem::LockTimeout;
    }
    if code == Some(&SqlState::T_R_SERIALIZATION_FAILURE)
        || code == Some(&SqlState::T_R_DEADLOCK_DETECTED)
    {
        return PgProblem::Busy {
            detail: e
                .as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_owned()),
        };
    }
    match e.as_db_error() {
        Some(db) => PgProblem::Failed {
            detail: match db.detail() {
                Some(detail) => format!("{} ({detail})", db.message()),
                None => db.message().to_owned(),
            },
        },
        // The connection failed or was lost: the network's or the
        // server's doing. (A value the driver could not convert also has a
        // source, but is no sign of an unreachable server.)
        None if e.is_closed() || io_source(e).is_some() => PgProblem::Unreachable {
            detail: io_source(e).map_or_else(|| e.to_string(), ToString::to_string),
        },
        None => PgProblem::Failed {
            detail: e.to_string(),
        },
    }
}

/// The input/output error beneath a driver error, if that is what it is.
fn io_source(e: &postgres::Error) -> Option<&std::io::Error> {
    std::error::Error::source(e).and_then(|s| s.downcast_ref::<std::io::Error>())
}

/// What a database holds, read without changing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    /// No tables, views or sequences outside the system schemas.
    Empty,
    /// A labstock schema of this version.
    Labstock { version: i64 },
    /// Tables, none of them labstock's.
    Foreign { tables: i64 },
}

/// Identify the database `client` is connected to.
pub(crate) fn identify(client: &mut postgres::Client, url: &Url) -> Result<Found> {
    let err = |e: postgres::Error| url.driver(&e);
    // The usual case first, in one round trip and no catalogue scan: a
    // labstock database names its version (every command connects). Run
    // outside a transaction, so a missing table leaves nothing to roll
    // back.
    let ours = match client.query_typed(
        "SELECT version FROM labstock_schema WHERE application = 'labstock'",
        &[],
    ) {
        Ok(rows) => match rows.first() {
            Some(row) => {
                return Ok(Found::Labstock {
                    version: row.try_get(0).map_err(err)?,
                });
            }
            None => true,
        },
        Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_TABLE) => false,
        Err(e) => return Err(err(e)),
    };
    let relations: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_class c \
               JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') \
                AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'",
            &[],
        )
        .map_err(err)?
        .get(0);
    if relations == 0 {
        return Ok(Found::Empty);
    }
    if ours {
        return Ok(Found::Foreign { tables: relations });
    }
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM pg_catalog.pg_tables \
              WHERE schemaname <> 'information_schema' AND schemaname NOT LIKE 'pg\\_%'",
            &[],
        )
        .map_err(err)?
        .get(0);
    Ok(Found::Foreign { tables })
}

/// What opening reads in its one round trip: the schema version and the
/// lab's time zone as [`crate::settings::TIMEZONE`] holds it.
/// It sets the session as [`SESSION`] does, in the same statement.
const OPENING: &str = "SELECT version, \
    (SELECT value FROM settings WHERE key = $1 ORDER BY id DESC LIMIT 1), \
    set_config('jit', 'off', false), \
    set_config('lock_timeout', coalesce($2, current_setting('lock_timeout')), false) \
    FROM labstock_schema WHERE application = 'labstock'";

/// The lab's `timezone` setting as read when opening (`None`: the lab
/// names none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OpeningZone(pub(crate) Option<String>);

/// [`identify`] when opening, with the lab's time zone: the first thing
/// every command reads, so a labstock database of this schema answers
/// both in one round trip, in no transaction of its own, and the session
/// is set by the same statement. The zone is `Some` when read (and the
/// session set); a database
/// lacking either table (not labstock's, or an older schema) is
/// identified by [`identify`] alone.
fn identify_opening(client: &mut Client, url: &Url) -> Result<(Found, Option<OpeningZone>)> {
    let timeout = url.lock_timeout_text();
    match client.query_typed(
        OPENING,
        &[
            (&crate::settings::TIMEZONE, postgres::types::Type::TEXT),
            (&timeout, postgres::types::Type::TEXT),
        ],
    ) {
        Ok(rows) => match rows.first() {
            Some(row) => Ok((
                Found::Labstock {
                    version: row.try_get(0).map_err(|e| url.driver(&e))?,
                },
                Some(OpeningZone(row.try_get(1).map_err(|e| url.driver(&e))?)),
            )),
            None => Ok((identify(client, url)?, None)),
        },
        Err(e)
            if e.code() == Some(&SqlState::UNDEFINED_TABLE)
                || e.code() == Some(&SqlState::UNDEFINED_COLUMN) =>
        {
            Ok((identify(client, url)?, None))
        }
        Err(e) => Err(url.driver(&e)),
    }
}

/// An open labstock database on PostgreSQL.
pub struct PgStore {
    pub(crate) client: Client,
    pub(crate) url: Url,
    /// Statements prepared on `client`, kept across transactions.
    prepared: conn::Prepared,
    /// The lab's time zone as read when opening, until taken
    /// ([`PgStore::take_opening_zone`]).
    opening_zone: Option<OpeningZone>,
}

impl PgStore {
    /// Connect to an existing labstock database, refusing an empty or
    /// foreign one and one newer than this binary, and bringing an older
    /// one up to date (in one transaction).
    pub fn open(url: &Url) -> Result<PgStore> {
        let mut client = url.connect_unset()?;
        let (found, zone) = identify_opening(&mut client, url)?;
        if zone.is_none() {
            url.set_session(&mut client)?;
        }
        match found {
            Found::Empty => Err(url.error(PgProblem::Empty)),
            Found::Foreign { tables } => Err(url.error(PgProblem::Foreign { tables })),
            Found::Labstock { version } if version > SCHEMA_VERSION => {
                Err(url.error(PgProblem::TooNew {
                    found: version,
                    supported: SCHEMA_VERSION,
                }))
            }
            Found::Labstock { version } => {
                let mut store = PgStore {
                    client,
                    url: url.clone(),
                    prepared: conn::Prepared::default(),
                    opening_zone: zone,
                };
                if version < SCHEMA_VERSION {
                    store.opening_zone = None;
                    store.migrate(version)?;
                }
                Ok(store)
            }
        }
    }

    /// `init`: the schema and `init`'s rows (location MAIN, the waste
    /// streams, the lab's time zone) in an empty database, in one
    /// transaction. A database holding anything is refused unchanged.
    pub fn init(url: &Url, now: &str, user: &str, zone: crate::clock::Zone) -> Result<PgStore> {
        let mut client = url.connect()?;
        match identify(&mut client, url)? {
            Found::Empty => {}
            Found::Labstock { version } if version > SCHEMA_VERSION => {
                return Err(url.error(PgProblem::TooNew {
                    found: version,
                    supported: SCHEMA_VERSION,
                }));
            }
            Found::Labstock { .. } => return Err(url.error(PgProblem::AlreadyInitialised)),
            Found::Foreign { tables } => return Err(url.error(PgProblem::Foreign { tables })),
        }
        let mut tx = client.transaction().map_err(|e| url.driver(&e))?;
        create_schema(&mut tx, url)?;
        seed(&mut tx, url, now, user, zone)?;
        tx.commit().map_err(|e| url.driver(&e))?;
        Ok(PgStore {
            client,
            url: url.clone(),
            prepared: conn::Prepared::default(),
            opening_zone: None,
        })
    }

    /// The lab's time zone as read when this store was opened, once
    /// (`None` after the first call, or when it was not read then).
    pub(crate) fn take_opening_zone(&mut self) -> Option<OpeningZone> {
        self.opening_zone.take()
    }

    /// A read-only transaction that sees one snapshot throughout
    /// (REPEATABLE READ): what a report or a copy reads.
    pub(crate) fn snapshot(&mut self) -> Result<Transaction<'_>> {
        let url = &self.url;
        self.client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| url.driver(&e))
    }

    /// Run `work` in one write transaction (READ COMMITTED, with the
    /// locks of src/store/mod.rs), again after a deadlock or
    /// serialization failure up to [`RETRIES`] times, then reported as
    /// busy.
    pub(crate) fn transact<T>(
        &mut self,
        work: &mut dyn FnMut(crate::store::Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        let url = self.url.clone();
        let client = &mut self.client;
        let prepared = &self.prepared;
        retrying(|| {
            let tx = client.transaction().map_err(|e| url.driver(&e))?;
            let conn = conn::PgConn::new(tx, &url, prepared);
            let t = work(crate::store::Conn::new(&conn))?;
            conn.commit()?;
            Ok(t)
        })
    }

    /// [`PgStore::transact`] without retrying: for work that cannot be
    /// run twice (an import streaming its file).
    pub(crate) fn transact_once<T>(
        &mut self,
        work: impl FnOnce(crate::store::Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        let url = self.url.clone();
        let tx = self.client.transaction().map_err(|e| url.driver(&e))?;
        let conn = conn::PgConn::new(tx, &url, &self.prepared);
        let t = work(crate::store::Conn::new(&conn))?;
        conn.commit()?;
        Ok(t)
    }

    /// Run `work` on one snapshot, reading only.
    pub(crate) fn read<T>(
        &mut self,
        work: impl FnOnce(crate::store::Conn<'_>) -> Result<T>,
    ) -> Result<T> {
        let url = self.url.clone();
        let tx = self
            .client
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(|e| url.driver(&e))?;
        let conn = conn::PgConn::new(tx, &url, &self.prepared);
        let out = work(crate::store::Conn::new(&conn))?;
        conn.commit()?;
        Ok(out)
    }

    /// PostgreSQL's own consistency checks for `check`
    /// ([`check`]): every foreign key row by row and every trigger of the
    /// schema in place (on one snapshot), then every index by amcheck.
    pub(crate) fn engine_checks(
        &mut self,
        quick: bool,
        ledger_has_dangling: bool,
    ) -> Result<(crate::check::ForeignKeys, check::EngineFindings)> {
        let url = self.url.clone();
        let mut tx = self.snapshot()?;
        let keys = check::foreign_keys(&mut tx, &url, ledger_has_dangling)?;
        let triggers = check::trigger_problems(&mut tx, &url)?;
        tx.commit().map_err(|e| url.driver(&e))?;
        let mut found = check::amcheck(&mut self.client, &url, quick)?;
        found.problems.splice(0..0, triggers);
        Ok((keys, found))
    }

    /// The URL, as people are shown it.
    pub fn url(&self) -> &Url {
        &self.url
    }

    fn migrate(&mut self, from: i64) -> Result<()> {
        let url = self.url.clone();
        let mut tx = self.client.transaction().map_err(|e| url.driver(&e))?;
        // Two processes opening an old database at once: one migrates,
        // the other waits and then finds it done.
        tx.execute("LOCK TABLE labstock_schema IN ACCESS EXCLUSIVE MODE", &[])
            .map_err(|e| url.driver(&e))?;
        let now: i64 = tx
            .query_one("SELECT version FROM labstock_schema", &[])
            .map_err(|e| url.driver(&e))?
            .get(0);
        let skip = usize::try_from(now.max(from) - 1).unwrap_or(0);
        for sql in MIGRATIONS.iter().skip(skip) {
            tx.batch_execute(sql).map_err(|e| url.driver(&e))?;
        }
        tx.execute(
            "UPDATE labstock_schema SET version = $1",
            &[&SCHEMA_VERSION],
        )
        .map_err(|e| url.driver(&e))?;
        tx.commit().map_err(|e| url.driver(&e))
    }
}

/// The schema, every migration and the version row, in the caller's
/// transaction.
pub(crate) fn create_schema(tx: &mut Transaction<'_>, url: &Url) -> Result<()> {
    tx.batch_execute(SCHEMA).map_err(|e| url.driver(&e))?;
    for sql in MIGRATIONS {
        tx.batch_execute(sql).map_err(|e| url.driver(&e))?;
    }
    tx.execute(
        "INSERT INTO labstock_schema (application, version) VALUES ('labstock', $1)",
        &[&SCHEMA_VERSION],
    )
    .map_err(|e| url.driver(&e))?;
    Ok(())
}

/// What SQLite's `init` writes (src/store/sqlite/seed.rs), from the same data.
fn seed(
    tx: &mut Transaction<'_>,
    url: &Url,
    now: &str,
    user: &str,
    zone: crate::clock::Zone,
) -> Result<()> {
    let err = |e: postgres::Error| url.driver(&e);
    let (code, name) = crate::store::seed::MAIN_LOCATION;
    tx.execute(
        "INSERT INTO locations (code, name, created_at, created_by) VALUES ($1, $2, $3, $4)",
        &[&code, &name, &now, &user],
    )
    .map_err(err)?;
    let insert = tx
        .prepare(
            "INSERT INTO waste_streams (code, name, hazardous, container, route) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .map_err(err)?;
    for (code, name, container, route) in crate::store::seed::WASTE_STREAMS {
        let hazardous = i64::from(code.ends_with('*'));
        tx.execute(&insert, &[code, name, &hazardous, container, route])
            .map_err(err)?;
    }
    let values = [
        Value::Text(crate::settings::TIMEZONE.to_owned().into()),
        Value::Text(zone.name().to_owned().into()),
        Value::Text(now.to_owned().into()),
        Value::Text(user.to_owned().into()),
    ];
    chain_append(tx, url, &chain::SETTINGS, &values)?;
    Ok(())
}

/// `"name"`: an identifier quoted for PostgreSQL (`user` is a reserved
/// word there; every name is quoted so none can surprise).
pub(crate) fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The place of a chained table in `chain::TABLES`: its advisory lock key.
fn chain_key(table: &Chained) -> i32 {
    chain::TABLES
        .iter()
        .position(|t| t.table() == table.table())
        .and_then(|i| i32::try_from(i).ok())
        .unwrap_or(i32::MAX)
}

/// Take a chain's advisory lock, held to the end of the transaction.
pub(crate) fn lock_chain(tx: &mut Transaction<'_>, url: &Url, table: &Chained) -> Result<()> {
    // Typed, so parsed, bound and run in one round trip.
    let key = chain_key(table);
    tx.execute_typed(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[
            (&LOCK_CLASS, postgres::types::Type::INT4),
            (&key, postgres::types::Type::INT4),
        ],
    )
    .map_err(|e| url.driver(&e))?;
    Ok(())
}

/// The INSERT of one row of a chained table, every column quoted.
pub(crate) fn insert_chained_sql(table: &Chained) -> String {
    let columns: Vec<String> = table.columns().iter().map(|c| quote(c)).collect();
    let placeholders: Vec<String> = (2..=table.columns().len() + 1)
        .map(|i| format!("${i}"))
        .collect();
    format!(
        "INSERT INTO {} (id, {}, hash) VALUES ($1, {}, ${})",
        quote(table.table()),
        columns.join(", "),
        placeholders.join(", "),
        table.columns().len() + 2
    )
}

/// Append one row to a chained table in the caller's transaction and
/// return its id: `chain::append` for PostgreSQL. The chain's advisory
/// lock, held to the end of the transaction, makes concurrent appenders
/// take turns, so each reads the last row the one before it committed
/// (src/store/mod.rs, "Concurrency on PostgreSQL").
pub(crate) fn chain_append(
    tx: &mut Transaction<'_>,
    url: &Url,
    table: &Chained,
    values: &[Value],
) -> Result<i64> {
    let err = |e: postgres::Error| url.driver(&e);
    debug_assert_eq!(values.len(), table.columns().len(), "{}", table.table());
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_CLASS, &chain_key(table)],
    )
    .map_err(err)?;
    let (last_id, last_hash) =
        last_row(tx, url, table)?.unwrap_or_else(|| (0, chain::GENESIS.to_vec()));
    let id = last_id.checked_add(1).ok_or_else(|| {
        url.error(PgProblem::Failed {
            detail: format!("{} has run out of ids", table.table()),
        })
    })?;
    let refs: Vec<crate::store::Cell<'_>> = values.iter().map(cell::seam_cell).collect();
    let hash = chain::digest(table.table(), id, &last_hash, &refs);
    let columns: Vec<String> = table.columns().iter().map(|c| quote(c)).collect();
    let placeholders: Vec<String> = (2..=values.len() + 1).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO {} (id, {}, hash) VALUES ($1, {}, ${})",
        quote(table.table()),
        columns.join(", "),
        placeholders.join(", "),
        values.len() + 2
    );
    let cells: Vec<Cell> = values.iter().cloned().map(Cell).collect();
    let hash_vec = hash.to_vec();
    let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(values.len() + 2);
    params.push(&id);
    for c in &cells {
        params.push(c);
    }
    params.push(&hash_vec);
    tx.execute(&sql, &params).map_err(err)?;
    Ok(id)
}

/// The balance of a portion of a lot at a location ('' for the sealed
/// units, SPEC §15), locked until the transaction ends (`SELECT … FOR
/// UPDATE`), the row created at 0 first if there was none, so that two
/// writers of one balance take turns and the second sees the first's
/// result (SPEC §12: never trust READ COMMITTED alone). Lock several
/// balances in (lot, location, portion) order.
#[cfg_attr(not(test), allow(dead_code))] // the seam's `apply` will use it
pub(crate) fn balance_for_update(
    tx: &mut Transaction<'_>,
    url: &Url,
    item_id: i64,
    lot_id: i64,
    location_id: i64,
    opened_on: &str,
) -> Result<i64> {
    let err = |e: postgres::Error| url.driver(&e);
    tx.execute(
        "INSERT INTO balances (lot_id, location_id, opened_on, item_id, quantity) VALUES ($1, $2, $3, $4, 0) \
         ON CONFLICT (lot_id, location_id, opened_on) DO NOTHING",
        &[&lot_id, &location_id, &opened_on, &item_id],
    )
    .map_err(err)?;
    let row = tx
        .query_one(
            "SELECT quantity FROM balances WHERE lot_id = $1 AND location_id = $2 AND opened_on = $3 FOR UPDATE",
            &[&lot_id, &location_id, &opened_on],
        )
        .map_err(err)?;
    Ok(row.get(0))
}

/// Run `work` in a transaction, again when the server aborted it for a
/// deadlock or serialization failure, up to [`RETRIES`] times; then the
/// failure is reported as busy (exit 75, HTTP 503).
#[cfg_attr(not(test), allow(dead_code))] // the seam's writes will use it
pub(crate) fn with_retries<T>(
    client: &mut Client,
    url: &Url,
    mut work: impl FnMut(&mut Transaction<'_>) -> Result<T>,
) -> Result<T> {
    retrying(|| {
        let mut tx = client.transaction().map_err(|e| url.driver(&e))?;
        let t = work(&mut tx)?;
        tx.commit().map_err(|e| url.driver(&e))?;
        Ok(t)
    })
}

/// Run `attempt` (one whole transaction) again after a deadlock,
/// serialization failure or racing insert, up to [`RETRIES`] times, with
/// a growing pause; then its failure stands (busy: exit 75, HTTP 503).
fn retrying<T>(mut attempt: impl FnMut() -> Result<T>) -> Result<T> {
    let mut tried = 0;
    loop {
        match attempt() {
            Err(Error::Postgres {
                problem: PgProblem::Busy { .. },
                ..
            }) if tried < RETRIES => {
                tried += 1;
                std::thread::sleep(Duration::from_millis(5 << tried));
            }
            other => return other,
        }
    }
}

/// The id and hash of a chain's last row (one index probe).
fn last_row(
    tx: &mut Transaction<'_>,
    url: &Url,
    table: &Chained,
) -> Result<Option<(i64, Vec<u8>)>> {
    let row = tx
        .query_opt(
            &format!(
                "SELECT id, hash FROM {} ORDER BY id DESC LIMIT 1",
                quote(table.table())
            ),
            &[],
        )
        .map_err(|e| url.driver(&e))?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_recognised_by_scheme_in_any_case() {
        assert!(is_url("postgres://h/db"));
        assert!(is_url("postgresql://h/db"));
        assert!(is_url("PostgreSQL://h/db"));
        assert!(!is_url("lab.db"));
        assert!(!is_url("postgres.db"));
        assert!(!is_url("./postgres://x"));
    }

    #[test]
    fn a_url_is_shown_without_its_password() {
        let url = Url::parse("postgres://lab:s3cret@db.example:6543/stock").unwrap();
        assert_eq!(url.to_string(), "postgres://lab@db.example:6543/stock");
        assert!(!format!("{url:?}").contains("s3cret"));
        assert_eq!(
            redact("postgres://lab:s3cret@db.example/stock"),
            "postgres://lab:***@db.example/stock"
        );
        let socket = Url::parse("postgres://lab:s3cret@%2Fvar%2Frun%2Fpostgresql/stock").unwrap();
        assert_eq!(
            socket.to_string(),
            "postgres://lab@%2Fvar%2Frun%2Fpostgresql:5432/stock"
        );
    }

    /// 8 sessions × 40 transactions, each appending to one chain and
    /// adding 1 to one balance read under its lock: under READ COMMITTED
    /// without the helpers the chain would fork (duplicate ids, or two rows
    /// chained to one) and increments would be lost.
    #[test]
    fn concurrent_appends_and_balance_updates_neither_fork_nor_lose() {
        let Some(db) = fresh_database("concurrency") else {
            return;
        };
        let url = db.url.clone();
        let mut store =
            PgStore::init(&url, "2026-11-21T09:00:00Z", "t", crate::clock::Zone::UTC).unwrap();
        store
            .client
            .batch_execute(
                "INSERT INTO items (id, code, name, created_at, created_by) VALUES (1, 'A', 'a', 'x', 'y'); \
                 INSERT INTO lots (id, item_id, lot, created_at) VALUES (1, 1, '', 'x');",
            )
            .unwrap();
        let (sessions, each) = (8, 40);
        std::thread::scope(|s| {
            for n in 0..sessions {
                let url = url.clone();
                s.spawn(move || {
                    let mut client = url.connect().unwrap();
                    for i in 0..each {
                        with_retries(&mut client, &url, |tx| {
                            chain_append(
                                tx,
                                &url,
                                &chain::SETTINGS,
                                &[
                                    Value::Text(format!("k{n}").into()),
                                    Value::Text(format!("{i}").into()),
                                    Value::Text("2026-11-21T09:00:00Z".into()),
                                    Value::Text("t".into()),
                                ],
                            )?;
                            let q = balance_for_update(tx, &url, 1, 1, 1, "")?;
                            tx.execute(
                                "UPDATE balances SET quantity = $1 WHERE lot_id = 1 AND location_id = 1",
                                &[&(q + 1)],
                            )
                            .map_err(|e| url.driver(&e))?;
                            Ok(())
                        })
                        .unwrap();
                    }
                });
            }
        });
        let quantity: i64 = store
            .client
            .query_one("SELECT quantity FROM balances", &[])
            .unwrap()
            .get(0);
        assert_eq!(quantity, sessions * each);
        let verified = store.read(|conn| chain::verify(conn)).unwrap();
        assert!(verified.problems.is_empty(), "{:?}", verified.problems);
        let settings = verified
            .heads
            .iter()
            .find(|h| h.table == "settings")
            .unwrap();
        assert_eq!(settings.rows, 1 + sessions * each);
    }

    #[test]
    fn the_options_given_are_sent_as_given_and_nothing_is_added_to_them() {
        // A pooler such as PgBouncer refuses a startup packet's `options`:
        // labstock adds none of its own (it sets its session by a
        // statement, tested below), and keeps the user's.
        let url = Url::parse("postgres://lab@host/db?options=-c%20search_path%3Dlab").unwrap();
        assert_eq!(url.config.get_options(), Some("-c search_path=lab"));
        let waiting = url.with_lock_timeout(std::time::Duration::from_millis(250));
        assert_eq!(waiting.config.get_options(), Some("-c search_path=lab"));
        let plain = Url::parse("postgres://lab@host/db").unwrap();
        assert_eq!(
            plain.with_lock_timeout(Duration::ZERO).config.get_options(),
            None
        );
    }

    #[test]
    fn every_connection_turns_jit_off_and_waits_the_busy_timeout_for_a_lock() {
        let Some(mut db) = fresh_database("session") else {
            return;
        };
        let url = db.url.clone();
        drop(PgStore::init(&url, "2026-11-21T09:00:00Z", "t", crate::clock::Zone::UTC).unwrap());
        let waiting = url.with_lock_timeout(std::time::Duration::from_millis(250));
        let session = |client: &mut Client| -> (String, String) {
            let row = client
                .query_one(
                    "SELECT current_setting('jit'), current_setting('lock_timeout')",
                    &[],
                )
                .unwrap();
            (row.get(0), row.get(1))
        };
        let server_default: String = db
            .admin
            .query_one("SELECT current_setting('lock_timeout')", &[])
            .unwrap()
            .get(0);
        let want = ("off".to_owned(), "250ms".to_owned());
        // Opening (the setting made by its first statement)…
        let mut store = PgStore::open(&waiting).unwrap();
        assert_eq!(session(&mut store.client), want);
        // …any other connection…
        assert_eq!(session(&mut waiting.connect().unwrap()), want);
        // …one with no busy timeout given keeps the server's…
        assert_eq!(
            session(&mut url.connect().unwrap()),
            ("off".to_owned(), server_default)
        );
        // …and opening a database the first statement cannot read (here,
        // an older schema's without a settings table) sets it after.
        store
            .client
            .batch_execute("ALTER TABLE settings RENAME TO settings_gone")
            .unwrap();
        let mut store = PgStore::open(&waiting).unwrap();
        assert_eq!(session(&mut store.client), want);
    }

    /// A fresh database on the test server, dropped with this value (also
    /// when an assertion fails first), and a connection to the server's
    /// `postgres` database.
    struct TestDb {
        admin: Client,
        name: String,
        url: Url,
    }

    impl Drop for TestDb {
        fn drop(&mut self) {
            let _ = self.admin.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }

    /// A fresh database on the test server, or `None` (said on stderr)
    /// when no server answers and none is required.
    fn fresh_database(purpose: &str) -> Option<TestDb> {
        let server = std::env::var("LABSTOCK_TEST_PG")
            .ok()
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432".to_owned());
        let Ok(mut admin) = Client::connect(&format!("{server}/postgres"), NoTls) else {
            assert!(
                std::env::var_os("LABSTOCK_TEST_PG_REQUIRED").is_none(),
                "LABSTOCK_TEST_PG_REQUIRED is set but no PostgreSQL server answers at {server}"
            );
            eprintln!(
                "PostgreSQL test {purpose} NOT RUN: no server at {server}; set LABSTOCK_TEST_PG=postgres://USER@HOST:PORT and run `cargo test --lib store::postgres`"
            );
            return None;
        };
        let name = format!("labstock_unit_{purpose}_{}", std::process::id());
        admin
            .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
            .unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = Url::parse(&format!("{server}/{name}")).unwrap();
        Some(TestDb { admin, name, url })
    }

    #[test]
    fn a_statement_binds_alike_unnamed_on_first_use_and_prepared_after() {
        use crate::store::conn::{Cell, Sql};
        let Some(db) = fresh_database("binding") else {
            return;
        };
        let url = db.url.clone();
        let mut store =
            PgStore::init(&url, "2026-11-21T09:00:00Z", "t", crate::clock::Zone::UTC).unwrap();
        let jit: String = store.client.query_one("SHOW jit", &[]).unwrap().get(0);
        assert_eq!(jit, "off");
        store
            .client
            .batch_execute(
                "CREATE TABLE bound (n bigint, i bigint, t text COLLATE \"C\", b bytea, r float8)",
            )
            .unwrap();
        const INSERT: Sql =
            Sql::both("INSERT INTO bound (n, i, t, b, r) VALUES (?1, ?2, ?3, ?4, ?5)");
        const READ: Sql = Sql::both("SELECT n, i, t, b, r FROM bound WHERE n = ?1");
        let text = "tab\there, back\\slash \\x41, quote ' and É";
        let blob: &[u8] = &[0, 0x5c, 0x78, 0xff, b'\n'];
        let mut read_back = Vec::new();
        // Three uses on one connection: unnamed, then prepared, then reused.
        for n in 1..=3i64 {
            store
                .transact(&mut |conn| {
                    conn.execute(
                        &INSERT,
                        crate::args![
                            n,
                            -9_007_199_254_740_993i64,
                            text,
                            blob.to_vec(),
                            Cell::Real(if n == 2 { 1e300 } else { 0.1 })
                        ],
                    )?;
                    conn.query_one(&READ, crate::args![n], |r| {
                        Ok((
                            r.get::<i64>(1)?,
                            r.get::<String>(2)?,
                            r.get::<Vec<u8>>(3)?,
                            r.get::<f64>(4)?,
                            r.cell(0).map(|c| matches!(c, Cell::Integer(_)))?,
                        ))
                    })
                })
                .map(|row| read_back.push(row))
                .unwrap();
        }
        let expected = (
            -9_007_199_254_740_993i64,
            text.to_owned(),
            blob.to_vec(),
            true,
        );
        let reals: Vec<f64> = read_back.iter().map(|r| r.3).collect();
        assert_eq!(reals, [0.1, 1e300, 0.1]);
        assert!(
            read_back
                .iter()
                .all(|r| (&r.0, &r.1, &r.2, r.4)
                    == (&expected.0, &expected.1, &expected.2, expected.3)),
            "{read_back:?}"
        );
        // NULL, on first and second use.
        const NULLS: Sql = Sql::both("INSERT INTO bound (n, i, t) VALUES (?1, ?2, ?3)");
        for n in 4..=5i64 {
            store
                .transact(&mut |conn| {
                    conn.execute(&NULLS, crate::args![n, None::<i64>, None::<String>])?;
                    Ok(())
                })
                .unwrap();
        }
        let nulls: i64 = store
            .client
            .query_one(
                "SELECT count(*) FROM bound WHERE n >= 4 AND i IS NULL AND t IS NULL",
                &[],
            )
            .unwrap()
            .get(0);
        assert_eq!(nulls, 2);
    }

    #[test]
    fn opening_reads_the_lab_zone_with_the_schema_version_once() {
        let Some(db) = fresh_database("opening_zone") else {
            return;
        };
        let url = db.url.clone();
        let london = crate::clock::Zone::named("Europe/London").unwrap();
        drop(PgStore::init(&url, "2026-11-21T09:00:00Z", "t", london).unwrap());
        let mut store = PgStore::open(&url).unwrap();
        assert_eq!(
            store.take_opening_zone(),
            Some(OpeningZone(Some("Europe/London".into())))
        );
        // Taken once: a long-lived store reads it again for each request.
        assert_eq!(store.take_opening_zone(), None);
        // The zone changed after opening is what a later read sees.
        store
            .client
            .batch_execute(
                "INSERT INTO settings (id, key, value, at, \"user\", hash) \
                 SELECT max(id) + 1, 'timezone', 'Asia/Tokyo', '2026-11-21T10:00:00Z', 't', \
                        decode(repeat('00', 32), 'hex') FROM settings",
            )
            .unwrap();
        let mut store = PgStore::open(&url).unwrap();
        assert_eq!(
            store.take_opening_zone(),
            Some(OpeningZone(Some("Asia/Tokyo".into())))
        );
        // A labstock schema without a settings table (an older one) is
        // still identified by its version, with no zone read.
        store
            .client
            .batch_execute("ALTER TABLE settings RENAME TO settings_gone")
            .unwrap();
        let (found, zone) = identify_opening(&mut store.client, &url).unwrap();
        assert_eq!(
            found,
            Found::Labstock {
                version: SCHEMA_VERSION
            }
        );
        assert_eq!(zone, None);
        // And a database of another application stays foreign.
        store
            .client
            .batch_execute("DROP TABLE labstock_schema CASCADE")
            .unwrap();
        let (found, zone) = identify_opening(&mut store.client, &url).unwrap();
        assert!(matches!(found, Found::Foreign { .. }), "{found:?}");
        assert_eq!(zone, None);
    }

    #[test]
    fn every_row_comes_back_alike_unnamed_prepared_and_reused_and_the_caller_may_query_between() {
        use crate::store::conn::Sql;
        let Some(db) = fresh_database("collected") else {
            return;
        };
        let url = db.url.clone();
        let mut store =
            PgStore::init(&url, "2026-11-21T09:00:00Z", "t", crate::clock::Zone::UTC).unwrap();
        store
            .client
            .batch_execute(
                "CREATE TABLE many (n bigint, t text COLLATE \"C\"); \
                 INSERT INTO many SELECT g, 'row ' || g FROM generate_series(1, 2500) g",
            )
            .unwrap();
        const ALL: Sql = Sql::both("SELECT n, t FROM many WHERE n >= ?1 ORDER BY n");
        const ONE: Sql = Sql::both("SELECT t FROM many WHERE n = ?1");
        // Three uses on one connection: unnamed, then prepared, then
        // reused; more rows than a portal's batch; and a statement of the
        // caller's own run while going through the rows.
        for from in [1i64, 2, 3] {
            let rows = store
                .transact(&mut |conn| {
                    conn.query_all(&ALL, crate::args![from], |r| {
                        let n: i64 = r.get(0)?;
                        let again: String = conn.query_one(&ONE, crate::args![n], |r| r.get(0))?;
                        Ok((n, r.get::<String>(1)?, again))
                    })
                })
                .unwrap();
            assert_eq!(rows.len(), (2501 - from) as usize);
            assert!(
                rows.iter()
                    .zip(from..)
                    .all(|((n, t, again), want)| *n == want
                        && *t == format!("row {want}")
                        && again == t),
                "from {from}"
            );
        }
    }

    /// A value the driver cannot send is a failed statement, not an
    /// unreachable server (it was once reported as "cannot reach the
    /// server"); a port nobody listens on is unreachable.
    #[test]
    fn a_value_the_driver_cannot_convert_is_no_unreachable_server() {
        let Some(db) = fresh_database("classify") else {
            return;
        };
        let mut client = db.url.connect().unwrap();
        let e = client
            .query("SELECT $1::json", &[&"[1, 2]"])
            .expect_err("text bound where json is expected");
        assert!(
            matches!(classify(&e, None), PgProblem::Failed { .. }),
            "{e:?}"
        );
        let nobody = Url::parse("postgres://postgres@127.0.0.1:1/x").unwrap();
        let Err(e) = nobody.config.connect(NoTls) else {
            panic!("something listens on port 1");
        };
        assert!(
            matches!(classify(&e, None), PgProblem::Unreachable { .. }),
            "{e:?}"
        );
    }

    #[test]
    fn a_malformed_url_is_refused_without_its_password() {
        let e = Url::parse("postgres://lab:s3cret@host:notaport/db").unwrap_err();
        assert!(!e.to_string().contains("s3cret"), "{e}");
    }
}
