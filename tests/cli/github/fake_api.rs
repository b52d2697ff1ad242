//! A fake GitHub REST API on 127.0.0.1 for the CLI tests: issue comments
//! (list with `Link` pagination, create, update) and issue labels, with every
//! request recorded. It stops when dropped, and after a minute in any case.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const OWNER_REPO: &str = "acme/shop";
const LIFETIME: Duration = Duration::from_secs(60);

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: u64,
    pub body: String,
}

#[derive(Default)]
struct State {
    comments: Vec<Comment>,
    labels: Vec<String>,
    next_id: u64,
    /// The server's largest page, whatever `per_page` asks (GitHub's is 100).
    max_page_size: usize,
    /// Answer writes with 403, as GitHub does for a fork's read-only token.
    forbid_writes: bool,
    requests: Vec<Request>,
}

pub struct FakeGithub {
    /// Base URL to put in `GITHUB_API_URL`.
    pub url: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

impl FakeGithub {
    /// A server whose API lives under `prefix` (`""` like api.github.com, `"/api/v3"` like GitHub Enterprise).
    pub fn start(prefix: &str) -> FakeGithub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1");
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}{prefix}", listener.local_addr().unwrap());
        let state = Arc::new(Mutex::new(State { next_id: 1000, max_page_size: 100, ..State::default() }));
        let stop = Arc::new(AtomicBool::new(false));
        let (thread_state, thread_stop, base) = (state.clone(), stop.clone(), url.clone());
        let prefix = prefix.to_string();
        std::thread::spawn(move || {
            let started = Instant::now();
            while !thread_stop.load(Ordering::Relaxed) && started.elapsed() < LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &thread_state, &prefix, &base),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FakeGithub { url, state, stop }
    }

    pub fn with_comments(self, bodies: &[&str]) -> Self {
        {
            let mut state = self.state.lock().unwrap();
            for body in bodies {
                let id = state.next_id;
                state.next_id += 1;
                state.comments.push(Comment { id, body: body.to_string() });
            }
        }
        self
    }

    pub fn with_labels(self, labels: &[&str]) -> Self {
        self.state.lock().unwrap().labels = labels.iter().map(|l| l.to_string()).collect();
        self
    }

    pub fn with_max_page_size(self, size: usize) -> Self {
        self.state.lock().unwrap().max_page_size = size;
        self
    }

    pub fn forbidding_writes(self) -> Self {
        self.state.lock().unwrap().forbid_writes = true;
        self
    }

    pub fn comments(&self) -> Vec<Comment> {
        self.state.lock().unwrap().comments.clone()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }
}

impl Drop for FakeGithub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

fn serve(stream: TcpStream, state: &Mutex<State>, prefix: &str, base: &str) {
    stream.set_nonblocking(false).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let Some(request) = read_request(&stream) else { return };
    let (status, extra_headers, body) = respond(&request, state, prefix, base);
    state.lock().unwrap().requests.push(request);
    let mut response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in extra_headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&body);
    let mut stream = stream;
    let _ = stream.write_all(response.as_bytes());
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_string(), parts.next()?.to_string());
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request { method, target, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

type Response = (&'static str, Vec<(String, String)>, String);

fn respond(request: &Request, state: &Mutex<State>, prefix: &str, base: &str) -> Response {
    let not_found = || ("404 Not Found", vec![], r#"{"message":"Not Found"}"#.to_string());
    let Some(rest) = request.target.strip_prefix(prefix) else { return not_found() };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let Some(route) = path.strip_prefix(&format!("/repos/{OWNER_REPO}/issues/")) else { return not_found() };
    let segments: Vec<&str> = route.split('/').collect();
    let mut state = state.lock().unwrap();
    let forbidden = || {
        (
            "403 Forbidden",
            vec![],
            r#"{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest"}"#
                .to_string(),
        )
    };
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", [_number, "comments"]) => {
            let items: Vec<serde_json::Value> = state
                .comments
                .iter()
                .map(|c| serde_json::json!({"id": c.id, "body": c.body, "user": {"login": "bot"}}))
                .collect();
            paginate(items, query, state.max_page_size, &format!("{base}{path}"))
        }
        ("GET", [_number, "labels"]) => {
            let items: Vec<serde_json::Value> =
                state.labels.iter().map(|name| serde_json::json!({"id": 1, "name": name, "color": "ededed"})).collect();
            paginate(items, query, state.max_page_size, &format!("{base}{path}"))
        }
        ("POST", [_number, "comments"]) if state.forbid_writes => forbidden(),
        ("POST", [_number, "comments"]) => {
            let Some(body) = comment_body(&request.body) else {
                return ("422 Unprocessable Entity", vec![], "{}".into());
            };
            let id = state.next_id;
            state.next_id += 1;
            state.comments.push(Comment { id, body: body.clone() });
            ("201 Created", vec![], serde_json::json!({"id": id, "body": body}).to_string())
        }
        ("PATCH", ["comments", _]) if state.forbid_writes => forbidden(),
        ("PATCH", ["comments", id]) => {
            let Some(body) = comment_body(&request.body) else {
                return ("422 Unprocessable Entity", vec![], "{}".into());
            };
            match state.comments.iter_mut().find(|c| c.id.to_string() == *id) {
                Some(comment) => {
                    comment.body = body.clone();
                    ("200 OK", vec![], serde_json::json!({"id": comment.id, "body": body}).to_string())
                }
                None => not_found(),
            }
        }
        _ => not_found(),
    }
}

fn comment_body(json: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(json).ok()?["body"].as_str().map(str::to_string)
}

/// One page of `items` with GitHub's `Link` header.
fn paginate(items: Vec<serde_json::Value>, query: &str, max_page_size: usize, url: &str) -> Response {
    let param = |name: &str| {
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| *n == name)
            .and_then(|(_, v)| v.parse().ok())
    };
    let per_page: usize = param("per_page").unwrap_or(30usize).min(max_page_size).max(1);
    let page: usize = param("page").unwrap_or(1usize).max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let slice: Vec<_> = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    let link = |n: usize, rel: &str| format!("<{url}?per_page={per_page}&page={n}>; rel=\"{rel}\"");
    let mut links = Vec::new();
    if page < last {
        links.push(link(page + 1, "next"));
        links.push(link(last, "last"));
    }
    if page > 1 {
        links.push(link(1, "first"));
        links.push(link(page - 1, "prev"));
    }
    let headers = if links.is_empty() { vec![] } else { vec![("link".to_string(), links.join(", "))] };
    ("200 OK", headers, serde_json::Value::Array(slice).to_string())
}
