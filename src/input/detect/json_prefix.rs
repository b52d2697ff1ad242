//! A JSON reader for the first bytes of a file: format detection reads at
//! most a prefix, so a big document is usually cut off. Containers cut by the
//! end of the prefix are kept with what they held so far and marked
//! incomplete; rules can then judge only the parts they are sure of.
//! Containers nested deeper than [`MAX_DEPTH`] are read as if the prefix
//! ended there, so no input can exhaust the stack.

/// The deepest nesting read; real tool outputs stay below ten levels.
pub const MAX_DEPTH: usize = 64;

/// A JSON value, keeping object key order and marking cut-off containers.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Object { entries: Vec<(String, Node)>, complete: bool },
    Array { items: Vec<Node>, complete: bool },
    String(String),
    Number(f64),
    Bool(bool),
    Null,
}

impl Node {
    /// The value of `key` when this is an object holding it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()?.iter().find(|(name, _)| name == key).map(|(_, value)| value)
    }

    pub fn entries(&self) -> Option<&[(String, Node)]> {
        match self {
            Node::Object { entries, .. } => Some(entries),
            _ => None,
        }
    }

    pub fn items(&self) -> Option<&[Node]> {
        match self {
            Node::Array { items, .. } => Some(items),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Node::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn is_object(&self) -> bool {
        matches!(self, Node::Object { .. })
    }

    /// False for a container the prefix ended in.
    pub fn is_complete(&self) -> bool {
        match self {
            Node::Object { complete, .. } | Node::Array { complete, .. } => *complete,
            _ => true,
        }
    }
}

/// The first JSON value of `text`, possibly cut off; `None` when `text` does
/// not start with a JSON object or array or is not JSON.
pub fn first_value(text: &str) -> Option<Node> {
    let mut reader = Reader { bytes: text.as_bytes(), at: 0, depth: 0 };
    reader.skip_whitespace();
    if !matches!(reader.peek(), Some(b'{' | b'[')) {
        return None;
    }
    match reader.value() {
        Ok(Piece::Done(node) | Piece::Cut(Some(node))) => Some(node),
        Ok(Piece::Cut(None)) | Err(NotJson) => None,
    }
}

/// What reading one value gave: all of it, or the part before the prefix ended.
enum Piece {
    Done(Node),
    Cut(Option<Node>),
}

struct NotJson;

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
    /// Containers open around the reading position.
    depth: usize,
}

impl Reader<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.at += 1;
        }
    }

    fn value(&mut self) -> Result<Piece, NotJson> {
        self.skip_whitespace();
        match self.peek() {
            None => Ok(Piece::Cut(None)),
            Some(b'{' | b'[') if self.depth >= MAX_DEPTH => Ok(Piece::Cut(None)),
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => Ok(self.string()?.map_or(Piece::Cut(None), |s| Piece::Done(Node::String(s)))),
            Some(b't') => self.literal("true", Node::Bool(true)),
            Some(b'f') => self.literal("false", Node::Bool(false)),
            Some(b'n') => self.literal("null", Node::Null),
            Some(_) => self.number(),
        }
    }

    fn nested(&mut self, read: fn(&mut Self) -> Result<Piece, NotJson>) -> Result<Piece, NotJson> {
        self.depth += 1;
        let piece = read(self);
        self.depth -= 1;
        piece
    }

    fn object(&mut self) -> Result<Piece, NotJson> {
        self.at += 1;
        let mut entries = Vec::new();
        let cut = |entries| Ok(Piece::Cut(Some(Node::Object { entries, complete: false })));
        loop {
            self.skip_whitespace();
            match self.peek() {
                None => return cut(entries),
                Some(b'}') if entries.is_empty() => break,
                Some(b'"') => {}
                Some(_) => return Err(NotJson),
            }
            let Some(key) = self.string()? else { return cut(entries) };
            self.skip_whitespace();
            match self.peek() {
                None => return cut(entries),
                Some(b':') => self.at += 1,
                Some(_) => return Err(NotJson),
            }
            match self.value()? {
                Piece::Done(value) => entries.push((key, value)),
                Piece::Cut(value) => {
                    entries.extend(value.map(|value| (key, value)));
                    return cut(entries);
                }
            }
            match self.after_member(b'}') {
                Some(true) => break,
                Some(false) => continue,
                None => return cut(entries),
            }
        }
        self.at += 1;
        Ok(Piece::Done(Node::Object { entries, complete: true }))
    }

    fn array(&mut self) -> Result<Piece, NotJson> {
        self.at += 1;
        let mut items = Vec::new();
        let cut = |items| Ok(Piece::Cut(Some(Node::Array { items, complete: false })));
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
            return Ok(Piece::Done(Node::Array { items, complete: true }));
        }
        loop {
            match self.value()? {
                Piece::Done(item) => items.push(item),
                Piece::Cut(item) => {
                    items.extend(item);
                    return cut(items);
                }
            }
            match self.after_member(b']') {
                Some(true) => break,
                Some(false) => continue,
                None => return cut(items),
            }
        }
        self.at += 1;
        Ok(Piece::Done(Node::Array { items, complete: true }))
    }

    /// After a member: `Some(true)` at the closing bracket (not consumed),
    /// `Some(false)` after a comma, `None` at the end of the prefix.
    fn after_member(&mut self, close: u8) -> Option<bool> {
        self.skip_whitespace();
        match self.peek()? {
            b',' => {
                self.at += 1;
                Some(false)
            }
            byte if byte == close => Some(true),
            // Not JSON, but detection only needs what came before.
            _ => None,
        }
    }

    /// A string starting at the opening quote; `None` when the prefix ends inside it.
    fn string(&mut self) -> Result<Option<String>, NotJson> {
        let start = self.at;
        let mut at = start + 1;
        while let Some(&byte) = self.bytes.get(at) {
            match byte {
                b'\\' => at += 2,
                b'"' => {
                    self.at = at + 1;
                    let raw = std::str::from_utf8(&self.bytes[start..=at]).map_err(|_| NotJson)?;
                    return serde_json::from_str(raw).map(Some).map_err(|_| NotJson);
                }
                _ => at += 1,
            }
        }
        self.at = self.bytes.len();
        Ok(None)
    }

    fn literal(&mut self, word: &str, node: Node) -> Result<Piece, NotJson> {
        let rest = &self.bytes[self.at..];
        if rest.starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(Piece::Done(node))
        } else if word.as_bytes().starts_with(rest) {
            self.at = self.bytes.len();
            Ok(Piece::Cut(None))
        } else {
            Err(NotJson)
        }
    }

    fn number(&mut self) -> Result<Piece, NotJson> {
        let start = self.at;
        while matches!(self.peek(), Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')) {
            self.at += 1;
        }
        if self.at == self.bytes.len() {
            return Ok(Piece::Cut(None));
        }
        let text = std::str::from_utf8(&self.bytes[start..self.at]).map_err(|_| NotJson)?;
        text.parse().map(|n| Piece::Done(Node::Number(n))).map_err(|_| NotJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Depth of the innermost container, counting the outermost as 1.
    fn depth(node: &Node) -> usize {
        let children: Vec<&Node> = match node {
            Node::Object { entries, .. } => entries.iter().map(|(_, value)| value).collect(),
            Node::Array { items, .. } => items.iter().collect(),
            _ => return 0,
        };
        1 + children.into_iter().map(depth).max().unwrap_or(0)
    }

    #[test]
    fn deep_nesting_is_read_to_a_bounded_depth_not_to_a_stack_overflow() {
        for opening in ["[", "{\"a\":", "[{\"a\":"] {
            let text = opening.repeat(200_000 / opening.len());
            let node = first_value(&text).expect("a cut-off container");
            assert!(!node.is_complete());
            assert!(depth(&node) <= MAX_DEPTH, "{opening}: {}", depth(&node));
        }
        let shallow = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(first_value(&shallow).unwrap().is_complete(), "nesting up to the limit reads whole");
    }

    #[test]
    fn complete_document_reads_whole() {
        let node = first_value(r#"{"a": [1, "x\"y", true, null], "b": {}}"#).unwrap();
        assert!(node.is_complete());
        let items = node.get("a").unwrap().items().unwrap();
        assert_eq!(items[1], Node::String("x\"y".into()));
        assert_eq!(items[0], Node::Number(1.0));
        assert!(node.get("b").unwrap().is_object());
    }

    #[test]
    fn cut_document_keeps_what_came_before_and_marks_it() {
        let node = first_value(r#"{"results": [{"command": "sleep 1", "times": [0.1, 0.2, 0.3"#).unwrap();
        assert!(!node.is_complete());
        let first = &node.get("results").unwrap().items().unwrap()[0];
        assert_eq!(first.get("command").and_then(Node::as_str), Some("sleep 1"));
        assert_eq!(first.get("times").unwrap().items().unwrap().len(), 2, "the cut number is dropped");
    }

    #[test]
    fn cut_inside_keys_strings_and_literals_is_not_an_error() {
        for prefix in [r#"{"ke"#, r#"{"key""#, r#"{"key": "val"#, r#"{"key": tr"#, r#"{"key": 1"#] {
            let node = first_value(prefix).unwrap_or_else(|| panic!("{prefix}"));
            assert!(!node.is_complete(), "{prefix}");
        }
    }

    #[test]
    fn non_json_is_rejected() {
        assert_eq!(first_value("route,latency_ms\n/a,1"), None);
        assert_eq!(first_value("{not json}"), None);
        assert_eq!(first_value("\"just a string\""), None);
    }

    #[test]
    fn only_the_first_of_several_lines_is_read() {
        let node = first_value("{\"type\":\"Metric\"}\n{\"type\":\"Point\"}\n").unwrap();
        assert_eq!(node.get("type").and_then(Node::as_str), Some("Metric"));
    }
}
