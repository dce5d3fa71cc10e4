//! Group commit for the counters' pushes (PostgreSQL): a push of one sale
//! that arrives while this instance already has [`GROUPS_AT_ONCE`] groups
//! in the database waits, and joins the next group with the pushes that
//! came meanwhile. A group is one database call, one transaction and one
//! commit, applied by one of its waiting threads (the leader). Measured on
//! the load's 2 CPUs, a transaction's own cost (the call, the locks, the
//! commit, the wake of the sequencer) was about half of a one-sale push;
//! a group pays it once.
//!
//! A thread leads only while its own push is still waiting, so it returns
//! as soon as its group is applied. Pushes are taken in the order they came.

use std::collections::{HashMap, VecDeque};
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

/// How many groups of one instance are in the database at once: one
/// filling while the other commits.
pub(crate) const GROUPS_AT_ONCE: usize = 2;
/// The most pushes one group takes.
pub(crate) const GROUP_MAX: usize = 16;

/// Pushes (`I`) waiting for a group, and the answers (`R`) of applied ones.
pub(crate) struct Groups<I, R> {
    state: Mutex<State<I, R>>,
    changed: Condvar,
    at_once: usize,
    max: usize,
}

struct State<I, R> {
    next: u64,
    waiting: VecDeque<(u64, I)>,
    answers: HashMap<u64, R>,
    running: usize,
    figures: GroupFigures,
}

/// What the groups did so far (the metrics page shows them).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GroupFigures {
    /// Groups applied (one database call each).
    pub groups: u64,
    /// Pushes in them.
    pub pushes: u64,
}

impl<I, R> Default for Groups<I, R> {
    /// [`GROUPS_AT_ONCE`] unless `BOXOFFICE_PUSH_GROUPS_AT_ONCE` (1 to 64)
    /// says otherwise (a larger machine).
    fn default() -> Self {
        let at_once = std::env::var("BOXOFFICE_PUSH_GROUPS_AT_ONCE")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| (1..=64).contains(n))
            .unwrap_or(GROUPS_AT_ONCE);
        Groups::new(at_once, GROUP_MAX)
    }
}

impl<I, R> Groups<I, R> {
    /// At most `at_once` groups in the database, of at most `max` pushes
    /// (each at least 1).
    pub(crate) fn new(at_once: usize, max: usize) -> Self {
        Groups {
            state: Mutex::new(State {
                next: 0,
                waiting: VecDeque::new(),
                answers: HashMap::new(),
                running: 0,
                figures: GroupFigures::default(),
            }),
            changed: Condvar::new(),
            at_once: at_once.max(1),
            max: max.max(1),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<I, R>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The groups applied so far.
    pub(crate) fn figures(&self) -> GroupFigures {
        self.lock().figures
    }

    /// Pushes waiting for a group now.
    #[cfg(test)]
    pub(crate) fn waiting(&self) -> usize {
        self.lock().waiting.len()
    }

    /// Applies `push` in a group and answers it. `apply` applies a group
    /// (its pushes in the order they came) and answers each push, in the
    /// same order; it runs on this thread when this thread leads. `lost` is
    /// the answer of a push whose group's `apply` panicked or answered too
    /// few.
    pub(crate) fn run(
        &self,
        push: I,
        mut apply: impl FnMut(Vec<I>) -> Vec<R>,
        lost: impl Fn() -> R,
    ) -> R {
        let mut state = self.lock();
        let id = state.next;
        state.next += 1;
        state.waiting.push_back((id, push));
        loop {
            if let Some(answer) = state.answers.remove(&id) {
                return answer;
            }
            let mine_waits = state.waiting.iter().any(|(w, _)| *w == id);
            if mine_waits && state.running < self.at_once {
                let n = state.waiting.len().min(self.max);
                let (ids, pushes): (Vec<u64>, Vec<I>) = state.waiting.drain(..n).unzip();
                state.running += 1;
                state.figures.groups += 1;
                state.figures.pushes += n as u64;
                drop(state);
                let mut leading = Leading {
                    groups: self,
                    ids,
                    lost: &lost,
                };
                let answers = apply(pushes);
                leading.answer(answers);
                state = self.lock();
                continue;
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// A group being applied: its pushes' ids, answered once (by `answer`, or
/// with `lost` if the leader unwinds).
struct Leading<'a, I, R> {
    groups: &'a Groups<I, R>,
    ids: Vec<u64>,
    lost: &'a dyn Fn() -> R,
}

impl<I, R> Leading<'_, I, R> {
    fn answer(&mut self, answers: Vec<R>) {
        let ids = std::mem::take(&mut self.ids);
        let mut answers = answers.into_iter();
        let mut state = self.groups.lock();
        for id in ids {
            let answer = answers.next().unwrap_or_else(|| (self.lost)());
            state.answers.insert(id, answer);
        }
        state.running -= 1;
        drop(state);
        self.groups.changed.notify_all();
    }
}

impl<I, R> Drop for Leading<'_, I, R> {
    fn drop(&mut self) {
        if !self.ids.is_empty() {
            self.answer(Vec::new());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Barrier};
    use std::time::Duration;

    #[test]
    fn a_push_alone_is_a_group_of_one_applied_by_its_own_thread() {
        let groups: Groups<u32, u32> = Groups::default();
        let answer = groups.run(7, |pushes| pushes.iter().map(|p| p * 10).collect(), || 0);
        assert_eq!(answer, 70);
        assert_eq!(
            groups.figures(),
            GroupFigures {
                groups: 1,
                pushes: 1
            }
        );
    }

    /// One group in the database at a time: while the first push's group is
    /// held, the next pushes wait and are applied together, each answered
    /// its own result.
    #[test]
    fn pushes_that_arrive_while_the_database_is_busy_share_the_next_group() {
        let groups: Arc<Groups<u32, u32>> = Arc::new(Groups::new(1, 16));
        let (entered, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
        let first = {
            let (groups, entered, release) = (groups.clone(), entered.clone(), release.clone());
            std::thread::spawn(move || {
                groups.run(
                    1,
                    |pushes| {
                        entered.wait();
                        release.wait();
                        pushes.iter().map(|p| p * 10).collect()
                    },
                    || 0,
                )
            })
        };
        entered.wait();
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let later: Vec<_> = (2..=5)
            .map(|p| {
                let (groups, sizes) = (groups.clone(), sizes.clone());
                std::thread::spawn(move || {
                    groups.run(
                        p,
                        |pushes| {
                            sizes.lock().unwrap().push(pushes.len());
                            pushes.iter().map(|p| p * 10).collect()
                        },
                        || 0,
                    )
                })
            })
            .collect();
        // All four wait behind the held group.
        while groups.lock().waiting.len() < 4 {
            std::thread::sleep(Duration::from_millis(1));
        }
        release.wait();
        assert_eq!(first.join().unwrap(), 10);
        let answers: Vec<u32> = later.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(answers, [20, 30, 40, 50]);
        assert_eq!(*sizes.lock().unwrap(), [4]);
        assert_eq!(
            groups.figures(),
            GroupFigures {
                groups: 2,
                pushes: 5
            }
        );
    }

    #[test]
    fn a_group_takes_at_most_its_size_and_the_rest_follow() {
        let groups: Arc<Groups<u32, u32>> = Arc::new(Groups::new(1, 2));
        let (entered, release) = (Arc::new(Barrier::new(2)), Arc::new(Barrier::new(2)));
        let first = {
            let (groups, entered, release) = (groups.clone(), entered.clone(), release.clone());
            std::thread::spawn(move || {
                groups.run(
                    0,
                    |pushes| {
                        entered.wait();
                        release.wait();
                        pushes
                    },
                    || u32::MAX,
                )
            })
        };
        entered.wait();
        let sizes = Arc::new(Mutex::new(Vec::new()));
        let later: Vec<_> = (1..=5)
            .map(|p| {
                let (groups, sizes) = (groups.clone(), sizes.clone());
                std::thread::spawn(move || {
                    groups.run(
                        p,
                        |pushes| {
                            sizes.lock().unwrap().push(pushes.len());
                            pushes
                        },
                        || u32::MAX,
                    )
                })
            })
            .collect();
        while groups.lock().waiting.len() < 5 {
            std::thread::sleep(Duration::from_millis(1));
        }
        release.wait();
        assert_eq!(first.join().unwrap(), 0);
        let answers: Vec<u32> = later.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(answers, [1, 2, 3, 4, 5]);
        assert!(sizes.lock().unwrap().iter().all(|&n| n <= 2), "{sizes:?}");
        assert_eq!(groups.figures().pushes, 6);
    }

    /// A leader that panics answers its group `lost`; the groups go on.
    #[test]
    fn a_group_whose_leader_panics_is_answered_lost_and_the_next_goes_on() {
        let groups: Groups<u32, Option<u32>> = Groups::default();
        let panicked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            groups.run(1, |_| panic!("the database went away"), || None)
        }));
        assert!(panicked.is_err());
        assert_eq!(groups.lock().running, 0);
        assert_eq!(
            groups.run(2, |p| p.into_iter().map(Some).collect(), || None),
            Some(2)
        );
        // Too few answers: the rest are lost.
        assert_eq!(groups.run(3, |_| Vec::new(), || None), None);
    }

    /// Many threads at once: every push answered once, with its own answer.
    #[test]
    fn under_contention_every_push_gets_its_own_answer() {
        let groups: Arc<Groups<u64, u64>> = Arc::new(Groups::default());
        let threads: Vec<_> = (0..8u64)
            .map(|t| {
                let groups = groups.clone();
                std::thread::spawn(move || {
                    for k in 0..500 {
                        let push = t * 1_000 + k;
                        let answer =
                            groups.run(push, |p| p.into_iter().map(|x| x + 1).collect(), || 0);
                        assert_eq!(answer, push + 1);
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let figures = groups.figures();
        assert_eq!(figures.pushes, 4_000);
        assert!(figures.groups <= 4_000);
        let state = groups.lock();
        assert!(state.waiting.is_empty() && state.answers.is_empty());
        assert_eq!(state.running, 0);
    }
}
