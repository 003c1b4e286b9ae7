//! The statement trace behind [`Store::trace_statements`](crate::store::Store::trace_statements).
//!
//! SQLite calls back a plain function, so the sink a caller gives is kept
//! in a process-wide slot and one trampoline forwards each statement to it.

use std::sync::{Mutex, PoisonError};

use rusqlite::Connection;
use rusqlite::trace::{TraceEvent, TraceEventCodes};

static SINK: Mutex<Option<fn(&str)>> = Mutex::new(None);

fn forward(event: TraceEvent<'_>) {
    if let TraceEvent::Stmt(_, sql) = event {
        let sink = *SINK.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sink) = sink {
            sink(sql);
        }
    }
}

pub(super) fn set(conn: &mut Connection, sink: Option<fn(&str)>) {
    *SINK.lock().unwrap_or_else(PoisonError::into_inner) = sink;
    let callback: Option<fn(TraceEvent<'_>)> = sink.map(|_| forward as fn(TraceEvent<'_>));
    conn.trace_v2(TraceEventCodes::SQLITE_TRACE_STMT, callback);
}
