//! Lab settings: `config set|get|list`.

use super::Actor;
use crate::error::Result;
use crate::settings::Setting;
use crate::store::Store;

/// What `config set` did: the value now stored, or that it was already so.
#[derive(Debug, Clone)]
pub enum SetOutcome {
    Set { stored: String },
    Unchanged,
}

pub fn set(store: &mut Store, key: &str, value: &str, actor: Actor<'_>) -> Result<SetOutcome> {
    if store.set_setting(key, value, actor.now.get(), actor.user)? {
        Ok(SetOutcome::Set {
            stored: store.setting(key)?.unwrap_or_default(),
        })
    } else {
        Ok(SetOutcome::Unchanged)
    }
}

/// A setting's value (empty when unset).
pub fn get(store: &Store, key: &str) -> Result<String> {
    Ok(store.setting(key)?.unwrap_or_default())
}

pub fn list(store: &Store) -> Result<Vec<Setting>> {
    store.settings()
}
