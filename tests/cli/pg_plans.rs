//! Query plans on PostgreSQL (issue 15): the statements of the hot paths
//! that run there find their rows through the indexes of
//! src/store/postgres/schema.sql, as tests/cli/plans.rs proves for SQLite.
//! A test database is small, so the planner would rightly scan it; with
//! sequential scans disabled, a statement that still scans has no index
//! it can use. Each plan is asked with the statement's own parameters
//! bound, as labstock runs it.

use labstock::store::Sql;
use labstock::store::sql::{catalogue, ledger};
use postgres::types::ToSql;

use crate::postgres::demo_on_postgres;

/// The plan of `sql` with `params`, one line per node.
pub(crate) fn plan(
    client: &mut postgres::Client,
    sql: &Sql,
    params: &[&(dyn ToSql + Sync)],
) -> String {
    let rows = client
        .query(&format!("EXPLAIN {}", sql.postgres_numbered()), params)
        .unwrap_or_else(|e| panic!("EXPLAIN {}: {e}", sql.postgres()));
    rows.iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `sql` searches by an index (one of `indexes`: on a small database the
/// planner may prefer another index to the one a large lab needs, but
/// never a scan of a whole table).
pub(crate) fn assert_uses(
    client: &mut postgres::Client,
    sql: &Sql,
    params: &[&(dyn ToSql + Sync)],
    indexes: &[&str],
) {
    let plan = plan(client, sql, params);
    assert!(
        indexes.iter().any(|i| plan.contains(i)) && !plan.contains("Seq Scan"),
        "{}\nshould search {indexes:?}, plan:\n{plan}",
        sql.postgres()
    );
}

#[test]
fn postgres_hot_statements_search_by_index() {
    let Some((_lab, db)) = demo_on_postgres("plans") else {
        return;
    };
    let mut client = db.client();
    client
        .batch_execute("SET enable_seqscan = off")
        .expect("disable sequential scans");
    let (item, lot, location): (i64, i64, i64) = (1, 1, 1);
    let code = "CHM-FORMALIN";
    let now = "2026-11-21T09:00:00Z";
    assert_uses(
        &mut client,
        &catalogue::ITEM_BY_CODE,
        &[&code],
        &["items_code_key"],
    );
    assert_uses(
        &mut client,
        &catalogue::LOCATION_BY_CODE,
        &[&"MAIN"],
        &["locations_code_key"],
    );
    for sql in [
        &labstock::store::sql::reports::ITEM_NAMES,
        &labstock::reorder::sql::ITEM_TEXTS,
    ] {
        assert_uses(&mut client, sql, &[&"[1, 2, 3]"], &["items_pkey"]);
    }
    for index in ["items_code_exact", "locations_code_exact"] {
        assert_uses(
            &mut client,
            &catalogue::ITEM_AND_LOCATION_BY_CODE,
            &[&code, &"MAIN"],
            &[index],
        );
    }
    assert_uses(
        &mut client,
        &ledger::LOT_BY_NAME,
        &[&item, &"A1"],
        &["lots_item_id_lot_key"],
    );
    assert_uses(
        &mut client,
        &ledger::BALANCE,
        &[&lot, &location, &""],
        &["balances_pkey"],
    );
    assert_uses(
        &mut client,
        &ledger::PORTIONS,
        &[&lot, &location],
        &["balances_pkey", "balances_location", "balances_in_stock"],
    );
    assert_uses(
        &mut client,
        &ledger::LOTS_WITH_STOCK,
        &[&item, &location],
        &["balances_item"],
    );
    assert_uses(
        &mut client,
        &ledger::ORDER_LINE,
        &[&"PO-1", &item],
        &["orders_reference_item_id_key", "orders_item"],
    );
    assert_uses(
        &mut client,
        &ledger::LATER_OF_LOT,
        // A movement backdated before the whole ledger: the lot's index
        // range, not the time index's, is the one that stays small.
        &[&lot, &"2020-01-01T00:00:00Z"],
        &["movements_lot_at"],
    );
    assert_uses(
        &mut client,
        &ledger::MOVEMENTS_AFTER,
        &[&now, &None::<i64>, &None::<i64>, &None::<i64>],
        &["movements_at"],
    );
    assert_uses(
        &mut client,
        &ledger::STOCK_OF_ITEM,
        &[&Some(item), &None::<i64>, &None::<i64>, &true],
        &["balances_item"],
    );
    assert_uses(
        &mut client,
        &ledger::STOCK_AT_LOCATION,
        &[&None::<i64>, &Some(location), &None::<i64>, &true],
        &["balances_location"],
    );
    assert_uses(
        &mut client,
        &ledger::STOCK_OF_LOT,
        &[&None::<i64>, &None::<i64>, &Some(lot), &true],
        &["balances_pkey", "balances_in_stock"],
    );
}
