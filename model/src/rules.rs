//! Who may do what to a post: one pure function, used by the server to enforce and by pages
//! to offer only the buttons that will work.

use super::{ids::UserId, views::PostPermissions, PostKind, PostStatus, Role};

/// The facts about a post and a viewer that decide what the viewer may do.
#[derive(Clone, Copy, Debug)]
pub struct PostFacts<'a> {
    pub kind: PostKind,
    /// With expiry already applied: an open post past its expiry is `Expired`.
    pub status: PostStatus,
    pub author_id: &'a UserId,
    pub claimed_by: Option<&'a UserId>,
    pub viewer_id: &'a UserId,
    /// The viewer's role on the post's board (they are a member).
    pub viewer_role: Role,
    /// A request only a vetted volunteer may help with.
    pub needs_vetting: bool,
    /// The viewer holds a current vetting on the post's board.
    pub viewer_vetted: bool,
    /// The person whose details a claim would show (see `details_owner`) has agreed to it,
    /// for the current claim.
    pub details_shared: bool,
}

impl PostFacts<'_> {
    /// The same facts, knowing whether the viewer holds a current vetting.
    pub fn with_viewer_vetted(self, viewer_vetted: bool) -> Self {
        Self {
            viewer_vetted,
            ..self
        }
    }
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
        can_claim: facts.kind.is_claimable() && open && !is_author && vetted_if_needed(facts),
        can_release: claimed && (is_author || is_claimant),
        can_mark_done: facts.kind.is_claimable()
            && ((is_author && live) || (is_claimant && claimed)),
        can_withdraw: is_author && live,
        can_pin: is_organiser && facts.kind == PostKind::Notice && live,
        can_remove: is_organiser,
        can_set_needs_vetting: is_organiser && facts.kind == PostKind::Request && live,
        can_share_details: claimed && !facts.details_shared && owns_the_details(facts),
    }
}

/// Whose details a claim on this post would show: a request's author (being helped), or
/// whoever takes up an offer (being helped by the author). Notices show nobody's.
fn details_owner<'a>(facts: &PostFacts<'a>) -> Option<&'a UserId> {
    match facts.kind {
        PostKind::Request => Some(facts.author_id),
        PostKind::Offer => facts.claimed_by,
        PostKind::Notice => None,
    }
}

fn owns_the_details(facts: &PostFacts<'_>) -> bool {
    details_owner(facts) == Some(facts.viewer_id)
}

/// A request marked "needs a vetted volunteer" is claimed (or assigned) only by someone with
/// a current vetting on the board.
fn vetted_if_needed(facts: &PostFacts<'_>) -> bool {
    !(facts.needs_vetting && facts.kind == PostKind::Request) || facts.viewer_vetted
}

/// Organisers coordinate: the queue of open requests, suggestions, assigning, the roster.
pub fn may_coordinate(role: Role) -> bool {
    role.is_organiser()
}

/// Organisers and partners (a council or voluntary organisation) record vetting.
pub fn may_record_vetting(role: Role) -> bool {
    matches!(role, Role::Organiser | Role::Partner)
}

/// A vetting's details (kind, who recorded it, dates) are for organisers and for the one who
/// recorded it; everyone else sees only a "Vetted" badge.
pub fn sees_vetting_details(role: Role, viewer_id: &UserId, recorded_by: &UserId) -> bool {
    role.is_organiser() || viewer_id == recorded_by
}

/// Whether `viewer` is the one giving help on a claimed post, and so may see how to reach the
/// person being helped. Requests: the claimant helps the author. Offers: the author helps the
/// claimant. Only once that person has agreed: claiming alone shows nothing, so claiming and
/// handing back cannot collect a street's phone numbers.
pub fn sees_contact_of_other_party(facts: &PostFacts<'_>) -> bool {
    if facts.status != PostStatus::Claimed || !facts.details_shared {
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

    /// A person, for as long as the tests run (facts borrow their ids).
    fn id(name: &str) -> &'static UserId {
        Box::leak(Box::new(UserId::from(name)))
    }

    fn facts(
        kind: PostKind,
        status: PostStatus,
        claimed_by: Option<&str>,
        viewer: &str,
        role: Role,
    ) -> PostFacts<'static> {
        PostFacts {
            kind,
            status,
            author_id: id("author"),
            claimed_by: claimed_by.map(id),
            viewer_id: id(viewer),
            viewer_role: role,
            needs_vetting: false,
            viewer_vetted: false,
            details_shared: false,
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

    /// The facts of a claimed post, with the details agreed to or not.
    fn claimed(kind: PostKind, viewer: &str, shared: bool) -> PostFacts<'static> {
        let mut facts = facts(
            kind,
            PostStatus::Claimed,
            Some("helper"),
            viewer,
            Role::Organiser,
        );
        facts.details_shared = shared;
        facts
    }

    #[test]
    fn contact_goes_only_to_whoever_is_helping_while_claimed_and_agreed() {
        let request = |viewer, status| {
            let mut facts = claimed(PostKind::Request, viewer, true);
            facts.status = status;
            sees_contact_of_other_party(&facts)
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
        let offer = |viewer| sees_contact_of_other_party(&claimed(PostKind::Offer, viewer, true));
        assert!(offer("author") && !offer("helper"));
        assert!(
            !sees_contact_of_other_party(&claimed(PostKind::Request, "helper", false)),
            "claiming alone shows nothing until the requester agrees"
        );
        assert!(!sees_contact_of_other_party(&claimed(
            PostKind::Offer,
            "author",
            false
        )));
    }

    #[test]
    fn only_the_person_whose_details_they_are_may_share_them() {
        let may =
            |kind, viewer, shared| permissions(&claimed(kind, viewer, shared)).can_share_details;
        // A request: the author (being helped) agrees; an offer: whoever took it up.
        assert!(may(PostKind::Request, "author", false));
        assert!(!may(PostKind::Request, "helper", false));
        assert!(may(PostKind::Offer, "helper", false));
        assert!(!may(PostKind::Offer, "author", false));
        assert!(
            !may(PostKind::Request, "someone", false),
            "not an organiser"
        );
        assert!(!may(PostKind::Request, "author", true), "once is enough");
        let open = facts(
            PostKind::Request,
            PostStatus::Open,
            None,
            "author",
            Role::Neighbour,
        );
        assert!(!permissions(&open).can_share_details, "only while claimed");
    }

    #[test]
    fn a_request_needing_vetting_is_claimed_only_by_the_vetted() {
        let mut request = facts(
            PostKind::Request,
            PostStatus::Open,
            None,
            "sam",
            Role::Neighbour,
        );
        request.needs_vetting = true;
        assert!(!permissions(&request).can_claim);
        request.viewer_vetted = true;
        assert!(permissions(&request).can_claim);
        let mut organiser = facts(
            PostKind::Request,
            PostStatus::Open,
            None,
            "o",
            Role::Organiser,
        );
        organiser.needs_vetting = true;
        assert!(
            !permissions(&organiser).can_claim,
            "organisers need vetting too"
        );
        assert!(permissions(&organiser).can_set_needs_vetting);
    }

    #[test]
    fn vetting_is_recorded_by_organisers_and_partners_and_read_by_organisers() {
        assert!(may_record_vetting(Role::Organiser) && may_record_vetting(Role::Partner));
        assert!(!may_record_vetting(Role::Neighbour) && !may_record_vetting(Role::Volunteer));
        assert!(sees_vetting_details(Role::Organiser, id("o"), id("p")));
        assert!(sees_vetting_details(Role::Partner, id("p"), id("p")));
        assert!(!sees_vetting_details(Role::Partner, id("p2"), id("p")));
        assert!(!sees_vetting_details(Role::Neighbour, id("n"), id("p")));
        assert!(may_coordinate(Role::Organiser) && !may_coordinate(Role::Partner));
    }
}
