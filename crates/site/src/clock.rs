//! Time, ids and jitter as inputs: the engine never reads the clock, draws
//! ids or rolls dice itself, so simulations and tests can drive all three.
//!
//! | seam      | production      | tests and simulations                       |
//! |-----------|-----------------|---------------------------------------------|
//! | [`Clock`] | [`SystemClock`] | [`ManualClock`] (set / advance by hand)     |
//! | [`IdSource`] | [`V7Ids`]    | [`SeededIds`] (UUIDv7-shaped, from a seed)  |
//! | [`Jitter`] | [`RandomJitter`] | [`SeededJitter`] (same factors per seed)  |

use jiff::{SignedDuration, Timestamp};
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use uuid::Uuid;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> Timestamp;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to: [`ManualClock::set`] and
/// [`ManualClock::advance`]. Shared between threads (`&self` everywhere);
/// resolution is the nanosecond.
#[derive(Debug)]
pub struct ManualClock {
    /// Nanoseconds since the Unix epoch, in one atomic word so readers never
    /// see a torn instant (2^63 ns covers the years 1678 to 2262).
    nanos: AtomicI64,
}

impl ManualClock {
    /// A clock standing at `at`. Instants outside 1678..2262 are clamped.
    pub fn new(at: Timestamp) -> ManualClock {
        ManualClock {
            nanos: AtomicI64::new(to_nanos(at)),
        }
    }

    /// Moves the clock to `at` (backwards too: tests of clock skew need it).
    pub fn set(&self, at: Timestamp) {
        self.nanos.store(to_nanos(at), Ordering::SeqCst);
    }

    /// Moves the clock by `by` (negative moves it back) and returns the new time.
    pub fn advance(&self, by: SignedDuration) -> Timestamp {
        let step = i64::try_from(by.as_nanos()).unwrap_or(if by.is_negative() {
            i64::MIN
        } else {
            i64::MAX
        });
        let before = self
            .nanos
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_add(step))
            })
            .unwrap_or_else(|n| n);
        from_nanos(before.saturating_add(step))
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Timestamp {
        from_nanos(self.nanos.load(Ordering::SeqCst))
    }
}

fn to_nanos(at: Timestamp) -> i64 {
    i64::try_from(at.as_nanosecond()).unwrap_or(if at.as_nanosecond() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

fn from_nanos(n: i64) -> Timestamp {
    // Every i64 of nanoseconds is within jiff's range (years -9999..9999).
    Timestamp::from_nanosecond(i128::from(n)).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// A source of fresh UUIDv7 ids.
pub trait IdSource: Send + Sync {
    /// A new id, ordered after earlier ones from this source.
    fn new_id(&self, now: Timestamp) -> Uuid;
}

/// UUIDv7 ids from the `uuid` crate's generator (timestamp + random bits).
#[derive(Debug, Default, Clone, Copy)]
pub struct V7Ids;

impl IdSource for V7Ids {
    fn new_id(&self, now: Timestamp) -> Uuid {
        let ms = u64::try_from(now.as_millisecond()).unwrap_or(0);
        let ts = uuid::Timestamp::from_unix(
            uuid::NoContext,
            ms / 1000,
            ((ms % 1000) * 1_000_000) as u32,
        );
        Uuid::new_v7(ts)
    }
}

/// splitmix64 (Steele, Lea, Flood 2014): a tiny seedable generator whose
/// `n`-th output is a pure function of the seed and `n`, which lets
/// [`SeededIds`] draw "the random bits of id number `n`" directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9e37_79b9_7f4a_7c15;

impl SplitMix64 {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// The next 64 random bits.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix64(self.state)
    }

    /// The `n`-th output (0-based) of a generator seeded with `seed`, without
    /// drawing the ones before it.
    pub fn nth(seed: u64, n: u64) -> u64 {
        mix64(seed.wrapping_add(GOLDEN_GAMMA.wrapping_mul(n.wrapping_add(1))))
    }
}

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Deterministic UUIDv7-shaped ids for simulations and replays.
///
/// Layout of the 128 bits (version 7, RFC 9562 variant, like [`V7Ids`]):
///
/// ```text
///  48 bits  unix milliseconds of the `now` passed in
///   4 bits  version (7)
///  32 bits  sequence number: the id's index in this source's sequence    } 12 + 62
///  42 bits  seeded: 10 bits of splitmix64(seed) output number `sequence`, } "random" bits
///           then 32 bits of a seed-keyed permutation of `sequence`
///   2 bits  variant (10), between the two as RFC 9562 places it
/// ```
///
/// The last 32 bits (the printed order reference, `T` + 8 hex digits, is
/// made of them) are therefore seeded and distinct for every sequence number
/// of one source, and the same seed and sequence give the same bits whatever
/// the clock says. Ids with equal `now` sort by
/// sequence, so ids from one source stay ordered.
///
/// **No id twice across processes.** A terminal is often a string of short
/// processes (one per CLI command), any of which may be SIGKILLed mid-sale,
/// all drawing from the same seed. A per-process draw index would restart at
/// 0 in each process and repeat ids whenever two processes see the same
/// millisecond (or a wall clock steps back). So the sequence is a counter
/// **persisted in the terminal's data directory**
/// ([`SeededIds::persistent`]), reserved in blocks of [`SeededIds::BLOCK`]:
/// a block is written and fsynced (temp file, rename, directory fsync, under
/// an exclusive file lock so two processes of one terminal never share a
/// block) *before* any of its numbers is handed out. A process killed at any
/// point leaves at worst an unused rest of its block; the next process starts
/// at the next block. Sequence numbers never repeat, so ids of one terminal
/// never collide, whatever the clock does. Ids of *different* terminals
/// differ by their seeds (42 seeded bits per sequence number).
///
/// **Deterministic for a given schedule.** Each process reserves its first
/// block when it starts (the bin does it before opening the terminal), so
/// the `k`-th process of a terminal draws from block `k`, and its `i`-th
/// draw is sequence `k * BLOCK + i`: the same schedule of commands gives the
/// same tails, and the same references. Only a SIGKILL landing before a
/// process reserved its block shifts the later blocks, which is why replays
/// are compared without kills.
///
/// If a later block cannot be reserved (the disk failed mid-process), the
/// source keeps ids unique by falling back to random bits for the rest of
/// the process (logged); determinism is lost, uniqueness is not.
#[derive(Debug)]
pub struct SeededIds {
    seed: u64,
    state: Mutex<SeqState>,
    counter: Option<PathBuf>,
}

#[derive(Debug)]
struct SeqState {
    next: u64,
    /// First number past the reserved block.
    end: u64,
    /// The counter file failed: random tails from here on.
    failed: bool,
}

impl SeededIds {
    /// Sequence numbers reserved per write of the counter file.
    pub const BLOCK: u64 = 1 << 12;
    /// The sequence field's width.
    const SEQ_BITS: u32 = 32;

    /// Ids from `seed` with an in-memory sequence starting at 0: for one
    /// process only (tests, benches). Two sources with the same seed hand
    /// out the same ids.
    pub fn new(seed: u64) -> SeededIds {
        SeededIds {
            seed,
            state: Mutex::new(SeqState {
                next: 0,
                end: u64::MAX,
                failed: false,
            }),
            counter: None,
        }
    }

    /// Ids from `seed` whose sequence is persisted in the file `counter`
    /// (created when missing), shared by every process using that file.
    /// Reserves the first block now, so an error surfaces here.
    pub fn persistent(seed: u64, counter: &Path) -> std::io::Result<SeededIds> {
        let start = reserve(counter, Self::BLOCK)?;
        Ok(SeededIds {
            seed,
            state: Mutex::new(SeqState {
                next: start,
                end: start.saturating_add(Self::BLOCK),
                failed: false,
            }),
            counter: Some(counter.to_path_buf()),
        })
    }

    /// The id for sequence number `seq` at `now`.
    pub fn id_at(&self, seq: u64, now: Timestamp) -> Uuid {
        let drawn = SplitMix64::nth(self.seed, seq);
        // The low 32 bits (the printed reference) are a seeded permutation of
        // the sequence number, so references of one source never repeat
        // either; the 10 bits above them come straight from the generator.
        let low = u64::from(permute32(seq as u32, drawn_key(self.seed)));
        compose(now, seq, (drawn << 32) | low)
    }

    /// The next sequence number, or `None` when the counter file failed.
    fn next_seq(&self) -> Option<u64> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if st.failed {
            return None;
        }
        if st.next >= st.end {
            let Some(path) = &self.counter else {
                return None;
            };
            match reserve(path, Self::BLOCK) {
                Ok(start) => {
                    st.next = start;
                    st.end = start.saturating_add(Self::BLOCK);
                }
                Err(e) => {
                    tracing::warn!(error = %e, counter = %path.display(),
                        "cannot reserve seeded ids; random ids from now on");
                    st.failed = true;
                    return None;
                }
            }
        }
        let seq = st.next;
        st.next += 1;
        Some(seq)
    }
}

impl IdSource for SeededIds {
    fn new_id(&self, now: Timestamp) -> Uuid {
        match self.next_seq() {
            Some(seq) if seq < 1 << Self::SEQ_BITS => self.id_at(seq, now),
            // Out of sequence numbers or the counter failed: stay unique.
            _ => V7Ids.new_id(now),
        }
    }
}

/// The key of [`permute32`] for `seed`.
fn drawn_key(seed: u64) -> u64 {
    mix64(seed ^ 0x5eed_5eed_5eed_5eed)
}

/// A bijection of `u32` chosen by `key` (xor, odd multiply and xorshift
/// rounds are each invertible on 32 bits).
fn permute32(x: u32, key: u64) -> u32 {
    let (k1, k2) = (key as u32, (key >> 32) as u32 | 1);
    let mut x = x ^ k1;
    x = x.wrapping_mul(k2);
    x ^= x >> 16;
    x = x.wrapping_mul(0x7feb_352d);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846c_a68b);
    x ^ (x >> 16)
}

/// Lays out a UUIDv7: 48 bits of ms, version, 32 bits of `seq`, variant,
/// 42 bits of `tail`.
fn compose(now: Timestamp, seq: u64, tail: u64) -> Uuid {
    let ms = u64::try_from(now.as_millisecond()).unwrap_or(0) & ((1 << 48) - 1);
    let seq = seq & 0xffff_ffff;
    let tail = tail & ((1 << 42) - 1);
    // 74 free bits: seq (32) then tail (42).
    let free: u128 = (u128::from(seq) << 42) | u128::from(tail);
    let rand_a = (free >> 62) & 0xfff; // top 12 of the 74
    let rand_b = free & ((1u128 << 62) - 1); // low 62
    let v = (u128::from(ms) << 80) | (0x7u128 << 76) | (rand_a << 64) | (0b10u128 << 62) | rand_b;
    Uuid::from_u128(v)
}

/// Reserves `n` numbers from the counter file at `path`: returns the first
/// and durably records the one after the last before returning.
fn reserve(path: &Path, n: u64) -> std::io::Result<u64> {
    let lock_path = path.with_extension("lock");
    let lock = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)?;
    lock.lock()?;
    let start = match File::open(path) {
        Ok(mut f) => {
            let mut text = String::new();
            f.read_to_string(&mut text)?;
            text.trim().parse::<u64>().map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{}: {e}", path.display()),
                )
            })?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => return Err(e),
    };
    let end = start
        .checked_add(n)
        .ok_or_else(|| std::io::Error::other(format!("{}: sequence exhausted", path.display())))?;
    let tmp = path.with_extension("tmp");
    {
        let mut f = File::create(&tmp)?;
        writeln!(f, "{end}")?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Make the rename itself durable (a power cut must not bring back
        // the old number while ids of the block sit in fsynced rows).
        File::open(dir)?.sync_all()?;
    }
    drop(lock);
    Ok(start)
}

/// A source of jitter factors for backoff pauses (see
/// the pump's backoff): values in 0.8..=1.2.
pub trait Jitter: Send + Sync {
    /// The next factor.
    fn factor(&self) -> f64;
}

/// Any `Fn() -> f64` is a jitter source (e.g. the pump's `random_jitter`).
impl<F: Fn() -> f64 + Send + Sync> Jitter for F {
    fn factor(&self) -> f64 {
        self()
    }
}

/// Jitter from fresh random bits: production.
#[derive(Debug, Default, Clone, Copy)]
pub struct RandomJitter;

impl Jitter for RandomJitter {
    fn factor(&self) -> f64 {
        unit_to_factor(Uuid::new_v4().as_u128() as u64)
    }
}

/// Jitter from a seed: the `n`-th factor drawn is the same for the same seed.
#[derive(Debug)]
pub struct SeededJitter {
    seed: u64,
    draws: AtomicU64,
}

impl SeededJitter {
    /// Factors from `seed`.
    pub fn new(seed: u64) -> SeededJitter {
        SeededJitter {
            seed,
            draws: AtomicU64::new(0),
        }
    }
}

impl Jitter for SeededJitter {
    fn factor(&self) -> f64 {
        let n = self.draws.fetch_add(1, Ordering::Relaxed);
        unit_to_factor(SplitMix64::nth(self.seed, n))
    }
}

/// 64 random bits to a factor in 0.8..=1.2.
fn unit_to_factor(bits: u64) -> f64 {
    let unit = (bits >> 11) as f64 / (1u64 << 53) as f64; // 0..1
    0.8 + 0.4 * unit
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::sync::Arc;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn manual_clock_sets_and_advances() {
        let c = ManualClock::new(at("2026-03-01T10:00:00Z"));
        assert_eq!(c.now(), at("2026-03-01T10:00:00Z"));
        assert_eq!(c.now(), c.now(), "it does not move by itself");
        let t = c.advance(SignedDuration::from_secs(90));
        assert_eq!(t, at("2026-03-01T10:01:30Z"));
        assert_eq!(c.now(), t);
        c.advance(SignedDuration::from_millis(-500));
        assert_eq!(c.now(), at("2026-03-01T10:01:29.5Z"));
        c.set(at("2020-01-01T00:00:00Z"));
        assert_eq!(c.now(), at("2020-01-01T00:00:00Z"));
        c.advance(SignedDuration::from_nanos(1));
        assert_eq!(c.now().as_nanosecond() % 1_000, 1);
    }

    #[test]
    fn manual_clock_is_shared_between_threads() {
        let c = Arc::new(ManualClock::new(Timestamp::UNIX_EPOCH));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let c = c.clone();
                std::thread::spawn(move || {
                    for _ in 0..1000 {
                        c.advance(SignedDuration::from_millis(1));
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(
            c.now(),
            Timestamp::UNIX_EPOCH + SignedDuration::from_secs(4)
        );
        // Usable where the engine wants a clock.
        let dynamic: Arc<dyn Clock> = c;
        assert_eq!(dynamic.now().as_second(), 4);
    }

    #[test]
    fn splitmix_nth_matches_the_stream() {
        let mut g = SplitMix64::new(42);
        for n in 0..100 {
            assert_eq!(g.next(), SplitMix64::nth(42, n));
        }
        // The reference value of splitmix64 seeded with 0.
        assert_eq!(SplitMix64::nth(0, 0), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn seeded_ids_are_uuid_v7_with_the_timestamp_of_now() {
        let ids = SeededIds::new(7);
        let now = at("2026-03-01T10:00:00.123Z");
        let id = ids.new_id(now);
        assert_eq!(id.get_version_num(), 7);
        assert_eq!(id.get_variant(), uuid::Variant::RFC4122);
        let (secs, nanos) = id.get_timestamp().unwrap().to_unix();
        assert_eq!(secs, now.as_second() as u64);
        assert_eq!(nanos, 123_000_000);
    }

    #[test]
    fn seeded_ids_replay_per_seed_and_differ_between_seeds() {
        let now = at("2026-03-01T10:00:00Z");
        let draw = |seed: u64| -> Vec<Uuid> {
            let s = SeededIds::new(seed);
            (0..50).map(|_| s.new_id(now)).collect()
        };
        let (a, b, c) = (draw(1), draw(1), draw(2));
        assert_eq!(a, b);
        assert!(a.iter().zip(&c).all(|(x, y)| x != y));
        // The seeded part does not depend on the clock: same tail at another time.
        let later = SeededIds::new(1).new_id(at("2027-01-01T00:00:00Z"));
        assert_eq!(
            later.as_u128() & ((1 << 80) - 1),
            a[0].as_u128() & ((1 << 80) - 1)
        );
        assert_ne!(later, a[0]);
    }

    #[test]
    fn seeded_ids_stay_ordered_for_equal_now_and_never_repeat() {
        let s = SeededIds::new(99);
        let now = at("2026-03-01T10:00:00Z");
        let ids: Vec<Uuid> = (0..10_000).map(|_| s.new_id(now)).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "ordered");
        let unique: HashSet<&Uuid> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
        // The printed references (last 8 hex digits) differ too.
        let refs: HashSet<String> = ids
            .iter()
            .map(|u| u.simple().to_string()[24..].to_string())
            .collect();
        assert_eq!(refs.len(), ids.len());
        // A later `now` sorts after, whatever the sequence.
        assert!(s.new_id(now + SignedDuration::from_millis(1)) > ids[ids.len() - 1]);
    }

    #[test]
    fn persistent_ids_survive_restarts_and_kills_without_repeating() {
        let dir = tempfile::tempdir().unwrap();
        let counter = dir.path().join("ids.counter");
        let now = at("2026-03-01T10:00:00Z");
        let mut seen = HashSet::new();
        // Three "processes" of one terminal with the same seed and the same
        // millisecond: the first draws 3 ids, the second is "killed" after
        // one, the third draws past a block boundary.
        let p1 = SeededIds::persistent(5, &counter).unwrap();
        for _ in 0..3 {
            assert!(seen.insert(p1.new_id(now)));
        }
        let p2 = SeededIds::persistent(5, &counter).unwrap();
        let first_of_p2 = p2.new_id(now);
        assert!(seen.insert(first_of_p2));
        drop(p2);
        let p3 = SeededIds::persistent(5, &counter).unwrap();
        for _ in 0..(SeededIds::BLOCK + 10) {
            assert!(seen.insert(p3.new_id(now)), "no id twice");
        }
        // p1 still draws from its own block.
        assert!(seen.insert(p1.new_id(now)));
        // Deterministic: the k-th process draws from block k.
        assert_eq!(first_of_p2, SeededIds::new(5).id_at(SeededIds::BLOCK, now));
        let again = tempfile::tempdir().unwrap();
        let c2 = again.path().join("ids.counter");
        let q1 = SeededIds::persistent(5, &c2).unwrap();
        let first_of_q1 = q1.new_id(now);
        let q2 = SeededIds::persistent(5, &c2).unwrap();
        assert_eq!(q2.new_id(now), first_of_p2, "same schedule, same ids");
        assert_eq!(first_of_q1, SeededIds::new(5).new_id(now));
        // p3 reserved two blocks (the second when the first ran out).
        assert_eq!(
            std::fs::read_to_string(&counter).unwrap().trim(),
            (4 * SeededIds::BLOCK).to_string()
        );
    }

    #[test]
    fn persistent_ids_from_concurrent_processes_never_collide() {
        let dir = tempfile::tempdir().unwrap();
        let counter = Arc::new(dir.path().join("ids.counter"));
        let now = at("2026-03-01T10:00:00Z");
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let counter = counter.clone();
                std::thread::spawn(move || {
                    let mut out = Vec::new();
                    for _ in 0..5 {
                        let s = SeededIds::persistent(3, &counter).unwrap();
                        out.extend((0..10).map(|_| s.new_id(now)));
                    }
                    out
                })
            })
            .collect();
        let all: Vec<Uuid> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        let unique: HashSet<&Uuid> = all.iter().collect();
        assert_eq!(unique.len(), 200);
    }

    #[test]
    fn a_corrupt_counter_is_an_error_not_a_restart_at_zero() {
        let dir = tempfile::tempdir().unwrap();
        let counter = dir.path().join("ids.counter");
        std::fs::write(&counter, "garbage").unwrap();
        assert!(SeededIds::persistent(1, &counter).is_err());
    }

    #[test]
    fn jitter_sources_stay_in_range_and_seeded_ones_replay() {
        let random = RandomJitter;
        let seeded = SeededJitter::new(11);
        let replay = SeededJitter::new(11);
        let other = SeededJitter::new(12);
        let mut differ = 0;
        for _ in 0..1000 {
            let r = random.factor();
            assert!((0.8..=1.2).contains(&r), "{r}");
            let s = seeded.factor();
            assert!((0.8..=1.2).contains(&s), "{s}");
            assert_eq!(s.to_bits(), replay.factor().to_bits());
            if other.factor() != s {
                differ += 1;
            }
        }
        assert!(differ > 990);
        // A closure is a jitter source too.
        let fixed = || 1.0;
        assert_eq!(Jitter::factor(&fixed), 1.0);
    }
}
