//! The report on the counter's thermal printer: every table's rows as
//! "label  amount" lines (Latin text only: the printer's own font).

use crate::format::local_time;
use crate::model::DayReport;
use crate::tables::tables;
use printing::ReceiptData;

/// The report as a receipt for [`printing::encode_receipt`].
pub fn receipt(r: &DayReport) -> ReceiptData {
    let mut lines = Vec::new();
    for table in tables(r) {
        lines.push((format!("-- {} --", table.title), String::new()));
        let headings: Vec<&str> = table
            .columns
            .iter()
            .filter(|c| !c.arabic)
            .map(|c| c.name)
            .collect();
        for row in &table.rows {
            let cells: Vec<(&str, &String)> = table
                .columns
                .iter()
                .zip(row)
                .filter(|(c, _)| !c.arabic)
                .map(|(c, v)| (c.name, v))
                .collect();
            let Some(((_, value), rest)) = cells.split_last() else {
                continue;
            };
            // The last cell is the value; figures before it are named.
            let label = rest
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(name, v)| {
                    if name.is_empty() || !headings.contains(name) || name == &"Film" {
                        v.to_string()
                    } else {
                        format!("{name} {v}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            lines.push((label, value.to_string()));
        }
    }
    let mut header_lines = vec![
        r.chain_name.clone(),
        r.site_name.clone(),
        r.kind.title().to_string(),
        format!("Business day {}", r.business_day),
    ];
    if let Some(n) = r.number {
        header_lines.push(format!("Z number {n}"));
    }
    header_lines.push(format!("Terminals: {}", r.terminals.join(", ")));
    ReceiptData {
        header_lines,
        lines,
        totals: vec![(
            format!("Net sales {}", r.currency),
            crate::format::major(r.totals.net_minor, r.decimals),
        )],
        footer_lines: vec![format!(
            "{} by {}",
            local_time(&r.generated_at, &r.time_zone),
            r.by
        )],
    }
}
