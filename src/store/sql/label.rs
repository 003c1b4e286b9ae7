//! The SQL of labels (src/label.rs).

use crate::store::Sql;

/// The batch a lot was made as, if it was.
pub const BATCH_OF_LOT: Sql =
    Sql::both("SELECT prepared_on, \"user\", id FROM batches WHERE lot_id = ?1");
/// What went into a batch, in the order recorded.
pub const BATCH_CONTENTS: Sql = Sql::both(
    "SELECT i.code, l.lot FROM batch_components c JOIN items i ON i.id = c.item_id \
     JOIN lots l ON l.id = c.lot_id WHERE c.batch_id = ?1 ORDER BY c.id",
);
/// A lot's first receipt: when and by whom.
pub const FIRST_RECEIPT: Sql = Sql::both(
    "SELECT at, \"user\" FROM movements WHERE item_id = ?1 AND lot_id = ?2 AND kind = 'receive' \
     ORDER BY id LIMIT 1",
);
