//! Reading a row stream in blocks and parsing the blocks on several threads
//! ("lanes") with a result that never depends on thread timing.
//!
//! The stream is cut into blocks of about [`BLOCK_BYTES`] that end at a
//! record end: for CSV a line end outside quotes, so quoted fields may span
//! lines; for NDJSON every line end, since a JSON line holds no raw line end
//! and its quotes are string delimiters, not CSV quoting ([`RecordEnds`]).
//! Block `n` always goes to lane `n % lanes`: each lane sees its blocks in
//! file order and keeps its own state, and the caller combines the lanes in
//! lane order — so the outcome is the same on every run. What a lane must
//! know from blocks other lanes parse (k6 declares a metric's type once) is
//! gathered by the reading thread, which sees every block in file order
//! ([`parse_in_lanes_with`]). Each block reports a [`BlockTally`]; the
//! tallies are put back in file order to turn line numbers within a block
//! into line numbers in the file, and [`Tally::check_bad_rows`] applies the
//! suite's `max-bad-rows`.

use std::io::Read;
use std::path::Path;
use std::sync::mpsc;

use crate::input::{InputError, Location};

/// Bytes per block handed to a lane.
pub const BLOCK_BYTES: usize = 4 << 20;
/// Room for the unfinished record carried over from the previous block, so a
/// reused buffer never has to grow.
const CARRY_ROOM: usize = 64 << 10;
/// Line numbers of bad rows kept for the report.
pub const BAD_LINES_SHOWN: usize = 5;

/// Where a record of the stream may end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordEnds {
    /// At a line end outside double quotes: CSV, whose quoted fields may span lines.
    OutsideQuotes,
    /// At every line end: NDJSON, where quotes delimit JSON strings (which
    /// hold no raw line end) and say nothing about where a record ends.
    EveryLine,
}

/// What parsing one block found besides its values. Line numbers count from 1
/// at the block's first line.
#[derive(Debug, Default)]
pub struct BlockTally {
    pub lines: u64,
    pub rows: u64,
    pub bad_rows: u64,
    pub bad_lines: Vec<BadLine>,
}

/// Where a bad row is and what is wrong with it.
#[derive(Debug, Clone, PartialEq)]
pub struct BadLine {
    pub line: u64,
    /// The column, when the parser knows it (JSON syntax errors).
    pub column: Option<u64>,
    pub message: String,
}

impl BlockTally {
    /// Counts a row at `line`: a good one, or a bad one with the message of what is wrong.
    pub fn row(&mut self, line: u64, outcome: Result<(), String>) {
        match outcome {
            Ok(()) => self.rows += 1,
            Err(message) => self.bad_row(line, message),
        }
    }

    /// Counts a bad row at `line`, keeping its message if it is among the first few.
    pub fn bad_row(&mut self, line: u64, message: String) {
        self.bad_row_at(line, None, message);
    }

    /// [`BlockTally::bad_row`] with the column of the problem, when known.
    pub fn bad_row_at(&mut self, line: u64, column: Option<u64>, message: String) {
        self.bad_rows += 1;
        if self.bad_lines.len() < BAD_LINES_SHOWN {
            self.bad_lines.push(BadLine { line, column, message });
        }
    }
}

/// The tallies of all blocks, with bad lines numbered from the stream's first line.
#[derive(Debug, Default)]
pub struct Tally {
    pub lines: u64,
    pub rows: u64,
    pub bad_rows: u64,
    pub bad_lines: Vec<BadLine>,
}

impl Tally {
    fn absorb(&mut self, block: BlockTally) {
        for bad in block.bad_lines {
            if self.bad_lines.len() < BAD_LINES_SHOWN {
                self.bad_lines.push(BadLine { line: self.lines + bad.line, ..bad });
            }
        }
        self.lines += block.lines;
        self.rows += block.rows;
        self.bad_rows += block.bad_rows;
    }

    /// Bad rows beyond `limit` fail the input, at the first one's line (plus
    /// `lines_before`, the lines read before the stream, e.g. a header);
    /// tolerated ones are reported on stderr.
    pub fn check_bad_rows(&self, path: &Path, limit: u64, lines_before: u64) -> Result<(), InputError> {
        let Some(first) = self.bad_lines.first() else { return Ok(()) };
        let lines: Vec<String> = self.bad_lines.iter().map(|bad| (bad.line + lines_before).to_string()).collect();
        let more = if self.bad_rows > lines.len() as u64 { ", ..." } else { "" };
        let summary =
            format!("{} bad row(s) of {} (lines {}{more})", self.bad_rows, self.bad_rows + self.rows, lines.join(", "));
        if self.bad_rows > limit {
            let message = if self.bad_rows == 1 {
                first.message.clone()
            } else {
                format!("{}; {summary}; set `max-bad-rows` in the suite to skip up to that many", first.message)
            };
            let line = first.line + lines_before;
            let location = first.column.map_or(Location::Line(line), |column| Location::LineColumn(line, column));
            return Err(InputError::new(path, location, message));
        }
        eprintln!(
            "perfgate: warning: {}: skipped {summary}, within max-bad-rows = {limit}; first: {}",
            path.display(),
            first.message
        );
        Ok(())
    }
}

/// Lanes worth running here: one per core, at most four (reading the file is
/// the next bottleneck).
pub fn lane_count() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 4)
}

/// Reads `reader` to the end and parses block `n` with `parse(&mut lanes[n % lanes.len()], n, block)`.
/// Returns the tallies in file order; an I/O error stops the reading.
pub fn parse_in_lanes<L: Send>(
    reader: &mut (dyn Read + Send),
    ends: RecordEnds,
    lanes: &mut [L],
    parse: impl Fn(&mut L, u32, &[u8]) -> BlockTally + Sync,
) -> std::io::Result<Tally> {
    parse_in_lanes_with(reader, ends, lanes, |_| (), |lane, number, block, ()| parse(lane, number, block))
}

/// [`parse_in_lanes`], where the reading thread first calls `look` on every
/// block, in file order, and `parse` gets what it returned with the block:
/// what a lane must know of the blocks before its own, which other lanes
/// parse. `look` runs on one thread for the whole stream, so it should only
/// skim (a byte search), never parse every record.
pub fn parse_in_lanes_with<L: Send, C: Send>(
    reader: &mut (dyn Read + Send),
    ends: RecordEnds,
    lanes: &mut [L],
    mut look: impl FnMut(&[u8]) -> C,
    parse: impl Fn(&mut L, u32, &[u8], C) -> BlockTally + Sync,
) -> std::io::Result<Tally> {
    assert!(!lanes.is_empty(), "at least one lane");
    let (tally_tx, tally_rx) = mpsc::channel::<(u32, BlockTally)>();
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let parse = &parse;
    let read_result = std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(lanes.len());
        for lane in lanes.iter_mut() {
            let (block_tx, block_rx) = mpsc::sync_channel::<(u32, Vec<u8>, C)>(1);
            senders.push(block_tx);
            let tally_tx = tally_tx.clone();
            let spare_tx = spare_tx.clone();
            scope.spawn(move || {
                for (number, block, context) in block_rx {
                    let tally = parse(lane, number, &block, context);
                    let _ = spare_tx.send(block);
                    if tally_tx.send((number, tally)).is_err() {
                        break;
                    }
                }
            });
        }
        read_blocks(
            reader,
            ends,
            |number, block| {
                let context = look(&block);
                senders[number as usize % senders.len()].send((number, block, context)).is_ok()
            },
            || spare_rx.try_recv().unwrap_or_else(|_| Vec::with_capacity(BLOCK_BYTES + CARRY_ROOM)),
        )
    });
    drop(tally_tx);
    let mut tallies: Vec<(u32, BlockTally)> = tally_rx.into_iter().collect();
    tallies.sort_by_key(|(number, _)| *number);
    let mut tally = Tally::default();
    tallies.into_iter().for_each(|(_, block)| tally.absorb(block));
    read_result.map(|()| tally)
}

/// Reads blocks that end at a record end and hands them to `send` with their
/// number; `spare` supplies an empty buffer (reused when possible). A block
/// grows past [`BLOCK_BYTES`] only to hold a record longer than that.
fn read_blocks(
    reader: &mut dyn Read,
    ends: RecordEnds,
    mut send: impl FnMut(u32, Vec<u8>) -> bool,
    mut spare: impl FnMut() -> Vec<u8>,
) -> std::io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut number = 0u32;
    loop {
        let mut block = spare();
        block.clear();
        block.extend_from_slice(&carry);
        carry.clear();
        // Exact: a doubling `reserve` would make every buffer twice the block size.
        block.reserve_exact(BLOCK_BYTES);
        let at_end = loop {
            let wanted = BLOCK_BYTES as u64;
            if read_up_to(reader, &mut block, wanted)? < wanted {
                break true;
            }
            let cut = match ends {
                RecordEnds::OutsideQuotes => last_record_end(&block),
                RecordEnds::EveryLine => memchr::memrchr(b'\n', &block),
            };
            if let Some(cut) = cut {
                carry.extend_from_slice(&block[cut + 1..]);
                block.truncate(cut + 1);
                break false;
            }
            // No record end yet: one record is longer than a block, and stays whole.
            block.reserve(BLOCK_BYTES);
        };
        if !block.is_empty() && !send(number, block) {
            return Ok(());
        }
        number += 1;
        if at_end {
            return Ok(());
        }
    }
}

/// Appends up to `wanted` bytes to `block`; fewer only at the end of the stream.
fn read_up_to(reader: &mut dyn Read, block: &mut Vec<u8>, wanted: u64) -> std::io::Result<u64> {
    let mut read = 0;
    while read < wanted {
        let n = reader.take(wanted - read).read_to_end(block)? as u64;
        if n == 0 {
            break;
        }
        read += n;
    }
    Ok(read)
}

/// The last line end of a block that is not inside a quoted field (an even
/// number of quotes before it), so that a record never straddles two blocks.
fn last_record_end(block: &[u8]) -> Option<usize> {
    let total_quotes = memchr::memchr_iter(b'"', block).count();
    if total_quotes == 0 {
        return memchr::memrchr(b'\n', block);
    }
    let mut end = block.len();
    let mut quotes_after = 0;
    while let Some(cut) = memchr::memrchr(b'\n', &block[..end]) {
        quotes_after += memchr::memchr_iter(b'"', &block[cut..end]).count();
        if (total_quotes - quotes_after) % 2 == 0 {
            return Some(cut);
        }
        end = cut;
    }
    memchr::memrchr(b'\n', block)
}

/// End of the record starting at `start`: the first line end outside quotes.
/// Returns the end and the number of lines the record spans.
pub fn record_end(block: &[u8], start: usize) -> (usize, u64) {
    let mut lines = 1;
    let mut from = start;
    let mut quotes = 0;
    loop {
        let end = memchr::memchr(b'\n', &block[from..]).map_or(block.len(), |i| from + i);
        quotes += memchr::memchr_iter(b'"', &block[from..end]).count();
        if quotes % 2 == 0 || end == block.len() {
            return (end, lines);
        }
        lines += 1;
        from = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lines per block and the block number each lane saw, for a stream of `text`.
    fn run(text: &[u8], lanes: usize) -> (Tally, Vec<Vec<u32>>) {
        let mut seen: Vec<Vec<u32>> = vec![Vec::new(); lanes];
        let mut reader: &[u8] = text;
        let tally = parse_in_lanes(&mut reader, RecordEnds::OutsideQuotes, &mut seen, |lane, number, block| {
            lane.push(number);
            let mut tally = BlockTally::default();
            for (i, line) in block.split(|b| *b == b'\n').filter(|l| !l.is_empty()).enumerate() {
                tally.lines += 1;
                match line {
                    b"bad" => tally.bad_row(i as u64 + 1, "bad".into()),
                    _ => tally.rows += 1,
                }
            }
            tally
        })
        .unwrap();
        (tally, seen)
    }

    #[test]
    fn blocks_go_round_robin_and_line_numbers_count_across_blocks() {
        let line = b"0123456789abcdef0123456789abcdef0123456789abcdef012345678\n";
        let mut text = Vec::new();
        while text.len() < 3 * BLOCK_BYTES {
            text.extend_from_slice(line);
        }
        text.extend_from_slice(b"bad\n");
        let lines = text.iter().filter(|b| **b == b'\n').count() as u64;
        let (tally, seen) = run(&text, 2);
        assert_eq!(seen, [vec![0, 2], vec![1, 3]], "block n goes to lane n % 2, in order");
        assert_eq!((tally.lines, tally.rows, tally.bad_rows), (lines, lines - 1, 1));
        assert_eq!(tally.bad_lines, [BadLine { line: lines, column: None, message: "bad".into() }]);
    }

    /// The blocks `read_blocks` cuts `text` into.
    fn blocks_of(text: &[u8], ends: RecordEnds) -> Vec<Vec<u8>> {
        let mut blocks = Vec::new();
        let mut reader: &[u8] = text;
        let keep = |_, block| {
            blocks.push(block);
            true
        };
        read_blocks(&mut reader, ends, keep, Vec::new).unwrap();
        blocks
    }

    #[test]
    fn json_lines_are_cut_at_the_last_line_end_whatever_their_quotes() {
        // An escaped quote leaves an odd number of quotes on every line.
        let line = br#"{"metric":"say \"hi","value":1}"#;
        let mut text = Vec::new();
        while text.len() < 2 * BLOCK_BYTES {
            text.extend_from_slice(line);
            text.push(b'\n');
        }
        let blocks = blocks_of(&text, RecordEnds::EveryLine);
        assert_eq!(blocks.concat(), text);
        let last_line_end = memchr::memrchr(b'\n', &text[..BLOCK_BYTES]).unwrap();
        assert_eq!(blocks[0].len(), last_line_end + 1, "the first block ends at its last line end");
        assert!(blocks.iter().all(|block| block.ends_with(b"}\n")), "no line is split");
    }

    #[test]
    fn a_line_longer_than_a_block_stays_whole() {
        let mut text = b"{\"note\":\"".to_vec();
        text.resize(BLOCK_BYTES + BLOCK_BYTES / 2, b'x');
        text.extend_from_slice(b"\"}\nshort\n");
        let long_line = text.len() - b"short\n".len();
        for ends in [RecordEnds::EveryLine, RecordEnds::OutsideQuotes] {
            let blocks = blocks_of(&text, ends);
            assert_eq!(blocks.concat(), text);
            assert!(blocks[0].len() >= long_line, "{ends:?}: the long line is in one block");
            assert!(blocks.iter().all(|block| block.ends_with(b"\n")), "{ends:?}");
        }
    }

    #[test]
    fn the_reading_thread_looks_at_every_block_in_file_order_before_its_lane() {
        let mut text = Vec::new();
        while text.len() < 5 * BLOCK_BYTES {
            text.extend_from_slice(b"declare\n");
            text.extend_from_slice(&[b'.'; 1 << 20]);
            text.push(b'\n');
        }
        let mut seen: Vec<Vec<(u32, usize)>> = vec![Vec::new(); 2];
        let mut declared_before = 0;
        let mut reader: &[u8] = &text;
        parse_in_lanes_with(
            &mut reader,
            RecordEnds::EveryLine,
            &mut seen,
            |block| {
                let before = declared_before;
                declared_before += memchr::memmem::find_iter(block, b"declare").count();
                before
            },
            |lane, number, _, before| {
                lane.push((number, before));
                BlockTally::default()
            },
        )
        .unwrap();
        let mut all: Vec<(u32, usize)> = seen.concat();
        all.sort();
        let expected: Vec<(u32, usize)> = blocks_of(&text, RecordEnds::EveryLine)
            .iter()
            .scan(0, |before, block| {
                let at_start = *before;
                *before += memchr::memmem::find_iter(block, b"declare").count();
                Some(at_start)
            })
            .enumerate()
            .map(|(number, before)| (number as u32, before))
            .collect();
        assert_eq!(all, expected);
        assert!(seen.iter().all(|lane| lane.windows(2).all(|pair| pair[0].0 < pair[1].0)), "each lane in file order");
    }

    #[test]
    fn a_block_never_cuts_a_quoted_field_with_line_ends() {
        let mut text = Vec::new();
        while text.len() < BLOCK_BYTES + 100 {
            text.extend_from_slice(b"a,\"multi\nline\",c\n");
        }
        let cut = last_record_end(&text[..BLOCK_BYTES]).unwrap();
        assert!(text[..=cut].ends_with(b"c\n"), "cut after a whole record");
        assert_eq!(record_end(b"x,\"1\n2\",y\nz\n", 0), (9, 2));
    }

    #[test]
    fn an_empty_stream_has_no_blocks() {
        let (tally, seen) = run(b"", 3);
        assert_eq!((tally.lines, seen.concat().len()), (0, 0));
    }
}
