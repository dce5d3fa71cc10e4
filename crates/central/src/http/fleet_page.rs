//! The fleet page for central IT, on the ops address (`serve
//! --metrics-listen`, beside `/metrics`): `GET /fleet` is a web page that
//! refreshes itself, `GET /fleet.json` the same as data. Terminals that need
//! attention come first and stand out.

use super::blocking;
use super::metrics_page::MetricsSource;
use crate::fleet::{FleetTerminal, Thresholds};
use axum::Json;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;

/// Terminals needing attention first, then by site and id.
fn ordered(mut fleet: Vec<FleetTerminal>) -> Vec<FleetTerminal> {
    fleet.sort_by(|a, b| {
        a.attention
            .is_empty()
            .cmp(&b.attention.is_empty())
            .then_with(|| a.site_id.cmp(&b.site_id))
            .then_with(|| a.terminal_id.cmp(&b.terminal_id))
    });
    fleet
}

async fn read(source: MetricsSource) -> Result<Vec<FleetTerminal>, crate::error::CentralError> {
    blocking(move || source.db.fleet(Timestamp::now(), Thresholds::default()))
        .await
        .map(ordered)
}

/// `GET /fleet.json`.
pub(super) async fn fleet_json(State(source): State<MetricsSource>) -> Response {
    match read(source).await {
        Ok(fleet) => Json(fleet).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /fleet`.
pub(super) async fn fleet_html(State(source): State<MetricsSource>) -> Response {
    match read(source).await {
        Ok(fleet) => Html(render(&fleet, Timestamp::now())).into_response(),
        Err(e) => e.into_response(),
    }
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn cell(v: Option<impl ToString>) -> String {
    v.map(|v| esc(&v.to_string()))
        .unwrap_or_else(|| "–".to_string())
}

/// The page: a summary and one row per terminal.
pub fn render(fleet: &[FleetTerminal], now: Timestamp) -> String {
    let needing = fleet.iter().filter(|t| !t.attention.is_empty()).count();
    let online = fleet.iter().filter(|t| t.link == "online").count();
    let mut rows = String::new();
    for t in fleet {
        let class = if t.attention.is_empty() {
            "ok"
        } else {
            "attention"
        };
        let notes = if t.attention.is_empty() {
            "all well".to_string()
        } else {
            t.attention
                .iter()
                .map(|a| esc(a))
                .collect::<Vec<_>>()
                .join("<br>")
        };
        let printer = match (&t.printer, &t.printer_error) {
            (_, Some(e)) => format!("<span class=\"bad\">{}</span>", esc(e)),
            (Some(p), None) => esc(p),
            (None, None) => "–".into(),
        };
        rows.push_str(&format!(
            "<tr class=\"{class}\" data-terminal=\"{id}\" data-link=\"{link}\">\
             <td>{site}</td><td><b>{id}</b></td><td class=\"link-{link}\">{link}</td>\
             <td>{version}</td><td>{ring}</td><td>{heartbeat}</td><td class=\"n\">{queue}</td>\
             <td class=\"n\">{oldest}</td><td class=\"n\">{conflicts}</td><td>{printer}</td>\
             <td>{backup}</td><td class=\"n\">{disk}</td><td class=\"notes\">{notes}</td></tr>\n",
            site = esc(&t.site_id),
            id = esc(&t.terminal_id),
            link = esc(&t.link),
            version = cell(t.version.as_ref()),
            ring = cell(t.ring.as_ref()),
            heartbeat = cell(t.silent_secs.map(|s| format!("{s} s ago"))),
            queue = cell(t.queue_depth),
            oldest = cell(t.oldest_unsynced_secs.map(|s| format!("{s} s"))),
            conflicts = cell(t.open_conflicts),
            backup = cell(t.last_backup_at.as_ref()),
            disk = cell(t.disk_free_mb.map(|m| format!("{m} MB"))),
        ));
    }
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="15">
<title>Boxoffice fleet</title>
<style>
body {{ font: 14px system-ui, sans-serif; margin: 1.5rem; color: #1b1f24; background: #f4f5f7; }}
h1 {{ margin: 0 0 .3rem; font-size: 1.6rem; }}
.summary {{ margin: 0 0 1rem; color: #4a5360; }}
table {{ border-collapse: collapse; width: 100%; background: #fff; }}
th, td {{ text-align: left; padding: .45rem .6rem; border-bottom: 1px solid #e3e6ea; vertical-align: top; }}
th {{ background: #eceff3; font-weight: 600; position: sticky; top: 0; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr.attention {{ background: #fff4e5; }}
tr.attention td.notes {{ color: #9a3b00; font-weight: 600; }}
.link-online {{ color: #13723a; }} .link-silent, .link-never {{ color: #b3261e; font-weight: 600; }}
.link-revoked {{ color: #6b7280; text-decoration: line-through; }}
.bad {{ color: #b3261e; }}
</style></head><body>
<h1>Boxoffice fleet</h1>
<p class="summary" id="summary">{total} terminals · {online} online · <b>{needing} need attention</b> · as of {now} (refreshes every 15 s; <a href="fleet.json">JSON</a>)</p>
<table><thead><tr><th>Site</th><th>Terminal</th><th>Link</th><th>Version</th><th>Ring</th><th>Last heartbeat</th><th>Queue</th><th>Oldest unsynced</th><th>Conflicts</th><th>Printer</th><th>Last backup</th><th>Disk free</th><th>Attention</th></tr></thead>
<tbody>
{rows}</tbody></table>
</body></html>
"#,
        total = fleet.len(),
        now = now.strftime("%Y-%m-%d %H:%M:%S UTC"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped() {
        let t = FleetTerminal {
            terminal_id: "<script>".into(),
            site_id: "s".into(),
            link: "online".into(),
            version: None,
            ring: None,
            last_heartbeat: None,
            silent_secs: None,
            queue_depth: None,
            oldest_unsynced_secs: None,
            open_conflicts: None,
            printer: None,
            printer_error: Some("a & b".into()),
            last_backup_at: None,
            disk_free_mb: None,
            attention: vec!["printer: a & b".into()],
        };
        let page = render(&[t], Timestamp::UNIX_EPOCH);
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;") && page.contains("a &amp; b"));
    }
}
