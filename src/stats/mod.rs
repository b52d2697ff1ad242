//! Statistics: pure functions, no I/O.
