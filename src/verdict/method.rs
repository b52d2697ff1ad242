//! How a comparison's change was estimated, as the stages pass it: paired
//! rounds or unpaired runs, the estimator, and how the run-to-run noise was
//! accounted for. The report writes it in words (`"paired, 12 rounds"`,
//! `"bootstrap (2000 resamples), suite-relative"`) and reads those words back;
//! the words are made and read here, and nowhere else.

use serde::{Deserialize, Deserializer, Serializer};

use crate::stats;

/// The estimator of a comparison's change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Estimator {
    /// Unpaired samples: the Hodges–Lehmann shift of the log values.
    HodgesLehmann,
    /// Unpaired samples: a bootstrap of the statistic.
    Bootstrap { resamples: usize },
    /// One value per side.
    SingleValue,
    /// Interleaved rounds: the per-round ratios with a signed-rank interval.
    Paired { rounds: usize },
    /// Fewer interleaved rounds than a rank interval needs, against the calibrated per-round noise.
    PairedCalibrated { rounds: usize },
    /// Block minima or maxima of unpaired samples.
    BlockExtremes { block: usize, blocks: usize },
    /// Values that do not vary (counts): the ratio itself.
    Exact,
    /// Bucket counts: a bounding interval.
    Buckets,
    /// Instruction counts of repeated runs: their ratio, bound by their spread.
    Counted { runs: usize },
}

impl From<stats::Method> for Estimator {
    fn from(method: stats::Method) -> Estimator {
        match method {
            stats::Method::HodgesLehmann => Estimator::HodgesLehmann,
            stats::Method::Bootstrap { resamples, .. } => Estimator::Bootstrap { resamples },
            stats::Method::SingleValue => Estimator::SingleValue,
            stats::Method::Paired { rounds } => Estimator::Paired { rounds },
            stats::Method::PairedCalibrated { rounds } => Estimator::PairedCalibrated { rounds },
            stats::Method::BlockExtremes { block, blocks } => Estimator::BlockExtremes { block, blocks },
            stats::Method::Exact => Estimator::Exact,
            stats::Method::Buckets => Estimator::Buckets,
            stats::Method::Counted { runs } => Estimator::Counted { runs },
        }
    }
}

/// How a comparison's change was estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Method {
    pub estimator: Estimator,
    /// Judged against the rest of its suite (the suite's common shift removed, its spread as the noise).
    pub suite_relative: bool,
    /// Widened by the run-to-run noise `perfgate calibrate` measured.
    pub calibrated: bool,
}

impl Method {
    /// The method whose words are `text`, as a report writes them; None for other words.
    pub fn parse(text: &str) -> Option<Method> {
        parse_method(text)
    }
    /// Whether base and head were measured in interleaved rounds and compared round by round.
    pub fn is_paired(&self) -> bool {
        matches!(self.estimator, Estimator::Paired { .. } | Estimator::PairedCalibrated { .. })
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        MethodWords(self).fmt(f)
    }
}

/// A comparison's method in JSON: its words, or `""` for a comparison without a relative estimate.
pub mod words {
    use super::*;

    pub fn serialize<S: Serializer>(method: &Option<Method>, serializer: S) -> Result<S::Ok, S::Error> {
        match method {
            Some(method) => serializer.collect_str(&MethodWords(method)),
            None => serializer.serialize_str(""),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Method>, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.is_empty() {
            return Ok(None);
        }
        parse_method(&text).map(Some).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown comparison method {text:?} (expected e.g. \"paired, 12 rounds\" or \"hodges-lehmann\")"
            ))
        })
    }
}

/// A comparison's method in words, as the report writes it: `paired, 12 rounds`,
/// `bootstrap (2000 resamples), suite-relative`.
struct MethodWords<'m>(pub &'m Method);

impl std::fmt::Display for MethodWords<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let method = self.0;
        match method.estimator {
            Estimator::HodgesLehmann => f.write_str("hodges-lehmann")?,
            Estimator::Bootstrap { resamples } => write!(f, "bootstrap ({resamples} resamples)")?,
            Estimator::SingleValue => f.write_str("single-value")?,
            Estimator::Paired { rounds } => write!(f, "paired, {rounds} rounds")?,
            Estimator::PairedCalibrated { rounds } => write!(f, "paired, {rounds} rounds, {CALIBRATED_NOISE}")?,
            Estimator::BlockExtremes { block, blocks } => write!(f, "block extremes ({blocks} blocks of {block})")?,
            Estimator::Exact => f.write_str("exact")?,
            Estimator::Buckets => f.write_str("bucket bounds")?,
            Estimator::Counted { runs } => write!(f, "counted, {runs} runs a side")?,
        }
        if method.suite_relative {
            write!(f, ", {SUITE_RELATIVE}")?;
        }
        if method.calibrated {
            write!(f, ", {CALIBRATED}")?;
        }
        Ok(())
    }
}

const SUITE_RELATIVE: &str = "suite-relative";
const CALIBRATED: &str = "calibrated";
const CALIBRATED_NOISE: &str = "calibrated noise";

/// The method [`MethodWords`] wrote as `text` (a report read back); None for words it never writes.
fn parse_method(text: &str) -> Option<Method> {
    let mut parts: Vec<&str> = text.split(", ").collect();
    let calibrated = parts.last() == Some(&CALIBRATED) && parts.len() > 1;
    if calibrated {
        parts.pop();
    }
    let suite_relative = parts.last() == Some(&SUITE_RELATIVE) && parts.len() > 1;
    if suite_relative {
        parts.pop();
    }
    let number = |text: &str, before: &str, after: &str| -> Option<usize> {
        text.strip_prefix(before)?.strip_suffix(after)?.parse().ok()
    };
    let estimator = match parts.as_slice() {
        ["hodges-lehmann"] => Estimator::HodgesLehmann,
        ["single-value"] => Estimator::SingleValue,
        ["exact"] => Estimator::Exact,
        ["bucket bounds"] => Estimator::Buckets,
        ["counted", runs] => Estimator::Counted { runs: number(runs, "", " runs a side")? },
        ["paired", rounds] => Estimator::Paired { rounds: number(rounds, "", " rounds")? },
        ["paired", rounds, noise] if *noise == CALIBRATED_NOISE => {
            Estimator::PairedCalibrated { rounds: number(rounds, "", " rounds")? }
        }
        [one] => {
            if let Some(resamples) = number(one, "bootstrap (", " resamples)") {
                Estimator::Bootstrap { resamples }
            } else {
                let inner = one.strip_prefix("block extremes (")?.strip_suffix(')')?;
                let (blocks, block) = inner.split_once(" blocks of ")?;
                Estimator::BlockExtremes { block: block.parse().ok()?, blocks: blocks.parse().ok()? }
            }
        }
        _ => return None,
    };
    Some(Method { estimator, suite_relative, calibrated })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_reads_back_from_its_words() {
        let estimators = [
            Estimator::HodgesLehmann,
            Estimator::Bootstrap { resamples: 2000 },
            Estimator::SingleValue,
            Estimator::Paired { rounds: 12 },
            Estimator::PairedCalibrated { rounds: 1 },
            Estimator::BlockExtremes { block: 10, blocks: 4 },
            Estimator::Exact,
            Estimator::Buckets,
            Estimator::Counted { runs: 2 },
        ];
        for estimator in estimators {
            for (suite_relative, calibrated) in [(false, false), (true, false), (false, true), (true, true)] {
                let method = Method { estimator, suite_relative, calibrated };
                let text = MethodWords(&method).to_string();
                assert_eq!(parse_method(&text), Some(method), "{text}");
            }
        }
    }

    #[test]
    fn the_words_are_those_the_report_always_wrote() {
        let words = |estimator, suite_relative, calibrated| {
            MethodWords(&Method { estimator, suite_relative, calibrated }).to_string()
        };
        assert_eq!(words(Estimator::Paired { rounds: 6 }, false, false), "paired, 6 rounds");
        assert_eq!(
            words(Estimator::PairedCalibrated { rounds: 2 }, false, false),
            "paired, 2 rounds, calibrated noise"
        );
        assert_eq!(
            words(Estimator::Bootstrap { resamples: 2000 }, true, false),
            "bootstrap (2000 resamples), suite-relative"
        );
        assert_eq!(
            words(Estimator::BlockExtremes { block: 10, blocks: 4 }, true, true),
            "block extremes (4 blocks of 10), suite-relative, calibrated"
        );
        assert_eq!(words(Estimator::HodgesLehmann, false, true), "hodges-lehmann, calibrated");
    }
}
