//! The load's plan: the sites, showtimes and seats it sells, how a sale
//! is priced, and its random choices.

#[allow(unused_imports)]
use super::*;

/// A showtime on sale: sellable seats (label, index into `prices`) and the
/// card's (ticket type, price) for each seat area met.
pub(crate) struct Show {
    pub(crate) id: String,
    pub(crate) seats: Vec<(String, usize)>,
    pub(crate) prices: Vec<Vec<(String, i64)>>,
}

/// Seats nobody has tried yet, per showtime, and the last ones taken.
pub(crate) struct Left {
    pub(crate) per_show: Vec<Vec<u32>>,
    pub(crate) live: Vec<u32>,
    pub(crate) recent: VecDeque<(u32, u32)>,
}

pub(crate) struct SitePlan {
    pub(crate) id: String,
    pub(crate) currency: domain::Currency,
    pub(crate) vat_bp: u32,
    /// The site's zone and business day cutoff: a counter states the
    /// business day each sale counts in, as today's terminals do.
    pub(crate) zone: (jiff::tz::TimeZone, i8),
    pub(crate) shows: Vec<Show>,
    pub(crate) left: Mutex<Left>,
}

impl SitePlan {
    /// Up to `n` untried seats of one showtime (`remember`: open to contention).
    pub(crate) fn claim(
        &self,
        rng: &mut Rng,
        n: usize,
        remember: bool,
    ) -> Option<(usize, Vec<usize>)> {
        let mut guard = self.left.lock().unwrap();
        let left = &mut *guard;
        while !left.live.is_empty() {
            let k = rng.below(left.live.len());
            let show = left.live[k] as usize;
            let free = &mut left.per_show[show];
            let got: Vec<usize> = (0..n)
                .filter_map(|_| free.pop())
                .map(|s| s as usize)
                .collect();
            if free.is_empty() {
                left.live.swap_remove(k);
            }
            if remember {
                for &s in &got {
                    if left.recent.len() == 512 {
                        left.recent.pop_front();
                    }
                    left.recent.push_back((show as u32, s as u32));
                }
            }
            if !got.is_empty() {
                return Some((show, got));
            }
        }
        None
    }

    /// A seat someone took lately.
    pub(crate) fn contended(&self, rng: &mut Rng) -> Option<(usize, Vec<usize>)> {
        let left = self.left.lock().unwrap();
        let n = left.recent.len();
        (n > 0)
            .then(|| left.recent[rng.below(n)])
            .map(|(sh, s)| (sh as usize, vec![s as usize]))
    }
}

pub(crate) struct Plan {
    pub(crate) sites: Vec<SitePlan>,
    /// Simulated terminals: (terminal id, site index), one id each.
    pub(crate) terminals: Vec<(String, usize)>,
    pub(crate) demo_terminals: usize,
}

/// Gives every simulated terminal an id of its own (adding terminals past
/// the demo's), adds showtimes days ahead, and reads each site's seats on
/// sale with their prices. On a plain thread (the PostgreSQL client blocks).
pub(crate) fn setup(db_url: &str, cfg: &Config) -> Plan {
    let db = central::CentralDb::connect(db_url).expect("open central's database");
    let sites: Vec<SiteInfo> = db.sites().expect("sites");
    let demo_terminals: usize = sites.iter().map(|s| s.terminals.len()).sum();
    let (mut terminals, mut extra) = (Vec::new(), Vec::new());
    for (k, site) in sites.iter().enumerate() {
        let want = cfg.terminals / sites.len() + usize::from(k < cfg.terminals % sites.len());
        for n in 0..want {
            let id = site.terminals.get(n).cloned().unwrap_or_else(|| {
                let id = format!("{}-load-{:03}", site.id, n + 1);
                extra.push((id.clone(), site.id.clone()));
                id
            });
            terminals.push((id, k));
        }
    }
    if !extra.is_empty() {
        println!(
            "the demo has {demo_terminals} terminals: adding {} (`<site>-load-NNN`) to central's \
             database, so that each simulated terminal has an id of its own",
            extra.len()
        );
    }
    let now = jiff::Timestamp::now();
    let base = now.as_second() / 60 * 60 + 3 * 86_400;
    db.write(|tx| {
        for (id, site) in &extra {
            tx.execute(
                "INSERT INTO terminals (id, site_id, name) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                [id.as_str(), site.as_str(), id.as_str()],
            )?;
        }
        for site in &sites {
            for k in 0..EXTRA_SHOWS {
                let id = format!("load-{}-{k}", site.id);
                let (screen, card) = (format!("{}-s4", site.id), format!("{}-standard", site.id));
                let starts = base + k * 3 * 3_600;
                let p: &[&dyn central::sql::Param] =
                    &[&id, &site.id, &screen, &"last-caravan", &starts, &"2D", &card];
                tx.execute(
                    "INSERT INTO showtimes (id, site_id, screen_id, film_id, starts_at, format, price_card_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
                    p,
                )?;
            }
        }
        Ok(())
    })
    .expect("add terminals and showtimes");
    // Shows starting well after the load: the web shop sells only before the start.
    let not_before = now + jiff::SignedDuration::from_secs(cfg.secs as i64 + 600);
    let sites = sites
        .iter()
        .map(|s| site_plan(&db, s, not_before))
        .collect();
    Plan {
        sites,
        terminals,
        demo_terminals,
    }
}

pub(crate) fn site_plan(
    db: &central::CentralDb,
    site: &SiteInfo,
    not_before: jiff::Timestamp,
) -> SitePlan {
    let catalog = db.catalog(&site.id, not_before).expect("catalog");
    let tz = jiff::tz::TimeZone::get(&site.time_zone).expect("time zone");
    let mut shows = Vec::new();
    for st in catalog.showtimes.iter().filter(|s| !s.cancelled) {
        let screen = catalog
            .screens
            .iter()
            .find(|s| s.id == st.screen_id)
            .expect("screen");
        let card = catalog
            .price_cards
            .iter()
            .find(|c| c.id == st.price_card_id);
        let card = card.expect("price card").to_domain().expect("price card");
        let mut areas: Vec<domain::SeatArea> = Vec::new();
        let (mut prices, mut seats) = (Vec::new(), Vec::new());
        for seat in screen.seats.iter().filter(|s| !s.blocked) {
            let k = areas
                .iter()
                .position(|a| *a == seat.area)
                .unwrap_or_else(|| {
                    // As the counter prices: the show's local start, format, area, cutoff.
                    let ctx = PricingContext {
                        starts_local: tz.to_datetime(st.starts_at),
                        format: st.format.clone(),
                        area: seat.area,
                        business_day_cutoff_hour: site.business_day_cutoff_hour,
                    };
                    let price =
                        |code: &str| price_ticket(&card, code, &ctx).expect("price").price_minor;
                    let types = card.ticket_types.iter();
                    prices.push(
                        types
                            .map(|t| (t.code.clone(), price(&t.code)))
                            .collect::<Vec<_>>(),
                    );
                    areas.push(seat.area);
                    areas.len() - 1
                });
            seats.push((seat.label.clone(), k));
        }
        shows.push(Show {
            id: st.id.clone(),
            seats,
            prices,
        });
    }
    // Popped from the end: front rows first, neighbours together.
    let per_show: Vec<Vec<u32>> = shows
        .iter()
        .map(|s| (0..s.seats.len() as u32).rev().collect())
        .collect();
    let live = (0..shows.len() as u32)
        .filter(|&i| !per_show[i as usize].is_empty())
        .collect();
    SitePlan {
        id: site.id.clone(),
        currency: site.currency,
        vat_bp: site.vat_rate_bp,
        zone: (tz, site.business_day_cutoff_hour),
        shows,
        left: Mutex::new(Left {
            per_show,
            live,
            recent: VecDeque::new(),
        }),
    }
}

/// A counter sale of `seats` of `show`: mostly adults, paid in full.
pub(crate) fn sale(site: &SitePlan, show: usize, seats: &[usize], rng: &mut Rng) -> Sale {
    let sh = &site.shows[show];
    let seat = |&s: &usize| {
        let (label, area) = &sh.seats[s];
        let types = &sh.prices[*area];
        let adult = types
            .iter()
            .find(|(t, _)| t == "adult")
            .unwrap_or(&types[0]);
        let (ticket_type, price) = if rng.below(4) == 0 {
            &types[rng.below(types.len())]
        } else {
            adult
        };
        let (label, ticket_type) = (label.clone(), ticket_type.clone());
        SoldSeat {
            label,
            ticket_type,
            price_minor: *price,
            showtime_id: None,
        }
    };
    let sold: Vec<SoldSeat> = seats.iter().map(seat).collect();
    let total: i64 = sold.iter().map(|s| s.price_minor).sum();
    let method = if rng.below(2) == 0 { "cash" } else { "card" };
    let now = jiff::Timestamp::now();
    Sale {
        order_id: uuid::Uuid::now_v7(),
        showtime_id: sh.id.clone(),
        seats: sold,
        secured_by: SecuredBy::Override {
            manager_id: format!("{}-manager", site.id),
        },
        total_minor: total,
        vat_minor: domain::vat::vat_included(total, site.vat_bp),
        currency: site.currency,
        payments: vec![Payment {
            method: method.into(),
            amount_minor: total,
            reference: None,
        }],
        cashier_id: format!("{}-cashier", site.id),
        sold_at: now,
        sold_at_central_estimate: now,
        price_override: None,
        business_day: Some(
            domain::business_day::business_day(now, &site.zone.0, site.zone.1).to_string(),
        ),
    }
}

/// xorshift64: enough to pick seats, no dependency.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}
