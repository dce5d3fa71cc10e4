//! Admission: at most [`Admission::limit`] requests of an instance do their
//! database work at once (what a handler runs on a blocking thread); the
//! others wait their turn in the order they came.
//!
//! Without it every request starts at once: under a burst dozens of them share
//! the CPUs and the database by turns, and which one finishes first is chance,
//! so some wait several times as long as the rest (the tail of the latency).
//! In arrival order with a few at work, each waits about as long as the
//! others, and the database runs fewer transactions at once.
//!
//! A request takes its place once its body is in and its caller checked (the
//! check reads the database only when the caller's row is not kept, and does
//! not queue), so a slow upload holds no place. The place is held until the
//! work ends, even when the request gives up first (its time limit): the
//! database never runs more of an instance's work than the limit. Long polls
//! of the seat event feed are not admitted: they wait for events, not for
//! work, have places of their own ([`super::limits`]), and a follower must not
//! queue behind the pushes whose sales it is waiting for. Past [`MAX_WAITING`]
//! requests waiting, a request is answered `busy` (503) at once; its wait
//! counts against its time limit.

use crate::error::CentralError;
use crate::metrics::AdmissionFigures;
use axum::extract::State;
use axum::response::Response;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Requests of one instance at work at once, unless
/// `BOXOFFICE_CENTRAL_CONCURRENCY` says otherwise (1 to 256).
pub const DEFAULT_CONCURRENCY: usize = 8;
/// Most requests of one instance waiting their turn; past it, `busy`.
pub const MAX_WAITING: usize = 4096;

/// The route whose requests are not admitted here (the long poll).
const NOT_ADMITTED: &str = "/v1/sites/{site}/seat-events";

tokio::task_local! {
    /// The admission of the request being handled (set by [`admit`]).
    static CURRENT: Arc<Admission>;
}

/// One instance's admission: its places at work and its queue.
#[derive(Debug)]
pub struct Admission {
    places: Arc<Semaphore>,
    limit: usize,
    max_waiting: usize,
    waiting: AtomicUsize,
    waited_ns: AtomicU64,
    admitted: AtomicU64,
    refused: AtomicU64,
}

/// A request waiting its turn: counted until it is admitted or gives up
/// (its time limit drops it).
struct InQueue<'a>(&'a AtomicUsize);

impl Drop for InQueue<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Admission {
    /// `limit` requests at work at once, at most `max_waiting` waiting.
    pub fn new(limit: usize, max_waiting: usize) -> Admission {
        let limit = limit.clamp(1, Semaphore::MAX_PERMITS);
        Admission {
            places: Arc::new(Semaphore::new(limit)),
            limit,
            max_waiting,
            waiting: AtomicUsize::new(0),
            waited_ns: AtomicU64::new(0),
            admitted: AtomicU64::new(0),
            refused: AtomicU64::new(0),
        }
    }

    /// The limit `BOXOFFICE_CENTRAL_CONCURRENCY` sets (1 to 256), or
    /// [`DEFAULT_CONCURRENCY`].
    pub fn from_env() -> Admission {
        let limit = std::env::var("BOXOFFICE_CENTRAL_CONCURRENCY")
            .ok()
            .and_then(|v| v.trim().parse::<usize>().ok())
            .filter(|n| (1..=256).contains(n))
            .unwrap_or(DEFAULT_CONCURRENCY);
        Admission::new(limit, MAX_WAITING)
    }

    /// Requests allowed at work at once.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Runs `work` on a blocking thread once a place is free, after every
    /// request that came before it (`busy` at once if too many are waiting
    /// already). The place is given back when `work` ends, even if the
    /// caller stopped waiting for it.
    pub async fn run_blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, CentralError> {
        let place = self.take_place().await?;
        on_blocking_thread(move || {
            let _place = place;
            work()
        })
        .await
    }

    async fn take_place(&self) -> Result<OwnedSemaphorePermit, CentralError> {
        let queued = self.waiting.fetch_add(1, Ordering::Relaxed);
        let in_queue = InQueue(&self.waiting);
        if queued >= self.max_waiting {
            self.refused.fetch_add(1, Ordering::Relaxed);
            return Err(CentralError::Busy(format!(
                "{queued} requests are waiting at this central; ask again shortly"
            )));
        }
        let came = Instant::now();
        let place = self
            .places
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| CentralError::Busy("central is shutting down".into()))?;
        drop(in_queue);
        let waited = u64::try_from(came.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.waited_ns.fetch_add(waited, Ordering::Relaxed);
        self.admitted.fetch_add(1, Ordering::Relaxed);
        Ok(place)
    }

    /// What the metrics show.
    pub fn figures(&self) -> AdmissionFigures {
        AdmissionFigures {
            limit: self.limit,
            working: self.limit - self.places.available_permits().min(self.limit),
            waiting: self.waiting.load(Ordering::Relaxed),
            admitted: self.admitted.load(Ordering::Relaxed),
            refused: self.refused.load(Ordering::Relaxed),
            waited_ns: self.waited_ns.load(Ordering::Relaxed),
        }
    }
}

/// Runs blocking `work`: in its turn if the request being handled is
/// admitted ([`admit`]), else at once (the ops pages, the credential check).
pub(super) async fn run_blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CentralError> {
    match CURRENT.try_with(Arc::clone) {
        Ok(admission) => admission.run_blocking(work).await,
        Err(_) => on_blocking_thread(work).await,
    }
}

async fn on_blocking_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, CentralError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| CentralError::Corrupt(format!("worker failed: {e}")))
}

/// Whether requests to `route` (a route template) wait their turn.
pub(super) fn admitted(route: Option<&str>) -> bool {
    route != Some(NOT_ADMITTED)
}

/// The middleware: the handler of each routed request but the long poll
/// runs its blocking work in its turn.
pub(super) async fn admit(
    State(admission): State<Arc<Admission>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if !admitted(super::route_of(&req)) {
        return next.run(req).await;
    }
    CURRENT.scope(admission, next.run(req)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::mpsc;

    /// Lets the spawned tasks run until each waits.
    async fn settle() {
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
    }

    /// Work that holds its place until told to end.
    fn held(
        admission: &Arc<Admission>,
    ) -> (
        mpsc::Sender<()>,
        tokio::task::JoinHandle<Result<(), CentralError>>,
    ) {
        let (end, ended) = mpsc::channel::<()>();
        let a = admission.clone();
        let task =
            tokio::spawn(async move { a.run_blocking(move || ended.recv().unwrap_or(())).await });
        (end, task)
    }

    /// Waits (a few seconds at most) until `n` requests are at work.
    async fn working(admission: &Admission, n: usize) {
        for _ in 0..500 {
            if admission.figures().working == n {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("never {n} at work: {:?}", admission.figures());
    }

    #[tokio::test]
    async fn requests_wait_their_turn_in_the_order_they_came() {
        let admission = Arc::new(Admission::new(1, 100));
        let order = Arc::new(Mutex::new(Vec::new()));
        let (end, first) = held(&admission);
        working(&admission, 1).await;
        let mut later = Vec::new();
        for n in 0..5 {
            let (a, order) = (admission.clone(), order.clone());
            later.push(tokio::spawn(async move {
                a.run_blocking(move || order.lock().unwrap().push(n)).await
            }));
            // Each one queued before the next comes.
            settle().await;
        }
        assert_eq!(admission.figures().waiting, 5);
        assert!(
            order.lock().unwrap().is_empty(),
            "nothing runs past the limit"
        );
        end.send(()).unwrap();
        first.await.unwrap().unwrap();
        for task in later {
            task.await.unwrap().unwrap();
        }
        assert_eq!(*order.lock().unwrap(), vec![0, 1, 2, 3, 4]);
        let f = admission.figures();
        assert_eq!((f.working, f.waiting, f.admitted, f.refused), (0, 0, 6, 0));
        assert!(f.waited_ns > 0);
    }

    #[tokio::test]
    async fn past_the_queue_s_length_a_request_is_busy_at_once() {
        let admission = Arc::new(Admission::new(1, 2));
        let (end, first) = held(&admission);
        working(&admission, 1).await;
        let waiting: Vec<_> = (0..2)
            .map(|_| {
                let a = admission.clone();
                tokio::spawn(async move { a.run_blocking(|| ()).await })
            })
            .collect();
        settle().await;
        let refused = admission.run_blocking(|| ()).await;
        assert!(
            matches!(refused, Err(CentralError::Busy(ref m)) if m.contains("2 requests are waiting")),
            "{refused:?}"
        );
        assert_eq!(admission.figures().refused, 1);
        end.send(()).unwrap();
        first.await.unwrap().unwrap();
        for task in waiting {
            task.await.unwrap().unwrap();
        }
        assert_eq!(admission.figures().waiting, 0);
    }

    #[tokio::test]
    async fn a_request_that_gives_up_while_waiting_leaves_the_queue() {
        let admission = Arc::new(Admission::new(1, 100));
        let (end, first) = held(&admission);
        working(&admission, 1).await;
        // As the time limit does: the waiting request is dropped.
        let gave_up = tokio::time::timeout(
            std::time::Duration::from_millis(20),
            admission.run_blocking(|| ()),
        )
        .await;
        assert!(gave_up.is_err());
        assert_eq!(admission.figures().waiting, 0);
        end.send(()).unwrap();
        first.await.unwrap().unwrap();
        assert!(admission.run_blocking(|| 7).await.is_ok_and(|n| n == 7));
    }

    #[tokio::test]
    async fn work_keeps_its_place_until_it_ends_even_if_its_request_gave_up() {
        let admission = Arc::new(Admission::new(1, 100));
        let (end, ended) = mpsc::channel::<()>();
        let gave_up = tokio::time::timeout(
            std::time::Duration::from_millis(50),
            admission.run_blocking(move || ended.recv().unwrap_or(())),
        )
        .await;
        assert!(gave_up.is_err());
        // The database work still runs: nothing else may start.
        assert_eq!(admission.figures().working, 1);
        let next = {
            let a = admission.clone();
            tokio::spawn(async move { a.run_blocking(|| 7).await })
        };
        settle().await;
        assert_eq!(admission.figures().waiting, 1);
        end.send(()).unwrap();
        assert!(next.await.unwrap().is_ok_and(|n| n == 7));
        working(&admission, 0).await;
    }

    #[tokio::test]
    async fn work_outside_an_admitted_request_does_not_queue() {
        // The ops pages and the credential check run outside `admit`.
        assert!(run_blocking(|| 7).await.is_ok_and(|n| n == 7));
        let admission = Arc::new(Admission::new(1, 100));
        let (end, first) = held(&admission);
        working(&admission, 1).await;
        assert!(run_blocking(|| 8).await.is_ok_and(|n| n == 8));
        // Inside it, the same call waits its turn.
        let inside =
            tokio::spawn(CURRENT.scope(admission.clone(), async { run_blocking(|| 9).await }));
        settle().await;
        assert_eq!(admission.figures().waiting, 1);
        end.send(()).unwrap();
        first.await.unwrap().unwrap();
        assert!(inside.await.unwrap().is_ok_and(|n| n == 9));
    }

    #[test]
    fn only_the_long_poll_skips_the_queue() {
        // The template is the router's (the document lists every route).
        assert!(
            crate::openapi::ROUTES
                .iter()
                .any(|r| r.path == NOT_ADMITTED && r.method == "get")
        );
        assert!(!admitted(Some("/v1/sites/{site}/seat-events")));
        for route in ["/v1/push", "/v1/web/sales", "/v1/holds", "/v1/sites"] {
            assert!(admitted(Some(route)), "{route}");
        }
        assert!(admitted(None));
    }

    #[test]
    fn the_limit_is_at_least_one() {
        assert_eq!(Admission::new(0, 10).limit(), 1);
        assert_eq!(Admission::new(12, 10).limit(), 12);
    }
}
