//! Finding every delimiter and line end of a block in one pass: 64 bytes at a
//! time, compared against both bytes with SSE2 (part of every x86-64 CPU) into
//! a bit mask whose set bits are visited in order. A CSV row of a request log
//! has a handful of short fields, so restarting a search per field (as
//! `memchr2_iter` does) costs more than the scan itself.

/// Calls `visit(position)` for every byte of `block` equal to `a` or `b`, in order.
#[inline]
pub fn for_each_of_two(block: &[u8], a: u8, b: u8, mut visit: impl FnMut(usize)) {
    #[cfg(target_arch = "x86_64")]
    {
        let chunks = block.chunks_exact(64);
        let rest_start = block.len() - chunks.remainder().len();
        for (index, chunk) in chunks.enumerate() {
            let mut mask = sse2::mask_of_two(chunk.try_into().expect("64 bytes"), a, b);
            let base = index * 64;
            while mask != 0 {
                visit(base + mask.trailing_zeros() as usize);
                mask &= mask - 1;
            }
        }
        for (offset, byte) in block[rest_start..].iter().enumerate() {
            if *byte == a || *byte == b {
                visit(rest_start + offset);
            }
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    memchr::memchr2_iter(a, b, block).for_each(visit);
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};

    /// Bit i is set when `chunk[i]` is `a` or `b`.
    #[inline]
    pub fn mask_of_two(chunk: &[u8; 64], a: u8, b: u8) -> u64 {
        let mut mask = 0u64;
        // SAFETY: SSE2 is part of the x86-64 baseline, so these instructions
        // always exist; each unaligned load reads 16 bytes inside `chunk`.
        unsafe {
            let (wanted_a, wanted_b) = (_mm_set1_epi8(a as i8), _mm_set1_epi8(b as i8));
            for part in 0..4 {
                let bytes = _mm_loadu_si128(chunk.as_ptr().add(part * 16).cast::<__m128i>());
                let hits = _mm_or_si128(_mm_cmpeq_epi8(bytes, wanted_a), _mm_cmpeq_epi8(bytes, wanted_b));
                mask |= u64::from(_mm_movemask_epi8(hits) as u16) << (part * 16);
            }
        }
        mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_same_positions_as_memchr2_at_every_length_and_offset() {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let bytes: Vec<u8> = (0..1000)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                [b',', b'\n', b'a', b'7', 0xff, b'.'][(state % 6) as usize]
            })
            .collect();
        for start in [0, 1, 15, 63, 64, 65] {
            for end in [start, start + 1, start + 63, start + 64, start + 200, 1000] {
                let block = &bytes[start..end.min(1000)];
                let mut found = Vec::new();
                for_each_of_two(block, b',', b'\n', |at| found.push(at));
                let expected: Vec<usize> = memchr::memchr2_iter(b',', b'\n', block).collect();
                assert_eq!(found, expected, "bytes {start}..{end}");
            }
        }
        let mut high = Vec::new();
        for_each_of_two(&[0xff; 70], 0xff, b'\n', |at| high.push(at));
        assert_eq!(high, (0..70).collect::<Vec<_>>(), "bytes above 0x7f");
    }
}
