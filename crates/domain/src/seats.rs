//! Seats: where they are, what kind they are, and what state they are in.

use serde::{Deserialize, Serialize};

/// Pricing and comfort area of a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatArea {
    /// Ordinary seat.
    Standard,
    /// Premium (better rows, wider seat).
    Premium,
    /// VIP recliner.
    Vip,
}

/// Physical kind of a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatKind {
    /// Ordinary seat.
    Standard,
    /// A wheelchair space.
    Wheelchair,
    /// A companion seat beside a wheelchair space.
    Companion,
}

/// Sale state of one seat for one showtime, as a terminal sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeatState {
    /// Can be sold.
    Free,
    /// Held by a terminal or a web buyer.
    Held,
    /// Sold.
    Sold,
    /// Leased to this terminal for offline sale.
    Leased,
    /// Not for sale (broken, house seat).
    Blocked,
}

macro_rules! str_enum {
    ($t:ty { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$t] = &[$(<$t>::$v),*];
            /// The lower-case name used on the wire and in the database.
            pub fn as_str(self) -> &'static str {
                match self { $(<$t>::$v => $s),* }
            }
            /// Parses the lower-case name.
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($s => Some(<$t>::$v),)* _ => None }
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

str_enum!(SeatArea { Standard => "standard", Premium => "premium", Vip => "vip" });
str_enum!(SeatKind { Standard => "standard", Wheelchair => "wheelchair", Companion => "companion" });
str_enum!(SeatState { Free => "free", Held => "held", Sold => "sold", Leased => "leased", Blocked => "blocked" });

/// The label of a seat as printed on tickets: row and number, e.g. `F-12`.
pub fn seat_label(row: &str, number: u32) -> String {
    format!("{row}-{number}")
}

/// Row letters for a layout of `n` rows: A..Z, skipping I and O (easily
/// mistaken for 1 and 0), then AA, AB...
pub fn row_letters(n: usize) -> Vec<String> {
    let singles: Vec<char> = ('A'..='Z').filter(|c| *c != 'I' && *c != 'O').collect();
    (0..n)
        .map(|i| {
            if i < singles.len() {
                singles[i].to_string()
            } else {
                let j = i - singles.len();
                format!(
                    "{}{}",
                    singles[(j / singles.len()) % singles.len()],
                    singles[j % singles.len()]
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in ["free", "held", "sold", "leased", "blocked"] {
            assert_eq!(SeatState::parse(s).map(SeatState::as_str), Some(s));
        }
        assert_eq!(SeatKind::parse("wheelchair"), Some(SeatKind::Wheelchair));
        assert_eq!(SeatArea::parse("gold"), None);
    }

    #[test]
    fn rows_skip_i_and_o() {
        let rows = row_letters(26);
        assert_eq!(rows[7], "H");
        assert_eq!(rows[8], "J");
        assert!(!rows.contains(&"I".to_string()) && !rows.contains(&"O".to_string()));
        assert_eq!(rows[24], "AA");
        assert_eq!(seat_label("F", 12), "F-12");
    }
}
