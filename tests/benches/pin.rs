//! What one guess at a staff PIN costs. PIN hashes reach every counter with
//! the catalog, so a stolen counter PC must make guessing them slow: the
//! chain's argon2id cost (`domain::pin`: 64 MiB, 3 passes) aims at 100 ms or
//! more per guess on a counter PC.
//!
//! - `one_guess`: the engine's PIN check (`Sessions::check_pin`) of a wrong
//!   PIN against one person's hash, as a named sign-in does it (and as an
//!   offline attacker would have to, per guess).
//!
//! Run with `cargo bench -p boxoffice-tests --bench pin`.

use site::auth::{FailureStore, Failures, Sessions, hash_pin};
use site::store::StaffRow;

fn main() {
    divan::main();
}

/// Keeps no count: the bench measures the hash, not the lockout.
struct Forgetful;

impl FailureStore for Forgetful {
    fn load(&self, _: &str, _: jiff::Timestamp) -> site::error::Result<Failures> {
        Ok(Failures::default())
    }
    fn save(&self, _: &str, _: Failures) -> site::error::Result<()> {
        Ok(())
    }
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn one_guess(b: divan::Bencher) {
    let member = StaffRow {
        id: "manager".into(),
        name: "Manager".into(),
        role: protocol::Role::Manager,
        pin_hash: hash_pin("333333", &[9; 16]).expect("hash"),
    };
    let sessions = Sessions::default();
    let now = jiff::Timestamp::now();
    b.bench_local(|| {
        let guess = sessions.check_pin(
            std::slice::from_ref(&member),
            "123456",
            now,
            "bench",
            &Forgetful,
        );
        assert!(guess.is_err());
    });
}
