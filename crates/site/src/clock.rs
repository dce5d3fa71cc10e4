//! Time and ids as inputs: the engine never reads the clock or draws ids
//! itself, so simulations and tests can drive both.

use jiff::Timestamp;
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
