//! labstock: laboratory stock tracker (library).

pub mod gs1;
