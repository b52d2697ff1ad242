//! wrk2's `Detailed Percentile spectrum` (HdrHistogram's percentile
//! distribution) read back into a distribution.
//!
//! After `Detailed Percentile spectrum:` wrk2 prints `Value Percentile
//! TotalCount 1/(1-Percentile)` lines (values in ms) and the footers
//! `#[Mean = ..., StdDeviation = ...]`, `#[Max = ..., Total count = ...]`,
//! `#[Buckets = ..., SubBuckets = ...]`. A line's `Value` is the highest value
//! of the HDR bucket its percentile reached and `TotalCount` the number of
//! requests up to it, so the `TotalCount` difference to the previous line
//! counts the requests between the two values. Each such count is recorded
//! (`record_n`) at the line's `Value`; the footer's mean and standard
//! deviation, computed by wrk2 from all values, replace the reconstructed ones.
//!
//! **Precision.** wrk2 records microseconds at 3 significant digits (≤ 0.1 %)
//! and prints them exactly. Each count sits at the *upper* end of its range,
//! so a quantile read from the reconstruction is never below the true one
//! (beyond perfgate's histogram error, 0.098 %) and at most one spectrum step
//! above it: the truth lies between the Values of the line its rank reaches
//! and of the line before. A quantile the spectrum prints (p0, p10 ... p50,
//! p55 ... p75, p77.5 ... p90, ...) is exact to 0.1 %; others fall between two
//! lines, which come 5 per halving of the distance to 100 %: 10 % of the
//! requests apart below p50, 0.16 % around p99 (it lies between the
//! `0.989062` and `0.990625` lines), 0.02 % around p99.9. How far apart their
//! *values* are depends on the distribution: 0.6 % around p99 in wrk2's README
//! example, 20 % in `tests/fixtures/wrk/wrk2-latency.txt`, whose slow 1 %
//! begins right at p99 (9.247 ms, then 11.087 ms; p99 is 10.33 ms, read as
//! 11.09 ms). The statistics' intervals do not widen for this step; it only
//! ever reads a quantile high, so a `max` budget errs towards failing, never
//! towards passing.

use crate::input::text::parse_number;
use crate::model::histogram::Histogram;

const NS_PER_MS: f64 = 1e6;

/// One spectrum as its lines arrive.
#[derive(Debug, Default)]
pub struct Spectrum {
    histogram: Histogram,
    last: Option<(f64, u64)>,
    /// `#[Mean = ..., StdDeviation = ...]` in ms.
    moments: Option<(f64, f64)>,
    /// `#[Max = ..., Total count = ...]`.
    total_count: Option<u64>,
}

impl Spectrum {
    /// Reads one line; `Ok(false)` when the line is not part of the spectrum (which then ends).
    pub fn read_line(&mut self, line: &str) -> Result<bool, String> {
        let line = line.trim();
        if line.is_empty() || line.starts_with("Value") {
            return Ok(true);
        }
        if let Some(footer) = line.strip_prefix("#[").or_else(|| line.strip_prefix('[')) {
            self.footer(footer.trim_end_matches(']'))?;
            return Ok(true);
        }
        // A spectrum line starts with two numbers; anything else ends the spectrum.
        let words: Vec<&str> = line.split_whitespace().collect();
        let (Some(value_ms), Some(percentile)) =
            (words.first().and_then(|w| parse_number(w)), words.get(1).and_then(|w| parse_number(w)))
        else {
            return Ok(false);
        };
        let Some(total) = words.get(2).and_then(|word| parse_number(word)) else {
            return Err(format!(
                "expected a spectrum line `Value Percentile TotalCount 1/(1-Percentile)`, found {line:?}"
            ));
        };
        if percentile > 1.0 || total.fract() != 0.0 {
            return Err(format!("expected a percentile from 0 to 1 and a whole TotalCount, found {line:?}"));
        }
        self.add(value_ms, total as u64)?;
        Ok(true)
    }

    fn add(&mut self, value_ms: f64, total: u64) -> Result<(), String> {
        let (last_value, last_total) = self.last.unwrap_or((0.0, 0));
        if total < last_total {
            return Err(format!(
                "TotalCount {total} is below the previous line's {last_total}; the spectrum's counts are cumulative"
            ));
        }
        if value_ms < last_value {
            return Err(format!("Value {value_ms} is below the previous line's {last_value}; values never decrease"));
        }
        self.histogram.record_n(value_ms * NS_PER_MS, total - last_total);
        self.last = Some((value_ms, total));
        Ok(())
    }

    /// `Mean = 6.602, StdDeviation = 1.919`, `Max = 12.496, Total count = 39500`, `Buckets = ...`.
    fn footer(&mut self, footer: &str) -> Result<(), String> {
        let fields: Vec<(&str, &str)> = footer
            .split(',')
            .filter_map(|field| field.split_once('='))
            .map(|(name, value)| (name.trim(), value.trim()))
            .collect();
        let number = |name: &str| -> Result<Option<f64>, String> {
            let Some((_, text)) = fields.iter().find(|(field, _)| *field == name) else { return Ok(None) };
            parse_number(text).map(Some).ok_or_else(|| format!("cannot read {name} = {text:?} as a number"))
        };
        if let (Some(mean), Some(sd)) = (number("Mean")?, number("StdDeviation")?) {
            self.moments = Some((mean, sd));
        }
        if let Some(total) = number("Total count")? {
            self.total_count = Some(total as u64);
        }
        Ok(())
    }

    /// The distribution, or `None` when the block held no spectrum line.
    pub fn finish(mut self) -> Result<Option<Histogram>, String> {
        let Some((_, last_total)) = self.last else { return Ok(None) };
        if let Some(total) = self.total_count.filter(|total| *total != last_total) {
            return Err(format!(
                "the spectrum's last TotalCount is {last_total} but its footer says Total count = {total}"
            ));
        }
        if let Some((mean, sd)) = self.moments {
            self.histogram.set_moments(mean * NS_PER_MS, sd * NS_PER_MS);
        }
        Ok((self.histogram.count() > 0).then_some(self.histogram))
    }
}

#[cfg(test)]
#[path = "spectrum_tests.rs"]
mod tests;
