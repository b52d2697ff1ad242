//! Markdown tables and percent formatting for the harness's output.

/// A markdown table: a header row and data rows of equal width.
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(header: impl IntoIterator<Item = S>) -> Table {
        Table { header: header.into_iter().map(Into::into).collect(), rows: Vec::new() }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        assert_eq!(cells.len(), self.header.len(), "a row as wide as the header");
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let line = |cells: &[String]| format!("| {} |\n", cells.join(" | "));
        let mut out = line(&self.header);
        out += &line(&vec!["---".to_string(); self.header.len()]);
        for row in &self.rows {
            out += &line(row);
        }
        out
    }
}

/// A share as a percent with one decimal, or "n/a".
pub fn percent(share: Option<f64>) -> String {
    share.map_or_else(|| "n/a".to_string(), |s| format!("{:.1} %", s * 100.0))
}

/// A minimum detectable change, or "> limit" when the search found none.
pub fn detectable(change: Option<f64>, limit: f64) -> String {
    change.map_or_else(|| format!("> {:.0} %", limit * 100.0), |c| format!("{:.1} %", c * 100.0))
}
