//! JSON report (`"schema": 1`): the contract other tools and `perfgate report` read.

use super::Render;
use crate::verdict::Report;

pub struct Json;

impl Render for Json {
    fn render(&self, report: &Report) -> String {
        let mut text = serde_json::to_string_pretty(report).expect("a report always serializes");
        text.push('\n');
        text
    }
}
