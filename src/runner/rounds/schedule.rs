//! The order of the sides in every run of the rounds: randomized but balanced,
//! so that drift of the machine hits every side alike.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;

use super::Side;

/// The order of the sides in each round, seeded. Two sides: randomized ABBA blocks. Three:
/// blocks of six rounds that take each of the six orders once, shuffled — so every side
/// runs first, second and last equally often.
pub fn interleaved_schedule(rounds: u32, seed: u64, sides: &[Side]) -> Vec<Vec<Side>> {
    let mut rng = Pcg64::seed_from_u64(seed);
    let mut schedule: Vec<Vec<Side>> = Vec::with_capacity(rounds as usize);
    while schedule.len() < rounds as usize {
        if let [a, b] = sides {
            let first = if rng.gen_bool(0.5) { vec![*a, *b] } else { vec![*b, *a] };
            let second = vec![first[1], first[0]];
            schedule.push(first);
            schedule.push(second);
        } else {
            let mut block = permutations(sides);
            block.shuffle(&mut rng);
            schedule.extend(block);
        }
    }
    schedule.truncate(rounds as usize);
    schedule
}

/// The orders of one chunk's two rounds of a pass (`pass` from 0): a seeded order of the sides,
/// then its reverse — A B B A for two sides, so that the two runs of each side sit around the
/// other side's and a steady drift cancels within the chunk. Over passes, each side runs first
/// in half of them (two sides) or in a third (three).
pub fn chunk_orders(seed: u64, pass: u32, chunk: usize, sides: &[Side]) -> [Vec<Side>; 2] {
    let mut rng = Pcg64::seed_from_u64(seed ^ (u64::from(pass) << 40) ^ (chunk as u64).wrapping_mul(0x9E37_79B9));
    let mut first = sides.to_vec();
    first.shuffle(&mut rng);
    let mut second = first.clone();
    second.reverse();
    [first, second]
}

fn permutations(sides: &[Side]) -> Vec<Vec<Side>> {
    if sides.len() <= 1 {
        return vec![sides.to_vec()];
    }
    let mut all = Vec::new();
    for (at, side) in sides.iter().enumerate() {
        let mut rest = sides.to_vec();
        rest.remove(at);
        for mut order in permutations(&rest) {
            order.insert(0, *side);
            all.push(order);
        }
    }
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: [Side; 2] = [Side::Base, Side::Head];
    const THREE: [Side; 3] = [Side::Base, Side::Head, Side::Anchor];

    #[test]
    fn the_schedule_is_balanced_and_seeded() {
        let schedule = interleaved_schedule(10, 7, &TWO);
        assert_eq!(schedule.len(), 10);
        for pair in schedule.chunks(2) {
            assert_eq!(pair[0], [pair[1][1], pair[1][0]], "each pair of rounds is AB/BA or BA/AB");
        }
        let base_first = schedule.iter().filter(|o| o[0] == Side::Base).count();
        assert_eq!(base_first, 5);
        assert_eq!(schedule, interleaved_schedule(10, 7, &TWO));
        let orders: std::collections::BTreeSet<_> =
            (0..20).map(|seed| interleaved_schedule(2, seed, &TWO)[0][0] == Side::Base).collect();
        assert_eq!(orders.len(), 2, "the first side is drawn at random");
        assert_eq!(interleaved_schedule(3, 1, &TWO).len(), 3);
    }

    #[test]
    fn with_an_anchor_every_side_takes_every_place_equally_often() {
        let schedule = interleaved_schedule(12, 3, &THREE);
        assert_eq!(schedule, interleaved_schedule(12, 3, &THREE));
        for block in schedule.chunks(6) {
            let orders: std::collections::BTreeSet<_> = block.iter().collect();
            assert_eq!(orders.len(), 6, "a block of six rounds takes the six orders once: {block:?}");
        }
        for side in THREE {
            for place in 0..3 {
                assert_eq!(schedule.iter().filter(|o| o[place] == side).count(), 4, "{side:?} at {place}");
            }
        }
        assert_ne!(schedule[..6], interleaved_schedule(12, 4, &THREE)[..6], "the orders are shuffled by the seed");
    }

    #[test]
    fn a_chunks_two_rounds_are_an_order_and_its_reverse_and_each_side_leads_about_as_often() {
        let mut base_first = 0;
        for pass in 0..20 {
            for chunk in 0..10 {
                let [first, second] = chunk_orders(5, pass, chunk, &TWO);
                assert_eq!(second, [first[1], first[0]], "A B B A or B A A B");
                base_first += usize::from(first[0] == Side::Base);
                assert_eq!(chunk_orders(5, pass, chunk, &TWO)[0], first, "seeded");
            }
        }
        assert!((80..=120).contains(&base_first), "{base_first} of 200 chunks began with the base");
        let [first, second] = chunk_orders(5, 0, 0, &THREE);
        assert_eq!(second.iter().rev().collect::<Vec<_>>(), first.iter().collect::<Vec<_>>());
    }
}
