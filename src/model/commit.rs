//! A commit as the stages pass it: a git object id, never a string until it is
//! shown. The JSON report writes it as its full hex sha and reads it back.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Hex digits of a commit's sha shown where a short form reads better.
pub const SHORT_SHA: usize = 10;

/// A commit's object id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Commit(pub git2::Oid);

impl Commit {
    pub fn oid(self) -> git2::Oid {
        self.0
    }

    /// The first `digits` hex digits of the sha.
    pub fn abbreviated(self, digits: usize) -> String {
        self.0.to_string().chars().take(digits).collect()
    }

    /// The first [`SHORT_SHA`] hex digits.
    pub fn short(self) -> String {
        self.abbreviated(SHORT_SHA)
    }
}

impl From<git2::Oid> for Commit {
    fn from(oid: git2::Oid) -> Commit {
        Commit(oid)
    }
}

impl fmt::Display for Commit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Commit {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Commit {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Commit, D::Error> {
        let text = String::deserialize(deserializer)?;
        let hex = text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit());
        match git2::Oid::from_str(&text) {
            Ok(oid) if hex => Ok(Commit(oid)),
            _ => Err(serde::de::Error::custom(format!("expected a commit's 40-digit hex sha, found {text:?}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "0123456789abcdef0123456789abcdef01234567";

    #[test]
    fn a_commit_round_trips_as_its_full_sha() {
        let commit = Commit(git2::Oid::from_str(SHA).unwrap());
        let json = serde_json::to_string(&commit).unwrap();
        assert_eq!(json, format!("\"{SHA}\""));
        assert_eq!(serde_json::from_str::<Commit>(&json).unwrap(), commit);
        assert_eq!(commit.short(), "0123456789");
    }

    #[test]
    fn anything_but_a_full_sha_is_refused() {
        for bad in ["\"main\"", "\"0123456\"", "\"zz23456789abcdef0123456789abcdef01234567\""] {
            let error = serde_json::from_str::<Commit>(bad).unwrap_err().to_string();
            assert!(error.contains("40-digit hex sha"), "{bad}: {error}");
        }
    }
}
