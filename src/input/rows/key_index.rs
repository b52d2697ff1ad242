//! Dense slot numbers for short byte keys (a row's route, method and status),
//! the lookup done once per row of a large log.
//!
//! Keys are stored back to back in one arena, so the comparison after a hash
//! match reads memory that stays in cache (a thousand keys take a few kB),
//! and the hash is a word-at-a-time multiply-rotate (FxHash): the keys are
//! short and an adversarial log can only slow its own read down.

use hashbrown::HashTable;

/// Slot numbers `0, 1, 2, ...` in order of first insertion.
#[derive(Debug, Default)]
pub struct KeyIndex {
    table: HashTable<u32>,
    /// End offset of each slot's key in `arena`.
    ends: Vec<usize>,
    arena: Vec<u8>,
}

impl KeyIndex {
    /// The slot of `key`, if it was inserted.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<usize> {
        self.table.find(hash(key), |slot| same_bytes(self.key(*slot as usize), key)).map(|slot| *slot as usize)
    }

    /// Inserts `key` (not yet present) and returns its new slot.
    pub fn insert(&mut self, key: &[u8]) -> usize {
        debug_assert!(self.get(key).is_none(), "inserted once");
        let slot = self.ends.len();
        self.arena.extend_from_slice(key);
        self.ends.push(self.arena.len());
        let ends = &self.ends;
        let arena = &self.arena;
        let key_hash = |slot: &u32| {
            let slot = *slot as usize;
            hash(&arena[if slot == 0 { 0 } else { ends[slot - 1] }..ends[slot]])
        };
        self.table.insert_unique(hash(key), slot as u32, key_hash);
        slot
    }

    /// The key of `slot`.
    pub fn key(&self, slot: usize) -> &[u8] {
        let start = if slot == 0 { 0 } else { self.ends[slot - 1] };
        &self.arena[start..self.ends[slot]]
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }
}

/// Slice equality a word at a time, inline: the keys are a few dozen bytes,
/// too short to be worth a call to `memcmp`.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let word = |chunk: &[u8]| u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
    if !a_words.by_ref().zip(b_words.by_ref()).all(|(x, y)| word(x) == word(y)) {
        return false;
    }
    a_words.remainder().iter().zip(b_words.remainder()).all(|(x, y)| x == y)
}

#[inline]
fn hash(key: &[u8]) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mix = |state: u64, word: u64| (state.rotate_left(5) ^ word).wrapping_mul(SEED);
    let mut words = key.chunks_exact(8);
    let mut state = key.len() as u64;
    for word in &mut words {
        state = mix(state, u64::from_le_bytes(word.try_into().expect("8 bytes")));
    }
    let rest = words.remainder();
    if !rest.is_empty() {
        let word = rest.iter().rev().fold(0u64, |word, byte| word << 8 | u64::from(*byte));
        state = mix(state, word);
    }
    // The table picks buckets by the low bits: fold the well-mixed high bits in.
    state ^ (state >> 32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_dense_in_insertion_order_and_keys_round_trip() {
        let mut index = KeyIndex::default();
        let keys: Vec<Vec<u8>> = (0..5000).map(|i| format!("/api/r{i}\x1fGET\x1f200\x1f").into_bytes()).collect();
        for (expected, key) in keys.iter().enumerate() {
            assert_eq!(index.get(key), None);
            assert_eq!(index.insert(key), expected);
        }
        for (slot, key) in keys.iter().enumerate() {
            assert_eq!(index.get(key), Some(slot));
            assert_eq!(index.key(slot), key.as_slice());
        }
        assert_eq!(index.len(), 5000);
        assert_eq!(index.get(b"/api/r1\x1fGET\x1f200"), None, "a prefix is another key");
        assert_eq!(index.get(b"/api/r1\x1fGET\x1f201\x1f"), None, "so is a key differing in its last byte");
        assert_eq!(index.get(b""), None);
        assert_eq!(index.insert(b""), 5000, "the empty key is a key too");
        assert_eq!(index.get(b""), Some(5000));
    }
}
