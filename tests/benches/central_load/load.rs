//! The load itself: terminals pushing sales and following seat events,
//! web buyers, and what each measured.

#[allow(unused_imports)]
use super::*;

/// Latencies, counts by name and a few distinct error messages. A request
/// that starts before `from` (the warm-up) has its latency in `warm` only,
/// and its sale is not counted `in window`; all other counts take it.
#[derive(Default)]
pub(crate) struct Stats {
    pub(crate) push: Vec<Duration>,
    pub(crate) web: Vec<Duration>,
    pub(crate) hold: Vec<Duration>,
    /// Latencies of every kind of request started during the warm-up.
    pub(crate) warm: Vec<Duration>,
    pub(crate) counts: BTreeMap<&'static str, u64>,
    pub(crate) notes: Vec<String>,
    from: Option<Instant>,
}

/// Which latencies a request's time goes to.
pub(crate) enum Took {
    Push,
    Web,
    Hold,
}

impl Stats {
    /// Stats of a task whose requests count from `from` on.
    pub(crate) fn measured_from(from: Instant) -> Stats {
        Stats {
            from: Some(from),
            ..Stats::default()
        }
    }
    /// Whether a request started at `started` is measured (after the warm-up).
    pub(crate) fn measured(&self, started: Instant) -> bool {
        self.from.is_none_or(|from| started >= from)
    }
    /// Notes `took` of a request of kind `what` started at `started`.
    pub(crate) fn took(&mut self, what: Took, started: Instant, took: Duration) {
        let to = match (self.measured(started), what) {
            (false, _) => &mut self.warm,
            (true, Took::Push) => &mut self.push,
            (true, Took::Web) => &mut self.web,
            (true, Took::Hold) => &mut self.hold,
        };
        to.push(took);
    }
    /// Seated orders (terminal sales applied, web sales sold) of requests
    /// started after the warm-up.
    pub(crate) fn orders_in_window(&self) -> u64 {
        self.n("applied in window") + self.n("web sold in window")
    }
    pub(crate) fn add(&mut self, what: &'static str, n: u64) {
        *self.counts.entry(what).or_default() += n;
    }
    pub(crate) fn n(&self, what: &str) -> u64 {
        self.counts.get(what).copied().unwrap_or(0)
    }
    pub(crate) fn note(&mut self, what: String) {
        if self.notes.len() < 8 && !self.notes.contains(&what) {
            self.notes.push(what);
        }
    }
    pub(crate) fn merge(&mut self, other: Stats) {
        self.push.extend(other.push);
        self.web.extend(other.web);
        self.hold.extend(other.hold);
        self.warm.extend(other.warm);
        other.counts.into_iter().for_each(|(k, v)| self.add(k, v));
        other.notes.into_iter().for_each(|n| self.note(n));
    }
}

/// One central instance and the client shared by every task using it.
pub(crate) struct Inst {
    pub(crate) url: String,
    pub(crate) http: reqwest::Client,
}

impl Inst {
    /// A request to `path` as terminal `id` (a demo central wants no token).
    pub(crate) fn terminal(&self, method: Method, path: &str, id: &str) -> reqwest::RequestBuilder {
        let req = self.http.request(method, format!("{}{path}", self.url));
        req.header(TERMINAL_HEADER, id).timeout(REQUEST_TIMEOUT)
    }
}

pub(crate) struct Ctx {
    pub(crate) cfg: Config,
    pub(crate) plan: Arc<Plan>,
    pub(crate) insts: Vec<Inst>,
    pub(crate) web: (String, String),
}

/// A web sale that succeeded: site, show, seat, when its answer was in,
/// whether it started after the warm-up.
pub(crate) struct WebSold(
    pub(crate) usize,
    pub(crate) usize,
    pub(crate) usize,
    pub(crate) Instant,
    pub(crate) bool,
);

/// One terminal's seat-event follower.
pub(crate) struct Follower {
    pub(crate) terminal: String,
    pub(crate) site: usize,
    pub(crate) inst: usize,
    pub(crate) seen: AtomicI64,
    /// First receipt of each web `sold` event, by (showtime, seat).
    pub(crate) got: Mutex<HashMap<(String, String), Instant>>,
    pub(crate) resets: AtomicU64,
    pub(crate) errors: AtomicU64,
    /// Long polls answered with events or none.
    pub(crate) polls: AtomicU64,
}

pub(crate) struct Load {
    /// The whole load, warm-up included.
    pub(crate) elapsed: Duration,
    /// From the warm-up's end to the load's.
    pub(crate) measured: Duration,
    pub(crate) stats: Stats,
    pub(crate) delays: Vec<Duration>,
    pub(crate) expected: u64,
    pub(crate) missing: u64,
    pub(crate) early: u64,
    pub(crate) resets: u64,
    pub(crate) follow_errors: u64,
    /// Long polls answered during the load, all followers together.
    pub(crate) polls: u64,
    /// The machine's CPUs over the measured window (`None` without `/proc/stat`).
    pub(crate) cpu: Option<MachineCpu>,
}

pub(crate) async fn run_load(
    cfg: Config,
    plan: Arc<Plan>,
    urls: Vec<String>,
    web: (String, String),
) -> Load {
    let pool = cfg.terminals * 2 + cfg.web + 8;
    let client = || {
        let builder = reqwest::Client::builder().no_proxy().tcp_nodelay(true);
        builder
            .pool_max_idle_per_host(pool)
            .build()
            .expect("http client")
    };
    let insts = urls
        .into_iter()
        .map(|url| Inst {
            url,
            http: client(),
        })
        .collect();
    let ctx = Arc::new(Ctx {
        cfg,
        plan,
        insts,
        web,
    });
    let mut followers = Vec::new();
    let following = ctx.plan.terminals.iter().filter(|_| ctx.cfg.follow);
    for (i, (terminal, site)) in following.enumerate() {
        let inst = i % ctx.insts.len();
        // Where it starts (this also checks that central takes every terminal).
        let path = format!("/v1/sites/{}/seat-events", ctx.plan.sites[*site].id);
        let resp = ctx.insts[inst]
            .terminal(Method::GET, &path, terminal)
            .send()
            .await;
        let resp = resp
            .and_then(|r| r.error_for_status())
            .expect("seat events");
        let seen = resp
            .json::<SeatEvents>()
            .await
            .expect("seat events")
            .last_seq;
        followers.push(Arc::new(Follower {
            terminal: terminal.clone(),
            site: *site,
            inst,
            seen: AtomicI64::new(seen),
            got: Mutex::new(HashMap::new()),
            resets: AtomicU64::new(0),
            errors: AtomicU64::new(0),
            polls: AtomicU64::new(0),
        }));
    }
    let last = followers
        .iter()
        .map(|f| f.seen.load(Relaxed))
        .max()
        .unwrap_or(0);
    let follows: Vec<_> = followers
        .iter()
        .map(|f| tokio::spawn(follow(ctx.clone(), f.clone())))
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await; // the long polls park
    let polls = || followers.iter().map(|f| f.polls.load(Relaxed)).sum::<u64>();
    let polls_before = polls();
    let started = Instant::now();
    let from = started + ctx.cfg.warmup;
    let window = (from, from + Duration::from_secs(ctx.cfg.secs));
    let cpu = tokio::spawn(async move {
        tokio::time::sleep_until(window.0.into()).await;
        let before = cpu_ticks();
        tokio::time::sleep_until(window.1.into()).await;
        let wall = Instant::now().saturating_duration_since(window.0);
        MachineCpu::between(before?, cpu_ticks()?, wall.as_secs_f64())
    });
    let terminals =
        (0..ctx.plan.terminals.len()).map(|i| tokio::spawn(terminal(ctx.clone(), i, window)));
    let terminals: Vec<_> = terminals.collect();
    let buyers: Vec<_> = (0..ctx.cfg.web)
        .map(|j| tokio::spawn(web_buyer(ctx.clone(), j, window)))
        .collect();
    let (mut stats, mut sold) = (Stats::default(), Vec::new());
    for t in terminals {
        stats.merge(t.await.expect("terminal task"));
    }
    for b in buyers {
        let (s, w) = b.await.expect("web buyer task");
        stats.merge(s);
        sold.extend(w);
    }
    let elapsed = started.elapsed();
    let measured = elapsed.saturating_sub(ctx.cfg.warmup);
    let cpu = cpu.await.expect("CPU sampler");
    let polls = polls() - polls_before;
    // Stragglers: until every follower has reached the feed's last event, or
    // the grace (no followers, as with `LOAD_TERMINALS=0` or `LOAD_FOLLOW=0`:
    // none to wait for).
    let last = match ctx.plan.terminals.first() {
        Some((t0, s0)) => {
            let path = format!("/v1/sites/{}/seat-events", ctx.plan.sites[*s0].id);
            match ctx.insts[0].terminal(Method::GET, &path, t0).send().await {
                Ok(r) => r.json::<SeatEvents>().await.map_or(last, |e| e.last_seq),
                Err(_) => last,
            }
        }
        None => last,
    };
    let grace_end = Instant::now() + ctx.cfg.grace;
    while Instant::now() < grace_end && followers.iter().any(|f| f.seen.load(Relaxed) < last) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for f in follows {
        f.abort();
        let _ = f.await;
    }
    // Every (web sale, follower of its site) pair is checked; the delays
    // are those of sales started after the warm-up.
    let (mut delays, mut expected, mut missing, mut early) = (Vec::new(), 0, 0, 0);
    let maps: Vec<_> = followers
        .iter()
        .map(|f| (f.site, f.got.lock().unwrap()))
        .collect();
    for WebSold(site, show, seat, answered, measured) in &sold {
        let sh = &ctx.plan.sites[*site].shows[*show];
        let key = (sh.id.clone(), sh.seats[*seat].0.clone());
        for (_, got) in maps.iter().filter(|(s, _)| s == site) {
            expected += 1;
            match got.get(&key) {
                Some(at) => {
                    early += u64::from(at < answered);
                    if *measured {
                        delays.push(at.saturating_duration_since(*answered));
                    }
                }
                None => missing += 1,
            }
        }
    }
    drop(maps);
    for v in [
        &mut stats.push,
        &mut stats.web,
        &mut stats.hold,
        &mut stats.warm,
        &mut delays,
    ] {
        v.sort();
    }
    let total =
        |f: fn(&Follower) -> &AtomicU64| followers.iter().map(|x| f(x).load(Relaxed)).sum::<u64>();
    let (resets, follow_errors) = (total(|f| &f.resets), total(|f| &f.errors));
    Load {
        elapsed,
        measured,
        stats,
        delays,
        expected,
        missing,
        early,
        resets,
        follow_errors,
        polls,
        cpu,
    }
}

/// Follows the site's seat events until aborted, noting web `sold` events.
pub(crate) async fn follow(ctx: Arc<Ctx>, f: Arc<Follower>) {
    let (inst, site) = (&ctx.insts[f.inst], &ctx.plan.sites[f.site].id);
    let wait = REQUEST_TIMEOUT + Duration::from_millis(POLL_WAIT_MS);
    loop {
        let after = f.seen.load(Relaxed);
        let path = format!("/v1/sites/{site}/seat-events?after={after}&wait_ms={POLL_WAIT_MS}");
        let sent = inst
            .terminal(Method::GET, &path, &f.terminal)
            .timeout(wait)
            .send()
            .await;
        let events = match sent.and_then(|r| r.error_for_status()) {
            Ok(r) => r.json::<SeatEvents>().await.ok(),
            Err(_) => None,
        };
        let Some(events) = events else {
            // 503 included: past its long polls, central says `busy`.
            f.errors.fetch_add(1, Relaxed);
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let at = Instant::now();
        f.polls.fetch_add(1, Relaxed);
        f.resets.fetch_add(u64::from(events.reset), Relaxed);
        {
            let mut got = f.got.lock().unwrap();
            for e in events.events {
                if e.state == SeatState::Sold && e.owner.as_deref() == Some("web") {
                    got.entry((e.showtime_id, e.seat)).or_insert(at);
                }
            }
        }
        f.seen.store(events.last_seq, Relaxed);
    }
}

/// One counter: sells until the deadline, holding and releasing a seat every
/// `LOAD_HOLD_EVERY`th round; measured `from` on.
pub(crate) async fn terminal(
    ctx: Arc<Ctx>,
    i: usize,
    (from, deadline): (Instant, Instant),
) -> Stats {
    let (id, site) = &ctx.plan.terminals[i];
    let (site, inst) = (&ctx.plan.sites[*site], &ctx.insts[i % ctx.insts.len()]);
    let (mut rng, mut st, mut seq) = (Rng::new(i as u64 + 1), Stats::measured_from(from), 0);
    while Instant::now() < deadline {
        seq += 1;
        if ctx.cfg.hold_every > 0 && seq % ctx.cfg.hold_every == 0 {
            hold_round_trip(inst, id, site, &mut rng, &mut st).await;
        }
        let contend = rng.below(100) < ctx.cfg.contend_pct;
        let picked = if contend {
            site.contended(&mut rng)
        } else {
            None
        };
        let n = 1 + rng.below(2);
        let Some((show, seats)) = picked.or_else(|| site.claim(&mut rng, n, true)) else {
            st.add("sold out", 1);
            break;
        };
        let body = EntryBody::Sale(sale(site, show, &seats, &mut rng));
        let entry = OutboxEntry {
            id: uuid::Uuid::now_v7(),
            seq,
            body,
        };
        push_entry(inst, id, entry, seats.len() as u64, &mut st).await;
        if !ctx.cfg.think.is_zero() {
            tokio::time::sleep(ctx.cfg.think).await;
        }
    }
    st
}

/// Pushes one entry, sending the same entry again after a failure.
pub(crate) async fn push_entry(
    inst: &Inst,
    terminal: &str,
    entry: OutboxEntry,
    seats: u64,
    st: &mut Stats,
) {
    let req = PushRequest {
        entries: vec![entry],
    };
    // Whether the last try may have been applied without our knowing.
    let mut unknown = true;
    for attempt in 0..PUSH_ATTEMPTS {
        if attempt > 0 {
            st.add("push resends", 1);
            tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
        }
        unknown = true;
        // Each try is a request of its own: one sent after the warm-up is
        // measured, even if the entry's first try was sent during it.
        let started = Instant::now();
        let answer = match inst
            .terminal(Method::POST, "/v1/push", terminal)
            .json(&req)
            .send()
            .await
        {
            Ok(r) if r.status().is_success() => r.json::<PushResponse>().await.ok(),
            Ok(r) => {
                let status = r.status();
                unknown = status.is_server_error(); // a 4xx did nothing
                st.add(
                    if status.as_u16() == 503 {
                        "busy"
                    } else {
                        "push http errors"
                    },
                    1,
                );
                st.note(format!(
                    "push: {status}: {}",
                    r.text().await.unwrap_or_default()
                ));
                None
            }
            Err(e) => {
                st.note(format!("push: {e}"));
                None
            }
        };
        let Some(result) = answer.and_then(|a| a.results.into_iter().next()) else {
            continue;
        };
        st.took(Took::Push, started, started.elapsed());
        // A resend of an entry central took is answered with its first outcome.
        let outcome = match result.outcome {
            Outcome::Duplicate { first } => {
                st.add("duplicate answers", 1);
                *first
            }
            o => o,
        };
        let kind = match outcome {
            Outcome::Applied => {
                st.add("applied seats", seats);
                if st.measured(started) {
                    st.add("applied in window", 1);
                }
                "applied"
            }
            Outcome::Conflict { .. } => "conflict",
            Outcome::Rejected { code, message } => {
                st.note(format!("rejected {code}: {message}"));
                "rejected"
            }
            other => {
                unknown = false; // deferred: nothing of it kept
                st.note(format!("push: {other:?}"));
                continue;
            }
        };
        st.add(kind, 1);
        return;
    }
    if unknown {
        st.add("unknown seats", seats);
    }
    st.add(if unknown { "unknown" } else { "not taken" }, 1);
}

/// Holds one untried seat for a minute and releases it at once.
pub(crate) async fn hold_round_trip(
    inst: &Inst,
    id: &str,
    site: &SitePlan,
    rng: &mut Rng,
    st: &mut Stats,
) {
    let Some((show, seats)) = site.claim(rng, 1, false) else {
        return;
    };
    let (showtime_id, seats) = (
        site.shows[show].id.clone(),
        vec![site.shows[show].seats[seats[0]].0.clone()],
    );
    let req = HoldRequest {
        showtime_id,
        seats,
        ttl_secs: 60,
        replaces: None,
    };
    let started = Instant::now();
    let held = inst
        .terminal(Method::POST, "/v1/holds", id)
        .json(&req)
        .send()
        .await;
    if held.as_ref().is_ok_and(|r| r.status().as_u16() == 409) {
        st.add("hold seat taken", 1);
        return;
    }
    let done = async move {
        let hold: Hold = held?.error_for_status()?.json().await?;
        let path = format!("/v1/holds/{}", hold.hold_id);
        inst.terminal(Method::DELETE, &path, id)
            .send()
            .await?
            .error_for_status()?;
        Ok::<_, reqwest::Error>(())
    };
    match done.await {
        Ok(()) => {
            st.took(Took::Hold, started, started.elapsed());
            st.add("holds", 1);
        }
        Err(e) => {
            st.note(format!("hold: {e}"));
            st.add("hold errors", 1);
        }
    }
}

/// Web customers one after another, one seat each, alternating instances,
/// until the deadline; measured `from` on.
pub(crate) async fn web_buyer(
    ctx: Arc<Ctx>,
    j: usize,
    (from, deadline): (Instant, Instant),
) -> (Stats, Vec<WebSold>) {
    let (mut rng, mut st, mut sold) = (
        Rng::new(1_000_003 + j as u64),
        Stats::measured_from(from),
        Vec::new(),
    );
    let ((channel, key), sites) = (&ctx.web, &ctx.plan.sites);
    let mut round = j;
    while Instant::now() < deadline {
        let first = rng.below(sites.len());
        let claimed = (0..sites.len())
            .map(|d| (first + d) % sites.len())
            .find_map(|s| {
                sites[s]
                    .claim(&mut rng, 1, true)
                    .map(|(show, seats)| (s, show, seats[0]))
            });
        let Some((s, show, seat)) = claimed else {
            st.add("sold out", 1);
            break;
        };
        let (inst, sh) = (&ctx.insts[round % ctx.insts.len()], &sites[s].shows[show]);
        round += 1;
        let req = WebSaleRequest {
            showtime_id: sh.id.clone(),
            seats: vec![sh.seats[seat].0.clone()],
        };
        let started = Instant::now();
        let sent = (inst.http.post(format!("{}/v1/web/sales", inst.url)))
            .header(WEB_CHANNEL_HEADER, channel)
            .bearer_auth(key)
            .timeout(REQUEST_TIMEOUT)
            .json(&req)
            .send()
            .await;
        let status = sent.as_ref().map_or(0, |r| r.status().as_u16());
        let answer = match sent {
            Ok(r) if (200..300).contains(&status) => r.json::<WebSale>().await.ok(),
            Ok(_) => None,
            Err(e) => {
                st.note(format!("web sale: {e}"));
                None
            }
        };
        let what = match (status, answer) {
            (200..=299, Some(_)) => {
                let at = Instant::now();
                st.took(Took::Web, started, at - started);
                let measured = st.measured(started);
                if measured {
                    st.add("web sold in window", 1);
                }
                sold.push(WebSold(s, show, seat, at, measured));
                "web sold"
            }
            (409, _) => {
                st.took(Took::Web, started, started.elapsed());
                "web seat taken"
            }
            (400..=499, _) => {
                st.note(format!("web sale: {status}"));
                "web refused"
            }
            // No answer, a 5xx or an unreadable success: the seat may be sold.
            _ => {
                st.add("unknown seats", 1);
                "web unknown"
            }
        };
        st.add(what, 1);
    }
    (st, sold)
}
