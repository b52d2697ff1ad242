//! Shared by the benchmark binaries: a cheap deterministic pseudo-random stream
//! for generating large inputs.

/// Xorshift64: fast, deterministic, good enough to vary generated values.
pub struct Stream(pub u64);

impl Stream {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}
