//! A write refused for a reason the person can act on (already taken, not a member, …), as
//! the outcome recorded for its mutation id.

use model::{Outcome, Refusal};

/// The outcome of a write refused because `reason`.
pub(crate) fn rejected(reason: Refusal) -> Outcome {
    Outcome::Rejected { reason }
}
