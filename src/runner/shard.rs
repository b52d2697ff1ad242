//! Shards of a check across a CI matrix (`perfgate check --shard I/N`): each
//! benchmark belongs to one shard, by a hash of the name its harness lists it
//! under (FNV-1a, 64 bits, of its UTF-8 bytes, modulo N). The hash depends on
//! nothing but the name, so a benchmark stays in its shard when others are
//! added or removed, on every machine and every version of perfgate. A suite
//! whose harness cannot be limited to some benchmarks belongs whole to the
//! shard of its name.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Shard `index` of `count` (1-based, as written: `2/3`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Whether the benchmark (or suite) named `key` belongs to this shard.
    pub fn holds(&self, key: &str) -> bool {
        fnv1a(key.as_bytes()) % u64::from(self.count) == u64::from(self.index - 1)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Shard, String> {
        let invalid = || format!("expected a shard as I/N with 1 <= I <= N (such as 2/3), found {text:?}");
        let (index, count) = text.split_once('/').ok_or_else(invalid)?;
        let index: u32 = index.trim().parse().map_err(|_| invalid())?;
        let count: u32 = count.trim().parse().map_err(|_| invalid())?;
        if index == 0 || index > count {
            return Err(invalid());
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// FNV-1a, 64 bits (Fowler, Noll & Vo): a stable hash of a few lines.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_written_i_of_n() {
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!("2/3".parse::<Shard>().unwrap().to_string(), "2/3");
        for bad in ["0/3", "4/3", "3", "a/b", "1/0", "-1/3", ""] {
            assert!(bad.parse::<Shard>().unwrap_err().contains("I/N"), "{bad}");
        }
    }

    #[test]
    fn every_name_is_in_exactly_one_shard_and_the_hash_is_stable() {
        // FNV-1a 64 of "a" is 0xaf63dc4c8601ec8c (the published test vector).
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        let names: Vec<String> = (0..300).map(|i| format!("group/bench {i}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, count: 3 }).collect();
        for name in &names {
            assert_eq!(shards.iter().filter(|s| s.holds(name)).count(), 1, "{name}");
        }
        // Roughly even: each of three shards holds 100 ± 30 of 300 names.
        for shard in &shards {
            let held = names.iter().filter(|n| shard.holds(n)).count();
            assert!((70..=130).contains(&held), "{shard}: {held}");
        }
    }
}
