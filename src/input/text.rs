//! Reading text outputs (go, Catch2 console, benchmark.js, gungraun): lines
//! with their numbers and without Windows `\r`, and numbers as tools print
//! them (`1,234.5`, `0.2500`, `1.2e+06`).

use std::path::Path;

use super::InputError;

/// The whole file as text. Logs may hold stray non-UTF-8 bytes from other
/// tools; the results lines perfgate reads are ASCII or UTF-8.
pub fn read_lossy(path: &Path) -> Result<String, InputError> {
    let bytes = std::fs::read(path).map_err(|e| InputError::io(path, &e))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// `text` without terminal color and style codes (`ESC [ ... m` and other CSI sequences).
pub fn without_color_codes(text: &str) -> String {
    if !text.contains('\x1b') {
        return text.to_string();
    }
    let mut clean = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\x1b' && chars.peek() == Some(&'[') {
            chars.next();
            // Parameters and intermediates, then one final byte in @..~.
            for c in chars.by_ref() {
                if ('@'..='~').contains(&c) {
                    break;
                }
            }
        } else {
            clean.push(c);
        }
    }
    clean
}

/// `(1-based line number, line)` with any `\r` of a Windows line ending removed.
pub fn numbered_lines(text: &str) -> impl Iterator<Item = (u64, &str)> {
    text.lines().enumerate().map(|(index, line)| (index as u64 + 1, line.trim_end_matches('\r')))
}

/// A non-negative decimal as tools print it: `,` or `_` thousands
/// separators, an optional fraction and exponent. Signs, `NaN` and `inf` are
/// refused, which keeps every value finite and non-negative.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|c| !matches!(c, ',' | '_')).collect();
    let (mantissa, exponent) = match cleaned.find(['e', 'E']) {
        Some(at) => (&cleaned[..at], Some(&cleaned[at + 1..])),
        None => (cleaned.as_str(), None),
    };
    let mantissa_ok = mantissa.chars().any(|c| c.is_ascii_digit())
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.')
        && mantissa.matches('.').count() <= 1;
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    });
    if !(mantissa_ok && exponent_ok) {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|value| value.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_codes_are_removed_and_other_text_kept() {
        assert_eq!(without_color_codes("\x1b[1;32mfib\x1b[0m: \x1b[1m12\x1b[0m|N/A"), "fib: 12|N/A");
        assert_eq!(without_color_codes("plain [brackets] stay"), "plain [brackets] stay");
        assert_eq!(without_color_codes("cut \x1b[1;3"), "cut ", "a code cut off at the end");
        assert_eq!(without_color_codes("lone \x1b here"), "lone \x1b here");
    }

    #[test]
    fn numbers_with_separators_decimals_and_exponents() {
        assert_eq!(parse_number("1,234"), Some(1234.0));
        assert_eq!(parse_number("23,723,566"), Some(23_723_566.0));
        assert_eq!(parse_number("0.2500"), Some(0.25));
        assert_eq!(parse_number("1_000.5"), Some(1000.5));
        assert_eq!(parse_number("1.2e+06"), Some(1.2e6));
        assert_eq!(parse_number("8.5E-1"), Some(0.85));
    }

    #[test]
    fn refuses_signs_words_and_garbage() {
        for text in ["", "-5", "+5", "NaN", "inf", "1.2.3", "e5", "1e", "1e+", "12abc", ".", "1e400"] {
            assert_eq!(parse_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn windows_line_endings_are_removed_and_lines_numbered_from_one() {
        let lines: Vec<(u64, &str)> = numbered_lines("a\r\nb\n\r\nc").collect();
        assert_eq!(lines, [(1, "a"), (2, "b"), (3, ""), (4, "c")]);
    }
}
