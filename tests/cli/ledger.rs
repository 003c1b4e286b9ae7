//! Ledger tests (filled in below).
