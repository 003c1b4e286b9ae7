//! Accounts, roles, API tokens and the server's sessions (SPEC §11).
//!
//! An account is a name, a role and an argon2id password hash. The
//! account as it stands is a row of `accounts`; every change (added, role,
//! password changed, disabled, token issued) is a chained record of
//! `account_changes`, listed by `audit`, that never holds a password or a
//! hash of one. API tokens and session ids are high-entropy random
//! strings, stored only as their SHA-256.
//!
//! Sessions and sign-in failures are the server's operational state, not
//! evidence: they are not chained, and rows are deleted when they end.

use std::fmt;
use std::str::FromStr;

use crate::args;
use crate::store::Conn;
use crate::store::sql::accounts as sql;
use argon2::password_hash::{Output, PasswordHash, PasswordHasher, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rand_core::{OsRng, RngCore};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::chain;
use crate::error::{Error, Result};
use crate::model::stamp;
use crate::store::Store;

/// The shortest password accepted (SPEC §11).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// A session ends after this long without a request (SPEC §11).
pub const SESSION_IDLE: TimeDelta = TimeDelta::hours(10);
/// Sign-in failures for one name within this window lock it…
pub const LOCKOUT_WINDOW: TimeDelta = TimeDelta::minutes(15);
/// …this many failures…
pub const LOCKOUT_FAILURES: usize = 5;
/// …for this long.
pub const LOCKOUT_FOR: TimeDelta = TimeDelta::minutes(15);
/// How stale a session's `last_seen` may get before a request refreshes
/// it (so that not every read request is a write).
pub const SESSION_TOUCH_AFTER: TimeDelta = TimeDelta::minutes(1);

/// A role: each includes everything of the roles before it, except
/// `auditor`, who reads everything (the audit trail included) and writes
/// nothing. The permission table is in [`crate::app::roles`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Assistant,
    Supervisor,
    Manager,
    Auditor,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Viewer,
        Role::Assistant,
        Role::Supervisor,
        Role::Manager,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Assistant => "assistant",
            Role::Supervisor => "supervisor",
            Role::Manager => "manager",
            Role::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = Error;

    fn from_str(text: &str) -> Result<Role> {
        let t = text.trim();
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(t))
            .ok_or_else(|| {
                Error::invalid(
                    "role",
                    text,
                    "one of viewer, assistant, supervisor, manager, auditor",
                )
            })
    }
}

/// One account, as `user list` shows it (never its password hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Account {
    #[serde(skip)]
    pub id: i64,
    pub name: String,
    pub full_name: Option<String>,
    pub role: Role,
    /// `active` or `disabled`.
    pub status: &'static str,
    pub created_at: String,
    pub created_by: String,
}

impl Account {
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}

pub const ACCOUNT_HEADERS: &[&str] = &[
    "name",
    "full_name",
    "role",
    "status",
    "created_at",
    "created_by",
];

/// A password as typed: checked for length, hashed with argon2id, never
/// printed (its `Debug` hides it).
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<hidden>)")
    }
}

impl Password {
    /// A new password: at least [`MIN_PASSWORD_CHARS`] characters.
    pub fn new(text: String) -> Result<Password> {
        let chars = text.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(Error::PasswordTooShort {
                chars,
                min: MIN_PASSWORD_CHARS,
            });
        }
        Ok(Password(text))
    }

    /// A password offered at sign-in (not checked for length: a wrong one
    /// is only ever wrong).
    pub fn offered(text: String) -> Password {
        Password(text)
    }

    /// Whether `other` is the same password (for "type it again").
    pub fn is_same(&self, other: &str) -> bool {
        self.0 == other
    }

    fn hash(&self) -> Result<String> {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(self.0.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| Error::Refused(crate::error::Refusal::Unhashable))
    }

    /// Whether this is the password of the PHC string `stored`, with the
    /// parameters the string names, computed in a kept workspace (see
    /// [`with_workspace`]); the comparison takes constant time.
    fn matches(&self, stored: &str) -> bool {
        let Ok(h) = PasswordHash::new(stored) else {
            return false;
        };
        let (Ok(params), Ok(algorithm)) = (Params::try_from(&h), Algorithm::try_from(h.algorithm))
        else {
            return false;
        };
        let version = match h.version.map(Version::try_from).transpose() {
            Ok(v) => v.unwrap_or_default(),
            Err(_) => return false,
        };
        let (Some(salt), Some(expected)) = (h.salt, h.hash) else {
            return false;
        };
        let mut salt_bytes = [0u8; 64];
        let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
            return false;
        };
        let mut out = vec![0u8; expected.len()];
        let argon = Argon2::new(algorithm, version, params.clone());
        let done = with_workspace(params.block_count(), |blocks| {
            argon.hash_password_into_with_memory(self.0.as_bytes(), raw_salt, &mut out, blocks)
        });
        // `Output`'s equality is constant-time.
        done.is_ok() && Output::new(&out).is_ok_and(|o| o == expected)
    }
}

/// Argon2 workspaces kept for the next hash (19 MiB each with the default
/// parameters): at most [`WORKSPACES_KEPT`].
static WORKSPACES: std::sync::Mutex<Vec<Vec<Block>>> = std::sync::Mutex::new(Vec::new());

/// Workspaces kept between hashes: as many as the server checks passwords
/// at once.
pub const WORKSPACES_KEPT: usize = 2;

/// Run `f` with an argon2 workspace of `blocks` blocks: one kept from an
/// earlier hash, else a new one, kept afterwards up to
/// [`WORKSPACES_KEPT`]. A long-running server so holds a fixed few
/// workspaces instead of allocating 19 MiB per sign-in, which the C
/// allocator keeps after a free (it raises its mmap threshold to the size
/// freed), scattered over its arenas.
fn with_workspace<T>(blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
    let kept = WORKSPACES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .pop();
    let mut space = match kept {
        Some(space) if space.len() == blocks => space,
        _ => vec![Block::default(); blocks],
    };
    let result = f(&mut space);
    let mut kept = WORKSPACES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if kept.len() < WORKSPACES_KEPT {
        kept.push(space);
    }
    result
}

/// A hash the verifier runs against when no account has the name, so an
/// unknown name takes as long as a wrong password.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        Password("labstock decoy password".into())
            .hash()
            .unwrap_or_default()
    })
}

/// A random secret (session id or API token) as lowercase hex.
pub fn random_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    let mut text = String::with_capacity(prefix.len() + 64);
    text.push_str(prefix);
    for b in bytes {
        text.push_str(&format!("{b:02x}"));
    }
    text
}

/// A readable random password for a demo account (`serve --demo`).
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    let mut out = String::with_capacity(19);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]));
    }
    out
}

fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// An account name: trimmed, not blank, no control characters, no `:`
/// (HTTP basic and `audit --entity account:NAME` read it).
pub fn parse_name(text: &str) -> Result<String> {
    let name = text.trim();
    if name.is_empty() || name.chars().any(|c| c.is_control() || c == ':') || name.len() > 100 {
        return Err(Error::invalid(
            "account name",
            text,
            "a name of 1 to 100 characters without control characters or ':'",
        ));
    }
    Ok(name.to_owned())
}

/// Who a request acts as: the signed-in account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub account_id: i64,
    pub name: String,
    pub role: Role,
}

/// How a sign-in went.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the session id to hand to the browser (only its hash is
    /// stored).
    Started { session: String, who: Principal },
    /// Wrong name or wrong password (the two are not told apart).
    Refused,
    /// Too many failures for this name lately: locked until `until`,
    /// `retry_after` seconds from now.
    Locked {
        until: DateTime<Utc>,
        retry_after: i64,
    },
}

/// The first half of a sign-in, for [`Store::record_sign_in`].
#[derive(Debug)]
pub struct SignInCheck(Checked);

#[derive(Debug)]
enum Checked {
    Locked(DateTime<Utc>),
    Matched(Principal),
    /// The name as folded, for the failure record.
    Failed(String),
}

/// What `user token` issued.
#[derive(Debug)]
pub struct IssuedToken {
    pub token: String,
    pub expires_on: Option<NaiveDate>,
}

fn account_row(r: &crate::store::Row<'_>) -> Result<(Account, String)> {
    let role: String = r.get(3)?;
    let disabled: bool = r.get(4)?;
    Ok((
        Account {
            id: r.get(0)?,
            name: r.get(1)?,
            full_name: r.get(2)?,
            role: Role::Viewer,
            status: if disabled { "disabled" } else { "active" },
            created_at: r.get(5)?,
            created_by: r.get(6)?,
        },
        role,
    ))
}

fn with_role((mut account, role): (Account, String)) -> Result<Account> {
    account.role = role.parse()?;
    Ok(account)
}

fn find_account(conn: Conn<'_>, name: &str) -> Result<Account> {
    match conn.query_opt(&sql::ACCOUNT_BY_NAME, args![name.trim()], account_row)? {
        Some(row) => with_role(row),
        None => Err(Error::NotFound {
            entity: "account",
            key: name.trim().to_owned(),
            within: None,
            suggestions: Vec::new(),
        }),
    }
}

/// Refuse to leave the lab without an active manager.
fn keep_a_manager(conn: Conn<'_>, account: &Account) -> Result<()> {
    if account.role != Role::Manager || !account.is_active() {
        return Ok(());
    }
    let others: i64 = conn.query_one(&sql::OTHER_MANAGERS, args![account.id], |r| r.get(0))?;
    if others == 0 {
        return Err(Error::LastManager {
            name: account.name.clone(),
        });
    }
    Ok(())
}

fn record_change(
    conn: Conn<'_>,
    account_id: i64,
    action: &str,
    detail: &str,
    now: &str,
    user: &str,
) -> Result<()> {
    chain::append_cells(
        conn,
        &chain::ACCOUNT_CHANGES,
        args![account_id, action, detail, now, user],
    )?;
    Ok(())
}

fn parse_stamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// When a name is locked, given its failure times (oldest first): five
/// failures within 15 minutes lock it for 15 minutes from the fifth.
pub fn locked_until(failures: &[DateTime<Utc>], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    failures
        .windows(LOCKOUT_FAILURES)
        .filter(|w| w[LOCKOUT_FAILURES - 1] - w[0] <= LOCKOUT_WINDOW)
        .map(|w| w[LOCKOUT_FAILURES - 1] + LOCKOUT_FOR)
        .filter(|until| *until > now)
        .max()
}

impl Store {
    /// `user add`.
    pub fn add_account(
        &mut self,
        name: &str,
        role: Role,
        full_name: Option<&str>,
        password: &Password,
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<Account> {
        let name = parse_name(name)?;
        let full_name = full_name.map(str::trim).filter(|f| !f.is_empty());
        let hash = password.hash()?;
        let now = stamp(now);
        self.transact(|conn| {
            if conn
                .query_opt(&sql::ACCOUNT_BY_NAME, args![name], |_| Ok(()))?
                .is_some()
            {
                return Err(Error::AlreadyExists {
                    entity: "account",
                    key: name.clone(),
                    within: None,
                });
            }
            let id = conn.insert(
                &sql::INSERT_ACCOUNT,
                args![name, full_name, role.as_str(), hash, now, user],
            )?;
            let detail = match full_name {
                Some(f) => format!("role {role}; full name {f}"),
                None => format!("role {role}"),
            };
            record_change(conn, id, "added", &detail, &now, user)?;
            find_account(conn, &name)
        })
    }

    /// `user list`: every account, by name.
    pub fn accounts(&self) -> Result<Vec<Account>> {
        self.read(|conn| conn.query_all(&sql::ACCOUNTS, args![], account_row))?
            .into_iter()
            .map(with_role)
            .collect()
    }

    /// One account by name (case-insensitive).
    pub fn account(&self, name: &str) -> Result<Account> {
        self.read(|conn| find_account(conn, name))
    }

    /// Whether any active manager exists (the server needs one).
    pub fn has_active_manager(&self) -> Result<bool> {
        let n: i64 = self.read(|conn| conn.query_one(&sql::ANY_MANAGER, args![], |r| r.get(0)))?;
        Ok(n > 0)
    }

    /// `user role NAME ROLE`: whether it changed.
    pub fn set_account_role(
        &mut self,
        name: &str,
        role: Role,
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<bool> {
        let now = stamp(now);
        self.transact(|conn| {
            let account = find_account(conn, name)?;
            if account.role == role {
                return Ok(false);
            }
            keep_a_manager(conn, &account)?;
            conn.execute(&sql::SET_ROLE, args![account.id, role.as_str()])?;
            let detail = format!("role {} -> {role}", account.role);
            record_change(conn, account.id, "role", &detail, &now, user)?;
            Ok(true)
        })
    }

    /// `user password NAME`: a new hash; every session of the account ends.
    pub fn set_account_password(
        &mut self,
        name: &str,
        password: &Password,
        now: DateTime<Utc>,
        user: &str,
    ) -> Result<()> {
        let hash = password.hash()?;
        let now = stamp(now);
        self.transact(|conn| {
            let account = find_account(conn, name)?;
            conn.execute(&sql::SET_PASSWORD, args![account.id, hash])?;
            conn.execute(&sql::END_SESSIONS_OF, args![account.id])?;
            record_change(
                conn,
                account.id,
                "password",
                "password changed; sessions ended",
                &now,
                user,
            )
        })
    }

    /// `user disable NAME`: no more sign-ins, sessions or tokens. Returns
    /// whether it changed (a disabled account stays disabled).
    pub fn disable_account(&mut self, name: &str, now: DateTime<Utc>, user: &str) -> Result<bool> {
        let now = stamp(now);
        self.transact(|conn| {
            let account = find_account(conn, name)?;
            if !account.is_active() {
                return Ok(false);
            }
            keep_a_manager(conn, &account)?;
            conn.execute(&sql::DISABLE, args![account.id, now])?;
            conn.execute(&sql::END_SESSIONS_OF, args![account.id])?;
            record_change(
                conn,
                account.id,
                "disabled",
                "disabled; sessions and tokens ended",
                &now,
                user,
            )?;
            Ok(true)
        })
    }

    /// `user token NAME [--expires DATE]`: a new API token, returned once.
    pub fn issue_token(
        &mut self,
        name: &str,
        expires_on: Option<NaiveDate>,
        now: DateTime<Utc>,
        today: NaiveDate,
        user: &str,
    ) -> Result<IssuedToken> {
        if let Some(e) = expires_on.filter(|e| *e < today) {
            return Err(Error::invalid(
                "--expires date",
                e.to_string(),
                format!("a date from today ({today}) on"),
            ));
        }
        let now = stamp(now);
        let token = random_secret("lst_");
        self.transact(|conn| {
            let account = find_account(conn, name)?;
            if !account.is_active() {
                return Err(Error::AccountDisabled { name: account.name });
            }
            let token_id = conn.insert(
                &sql::INSERT_TOKEN,
                args![
                    account.id,
                    secret_hash(&token),
                    expires_on.map(|d| d.to_string()),
                    now,
                    user
                ],
            )?;
            let detail = match expires_on {
                Some(d) => format!("API token {token_id} issued, expires {d}"),
                None => format!("API token {token_id} issued, no expiry"),
            };
            record_change(conn, account.id, "token", &detail, &now, user)
        })?;
        Ok(IssuedToken { token, expires_on })
    }

    /// Sign in with a name and password: a new session, or refused, or
    /// locked. A failure is recorded against the name as submitted
    /// (case-folded) whether or not an account has it. (The server runs
    /// the two halves apart, [`Store::check_sign_in`] on a reader and
    /// [`Store::record_sign_in`] on the writer, so the deliberately slow
    /// hash never holds up other writes.)
    pub fn sign_in(
        &mut self,
        name: &str,
        password: &Password,
        now: DateTime<Utc>,
    ) -> Result<SignIn> {
        let checked = self.check_sign_in(name, password, now)?;
        self.record_sign_in(checked, now)
    }

    /// The first half of a sign-in, reading only: is the name locked, and
    /// does the password match an active account of that name?
    pub fn check_sign_in(
        &self,
        name: &str,
        password: &Password,
        now: DateTime<Utc>,
    ) -> Result<SignInCheck> {
        let folded = name.trim().to_lowercase();
        let since = stamp(now - LOCKOUT_WINDOW - LOCKOUT_FOR);
        let (failures, found) = self.read(|conn| {
            let failures: Vec<String> =
                conn.query_all(&sql::FAILURES, args![folded, since], |r| r.get(0))?;
            let found: Option<(i64, String, String, String, bool)> =
                conn.query_opt(&sql::SIGN_IN, args![name.trim()], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?;
            Ok((failures, found))
        })?;
        let failures: Vec<DateTime<Utc>> = failures.iter().filter_map(|t| parse_stamp(t)).collect();
        if let Some(until) = locked_until(&failures, now) {
            return Ok(SignInCheck(Checked::Locked(until)));
        }
        Ok(SignInCheck(match found {
            Some((id, name, role, hash, active)) if password.matches(&hash) && active => {
                Checked::Matched(Principal {
                    account_id: id,
                    name,
                    role: role.parse()?,
                })
            }
            Some(_) => Checked::Failed(folded),
            None => {
                let _ = password.matches(decoy_hash());
                Checked::Failed(folded)
            }
        }))
    }

    /// The second half of a sign-in: start the session, or record the
    /// failure.
    pub fn record_sign_in(&mut self, checked: SignInCheck, now: DateTime<Utc>) -> Result<SignIn> {
        let since = stamp(now - LOCKOUT_WINDOW - LOCKOUT_FOR);
        let now_text = stamp(now);
        let outcome = match checked.0 {
            Checked::Locked(until) => {
                return Ok(SignIn::Locked {
                    until,
                    retry_after: (until - now).num_seconds().max(1),
                });
            }
            Checked::Matched(who) => {
                let session = random_secret("");
                self.transact(|conn| {
                    conn.execute(
                        &sql::INSERT_SESSION,
                        args![secret_hash(&session), who.account_id, now_text],
                    )?;
                    // Earlier failures of this name no longer count.
                    conn.execute(&sql::CLEAR_FAILURES, args![who.name.to_lowercase()])?;
                    Ok(())
                })?;
                SignIn::Started { session, who }
            }
            Checked::Failed(folded) => {
                self.transact(|conn| {
                    conn.execute(&sql::INSERT_FAILURE, args![folded, now_text])?;
                    // Keep the table small: failures older than any lock.
                    conn.execute(&sql::FORGET_OLD_FAILURES, args![since])?;
                    Ok(())
                })?;
                SignIn::Refused
            }
        };
        Ok(outcome)
    }

    /// The account a session id belongs to, if the session is live and the
    /// account active; also whether its `last_seen` is due a refresh.
    pub fn session_principal(
        &self,
        session: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(Principal, bool)>> {
        let row: Option<(i64, String, String, String)> = self.read(|conn| {
            conn.query_opt(&sql::SESSION, args![secret_hash(session)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
        })?;
        let Some((id, name, role, last_seen)) = row else {
            return Ok(None);
        };
        let Some(seen) = parse_stamp(&last_seen) else {
            return Ok(None);
        };
        if now - seen > SESSION_IDLE {
            return Ok(None);
        }
        let touch = now - seen > SESSION_TOUCH_AFTER;
        Ok(Some((
            Principal {
                account_id: id,
                name,
                role: role.parse()?,
            },
            touch,
        )))
    }

    /// Refresh a session's idle clock.
    pub fn touch_session(&mut self, session: &str, now: DateTime<Utc>) -> Result<()> {
        self.transact(|conn| {
            conn.execute(&sql::TOUCH_SESSION, args![secret_hash(session), stamp(now)])?;
            Ok(())
        })
    }

    /// Sign out: the session ends.
    pub fn end_session(&mut self, session: &str) -> Result<()> {
        self.transact(|conn| {
            conn.execute(&sql::END_SESSION, args![secret_hash(session)])?;
            Ok(())
        })
    }

    /// The account an API token belongs to, if the token is unexpired and
    /// the account active.
    pub fn token_principal(&self, token: &str, today: NaiveDate) -> Result<Option<Principal>> {
        let row: Option<(i64, String, String)> = self.read(|conn| {
            conn.query_opt(
                &sql::TOKEN,
                args![secret_hash(token), today.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
        })?;
        row.map(|(id, name, role)| {
            Ok(Principal {
                account_id: id,
                name,
                role: role.parse()?,
            })
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_checked_in_a_kept_workspace_as_argon2_checks_it() {
        use argon2::password_hash::PasswordVerifier;
        let right = Password("correct horse battery staple".into());
        let stored = right.hash().expect("hash");
        let parsed = PasswordHash::new(&stored).expect("PHC string");
        assert!(
            Argon2::default()
                .verify_password(b"correct horse battery staple", &parsed)
                .is_ok()
        );
        // Twice: the second check runs in the workspace the first kept.
        assert!(right.matches(&stored));
        assert!(right.matches(&stored));
        assert!(!Password("correct horse battery stapl".into()).matches(&stored));
        assert!(!right.matches("not a hash"));
        assert!(!right.matches(""));
        // A hash with other parameters (a smaller m) is checked with its own.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).expect("params"),
        )
        .hash_password(b"another long password", &SaltString::generate(&mut OsRng))
        .expect("hash")
        .to_string();
        assert!(Password("another long password".into()).matches(&small));
        assert!(!Password("another long passwore".into()).matches(&small));
        assert!(
            WORKSPACES
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .len()
                <= WORKSPACES_KEPT
        );
    }

    fn t(min: i64) -> DateTime<Utc> {
        DateTime::<Utc>::UNIX_EPOCH + TimeDelta::minutes(min)
    }

    #[test]
    fn five_failures_within_fifteen_minutes_lock_for_fifteen() {
        let f = [t(0), t(1), t(2), t(3), t(4)];
        assert_eq!(locked_until(&f[..4], t(5)), None);
        assert_eq!(locked_until(&f, t(5)), Some(t(19)));
        assert_eq!(locked_until(&f, t(19)), None);
        let spread = [t(0), t(5), t(10), t(15), t(16)];
        assert_eq!(locked_until(&spread, t(17)), None);
    }

    #[test]
    fn roles_parse_case_insensitively_and_refuse_others() {
        assert_eq!("Manager".parse::<Role>().ok(), Some(Role::Manager));
        assert!("admin".parse::<Role>().is_err());
    }

    #[test]
    fn short_passwords_are_refused_and_never_shown() {
        let e = Password::new("short".into()).err().map(|e| e.to_string());
        assert!(e.is_some_and(|m| !m.contains("short")));
        let p = Password::new("long enough password".into()).ok();
        assert!(format!("{p:?}").contains("hidden"));
    }
}
