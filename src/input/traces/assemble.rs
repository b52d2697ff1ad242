//! Gathering a trace's spans as they stream by, and closing it once the input
//! has moved past it: memory holds the traces still open, not the file.
//!
//! Exporters write spans as they end, in batches, so a request's children
//! usually come just before its root and some just after, in the next batch
//! or the next (rotated) file. A trace stays open until a span has been seen
//! that ended [`HORIZON_NS`] after the trace's last span ended; then its
//! requests are taken (see [`super`] for what a request is) and its spans are
//! dropped. A span that arrives when the input is already a horizon past its
//! end is counted as late (it lands under no request when its trace has been
//! closed), and every trace still open at the end of the input is closed then.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use super::{Kind, Span};

/// How far past a trace's last span the input must have moved before the trace is closed.
pub const HORIZON_NS: u64 = 60_000_000_000;

/// A request, with what its descendants added up to.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The request's own span.
    pub span: Span,
    pub db_calls: u32,
    pub external_calls: u32,
    /// Its spans, its own included.
    pub spans: u32,
    /// Database time per `db` tag value, ns, in order of first appearance.
    pub db_time: Vec<(String, u64)>,
}

impl Request {
    /// Failed: its status is ERROR or its HTTP status is 500 or more.
    pub fn failed(&self) -> bool {
        self.span.error || self.span.http_status.is_some_and(|status| status >= 500)
    }
}

/// What the assembler saw besides requests, for messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    /// Spans per kind.
    pub kinds: HashMap<Kind, u64>,
    /// Spans that came when the input had moved a horizon past their end.
    pub late: u64,
    /// Spans under no request (a trace without a server span, or a broken chain of parents).
    pub outside_requests: u64,
    /// The most traces open at once.
    pub most_open: usize,
}

struct OpenTrace {
    spans: Vec<Span>,
    last_end: u64,
}

/// Open traces, closed as the input moves on; closed traces hand their requests to `emit`.
pub struct Assembler<F: FnMut(Request)> {
    open: HashMap<u128, OpenTrace>,
    /// (when a trace may close, the trace): a trace's entry is refreshed when it grows.
    deadlines: BinaryHeap<Reverse<(u64, u128)>>,
    /// The latest end of any span seen.
    watermark: u64,
    emit: F,
    pub tally: Tally,
}

impl<F: FnMut(Request)> Assembler<F> {
    pub fn new(emit: F) -> Self {
        Assembler { open: HashMap::new(), deadlines: BinaryHeap::new(), watermark: 0, emit, tally: Tally::default() }
    }

    pub fn add(&mut self, span: Span) {
        *self.tally.kinds.entry(span.kind).or_default() += 1;
        if span.end_ns.saturating_add(HORIZON_NS) < self.watermark {
            self.tally.late += 1;
        }
        self.watermark = self.watermark.max(span.end_ns);
        let trace = span.trace;
        let open = self.open.entry(trace).or_insert_with(|| OpenTrace { spans: Vec::new(), last_end: 0 });
        let grew = span.end_ns > open.last_end;
        open.last_end = open.last_end.max(span.end_ns);
        open.spans.push(span);
        if grew || open.spans.len() == 1 {
            self.deadlines.push(Reverse((open.last_end.saturating_add(HORIZON_NS), trace)));
        }
        self.tally.most_open = self.tally.most_open.max(self.open.len());
        self.close_passed();
    }

    /// Close every trace still open, in the order the input would have closed them.
    pub fn finish(mut self) -> Tally {
        self.watermark = u64::MAX;
        self.close_passed();
        let mut left: Vec<u128> = self.open.keys().copied().collect();
        left.sort_unstable();
        for trace in left {
            self.close(trace);
        }
        self.tally
    }

    fn close_passed(&mut self) {
        while let Some(&Reverse((deadline, trace))) = self.deadlines.peek() {
            if deadline >= self.watermark {
                break;
            }
            self.deadlines.pop();
            let current = self.open.get(&trace).map(|open| open.last_end.saturating_add(HORIZON_NS));
            if current == Some(deadline) {
                self.close(trace);
            }
        }
    }

    fn close(&mut self, trace: u128) {
        let Some(open) = self.open.remove(&trace) else { return };
        let (requests, outside) = requests_of(open.spans);
        self.tally.outside_requests += outside;
        requests.into_iter().for_each(&mut self.emit);
    }
}

/// The requests of one trace's spans, and how many spans fell under none.
pub fn requests_of(spans: Vec<Span>) -> (Vec<Request>, u64) {
    let at: HashMap<u64, usize> = spans.iter().enumerate().map(|(i, span)| (span.id, i)).collect();
    let is_request = |span: &Span| {
        span.kind == Kind::Server
            && match span.parent.and_then(|parent| at.get(&parent)) {
                None => true,
                Some(&parent) => span.parent_remote || spans[parent].service != span.service,
            }
    };
    let requests: Vec<bool> = spans.iter().map(is_request).collect();
    // The request each span belongs to: the nearest request at or above it.
    let mut owner: Vec<Option<usize>> = vec![None; spans.len()];
    for start in 0..spans.len() {
        let mut chain = Vec::new();
        let mut at_span = Some(start);
        let mut found = None;
        while let Some(index) = at_span {
            if requests[index] {
                found = Some(index);
                break;
            }
            if chain.len() > spans.len() {
                break; // a cycle of parents: no request
            }
            chain.push(index);
            at_span = spans[index].parent.and_then(|parent| at.get(&parent).copied());
        }
        for index in chain {
            owner[index] = found;
        }
        if requests[start] {
            owner[start] = Some(start);
        }
    }
    let mut built: HashMap<usize, Request> = HashMap::new();
    for (index, span) in spans.iter().enumerate().filter(|(index, _)| requests[*index]) {
        let request = Request { span: span.clone(), db_calls: 0, external_calls: 0, spans: 1, db_time: Vec::new() };
        built.insert(index, request);
    }
    let mut outside = 0;
    for (index, span) in spans.iter().enumerate().filter(|(index, _)| !requests[*index]) {
        let Some(request) = owner[index].and_then(|owner| built.get_mut(&owner)) else {
            outside += 1;
            continue;
        };
        request.spans += 1;
        match &span.db {
            Some(db) => {
                request.db_calls += 1;
                match request.db_time.iter_mut().find(|(name, _)| name == db) {
                    Some((_, time)) => *time += span.duration_ns(),
                    None => request.db_time.push((db.clone(), span.duration_ns())),
                }
            }
            None if span.kind == Kind::Client => request.external_calls += 1,
            None => {}
        }
    }
    let mut requests: Vec<(usize, Request)> = built.into_iter().collect();
    requests.sort_by_key(|(index, _)| *index);
    (requests.into_iter().map(|(_, request)| request).collect(), outside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::traces::RequestAttributes;

    fn span(trace: u128, id: u64, parent: Option<u64>, kind: Kind, end_s: u64) -> Span {
        Span {
            trace,
            id,
            parent,
            parent_remote: false,
            kind,
            start_ns: end_s * 1_000_000_000 - 1_000_000,
            end_ns: end_s * 1_000_000_000,
            service: 0,
            error: false,
            http_status: Some(200),
            db: None,
            request: (kind == Kind::Server)
                .then(|| Box::new(RequestAttributes { route: "/r".into(), method: None, status: None })),
        }
    }

    fn db(mut span: Span, operation: &str) -> Span {
        span.db = Some(operation.into());
        span
    }

    #[test]
    fn a_request_counts_its_descendants_down_to_the_next_service() {
        let mut downstream = span(1, 6, Some(4), Kind::Server, 10);
        downstream.service = 1;
        let spans = vec![
            db(span(1, 2, Some(3), Kind::Client, 10), "SELECT"), // under an internal span, before its root
            span(1, 3, Some(1), Kind::Internal, 10),
            span(1, 1, None, Kind::Server, 10),
            span(1, 4, Some(1), Kind::Client, 10), // an external call, into another service
            downstream,
            db(span(1, 7, Some(6), Kind::Client, 10), "INSERT"),
            db(span(1, 8, Some(1), Kind::Client, 10), "SELECT"),
            span(1, 9, Some(99), Kind::Internal, 10), // its parent never came
        ];
        let (requests, outside) = requests_of(spans);
        assert_eq!(requests.len(), 2);
        let (root, called) = (&requests[0], &requests[1]);
        assert_eq!((root.span.id, root.db_calls, root.external_calls, root.spans), (1, 2, 1, 5));
        assert_eq!(root.db_time, [("SELECT".to_string(), 2_000_000)]);
        assert_eq!((called.span.id, called.db_calls, called.external_calls, called.spans), (6, 1, 0, 2));
        assert_eq!(outside, 1);
    }

    #[test]
    fn traces_close_once_the_input_has_moved_a_horizon_past_them_and_late_spans_are_counted() {
        let mut closed = Vec::new();
        let mut assembler = Assembler::new(|request: Request| closed.push(request.span.trace));
        assembler.add(span(1, 11, Some(10), Kind::Client, 1));
        assembler.add(span(2, 20, None, Kind::Server, 2));
        assembler.add(span(1, 10, None, Kind::Server, 3)); // the root after its child
        assembler.add(span(3, 30, None, Kind::Server, 62)); // 60 s past trace 1's end: not yet past
        assert_eq!(assembler.open.len(), 3);
        assembler.add(span(3, 31, Some(30), Kind::Client, 64)); // past traces 1 and 2
        assert_eq!(assembler.open.len(), 1);
        assembler.add(span(1, 12, Some(10), Kind::Client, 3)); // late: trace 1 is closed
        let tally = assembler.finish();
        assert_eq!((tally.late, tally.outside_requests), (1, 1));
        assert_eq!(tally.most_open, 3);
        assert_eq!(tally.kinds[&Kind::Server], 3);
        assert_eq!(closed, [2, 1, 3]);
    }
}
