//! A write from the outbox the server refused, explained: what the person tried to do, to
//! which post, and the server's reason ("Sam K. is already helping with this.").

use model::{coordination::Coordination, MutationKind, Refusal};

/// "Not sent: your offer to help with “Milk” — Sam K. is already helping with this."
/// `title` is the post's title when known on this phone.
pub fn not_sent(kind: &MutationKind, title: Option<&str>, reason: &Refusal) -> String {
    let title = match kind {
        MutationKind::CreatePost { title, .. } => Some(title.trim()),
        _ => title,
    };
    let about = |what: &str| match title {
        Some(title) => format!("{what} “{title}”"),
        None => format!("{what} a post"),
    };
    let what = match kind {
        MutationKind::CreatePost { .. } => about("your post"),
        MutationKind::Claim { .. } => about("your offer to help with"),
        MutationKind::ShareDetails { .. } => about("sharing how to reach you for"),
        MutationKind::Release { .. } => about("handing back"),
        MutationKind::MarkDone { .. } => about("marking as done"),
        MutationKind::Withdraw { .. } => about("withdrawing"),
        MutationKind::SetPinned { pinned: true, .. } => about("pinning"),
        MutationKind::SetPinned { pinned: false, .. } => about("unpinning"),
        MutationKind::Remove { .. } => about("removing"),
        MutationKind::Reply { .. } => about("your reply to"),
        MutationKind::Coordinate(c) => about(match c {
            Coordination::SetNeedsVetting { .. } => "marking who may help with",
            Coordination::Assign { .. } => "asking a volunteer to help with",
            Coordination::Accept { .. } => "accepting",
            Coordination::Decline { .. } => "declining",
        }),
        MutationKind::Volunteer(_) => "your volunteering".to_string(),
        MutationKind::Moderate(_) => about("moderating"),
    };
    format!("Not sent: {what} — {}", super::refusal(reason))
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::{Category, PostKind, Urgency};

    fn said(text: &str) -> Refusal {
        Refusal::Said { text: text.into() }
    }

    #[test]
    fn a_lost_claim_names_the_post_and_the_winner() {
        let claim = MutationKind::Claim {
            post_id: "p".into(),
        };
        assert_eq!(
            not_sent(
                &claim,
                Some("Milk"),
                &said("Sam K. is already helping with this.")
            ),
            "Not sent: your offer to help with “Milk” — Sam K. is already helping with this."
        );
        assert_eq!(
            not_sent(&claim, None, &Refusal::PostGone),
            "Not sent: your offer to help with a post — This post is no longer on the board."
        );
    }

    #[test]
    fn a_refused_post_is_named_by_its_own_title() {
        let create = MutationKind::CreatePost {
            post_id: "p".into(),
            board_id: "b".into(),
            post_kind: PostKind::Request,
            category: Category::Shopping,
            title: " Bread ".into(),
            details: String::new(),
            urgency: Urgency::Today,
            expires_in_days: None,
            needs_vetting: false,
            share_details: false,
            confirmed_public: false,
        };
        assert_eq!(
            not_sent(&create, None, &Refusal::MembersOnly),
            "Not sent: your post “Bread” — This board is for its members. Ask a neighbour on it for the invite link."
        );
    }
}
