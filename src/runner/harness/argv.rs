//! Words of a command line as a harness reads them: options in their
//! spellings (`--name value`, `--name=value`, `-n value`, `-name=value`),
//! positional words, and regular expressions that match exact names.

/// Whether `word` is option `name`, alone or as `name=value`.
fn is_spelling(word: &str, name: &str) -> bool {
    word == name || word.strip_prefix(name).is_some_and(|rest| rest.starts_with('='))
}

/// Whether any of `names` occurs among `words`.
pub fn has_option(words: &[String], names: &[&str]) -> bool {
    words.iter().any(|word| names.iter().any(|name| is_spelling(word, name)))
}

/// Remove every occurrence of the options `names` and return their values in
/// order. `takes_value`: a bare `--name` consumes the next word as its value.
pub fn remove_option(words: &mut Vec<String>, names: &[&str], takes_value: bool) -> Vec<String> {
    let mut values = Vec::new();
    let mut kept = Vec::with_capacity(words.len());
    let mut iter = std::mem::take(words).into_iter();
    while let Some(word) = iter.next() {
        let Some(name) = names.iter().find(|name| is_spelling(&word, name)) else {
            kept.push(word);
            continue;
        };
        if word.len() > name.len() {
            values.push(word[name.len() + 1..].to_string());
        } else if takes_value {
            values.extend(iter.next());
        }
    }
    *words = kept;
    values
}

/// Indexes of the positional words: neither options nor the values of the
/// options in `value_options` (given without `=`). A word `--` ends options.
pub fn positionals(words: &[String], value_options: &[&str]) -> Vec<usize> {
    let mut found = Vec::new();
    let mut index = 0;
    while index < words.len() {
        let word = &words[index];
        if word == "--" {
            found.extend(index + 1..words.len());
            break;
        }
        if word.starts_with('-') && word.len() > 1 {
            if value_options.contains(&word.as_str()) {
                index += 1;
            }
        } else {
            found.push(index);
        }
        index += 1;
    }
    found
}

/// Remove the words at `indexes` (ascending).
pub fn remove_at(words: &mut Vec<String>, indexes: &[usize]) -> Vec<String> {
    let mut removed = Vec::new();
    for &index in indexes.iter().rev() {
        removed.push(words.remove(index));
    }
    removed.reverse();
    removed
}

/// `text` with the characters that regular expressions (Rust's regex, Go's
/// RE2, POSIX extended and ECMAScript) give a meaning escaped.
pub fn escape_regex(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// A regular expression that matches exactly `names` and nothing else:
/// `^(a|b)$` with each name escaped (a plain group: POSIX has no `(?:`).
pub fn exact_names_regex<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let alternatives: Vec<String> = names.into_iter().map(escape_regex).collect();
    format!("^({})$", alternatives.join("|"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        shell_words::split(text).unwrap()
    }

    #[test]
    fn options_are_found_and_removed_in_every_spelling() {
        let mut argv = words("--noplot --sample-size 20 --save-baseline=x filter --sample-size=30");
        assert!(has_option(&argv, &["--sample-size"]));
        assert!(!has_option(&argv, &["--sample"]), "a prefix is not the option");
        assert_eq!(remove_option(&mut argv, &["--sample-size"], true), ["20", "30"]);
        assert_eq!(argv, words("--noplot --save-baseline=x filter"));
        assert_eq!(remove_option(&mut argv, &["--noplot"], false), Vec::<String>::new());
        assert_eq!(argv, words("--save-baseline=x filter"));
    }

    #[test]
    fn positionals_skip_option_values_and_follow_a_double_dash() {
        let argv = words("--color never small -b main --noplot -- --odd");
        assert_eq!(positionals(&argv, &["--color", "-b"]), [2, 7]);
        let mut argv = argv;
        assert_eq!(remove_at(&mut argv, &[2, 7]), ["small", "--odd"]);
        assert_eq!(argv, words("--color never -b main --noplot --"));
    }

    #[test]
    fn exact_name_regexes_escape_what_regexes_mean() {
        assert_eq!(escape_regex(r"parse (large)/1.5*[x]^$|{2}+?\"), r"parse \(large\)/1\.5\*\[x\]\^\$\|\{2\}\+\?\\");
        assert_eq!(exact_names_regex(["a b", "c/1"]), "^(a b|c/1)$");
    }
}
