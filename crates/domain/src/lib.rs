//! Pure business rules of Boxoffice.
//!
//! Nothing here performs IO, reads a clock or draws random numbers: time and
//! ids are always inputs. Everything is therefore deterministic and testable
//! with tables and properties.

pub mod age;
pub mod best_available;
pub mod business_day;
pub mod cash;
pub mod money;
pub mod order;
pub mod payment;
pub mod pin;
pub mod pricing;
#[cfg(feature = "schemars")]
mod schema;
pub mod seats;
pub mod vat;

pub use age::{AgeError, Rating};
pub use best_available::{BestAvailableError, Pick, SeatSpot, best_available};
pub use money::{Currency, MoneyError};
pub use order::{OrderError, OrderLine, OrderTotals};
pub use pricing::{PriceCard, PriceRule, PricedTicket, PricingContext, PricingError, TicketType};
pub use seats::{SeatArea, SeatKind, SeatState};
pub use vat::Country;
