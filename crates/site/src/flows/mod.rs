//! The terminal's flows: each adds the commands of one job to [`Site`]
//! (crate::engine::Site), built on the services below (outbox, print queue,
//! link, store, rules). A flow never imports another flow's module, except
//! `sell`'s request types and the shared look-ups named in each file.

pub mod backups;
pub mod best;
pub mod collect;
pub mod conflicts;
pub mod day_report;
pub mod diagnostics;
pub mod exchange;
pub mod keys;
pub mod provision;
pub mod refund;
pub mod reprint;
pub mod reseat;
pub mod seat_maps;
pub mod selection;
pub mod sell;
pub mod shift;
pub mod sync;
pub mod update_install;
pub mod updates;
pub mod void;
