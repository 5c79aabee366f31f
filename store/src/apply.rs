//! Every kind of write, to the code that makes it: one exhaustive dispatch, run inside the
//! exactly-once envelope of `batch` (which checks the id, records the outcome and commits).

use model::{ids::now_ms, views::Viewer, AppError, Mutation, MutationKind, Outcome, Refusal};
use sqlx::{Any, Transaction};

use crate::{
    changes::Written,
    post_writes::{create_post, NewPost, PostChange},
    Db,
};

impl Db {
    /// Applies `mutation` for `viewer`, exactly once (a batch of one: see `batch`).
    /// `Ok(Rejected)` is a refusal the person must be told about (someone else claimed
    /// first); `Err` is a request that was not allowed or not valid at all, and is not
    /// recorded, or one that could not be answered now.
    pub async fn apply(&self, viewer: &Viewer, mutation: &Mutation) -> Result<Outcome, AppError> {
        let mut answers = self.apply_all(viewer, std::slice::from_ref(mutation)).await;
        match (answers.answered.pop(), answers.stopped) {
            (Some(Ok(outcome)), _) => Ok(outcome),
            (Some(Err(Refusal::Invalid { fields })), _) => Err(AppError::Invalid(fields)),
            (Some(Err(reason)), _) => Err(AppError::Refused(reason)),
            (None, stopped) => Err(stopped.unwrap_or(AppError::Internal)),
        }
    }

    /// Every kind of write, to the code that makes it: one exhaustive dispatch.
    pub(crate) async fn apply_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        mutation: &Mutation,
    ) -> Result<Written, AppError> {
        let now = now_ms();
        let (post_id, change) = match &mutation.kind {
            MutationKind::CreatePost {
                post_id,
                board_id,
                post_kind,
                category,
                title,
                details,
                urgency,
                expires_in_days,
                needs_vetting,
                share_details,
                // Checked with the fields (`Mutation::validate`): nothing more to do with it.
                confirmed_public: _,
            } => {
                let post = NewPost {
                    post_id,
                    board_id,
                    kind: *post_kind,
                    category: *category,
                    title,
                    details,
                    urgency: *urgency,
                    expires_in_days: *expires_in_days,
                    needs_vetting: *needs_vetting,
                    share_details: *share_details,
                };
                return create_post(tx, viewer, post, now).await;
            }
            MutationKind::Moderate(action) => {
                return self.apply_moderation(tx, viewer, action).await
            }
            MutationKind::Volunteer(change) => {
                return self.apply_volunteer(tx, viewer, change, now).await
            }
            MutationKind::Claim { post_id } => (post_id, PostChange::Claim),
            MutationKind::ShareDetails { post_id, claimant } => {
                (post_id, PostChange::ShareDetails { claimant })
            }
            MutationKind::Release { post_id } => (post_id, PostChange::Release),
            MutationKind::MarkDone { post_id } => (post_id, PostChange::MarkDone),
            MutationKind::Withdraw { post_id } => (post_id, PostChange::Withdraw),
            MutationKind::SetPinned { post_id, pinned } => {
                (post_id, PostChange::SetPinned(*pinned))
            }
            MutationKind::Remove { post_id } => (post_id, PostChange::Remove),
            MutationKind::Coordinate(change) => {
                return self
                    .change_post(
                        tx,
                        viewer,
                        &mutation.id,
                        change.post_id(),
                        PostChange::Coordinate(change),
                        now,
                    )
                    .await;
            }
            MutationKind::Reply {
                reply_id,
                post_id,
                body,
            } => (post_id, PostChange::Reply { reply_id, body }),
        };
        self.change_post(tx, viewer, &mutation.id, post_id, change, now)
            .await
    }
}
