//! Benchmarks of the domain rules: best available on a 600-seat hall and on
//! the demo's largest screen (644 seats), and pricing an order. Run with
//! `cargo bench -p boxoffice-domain`.

use divan::{Bencher, black_box};
use domain::best_available::{Request, SeatSpot, best_available};
use domain::pricing::{
    PriceCard, PriceRule, PricingContext, TicketRequest, TicketType, price_order,
};
use domain::seats::{row_letters, seat_label};
use domain::{SeatArea, SeatKind};
use jiff::civil::{Weekday, date, time};
use std::collections::HashSet;

fn main() {
    divan::main();
}

/// Deterministic xorshift64: no `rand` needed, same seats every run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// 24 rows of 25 seats in blocks of 6, 13 and 6 with two aisles: 600 seats.
fn hall() -> Vec<SeatSpot> {
    let rows = row_letters(24);
    let mut seats = Vec::with_capacity(600);
    for (y, row) in rows.iter().enumerate() {
        let columns = (0..6).chain(7..20).chain(21..27);
        for (n, x) in columns.enumerate() {
            seats.push(SeatSpot {
                label: seat_label(row, n as u32 + 1),
                row: row.clone(),
                x,
                y: y as u32,
                area: if y >= 20 {
                    SeatArea::Premium
                } else {
                    SeatArea::Standard
                },
                kind: SeatKind::Standard,
                blocked: false,
            });
        }
    }
    seats
}

/// Exactly `percent` % of the seats, chosen by a seeded shuffle.
fn taken(seats: &[SeatSpot], percent: usize) -> HashSet<String> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut labels: Vec<&String> = seats.iter().map(|s| &s.label).collect();
    for i in (1..labels.len()).rev() {
        let j = (rng.next() % (i as u64 + 1)) as usize;
        labels.swap(i, j);
    }
    let n = seats.len() * percent / 100;
    labels.into_iter().take(n).cloned().collect()
}

#[divan::bench(consts = [0, 50, 90], args = [2, 4, 8])]
fn best_available_600<const TAKEN_PERCENT: usize>(bencher: Bencher, n: usize) {
    let seats = hall();
    let taken = taken(&seats, TAKEN_PERCENT);
    let req = Request::new(n);
    bencher.bench_local(|| {
        best_available(
            black_box(&seats),
            |s| !taken.contains(s.label.as_str()),
            black_box(&req),
        )
    });
}

/// The demo's "Screen 4 Grand" (`central::demo::grand_layout`): 23 rows of 28
/// in blocks of 6, 16 and 6 between two aisles (644 seats), wheelchair and
/// companion places in row A, premium rows L to R, four blocked seats.
fn grand_hall() -> Vec<SeatSpot> {
    let rows = row_letters(23);
    let mut seats = Vec::with_capacity(644);
    for (y, row) in rows.iter().enumerate() {
        let columns = (0..6).chain(7..23).chain(24..30);
        for (i, x) in columns.enumerate() {
            let n = i as u32 + 1;
            let label = seat_label(row, n);
            seats.push(SeatSpot {
                blocked: ["K-14", "K-15", "Y-1", "Y-28"].contains(&label.as_str()),
                label,
                row: row.clone(),
                x,
                y: y as u32,
                area: if (11..16).contains(&y) {
                    SeatArea::Premium
                } else {
                    SeatArea::Standard
                },
                kind: match (y, n) {
                    (0, 1 | 2 | 27 | 28) => SeatKind::Wheelchair,
                    (0, 3 | 26) => SeatKind::Companion,
                    _ => SeatKind::Standard,
                },
            });
        }
    }
    seats
}

#[divan::bench(consts = [0, 50, 90], args = [2, 4, 8])]
fn best_available_644_grand<const TAKEN_PERCENT: usize>(bencher: Bencher, n: usize) {
    let seats = grand_hall();
    assert_eq!(seats.len(), 644);
    let taken = taken(&seats, TAKEN_PERCENT);
    let req = Request::new(n);
    bencher.bench_local(|| {
        best_available(
            black_box(&seats),
            |s| !taken.contains(s.label.as_str()),
            black_box(&req),
        )
    });
}

fn card() -> PriceCard {
    let tt = |code: &str, price| TicketType {
        code: code.into(),
        name_en: code.into(),
        name_ar: code.into(),
        price_minor: price,
    };
    PriceCard {
        id: "bench".into(),
        ticket_types: vec![
            tt("adult", 5000),
            tt("child", 3500),
            tt("senior", 3000),
            tt("student", 4000),
        ],
        rules: vec![
            PriceRule::new("matinee", "Matinee", "عرض نهاري", -500)
                .during(time(10, 0, 0, 0), time(17, 0, 0, 0)),
            PriceRule::new("tuesday", "Tuesday", "الثلاثاء", -1000).on(&[Weekday::Tuesday]),
            PriceRule::new("3d", "3D", "ثلاثي الأبعاد", 1000).for_formats(&["3D"]),
            PriceRule::new("vip", "VIP", "كبار الشخصيات", 4000).in_areas(&[SeatArea::Vip]),
        ],
    }
}

#[divan::bench]
fn price_order_10_tickets_4_rules(bencher: Bencher) {
    let card = card();
    let types = ["adult", "child", "senior", "student"];
    let requests: Vec<TicketRequest> = (0..10)
        .map(|i| TicketRequest {
            showtime_id: "s1".into(),
            seat_label: format!("F-{i}"),
            ticket_type: types[i % types.len()].into(),
            ctx: PricingContext::new(
                date(2026, 11, 24).at(14, 30, 0, 0),
                "3D",
                if i < 4 {
                    SeatArea::Vip
                } else {
                    SeatArea::Standard
                },
            ),
        })
        .collect();
    bencher.bench_local(|| price_order(black_box(&card), black_box(&requests), 500));
}
