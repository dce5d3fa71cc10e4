//! A report as titled tables of text, in the order a manager reads them; the
//! PDF draws these tables and the thermal printout lists their rows.

use crate::format::{local_time, major};
use crate::model::{DayReport, Line};

/// A column: its heading, its share of the page width, and whether it holds
/// figures (right-aligned).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Heading.
    pub name: &'static str,
    /// Share of the width.
    pub weight: f32,
    /// Right-aligned figures.
    pub figure: bool,
    /// Arabic text (set right to left; left out where only Latin prints).
    pub arabic: bool,
}

const fn text(name: &'static str, weight: f32) -> Column {
    Column {
        name,
        weight,
        figure: false,
        arabic: false,
    }
}

const fn figure(name: &'static str, weight: f32) -> Column {
    Column {
        name,
        weight,
        figure: true,
        arabic: false,
    }
}

const fn arabic(weight: f32) -> Column {
    Column {
        name: "",
        weight,
        figure: false,
        arabic: true,
    }
}

/// A titled table.
#[derive(Debug, Clone)]
pub struct Table {
    /// Title.
    pub title: &'static str,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows of cells, one per column.
    pub rows: Vec<Vec<String>>,
}

/// The report's tables; empty sections are left out, except the totals.
pub fn tables(r: &DayReport) -> Vec<Table> {
    let m = |minor: i64| major(minor, r.decimals);
    let at = |t: &str| local_time(t, &r.time_zone);
    let t = &r.totals;
    let mut out = vec![Table {
        title: "Totals",
        columns: vec![text("", 3.0), figure("Tickets", 1.0), figure("Amount", 1.5)],
        rows: vec![
            vec![
                "Sales incl. VAT".into(),
                t.tickets.to_string(),
                m(t.sales_minor),
            ],
            vec![
                "Refunds and exchanges".into(),
                t.refunded_tickets.to_string(),
                m(-t.refunds_minor),
            ],
            vec!["Net sales".into(), String::new(), m(t.net_minor)],
            vec!["VAT in net sales".into(), String::new(), m(t.net_vat_minor)],
            vec!["Orders".into(), t.orders.to_string(), String::new()],
        ],
    }];
    let breakdown = |title: &'static str, lines: &[Line], with_arabic: bool| Table {
        title,
        columns: if with_arabic {
            vec![
                text("", 2.2),
                arabic(2.0),
                figure("Tickets", 0.8),
                figure("Amount", 1.2),
            ]
        } else {
            vec![text("", 4.2), figure("Tickets", 0.8), figure("Amount", 1.2)]
        },
        rows: lines
            .iter()
            .map(|l| {
                let mut row = vec![l.label.clone()];
                if with_arabic {
                    row.push(l.label_ar.clone());
                }
                row.extend([l.tickets.to_string(), m(l.amount_minor)]);
                row
            })
            .collect(),
    };
    out.push(breakdown("By film", &r.by_film, true));
    out.push(Table {
        title: "By showtime",
        columns: vec![
            text("Start", 1.5),
            text("Film", 2.2),
            text("Screen", 1.3),
            figure("Tickets", 0.8),
            figure("Amount", 1.1),
            figure("Full", 0.8),
        ],
        rows: r
            .by_showtime
            .iter()
            .map(|s| {
                vec![
                    at(&s.starts_at),
                    s.film.clone(),
                    s.screen.clone(),
                    s.tickets.to_string(),
                    m(s.amount_minor),
                    format!("{}/{}", s.taken, s.capacity),
                ]
            })
            .collect(),
    });
    out.push(breakdown("By ticket type", &r.by_ticket_type, true));
    out.push(Table {
        title: "By payment method",
        columns: vec![
            text("", 2.0),
            figure("Taken", 1.2),
            figure("Paid back", 1.2),
            figure("Net", 1.2),
        ],
        rows: r
            .by_payment
            .iter()
            .map(|p| {
                vec![
                    p.method.clone(),
                    m(p.taken_minor),
                    m(-p.refunded_minor),
                    m(p.net_minor),
                ]
            })
            .collect(),
    });
    out.push(breakdown("By cashier", &r.by_cashier, false));
    out.push(Table {
        title: "By hour",
        columns: vec![
            text("Hour", 2.0),
            figure("Orders", 1.0),
            figure("Tickets", 1.0),
            figure("Amount", 1.2),
        ],
        rows: r
            .by_hour
            .iter()
            .filter(|h| h.orders > 0)
            .map(|h| {
                vec![
                    format!("{:02}:00", h.hour),
                    h.orders.to_string(),
                    h.tickets.to_string(),
                    m(h.amount_minor),
                ]
            })
            .collect(),
    });
    out.push(Table {
        title: "VAT by rate",
        columns: vec![
            text("Rate", 1.5),
            figure("Incl. VAT", 1.2),
            figure("VAT", 1.2),
            figure("Excl. VAT", 1.2),
        ],
        rows: r
            .vat
            .iter()
            .map(|v| {
                vec![
                    format!("{}.{:02} %", v.rate_bp / 100, v.rate_bp % 100),
                    m(v.gross_minor),
                    m(v.vat_minor),
                    m(v.net_minor),
                ]
            })
            .collect(),
    });
    out.push(breakdown("Discounts by ticket type", &r.discounts, false));
    let approved = |title: &'static str, list: &[crate::model::Approved]| Table {
        title,
        columns: vec![
            text("Order", 1.0),
            figure("Amount", 1.0),
            text("By", 1.2),
            text("Approved by", 1.2),
            text("Reason", 2.0),
        ],
        rows: list
            .iter()
            .map(|a| {
                vec![
                    a.order_ref.clone(),
                    m(a.amount_minor),
                    a.staff.clone(),
                    a.approved_by.clone(),
                    a.reason.clone(),
                ]
            })
            .collect(),
    };
    out.push(approved("Price overrides", &r.overrides));
    out.push(Table {
        title: "Refunds and exchanges",
        columns: vec![
            text("Order", 1.0),
            text("Kind", 0.9),
            figure("Card", 0.9),
            figure("Cash", 0.9),
            figure("Exchange", 0.9),
            text("Approved by", 1.2),
            text("Reason", 1.6),
        ],
        rows: r
            .refunds
            .iter()
            .map(|f| {
                vec![
                    f.order_ref.clone(),
                    f.kind.clone(),
                    m(f.card_minor),
                    m(f.cash_minor),
                    m(f.exchange_minor),
                    f.approved_by.clone(),
                    f.reason.clone(),
                ]
            })
            .collect(),
    });
    out.push(approved("Voids", &r.voids));
    out.push(Table {
        title: "Cash by shift",
        columns: vec![
            text("Cashier", 1.4),
            text("Terminal", 1.4),
            figure("Float", 1.0),
            figure("Cash net", 1.0),
            figure("In/out", 0.9),
            figure("Drops", 0.9),
            figure("Expected", 1.0),
            figure("Counted", 1.0),
            figure("Variance", 1.0),
        ],
        rows: r
            .shifts
            .iter()
            .map(|s| {
                vec![
                    s.staff.clone(),
                    s.terminal_id.clone(),
                    m(s.float_minor),
                    m(s.cash_net_minor),
                    m(s.paid_in_out_minor),
                    m(s.dropped_minor),
                    m(s.expected_minor),
                    s.counted_minor.map(m).unwrap_or_else(|| "open".into()),
                    s.variance_minor.map(m).unwrap_or_default(),
                ]
            })
            .collect(),
    });
    let o = &r.offline;
    if o.lease_orders + o.override_orders > 0 {
        out.push(Table {
            title: "Sold without central",
            columns: vec![text("", 3.0), figure("Orders", 1.0), figure("Amount", 1.5)],
            rows: vec![
                vec![
                    "On leased seats".into(),
                    o.lease_orders.to_string(),
                    String::new(),
                ],
                vec![
                    "On a manager's override".into(),
                    o.override_orders.to_string(),
                    String::new(),
                ],
                vec![
                    format!("{} tickets in all", o.tickets),
                    String::new(),
                    m(o.amount_minor),
                ],
            ],
        });
    }
    out.push(Table {
        title: "Open conflicts",
        columns: vec![text("Order", 1.0), text("Seats", 3.0), text("Since", 1.5)],
        rows: r
            .open_conflicts
            .iter()
            .map(|c| vec![c.order_ref.clone(), c.seats.join(" "), at(&c.since)])
            .collect(),
    });
    out.push(Table {
        title: "NOT YET AT CENTRAL",
        columns: vec![
            text("Terminal", 2.0),
            figure("Entries", 1.0),
            figure("Amount", 1.2),
            text("Oldest", 1.5),
            text("Last heard", 1.5),
        ],
        rows: r
            .unsynced
            .iter()
            .map(|u| {
                vec![
                    u.terminal_id.clone(),
                    if u.entries == 0 {
                        "?".into()
                    } else {
                        u.entries.to_string()
                    },
                    if u.entries == 0 {
                        "?".into()
                    } else {
                        m(u.amount_minor)
                    },
                    u.oldest_at.as_deref().map(at).unwrap_or_default(),
                    u.last_heard_at.as_deref().map(at).unwrap_or_default(),
                ]
            })
            .collect(),
    });
    out.retain(|t| t.title == "Totals" || !t.rows.is_empty());
    out
}
