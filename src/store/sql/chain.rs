//! The statements of every chained table (`crate::chain`), written once
//! here and instantiated per table at compile time from its name and
//! columns (`chain::chained!`): its last row, its INSERT and its rows in
//! hash order. The same text runs on both engines.

/// The chain's last row: `id` and `hash` (a backwards step of the primary
/// key).
macro_rules! chain_last {
    ($table:literal) => {
        concat!("SELECT id, hash FROM ", $table, " ORDER BY id DESC LIMIT 1")
    };
}

/// `", ?"`, once per column, for [`chain_insert!`].
macro_rules! chain_placeholder {
    ($col:literal) => {
        ", ?"
    };
}

/// The INSERT of a row: `id`, the columns, `hash`.
macro_rules! chain_insert {
    ($table:literal, [$($col:literal),+], [$($add:literal),*]) => {
        concat!(
            "INSERT INTO ", $table, " (id", $(", ", $col,)+ $(", ", $add,)* ", hash) VALUES (?",
            $($crate::store::sql::chain::chain_placeholder!($col),)+
            $($crate::store::sql::chain::chain_placeholder!($add),)* ", ?)"
        )
    };
}

/// Every row in hash order, every column quoted (PostgreSQL reserves
/// `user`).
macro_rules! chain_rows {
    ($table:literal, [$($col:literal),+], [$($add:literal),*]) => {
        concat!(
            "SELECT id", $(", \"", $col, "\"",)+ $(", \"", $add, "\"",)* ", hash FROM ", $table,
            " ORDER BY id"
        )
    };
}

pub(crate) use {chain_insert, chain_last, chain_placeholder, chain_rows};
