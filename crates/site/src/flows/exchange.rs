//! Exchanges: tickets of an earlier order given back for a new order. The
//! new order is sold as any sale (seats secured, tickets and receipt
//! printed), its total reduced by the old tickets' value; the old tickets
//! are refunded in the same transaction, what the new order did not take
//! going back the way it was paid. One approval, one reason, two outbox
//! entries: the sale, then the refund that names it.

use crate::api::{ExchangeArgs, ExchangeResult};
use crate::engine::Site;
use crate::error::Result;
use crate::flows::sell::{SalePart, SaleRequest};
use crate::store::StaffRow;

impl Site {
    /// Exchanges tickets of an earlier order for a new order.
    pub async fn exchange(&self, staff: &StaffRow, args: &ExchangeArgs) -> Result<ExchangeResult> {
        self.check_disk()?;
        let out = self.approve_refund(
            staff,
            (&args.order, &args.seats),
            &args.reason,
            args.card_refund_reference.as_deref(),
            args.approval.as_ref(),
        )?;
        let override_by = match args
            .override_approval
            .as_ref()
            .filter(|a| !a.pin.is_empty())
        {
            Some(a) => Some(self.approver_by_pin(
                staff,
                &a.pin,
                true,
                crate::flows::sell::OFFLINE_OVERRIDE_NEEDS,
            )?),
            None => None,
        };
        let returned = out.value_minor();
        let from_ref = out.from_ref().to_string();
        let sale = self
            .sell_order(
                staff,
                SaleRequest {
                    parts: args.parts.iter().map(SalePart::from).collect(),
                    tendered_minor: args.tendered_minor,
                    card: args.card.as_ref().map(|c| domain::payment::CardPayment {
                        amount_minor: c.amount_minor,
                        reference: c.reference.clone(),
                    }),
                    id_checked: args.id_checked,
                    override_by,
                    exchange: Some(out.clone()),
                },
            )
            .await?;
        let credit = returned.min(sale.total_minor);
        let (card_back, cash_back) = out.money_back(credit);
        Ok(ExchangeResult {
            from_ref,
            returned_minor: returned,
            credit_minor: credit,
            card_back_minor: card_back,
            cash_back_minor: cash_back,
            sale,
        })
    }
}
