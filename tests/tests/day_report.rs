//! The terminal's day reports on a 3-decimal site (Bahrain, BHD): sales over
//! two shifts on both sides of a business-day cutoff, a refund on the next
//! day of a sale of the day before, X and Z reports asserted to the fils in
//! JSON, CSV and the text of the PDF; Z numbers run on, a closed day takes
//! no later sale, and a day closes only with every shift's cash counted.

use e2e::Central;
use serde_json::Value;
use site::api::*;
use site::clock::{ManualClock, V7Ids};
use site::engine::Site;
use std::sync::Arc;

struct Counter {
    rt: tokio::runtime::Runtime,
    site: Site,
    clock: Arc<ManualClock>,
}

impl Counter {
    fn token(&self, pin: &str) -> String {
        self.site.login(None, pin).unwrap().token
    }

    fn sell(
        &self,
        pin: &str,
        show: &str,
        seats: &[&str],
        ticket_type: &str,
        tendered: i64,
    ) -> SaleResult {
        self.rt
            .block_on(site::commands::sell(
                &self.site,
                SellArgs {
                    token: self.token(pin),
                    parts: vec![SellPart {
                        showtime_id: show.into(),
                        seats: seats.iter().map(|s| s.to_string()).collect(),
                        ticket_type: ticket_type.into(),
                        hold_id: None,
                        price_override: None,
                        wheelchair_seats: None,
                    }],
                    tendered_minor: tendered,
                    id_checked: true,
                    card: None,
                    override_approval: None,
                },
            ))
            .unwrap()
    }

    fn shift_open(&self, pin: &str, float: i64) {
        self.rt
            .block_on(site::commands::shift_open(
                &self.site,
                ShiftOpenArgs {
                    token: self.token(pin),
                    float_minor: float,
                },
            ))
            .unwrap();
    }

    fn shift_close(&self, pin: &str, counted: i64) {
        self.rt
            .block_on(site::commands::shift_close(
                &self.site,
                ShiftCloseArgs {
                    token: self.token(pin),
                    counts: None,
                    counted_minor: Some(counted),
                },
            ))
            .unwrap();
    }

    fn day(&self, pin: &str, day: &str) -> Value {
        let r = self
            .rt
            .block_on(site::commands::day_report(
                &self.site,
                DayArgs {
                    token: self.token(pin),
                    day: Some(day.into()),
                },
            ))
            .unwrap();
        serde_json::to_value(r).unwrap()
    }

    fn close(&self, pin: &str, day: &str) -> Result<Value, site::error::SiteError> {
        self.rt
            .block_on(site::commands::day_close(
                &self.site,
                DayArgs {
                    token: self.token(pin),
                    day: Some(day.into()),
                },
            ))
            .map(|c| serde_json::to_value(c.report).unwrap())
    }
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|v| v[key] == value)
        .unwrap_or_else(|| panic!("no {key} = {value} in {list}"))
}

#[test]
fn day_reports_add_up_to_the_fils_across_shifts_and_the_cutoff() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let tz = jiff::tz::TimeZone::get("Asia/Bahrain").unwrap();
    let now = jiff::Timestamp::now();
    let day1 = domain::business_day::business_day(now, &tz, 6);
    let day2 = day1.tomorrow().unwrap();
    let cutoff = tz
        .to_timestamp(day2.to_datetime(jiff::civil::time(6, 0, 0, 0)))
        .unwrap();
    let before = cutoff - jiff::SignedDuration::from_mins(30);
    let after = cutoff + jiff::SignedDuration::from_mins(30);

    let clock = Arc::new(ManualClock::new(before));
    let site = Site::open(
        &dir.path().join("t1"),
        clock.clone(),
        Arc::new(V7Ids),
        false,
    )
    .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(site.init(&central.url, "bah-seef", "bah-seef-t1"))
        .unwrap();
    let c = Counter { rt, site, clock };
    // An IMAX show of the second day for all ages: adult 5.500, child 4.000.
    let shows = c
        .site
        .showtimes(&ShowtimesArgs {
            day: Some(day2.to_string()),
        })
        .unwrap();
    let show = shows
        .iter()
        .filter(|s| s.screen.contains("IMAX") && matches!(s.rating.as_str(), "PG13" | "PG"))
        .max_by_key(|s| s.starts_at.clone())
        .expect("an IMAX showtime for children")
        .id
        .clone();
    let (d1, d2) = (day1.to_string(), day2.to_string());

    // Day 1, shift 1 (cashier, float 20.000): 2 adults (11.000) for 12.000,
    // then a child (4.000) for 4.000. Cash 15.000 in.
    c.shift_open("1111", 20_000);
    let first = c.sell("1111", &show, &["H-1", "H-2"], "adult", 12_000);
    c.sell("1111", &show, &["H-3"], "child", 4_000);
    // Counted 34.995: 5 fils short.
    c.shift_close("1111", 34_995);

    // Day 2 (after the 06:00 cutoff), shift 2: an adult for 5.500; one
    // adult ticket of day 1's first order refunded (cash from this drawer).
    c.clock.set(after);
    c.shift_open("1111", 10_000);
    c.sell("1111", &show, &["H-4"], "adult", 5_500);
    let refund =
        c.rt.block_on(site::commands::refund(
            &c.site,
            RefundArgs {
                token: c.token("1111"),
                order: first.order_ref.clone(),
                seats: vec!["H-2".into()],
                reason: "customer unwell".into(),
                card_reference: None,
                approval: Some(Approval {
                    pin: "222222".into(),
                }),
            },
        ))
        .unwrap();
    assert_eq!(refund.quote.amount_minor, 5_500);

    // Day 1: as sold; its refund counts on day 2.
    let x1 = c.day("222222", &d1);
    assert_eq!(x1["kind"], "x");
    assert_eq!(x1["decimals"], 3);
    let t = &x1["totals"];
    assert_eq!(
        (t["orders"].as_u64(), t["tickets"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(t["sales_minor"], 15_000);
    assert_eq!(t["refunds_minor"], 0);
    assert_eq!(t["net_minor"], 15_000);
    // 10 % VAT inside 15.000: 1.364 (per order: 1.000 + 0.364).
    assert_eq!(t["sales_vat_minor"], 1_364);
    let cash = find(&x1["by_payment"], "method", "cash");
    assert_eq!(
        (
            cash["taken_minor"].as_i64(),
            cash["refunded_minor"].as_i64()
        ),
        (Some(15_000), Some(0))
    );
    assert_eq!(
        find(&x1["by_ticket_type"], "key", "adult")["amount_minor"],
        11_000
    );
    assert_eq!(
        find(&x1["by_ticket_type"], "key", "child")["amount_minor"],
        4_000
    );
    let shift = &x1["shifts"][0];
    assert_eq!(
        (
            shift["expected_minor"].as_i64(),
            shift["counted_minor"].as_i64(),
            shift["variance_minor"].as_i64()
        ),
        (Some(35_000), Some(34_995), Some(-5))
    );
    assert_eq!(x1["shifts"].as_array().unwrap().len(), 1);

    // Day 2: one sale, one refund of day 1's ticket.
    let x2 = c.day("333333", &d2);
    let t = &x2["totals"];
    assert_eq!(
        (t["orders"].as_u64(), t["tickets"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(t["sales_minor"], 5_500);
    assert_eq!(
        (t["refunds_minor"].as_i64(), t["refunded_tickets"].as_u64()),
        (Some(5_500), Some(1))
    );
    assert_eq!(t["net_minor"], 0);
    let cash = find(&x2["by_payment"], "method", "cash");
    assert_eq!(
        (
            cash["taken_minor"].as_i64(),
            cash["refunded_minor"].as_i64(),
            cash["net_minor"].as_i64()
        ),
        (Some(5_500), Some(5_500), Some(0))
    );
    let r = &x2["refunds"][0];
    assert_eq!(
        (
            r["kind"].as_str(),
            r["cash_minor"].as_i64(),
            r["order_ref"].as_str()
        ),
        (Some("refund"), Some(5_500), Some(first.order_ref.as_str()))
    );
    assert!(
        r["approved_by"].as_str().unwrap().contains("Supervisor"),
        "{r}"
    );
    assert_eq!(x2["shifts"][0]["expected_minor"], 10_000);
    assert!(
        x2["unsynced"].as_array().unwrap().is_empty(),
        "{}",
        x2["unsynced"]
    );

    // A cashier sees no day report; a supervisor does not close the day.
    let err =
        c.rt.block_on(site::commands::day_report(
            &c.site,
            DayArgs {
                token: c.token("1111"),
                day: None,
            },
        ))
        .unwrap_err();
    assert_eq!(err.code(), "not_allowed");
    assert_eq!(c.close("222222", &d1).unwrap_err().code(), "not_allowed");
    // A day not begun does not close.
    let d3 = day2.tomorrow().unwrap().to_string();
    assert_eq!(c.close("333333", &d3).unwrap_err().code(), "day.not_begun");
    // Shift 2, opened on day 2, does not hold day 1 back.
    let z1 = c.close("333333", &d1).unwrap();
    assert_eq!(
        (z1["kind"].as_str(), z1["number"].as_u64()),
        (Some("z"), Some(1))
    );
    assert_eq!(z1["totals"], x1["totals"]);
    assert_eq!(
        c.close("333333", &d1).unwrap_err().code(),
        "day.already_closed"
    );
    // It holds day 2: its cash is not counted yet.
    assert_eq!(
        c.close("333333", &d2).unwrap_err().code(),
        "day.shifts_open"
    );
    c.shift_close("1111", 10_000);
    let z2 = c.close("333333", &d2).unwrap();
    assert_eq!(z2["number"], 2);
    // A sale now (still day 2 by the clock) is dated to day 3: day 2 is closed.
    c.shift_open("1111", 0);
    c.sell("1111", &show, &["H-5"], "child", 4_000);
    let x2_again = c.day("333333", &d2);
    assert_eq!(x2_again["totals"], x2["totals"]);
    assert_eq!(c.day("333333", &d3)["totals"]["sales_minor"], 4_000);
    assert_eq!(c.site.status().unwrap().trading_day, d3);
    // Days close in order from the first Z report on: two days later, day 3
    // (with that sale) closes before day 4, and none is skipped.
    c.clock.set(after + jiff::SignedDuration::from_hours(48));
    let d4 = day2.tomorrow().unwrap().tomorrow().unwrap().to_string();
    assert_eq!(
        c.close("333333", &d4).unwrap_err().code(),
        "day.earlier_open"
    );
    c.shift_close("1111", 4_000);
    assert_eq!(c.close("333333", &d3).unwrap()["number"], 3);
    // A day without sales closes too, numbered on.
    assert_eq!(c.close("333333", &d4).unwrap()["number"], 4);
    // The kept Z report reads back as closed.
    let kept =
        c.rt.block_on(site::commands::day_z_report(
            &c.site,
            DayArgs {
                token: c.token("222222"),
                day: Some(d1.clone()),
            },
        ))
        .unwrap();
    assert_eq!(serde_json::to_value(&kept).unwrap(), z1);

    // CSV: the same figures in major units with 3 decimals.
    let file =
        c.rt.block_on(site::commands::day_report_file(
            &c.site,
            DayFileArgs {
                token: c.token("333333"),
                kind: "z".into(),
                day: Some(d1.clone()),
                format: "csv".into(),
            },
        ))
        .unwrap();
    assert_eq!(file.name, format!("z-bah-seef-t1-{d1}.csv"));
    use base64::Engine as _;
    let csv = String::from_utf8(
        base64::engine::general_purpose::STANDARD
            .decode(&file.base64)
            .unwrap(),
    )
    .unwrap();
    for want in [
        "totals,sales,,,2,3,15.000,BHD",
        "totals,sales_vat,,,,,1.364,BHD",
        "payment_taken,cash,,,,,15.000,BHD",
        "cash_variance,",
        ",-0.005,BHD",
        "ticket_type,child,Child,",
    ] {
        assert!(csv.contains(want), "{want} missing from:\n{csv}");
    }
    // PDF: rendered and read back by poppler.
    let pdf_path = dir.path().join("z1.pdf");
    let pdf =
        c.rt.block_on(site::commands::day_report_file(
            &c.site,
            DayFileArgs {
                token: c.token("333333"),
                kind: "z".into(),
                day: Some(d1.clone()),
                format: "pdf".into(),
            },
        ))
        .unwrap();
    std::fs::write(
        &pdf_path,
        base64::engine::general_purpose::STANDARD
            .decode(&pdf.base64)
            .unwrap(),
    )
    .unwrap();
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", pdf_path.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    for want in [
        "Z REPORT - DAY CLOSED No. 1",
        "15.000",
        "1.364",
        "34.995",
        "-0.005",
        "Seef Mall Bahrain",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }
    let film_ar = shows
        .iter()
        .find(|s| s.id == show)
        .unwrap()
        .film_title_ar
        .clone();
    assert!(text.contains(&film_ar), "{film_ar} missing from:\n{text}");
}

#[test]
fn the_cli_writes_day_reports_as_json_csv_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let (_central, t) = e2e::demo_terminal(dir.path());
    let show = t.show_id_on("Screen 1 IMAX");
    t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "K-1",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--json",
    ]);

    let err = t.fails(&["report", "x", "--pin", "1111"]);
    assert!(err.contains("supervisor or a manager"), "{err}");
    let x: Value =
        serde_json::from_slice(&t.run(&["report", "x", "--pin", "222222"]).stdout).unwrap();
    assert_eq!(x["totals"]["sales_minor"], 7_500);
    let day = x["business_day"].as_str().unwrap().to_string();
    let csv = String::from_utf8(
        t.run(&["report", "x", "--format", "csv", "--pin", "222222"])
            .stdout,
    )
    .unwrap();
    assert!(csv.starts_with("\u{feff}section,item,"), "{csv}");
    assert!(csv.contains("totals,sales,,,1,1,75.00,AED"), "{csv}");
    let err = t.fails(&["report", "x", "--format", "pdf", "--pin", "222222"]);
    assert!(err.contains("--out"), "{err}");

    // Z closes the day once; asked again, it gives the kept report.
    let err = t.fails(&["report", "z", "--pin", "222222"]);
    assert!(err.contains("only a manager"), "{err}");
    // Not while the cashier's drawer is uncounted.
    let err = t.fails(&["report", "z", "--pin", "333333"]);
    assert!(err.contains("day.shifts_open"), "{err}");
    t.json(&[
        "shift",
        "close",
        "--counted",
        "75",
        "--pin",
        "1111",
        "--json",
    ]);
    let pdf = dir.path().join("z.pdf");
    let out = t.run(&[
        "report",
        "z",
        "--format",
        "pdf",
        "--out",
        pdf.to_str().unwrap(),
        "--pin",
        "333333",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("closed business day"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF-"));
    let out = t.run(&["report", "z", "--day", &day, "--pin", "333333"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("was closed by Z report 1"));
    let z: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (z["number"].as_u64(), z["totals"]["sales_minor"].as_i64()),
        (Some(1), Some(7_500))
    );
    // Asked again without a day, it gives the kept report: it never closes a day not begun.
    let out = t.run(&["report", "z", "--pin", "333333"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("was closed by Z report 1"));
    // The next sale, in a new shift, belongs to the next business day.
    t.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    t.json(&[
        "sell",
        "--showtime",
        &show,
        "--seats",
        "K-2",
        "--pay",
        "cash:100",
        "--pin",
        "1111",
        "--json",
    ]);
    let x: Value =
        serde_json::from_slice(&t.run(&["report", "x", "--pin", "222222"]).stdout).unwrap();
    assert_ne!(x["business_day"], day.as_str());
    assert_eq!(x["totals"]["sales_minor"], 7_500);
}

/// `boxoffice-central report site` over the real central database.
fn site_report(
    central: &Central,
    day: &str,
    format: &str,
    out: Option<&std::path::Path>,
) -> Vec<u8> {
    let mut cmd = std::process::Command::new(e2e::bin("boxoffice-central"));
    cmd.args([
        "report",
        "site",
        "--site",
        "dxb-marina",
        "--day",
        day,
        "--format",
        format,
        "--db",
    ])
    .arg(&central.db);
    if let Some(out) = out {
        cmd.arg("--out").arg(out);
    }
    let done = cmd.output().unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    done.stdout
}

#[test]
fn the_site_day_report_adds_every_terminal_and_the_web_and_names_what_is_missing() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let t1 = e2e::Terminal::new(dir.path().join("t1"));
    t1.init(&central, "dxb-marina", "dxb-marina-t1");
    // Terminal 2 reaches central through a proxy that will refuse its pushes.
    let proxy = e2e::fault_proxy::FaultProxy::start(&central.url);
    let t2 = e2e::Terminal::new(dir.path().join("t2"));
    let out = t2.run(&[
        "init",
        "--central",
        &proxy.url(),
        "--site",
        "dxb-marina",
        "--terminal",
        "dxb-marina-t2",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    t2.json(&["shift", "open", "--float", "0", "--pin", "1111", "--json"]);
    let show = t1.show_id_on("Screen 1 IMAX");
    let sell = |t: &e2e::Terminal, seats: &str, pay: &str| {
        t.json(&[
            "sell",
            "--showtime",
            &show,
            "--seats",
            seats,
            "--pay",
            pay,
            "--pin",
            "1111",
            "--json",
        ])
    };

    // Terminal 1: 2 × 75 in cash, one ticket refunded (cash); terminal 2:
    // 75 by card; the web shop: one adult (75).
    let a = sell(&t1, "L-1,L-2", "cash:150");
    let refund = t1.json(&[
        "refund",
        "--order",
        a["order_ref"].as_str().unwrap(),
        "--seats",
        "L-2",
        "--reason",
        "double booking",
        "--pin",
        "1111",
        "--approve",
        "222222",
        "--json",
    ]);
    assert_eq!(refund["quote"]["amount_minor"], 7_500, "{refund}");
    let b = sell(&t2, "L-3", "card:75:AP77");
    assert_eq!(b["synced"], true, "{b}");
    let (code, web) = central.post(
        "/v1/web/sales",
        &serde_json::json!({"showtime_id": show, "seats": ["L-9"]}),
    );
    assert_eq!(code, 200, "{web}");
    // Terminal 2's next sale stays in its queue: central refuses its pushes.
    proxy.set(e2e::fault_proxy::Rule::new(e2e::fault_proxy::Fault::Status(503)).on("/v1/push"));
    let c = sell(&t2, "L-4", "cash:100");
    assert_eq!(c["synced"], false, "{c}");
    // A sync cannot push it, and tells central what waits.
    t2.run(&["sync"]);
    assert_eq!(t2.json(&["status", "--json"])["queue_depth"], 1);

    let x1: Value =
        serde_json::from_slice(&t1.run(&["report", "x", "--pin", "222222"]).stdout).unwrap();
    let x2: Value =
        serde_json::from_slice(&t2.run(&["report", "x", "--pin", "222222"]).stdout).unwrap();
    let day = x1["business_day"].as_str().unwrap().to_string();
    let site: Value = serde_json::from_slice(&site_report(&central, &day, "json", None)).unwrap();
    assert_eq!(site["kind"], "site");
    let t = &site["totals"];
    assert_eq!(
        (t["orders"].as_u64(), t["tickets"].as_u64()),
        (Some(3), Some(4))
    );
    assert_eq!(t["sales_minor"], 30_000);
    assert_eq!(
        (t["refunds_minor"].as_i64(), t["refunded_tickets"].as_u64()),
        (Some(7_500), Some(1))
    );
    assert_eq!(t["net_minor"], 22_500);
    // The terminals' own day reports, with the web's sale and without the
    // one still waiting, add up to central's.
    let sum = |k: &str| x1["totals"][k].as_i64().unwrap() + x2["totals"][k].as_i64().unwrap();
    assert_eq!(
        sum("sales_minor") + 7_500 - 7_500,
        t["sales_minor"].as_i64().unwrap()
    );
    assert_eq!(sum("refunds_minor"), t["refunds_minor"].as_i64().unwrap());
    assert_eq!(
        find(&site["by_payment"], "method", "web")["taken_minor"],
        7_500
    );
    assert_eq!(
        find(&site["by_payment"], "method", "card")["taken_minor"],
        7_500
    );
    let cash = find(&site["by_payment"], "method", "cash");
    assert_eq!(
        (
            cash["taken_minor"].as_i64(),
            cash["refunded_minor"].as_i64()
        ),
        (Some(15_000), Some(7_500))
    );
    assert_eq!(site["refunds"][0]["reason"], "double booking");
    assert_eq!(site["refunds"][0]["cash_minor"], 7_500);
    // Terminal 2 is named with the sale still waiting; terminal 3 was never
    // heard from; terminal 1 is all in.
    let waiting = find(&site["unsynced"], "terminal_id", "dxb-marina-t2");
    assert_eq!(
        (
            waiting["entries"].as_u64(),
            waiting["amount_minor"].as_i64()
        ),
        (Some(1), Some(7_500)),
        "{waiting}"
    );
    let silent = find(&site["unsynced"], "terminal_id", "dxb-marina-t3");
    assert!(silent["last_heard_at"].is_null(), "{silent}");
    assert!(
        site["unsynced"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["terminal_id"] != "dxb-marina-t1")
    );

    let csv = String::from_utf8(site_report(&central, &day, "csv", None)).unwrap();
    assert!(
        csv.contains("not_at_central,dxb-marina-t2,,,1,,75.00,AED"),
        "{csv}"
    );
    assert!(csv.contains("payment_taken,web,,,,,75.00,AED"), "{csv}");
    let pdf = dir.path().join("site.pdf");
    site_report(&central, &day, "pdf", Some(&pdf));
    let text = std::process::Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for want in [
        "SITE DAY REPORT",
        "NOT YET AT CENTRAL",
        "dxb-marina-t2",
        "300.00",
        "225.00",
    ] {
        assert!(text.contains(want), "{want} missing from:\n{text}");
    }

    // The manager at terminal 1 sees the same from the counter (the Day
    // panel's "whole site"): central's figures and terminal 2 named. A
    // cashier may not; terminal 2 cannot while central refuses it.
    let from_counter: Value = serde_json::from_slice(
        &t1.run(&["report", "site", "--day", &day, "--pin", "222222"])
            .stdout,
    )
    .unwrap();
    assert_eq!(from_counter["totals"], site["totals"]);
    assert_eq!(
        find(&from_counter["unsynced"], "terminal_id", "dxb-marina-t2")["entries"],
        1
    );
    let err = t1.fails(&["report", "site", "--pin", "1111"]);
    assert!(err.contains("not_allowed"), "{err}");
    let err = t1.fails(&["report", "site", "--day", "2026-13-40", "--pin", "222222"]);
    assert!(err.contains("invalid_input"), "{err}");
    // Another site's report is not a terminal's to read.
    let (code, body) = central.get_status("/v1/sites/bah-seef/day-report", "dxb-marina-t1");
    assert_eq!(code, 403, "{body}");

    // Once terminal 2 reaches central, its day is whole and it is no longer named.
    proxy.heal();
    assert!(t2.run(&["sync"]).status.success());
    let site: Value = serde_json::from_slice(&site_report(&central, &day, "json", None)).unwrap();
    assert_eq!(site["totals"]["sales_minor"], 37_500);
    assert!(
        site["unsynced"]
            .as_array()
            .unwrap()
            .iter()
            .all(|u| u["terminal_id"] != "dxb-marina-t2"),
        "{}",
        site["unsynced"]
    );
}

#[test]
fn a_void_takes_an_approver_and_a_reason_and_shows_in_the_day_report() {
    let dir = tempfile::tempdir().unwrap();
    let central = Central::start(dir.path());
    let rt = tokio::runtime::Runtime::new().unwrap();
    // A clock that stands still: the void and the report are of one day.
    let site = Site::open(
        &dir.path().join("t1"),
        Arc::new(ManualClock::new(jiff::Timestamp::now())),
        Arc::new(V7Ids),
        false,
    )
    .unwrap();
    rt.block_on(site.init(&central.url, "dxb-marina", "dxb-marina-t1"))
        .unwrap();
    let cashier = site.login(None, "1111").unwrap().token;
    let void = |approval: Option<&str>, reason: &str, total: i64| {
        rt.block_on(site::commands::void_order(
            &site,
            VoidOrderArgs {
                token: cashier.clone(),
                seats: vec!["show-1:F-1".into(), "show-1:F-2".into()],
                total_minor: total,
                reason: reason.into(),
                approval: approval.map(|pin| Approval { pin: pin.into() }),
            },
        ))
    };
    // A cashier alone, another cashier, no reason, a bad total: refused.
    assert_eq!(
        void(None, "changed mind", 15_000).unwrap_err().code(),
        "not_allowed"
    );
    assert_eq!(
        void(Some("1111"), "changed mind", 15_000)
            .unwrap_err()
            .code(),
        "wrong_pin"
    );
    assert_eq!(
        void(Some("222222"), "  ", 15_000).unwrap_err().code(),
        "invalid_input"
    );
    assert_eq!(
        void(Some("222222"), "changed mind", -1).unwrap_err().code(),
        "invalid_input"
    );
    let done = void(Some("222222"), "customer changed their mind", 15_000).unwrap();
    assert!(
        done.reference.starts_with('V') && done.reference.len() == 9,
        "{done:?}"
    );
    assert!(done.approved_by.contains("Supervisor"), "{done:?}");

    let manager = site.login(None, "333333").unwrap().token;
    let report = rt
        .block_on(site::commands::day_report(
            &site,
            DayArgs {
                token: manager.clone(),
                day: None,
            },
        ))
        .unwrap();
    assert_eq!(report.voids.len(), 1);
    let v = &report.voids[0];
    assert_eq!(
        (v.order_ref.as_str(), v.amount_minor, v.reason.as_str()),
        (
            done.reference.as_str(),
            15_000,
            "customer changed their mind"
        )
    );
    assert!(v.approved_by.contains("Supervisor"), "{v:?}");
    // Nothing was sold: the totals are untouched.
    assert_eq!(report.totals.sales_minor, 0);
    let trail = rt
        .block_on(site::commands::audit_trail(
            &site,
            AuditArgs {
                token: manager,
                limit: 10,
            },
        ))
        .unwrap();
    let entry = trail
        .iter()
        .find(|e| e.action == "void")
        .expect("a void on the audit trail");
    assert_eq!(entry.approved_by.as_deref(), Some("dxb-marina-supervisor"));
}
