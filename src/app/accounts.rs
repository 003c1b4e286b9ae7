//! Accounts (SPEC §11): `user add|list|role|password|disable|token`, and
//! the server's sign-in, sessions and API tokens. Each write stamps the
//! actor's user and time on its chained record.

use chrono::NaiveDate;

use super::Actor;
use crate::accounts::{Account, IssuedToken, Password, Principal, Role, SignIn, SignInCheck};
use crate::error::Result;
use crate::store::Store;

/// `user add NAME --role ROLE [--full-name TEXT]`.
#[derive(Debug)]
pub struct NewAccount {
    pub name: String,
    pub role: Role,
    pub full_name: Option<String>,
    pub password: Password,
}

pub fn add(store: &mut Store, req: &NewAccount, actor: Actor<'_>) -> Result<Account> {
    store.add_account(
        &req.name,
        req.role,
        req.full_name.as_deref(),
        &req.password,
        actor.now.get(),
        actor.user,
    )
}

pub fn list(store: &Store) -> Result<Vec<Account>> {
    store.accounts()
}

pub fn get(store: &Store, name: &str) -> Result<Account> {
    store.account(name)
}

/// Whether the role changed.
pub fn set_role(store: &mut Store, name: &str, role: Role, actor: Actor<'_>) -> Result<bool> {
    store.set_account_role(name, role, actor.now.get(), actor.user)
}

/// A new password; the account's sessions end.
pub fn set_password(
    store: &mut Store,
    name: &str,
    password: &Password,
    actor: Actor<'_>,
) -> Result<()> {
    store.set_account_password(name, password, actor.now.get(), actor.user)
}

/// Whether it changed (a disabled account stays disabled).
pub fn disable(store: &mut Store, name: &str, actor: Actor<'_>) -> Result<bool> {
    store.disable_account(name, actor.now.get(), actor.user)
}

pub fn issue_token(
    store: &mut Store,
    name: &str,
    expires_on: Option<NaiveDate>,
    actor: Actor<'_>,
) -> Result<IssuedToken> {
    store.issue_token(name, expires_on, actor.now.get(), actor.today, actor.user)
}

/// Whether the server may start: an active manager must exist.
pub fn has_active_manager(store: &Store) -> Result<bool> {
    store.has_active_manager()
}

/// Sign in (the actor's `now` dates the session or the failure).
pub fn sign_in(
    store: &mut Store,
    name: &str,
    password: &Password,
    actor: Actor<'_>,
) -> Result<SignIn> {
    store.sign_in(name, password, actor.now.get())
}

/// The slow half of a sign-in (the password hash), reading only.
pub fn check_sign_in(
    store: &Store,
    name: &str,
    password: &Password,
    actor: Actor<'_>,
) -> Result<SignInCheck> {
    store.check_sign_in(name, password, actor.now.get())
}

/// The quick half: the session, or the failure, written.
pub fn record_sign_in(store: &mut Store, checked: SignInCheck, actor: Actor<'_>) -> Result<SignIn> {
    store.record_sign_in(checked, actor.now.get())
}

/// The account of a live session, and whether its idle clock is due a refresh.
pub fn session(
    store: &Store,
    session: &str,
    actor: Actor<'_>,
) -> Result<Option<(Principal, bool)>> {
    store.session_principal(session, actor.now.get())
}

pub fn touch_session(store: &mut Store, session: &str, actor: Actor<'_>) -> Result<()> {
    store.touch_session(session, actor.now.get())
}

pub fn sign_out(store: &mut Store, session: &str) -> Result<()> {
    store.end_session(session)
}

/// The account of an unexpired API token.
pub fn token(store: &Store, token: &str, actor: Actor<'_>) -> Result<Option<Principal>> {
    store.token_principal(token, actor.today)
}
