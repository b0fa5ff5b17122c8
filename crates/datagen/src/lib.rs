//! Generated data (to be written).
