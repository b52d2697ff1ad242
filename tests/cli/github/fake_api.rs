//! A fake GitHub REST API on 127.0.0.1 for the CLI tests, strict where a real
//! GitHub is: every request needs an `Authorization` header (else 401), routes
//! match by method and path (else 404), and comments belong to one issue and
//! have an author. It serves `GET /user`, issue comments (list with `Link`
//! pagination, create, update) and issue labels, records every request, and
//! stops when dropped, and after a minute in any case.
//!
//! The token is an installation token, as the Actions `GITHUB_TOKEN` is
//! (`GET /user` answers 403, comments are by `github-actions[bot]`), unless
//! [`FakeGithub::with_user_token`] makes it a user's. Like a maintainer's token,
//! it may edit anyone's comment: a test sees what a wrong edit would overwrite.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

pub const OWNER_REPO: &str = "acme/shop";
/// Who the Actions `GITHUB_TOKEN` comments as.
pub const ACTIONS_BOT: &str = "github-actions[bot]";
const LIFETIME: Duration = Duration::from_secs(60);
const DOCS: &str = "https://docs.github.com/rest";

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

    /// The path, without the API prefix and the query.
    pub fn path(&self, prefix: &str) -> &str {
        let target = self.target.strip_prefix(prefix).unwrap_or(&self.target);
        target.split_once('?').map_or(target, |(path, _)| path)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: u64,
    /// The issue (or pull request) number it is on.
    pub issue: u64,
    pub author: String,
    pub body: String,
}

impl Comment {
    fn to_json(&self) -> serde_json::Value {
        let kind = if self.author.ends_with("[bot]") { "Bot" } else { "User" };
        json!({"id": self.id, "body": self.body, "user": {"login": self.author, "type": kind}})
    }
}

#[derive(Default)]
struct State {
    comments: Vec<Comment>,
    labels: Vec<String>,
    next_id: u64,
    /// The token's user, when it is a user's token; `None`: an installation token.
    token_user: Option<String>,
    /// The server's largest page, whatever `per_page` asks (GitHub's is 100).
    max_page_size: usize,
    /// Answer writes with 403, as GitHub does for a fork's read-only token.
    forbid_writes: bool,
    requests: Vec<Request>,
}

impl State {
    /// Who the token writes as.
    fn token_author(&self) -> String {
        self.token_user.clone().unwrap_or_else(|| ACTIONS_BOT.to_string())
    }

    fn add_comment(&mut self, issue: u64, author: &str, body: &str) -> Comment {
        let comment = Comment { id: self.next_id, issue, author: author.to_string(), body: body.to_string() };
        self.next_id += 1;
        self.comments.push(comment.clone());
        comment
    }
}

pub struct FakeGithub {
    /// Base URL to put in `GITHUB_API_URL`.
    pub url: String,
    /// The path the API lives under (`""` or `"/api/v3"`).
    pub prefix: String,
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
        let thread_prefix = prefix.to_string();
        std::thread::spawn(move || {
            let started = Instant::now();
            while !thread_stop.load(Ordering::Relaxed) && started.elapsed() < LIFETIME {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &thread_state, &thread_prefix, &base),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        FakeGithub { url, prefix: prefix.to_string(), state, stop }
    }

    /// A comment already on issue `issue`, written by `author`.
    pub fn with_comment(self, issue: u64, author: &str, body: &str) -> Self {
        self.state.lock().unwrap().add_comment(issue, author, body);
        self
    }

    /// The token is `login`'s (a personal access token): `GET /user` names it, and it comments as `login`.
    pub fn with_user_token(self, login: &str) -> Self {
        self.state.lock().unwrap().token_user = Some(login.to_string());
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

    /// Every comment, on every issue, in the order they were made.
    pub fn comments(&self) -> Vec<Comment> {
        self.state.lock().unwrap().comments.clone()
    }

    pub fn comments_on(&self, issue: u64) -> Vec<Comment> {
        self.comments().into_iter().filter(|comment| comment.issue == issue).collect()
    }

    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().unwrap().requests.clone()
    }

    /// Each request as "METHOD /path" (no API prefix, no query).
    pub fn calls(&self) -> Vec<String> {
        self.requests().iter().map(|r| format!("{} {}", r.method, r.path(&self.prefix))).collect()
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

/// What the fake knows how to answer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Route {
    /// `/user`
    User,
    /// `/repos/OWNER/REPO/issues/N/comments`
    IssueComments(u64),
    /// `/repos/OWNER/REPO/issues/N/labels`
    IssueLabels(u64),
    /// `/repos/OWNER/REPO/issues/comments/ID`
    Comment(u64),
}

impl Route {
    fn of(path: &str) -> Option<Route> {
        if path == "/user" {
            return Some(Route::User);
        }
        let issues = path.strip_prefix(&format!("/repos/{OWNER_REPO}/issues/"))?;
        match issues.split('/').collect::<Vec<_>>().as_slice() {
            ["comments", id] => Some(Route::Comment(id.parse().ok()?)),
            [number, "comments"] => Some(Route::IssueComments(number.parse().ok()?)),
            [number, "labels"] => Some(Route::IssueLabels(number.parse().ok()?)),
            _ => None,
        }
    }
}

fn error(status: &'static str, message: &str) -> Response {
    (status, vec![], json!({"message": message, "documentation_url": DOCS}).to_string())
}

fn not_found() -> Response {
    error("404 Not Found", "Not Found")
}

fn forbidden() -> Response {
    error("403 Forbidden", "Resource not accessible by integration")
}

fn respond(request: &Request, state: &Mutex<State>, prefix: &str, base: &str) -> Response {
    if request.header("authorization").is_none_or(|value| value.trim().is_empty()) {
        return error("401 Unauthorized", "Requires authentication");
    }
    let Some(rest) = request.target.strip_prefix(prefix) else { return not_found() };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let Some(route) = Route::of(path) else { return not_found() };
    let mut state = state.lock().unwrap();
    let page_url = format!("{base}{path}");
    match (request.method.as_str(), route) {
        ("GET", Route::User) => match &state.token_user {
            Some(login) => ("200 OK", vec![], json!({"login": login, "id": 1, "type": "User"}).to_string()),
            None => forbidden(),
        },
        ("GET", Route::IssueComments(issue)) => {
            let items = state.comments.iter().filter(|c| c.issue == issue).map(Comment::to_json).collect();
            paginate(items, query, state.max_page_size, &page_url)
        }
        ("GET", Route::IssueLabels(_)) => {
            let items = state.labels.iter().map(|name| json!({"id": 1, "name": name, "color": "ededed"})).collect();
            paginate(items, query, state.max_page_size, &page_url)
        }
        ("POST", Route::IssueComments(_)) | ("PATCH", Route::Comment(_)) if state.forbid_writes => forbidden(),
        ("POST", Route::IssueComments(issue)) => match comment_body(&request.body) {
            Some(body) => {
                let author = state.token_author();
                ("201 Created", vec![], state.add_comment(issue, &author, &body).to_json().to_string())
            }
            None => error("422 Unprocessable Entity", "Invalid request."),
        },
        ("PATCH", Route::Comment(id)) => {
            match (comment_body(&request.body), state.comments.iter_mut().find(|c| c.id == id)) {
                (Some(body), Some(comment)) => {
                    comment.body = body;
                    ("200 OK", vec![], comment.to_json().to_string())
                }
                (None, Some(_)) => error("422 Unprocessable Entity", "Invalid request."),
                (_, None) => not_found(),
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

#[cfg(test)]
mod tests {
    //! The fake's own strictness: the CLI tests rely on it to catch a client that is not.

    use super::*;

    /// Send one raw HTTP request; the status line and the body of the answer.
    fn send(server: &FakeGithub, method: &str, path: &str, authorization: Option<&str>) -> (String, serde_json::Value) {
        let address = server.url.trim_start_matches("http://").split('/').next().unwrap().to_string();
        let mut stream = TcpStream::connect(address).unwrap();
        let auth = authorization.map(|value| format!("authorization: {value}\r\n")).unwrap_or_default();
        let target = format!("{}{path}", server.prefix);
        write!(stream, "{method} {target} HTTP/1.1\r\nhost: fake\r\n{auth}content-length: 0\r\n\r\n").unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        (head.lines().next().unwrap().to_string(), serde_json::from_str(body).unwrap())
    }

    #[test]
    fn without_a_token_every_route_answers_401_like_github() {
        let server = FakeGithub::start("").with_comment(7, ACTIONS_BOT, "<!-- perfgate -->");
        for path in ["/user", "/repos/acme/shop/issues/7/comments", "/repos/acme/shop/issues/7/labels"] {
            let (status, body) = send(&server, "GET", path, None);
            assert_eq!(status, "HTTP/1.1 401 Unauthorized", "{path}");
            assert_eq!(body["message"], "Requires authentication", "{path}");
            assert!(body["documentation_url"].is_string(), "{path}: {body}");
        }
    }

    #[test]
    fn routes_match_by_method_and_path_and_comments_by_issue() {
        let server = FakeGithub::start("/api/v3").with_comment(7, ACTIONS_BOT, "on seven");
        let token = Some("Bearer ghs_x");
        let (status, body) = send(&server, "GET", "/repos/acme/shop/issues/7/comments", token);
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(body[0]["user"]["login"], ACTIONS_BOT);
        assert_eq!(send(&server, "GET", "/repos/acme/shop/issues/8/comments", token).1, json!([]));
        for (method, path) in [
            ("DELETE", "/repos/acme/shop/issues/7/comments"),
            ("GET", "/repos/acme/shop/issues/comments"),
            ("GET", "/repos/acme/other/issues/7/comments"),
            ("PUT", "/user"),
        ] {
            let (status, body) = send(&server, method, path, token);
            assert_eq!(
                (status.as_str(), &body["message"]),
                ("HTTP/1.1 404 Not Found", &json!("Not Found")),
                "{method} {path}"
            );
        }
    }

    #[test]
    fn get_user_names_a_user_token_and_refuses_an_installation_token() {
        let installation = FakeGithub::start("");
        let (status, body) = send(&installation, "GET", "/user", Some("Bearer ghs_x"));
        assert_eq!(
            (status.as_str(), &body["message"]),
            ("HTTP/1.1 403 Forbidden", &json!("Resource not accessible by integration"))
        );
        let personal = FakeGithub::start("").with_user_token("octocat");
        let (status, body) = send(&personal, "GET", "/user", Some("Bearer ghp_x"));
        assert_eq!((status.as_str(), &body["login"]), ("HTTP/1.1 200 OK", &json!("octocat")));
    }
}
