//! Who may do what to a post: one pure function, used by the server to enforce and by pages
//! to offer only the buttons that will work.

use super::{views::PostPermissions, PostKind, PostStatus, Role};

/// The facts about a post and a viewer that decide what the viewer may do.
#[derive(Clone, Copy, Debug)]
pub struct PostFacts<'a> {
    pub kind: PostKind,
    /// With expiry already applied: an open post past its expiry is `Expired`.
    pub status: PostStatus,
    pub author_id: &'a str,
    pub claimed_by: Option<&'a str>,
    pub viewer_id: &'a str,
    /// The viewer's role on the post's board (they are a member).
    pub viewer_role: Role,
}

/// What `facts.viewer_id` may do.
pub fn permissions(facts: &PostFacts<'_>) -> PostPermissions {
    let is_author = facts.author_id == facts.viewer_id;
    let is_claimant = facts.claimed_by == Some(facts.viewer_id);
    let is_organiser = facts.viewer_role.is_organiser();
    let open = facts.status == PostStatus::Open;
    let claimed = facts.status == PostStatus::Claimed;
    let live = open || claimed;
    PostPermissions {
        is_author,
        is_claimant,
        is_organiser,
        can_claim: facts.kind.is_claimable() && open && !is_author,
        can_release: claimed && (is_author || is_claimant),
        can_mark_done: facts.kind.is_claimable()
            && ((is_author && live) || (is_claimant && claimed)),
        can_withdraw: is_author && live,
        can_pin: is_organiser && facts.kind == PostKind::Notice && live,
        can_remove: is_organiser,
    }
}

/// Whether `viewer` is the one giving help on a claimed post, and so may see how to reach the
/// person being helped. Requests: the claimant helps the author. Offers: the author helps the
/// claimant.
pub fn sees_contact_of_other_party(facts: &PostFacts<'_>) -> bool {
    if facts.status != PostStatus::Claimed {
        return false;
    }
    match facts.kind {
        PostKind::Request => facts.claimed_by == Some(facts.viewer_id),
        PostKind::Offer => facts.author_id == facts.viewer_id && facts.claimed_by.is_some(),
        PostKind::Notice => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts<'a>(
        kind: PostKind,
        status: PostStatus,
        claimed_by: Option<&'a str>,
        viewer: &'a str,
        role: Role,
    ) -> PostFacts<'a> {
        PostFacts {
            kind,
            status,
            author_id: "author",
            claimed_by,
            viewer_id: viewer,
            viewer_role: role,
        }
    }

    #[test]
    fn a_neighbour_can_claim_an_open_request_but_not_their_own() {
        let other = permissions(&facts(
            PostKind::Request,
            PostStatus::Open,
            None,
            "sam",
            Role::Neighbour,
        ));
        assert!(other.can_claim && !other.can_withdraw && !other.can_release);
        let own = permissions(&facts(
            PostKind::Request,
            PostStatus::Open,
            None,
            "author",
            Role::Neighbour,
        ));
        assert!(!own.can_claim && own.can_withdraw && own.can_mark_done);
    }

    #[test]
    fn a_claimed_request_can_be_released_by_either_party_only() {
        let claimed = |viewer| {
            permissions(&facts(
                PostKind::Request,
                PostStatus::Claimed,
                Some("helper"),
                viewer,
                Role::Neighbour,
            ))
        };
        assert!(claimed("author").can_release && claimed("helper").can_release);
        assert!(!claimed("someone").can_release && !claimed("someone").can_claim);
        assert!(claimed("helper").can_mark_done && !claimed("helper").can_withdraw);
    }

    #[test]
    fn closed_posts_take_no_more_actions_except_removal() {
        for status in [PostStatus::Done, PostStatus::Withdrawn, PostStatus::Expired] {
            let p = permissions(&facts(
                PostKind::Request,
                status,
                None,
                "author",
                Role::Organiser,
            ));
            assert!(
                !(p.can_claim || p.can_release || p.can_mark_done || p.can_withdraw || p.can_pin)
            );
            assert!(p.can_remove);
        }
    }

    #[test]
    fn only_organisers_pin_and_only_notices() {
        assert!(
            permissions(&facts(
                PostKind::Notice,
                PostStatus::Open,
                None,
                "x",
                Role::Organiser
            ))
            .can_pin
        );
        assert!(
            !permissions(&facts(
                PostKind::Notice,
                PostStatus::Open,
                None,
                "x",
                Role::Neighbour
            ))
            .can_pin
        );
        assert!(
            !permissions(&facts(
                PostKind::Request,
                PostStatus::Open,
                None,
                "x",
                Role::Organiser
            ))
            .can_pin
        );
        assert!(
            !permissions(&facts(
                PostKind::Notice,
                PostStatus::Open,
                None,
                "x",
                Role::Organiser
            ))
            .can_claim
        );
    }

    #[test]
    fn contact_goes_only_to_whoever_is_helping_while_claimed() {
        let request = |viewer, status| {
            sees_contact_of_other_party(&facts(
                PostKind::Request,
                status,
                Some("helper"),
                viewer,
                Role::Organiser,
            ))
        };
        assert!(request("helper", PostStatus::Claimed));
        assert!(!request("author", PostStatus::Claimed));
        assert!(
            !request("someone", PostStatus::Claimed),
            "not even an organiser"
        );
        assert!(
            !request("helper", PostStatus::Done),
            "only while the claim is active"
        );
        let offer = |viewer| {
            sees_contact_of_other_party(&facts(
                PostKind::Offer,
                PostStatus::Claimed,
                Some("taker"),
                viewer,
                Role::Neighbour,
            ))
        };
        assert!(offer("author") && !offer("taker"));
    }
}
