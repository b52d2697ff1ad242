//! The API token: read from an environment variable, never printed.
//!
//! [`Token`] has no `Display`, and its `Debug` is redacted, so it cannot end up
//! in a message by accident; [`Token::redact`] scrubs it from any text that
//! came from elsewhere (an HTTP library's error, for instance).

use std::fmt;

/// Environment variable the token is read from unless `--token-env` says otherwise.
pub const DEFAULT_TOKEN_ENV: &str = "GITHUB_TOKEN";

/// A secret API token.
#[derive(Clone)]
pub struct Token(String);

impl Token {
    /// The token in the environment variable `name`, when it is set and not blank.
    pub fn from_env(name: &str) -> Option<Token> {
        std::env::var(name).ok().and_then(Token::new)
    }

    pub fn new(value: String) -> Option<Token> {
        let value = value.trim().to_string();
        (!value.is_empty()).then_some(Token(value))
    }

    /// The secret itself, for the one place that builds the `Authorization` header.
    pub(super) fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the token replaced.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.0, "***")
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_redact_hide_the_secret() {
        let token = Token::new(" ghp_secret123 \n".into()).unwrap();
        assert_eq!(format!("{token:?}"), "Token(***)");
        assert_eq!(token.redact("Bearer ghp_secret123 failed"), "Bearer *** failed");
        assert_eq!(token.expose(), "ghp_secret123");
    }

    #[test]
    fn a_blank_token_is_no_token() {
        assert!(Token::new("  ".into()).is_none());
    }
}
