//! Reading a row stream in blocks and parsing the blocks on several threads
//! ("lanes") with a result that never depends on thread timing.
//!
//! The stream is cut into blocks of about [`BLOCK_BYTES`] that end at a
//! record end (a line end outside quotes, so quoted fields may span lines).
//! Block `n` always goes to lane `n % lanes`: each lane sees its blocks in
//! file order and keeps its own state, and the caller combines the lanes in
//! lane order — so the outcome is the same on every run. Each block reports a
//! [`BlockTally`]; the tallies are put back in file order to turn line numbers
//! within a block into line numbers in the file.

use std::io::Read;
use std::sync::mpsc;

/// Bytes per block handed to a lane.
pub const BLOCK_BYTES: usize = 4 << 20;
/// Room for the unfinished record carried over from the previous block, so a
/// reused buffer never has to grow.
const CARRY_ROOM: usize = 64 << 10;
/// Line numbers of bad rows kept for the report.
pub const BAD_LINES_SHOWN: usize = 5;

/// What parsing one block found besides its values. Line numbers count from 1
/// at the block's first line.
#[derive(Debug, Default)]
pub struct BlockTally {
    pub lines: u64,
    pub rows: u64,
    pub bad_rows: u64,
    pub bad_lines: Vec<(u64, String)>,
}

impl BlockTally {
    /// Counts a bad row at `line`, keeping its message if it is among the first few.
    pub fn bad_row(&mut self, line: u64, message: String) {
        self.bad_rows += 1;
        if self.bad_lines.len() < BAD_LINES_SHOWN {
            self.bad_lines.push((line, message));
        }
    }
}

/// The tallies of all blocks, with bad lines numbered from the stream's first line.
#[derive(Debug, Default)]
pub struct Tally {
    pub lines: u64,
    pub rows: u64,
    pub bad_rows: u64,
    pub bad_lines: Vec<(u64, String)>,
}

impl Tally {
    fn absorb(&mut self, block: BlockTally) {
        for (line, message) in block.bad_lines {
            if self.bad_lines.len() < BAD_LINES_SHOWN {
                self.bad_lines.push((self.lines + line, message));
            }
        }
        self.lines += block.lines;
        self.rows += block.rows;
        self.bad_rows += block.bad_rows;
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
    lanes: &mut [L],
    parse: impl Fn(&mut L, u32, &[u8]) -> BlockTally + Sync,
) -> std::io::Result<Tally> {
    assert!(!lanes.is_empty(), "at least one lane");
    let (tally_tx, tally_rx) = mpsc::channel::<(u32, BlockTally)>();
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let parse = &parse;
    let read_result = std::thread::scope(|scope| {
        let mut senders = Vec::with_capacity(lanes.len());
        for lane in lanes.iter_mut() {
            let (block_tx, block_rx) = mpsc::sync_channel::<(u32, Vec<u8>)>(1);
            senders.push(block_tx);
            let tally_tx = tally_tx.clone();
            let spare_tx = spare_tx.clone();
            scope.spawn(move || {
                for (number, block) in block_rx {
                    let tally = parse(lane, number, &block);
                    let _ = spare_tx.send(block);
                    if tally_tx.send((number, tally)).is_err() {
                        break;
                    }
                }
            });
        }
        read_blocks(
            reader,
            |number, block| senders[number as usize % senders.len()].send((number, block)).is_ok(),
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
/// number; `spare` supplies an empty buffer (reused when possible).
fn read_blocks(
    reader: &mut dyn Read,
    mut send: impl FnMut(u32, Vec<u8>) -> bool,
    mut spare: impl FnMut() -> Vec<u8>,
) -> std::io::Result<()> {
    let mut carry: Vec<u8> = Vec::new();
    let mut number = 0u32;
    loop {
        let mut block = spare();
        block.clear();
        block.extend_from_slice(&carry);
        // Exact: a doubling `reserve` would make every buffer twice the block size.
        block.reserve_exact(BLOCK_BYTES);
        let wanted = BLOCK_BYTES as u64;
        let read = read_up_to(reader, &mut block, wanted)?;
        let at_end = read < wanted;
        carry.clear();
        if !at_end {
            if let Some(cut) = last_record_end(&block) {
                carry.extend_from_slice(&block[cut + 1..]);
                block.truncate(cut + 1);
            }
        }
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
        let tally = parse_in_lanes(&mut reader, &mut seen, |lane, number, block| {
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
        assert_eq!(tally.bad_lines, [(lines, "bad".to_string())]);
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
