//! labstock
