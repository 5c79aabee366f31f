//! What pages read: the shapes the server sends to show boards, posts and people. Private
//! details appear only in the fields that are filled for the people allowed to see them.

use serde::{Deserialize, Serialize};

use super::{
    ids::{BoardId, PostId, Slug, UserId},
    Category, PostKind, PostStatus, Role, Urgency,
};

/// Set only where another member of the same board has a name that looks like this person's
/// (`names::looks_alike`, kept in `users.name_likeness`): their street on the board, shown
/// beside the name so neighbours can tell the two apart. A phone's copy of a post takes it as
/// the post was last pulled; it changes there when the post next changes.
pub type NameMark = Option<String>;

/// The person signed in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: UserId,
    pub display_name: String,
}

/// A board the viewer belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardSummary {
    pub id: BoardId,
    pub slug: Slug,
    pub name: String,
    pub streets: Vec<String>,
    pub role: Role,
    pub member_count: i64,
}

/// One post as the board lists it: public to the board's members.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PostCard {
    pub id: PostId,
    pub board_slug: Slug,
    pub kind: PostKind,
    pub category: Category,
    pub title: String,
    pub urgency: Urgency,
    /// Requests: only a volunteer with a current vetting (say, a DBS check) may help. (Copies
    /// kept on phones before this field existed read as not needed.)
    #[serde(default)]
    pub needs_vetting: bool,
    pub status: PostStatus,
    /// The author's street: never the house number.
    pub street: String,
    pub author_name: String,
    /// The author's `NameMark`: set when another member's name looks like theirs.
    #[serde(default)]
    pub author_mark: NameMark,
    /// Requests: who is helping. Offers: who is taking it up.
    pub claimed_by_name: Option<String>,
    /// The `NameMark` of whoever is helping or taking it up.
    #[serde(default)]
    pub claimed_by_mark: NameMark,
    pub pinned: bool,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub reply_count: i64,
    /// Hidden by an organiser: only organisers get the post at all, marked so. (Copies kept
    /// on phones before this field existed read as not hidden.)
    #[serde(default)]
    pub hidden: bool,
    /// Requests: the author agreed beforehand that whoever takes it on may see how to reach
    /// them.
    #[serde(default)]
    pub share_details: bool,
    /// The current claim: the person being helped has agreed that the helper may see how to
    /// reach them. Until then the helper waits for them to accept.
    #[serde(default)]
    pub details_shared: bool,
    /// Who last handed the post back (cleared by the next claim), so its author is told.
    #[serde(default)]
    pub handed_back_by_name: Option<String>,
}

/// How to reach the person being helped: only for the one helping, while the claim is active.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactDetails {
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub street: String,
    pub house_number: Option<String>,
}

/// What the viewer may do with a post (see `rules::permissions`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostPermissions {
    pub is_author: bool,
    pub is_claimant: bool,
    pub is_organiser: bool,
    pub can_claim: bool,
    pub can_release: bool,
    pub can_mark_done: bool,
    pub can_withdraw: bool,
    pub can_pin: bool,
    pub can_remove: bool,
    /// Organisers: mark an open request as needing a vetted volunteer, or not.
    #[serde(default)]
    pub can_set_needs_vetting: bool,
    /// The person being helped: let the helper see how to reach them (see
    /// `rules::sees_contact_of_other_party`).
    #[serde(default)]
    pub can_share_details: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyView {
    pub id: String,
    pub author_name: String,
    /// The author's `NameMark`: their street, when another member's name looks like theirs.
    #[serde(default)]
    pub author_mark: NameMark,
    pub body: String,
    pub created_at_ms: i64,
}

/// A post's own page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostDetail {
    pub card: PostCard,
    pub board_name: String,
    pub details: String,
    pub replies: Vec<ReplyView>,
    pub permissions: PostPermissions,
    /// Filled only for the helper of an active claim (see `ContactDetails`).
    pub contact: Option<ContactDetails>,
    /// Who holds the claim (the one a person agrees to share their details with).
    #[serde(default)]
    pub claimed_by_id: Option<UserId>,
}

/// Filters on the board page (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardFilter {
    pub kind: Option<PostKind>,
    pub category: Option<Category>,
    pub status: Option<PostStatus>,
}

/// The viewer as a member of one board: what their own writes show before the server has
/// them (their name and street), and who they are for the permission rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardMember {
    pub user_id: UserId,
    pub display_name: String,
    /// Their street on this board; the house number never leaves the server here.
    pub street: String,
    /// They hold a current vetting on this board, so may help where it is needed.
    #[serde(default)]
    pub vetted: bool,
}

impl BoardFilter {
    /// The filters named in a board page's query string; unknown names are ignored.
    pub fn from_query(kind: Option<&str>, category: Option<&str>, status: Option<&str>) -> Self {
        Self {
            kind: kind.and_then(PostKind::parse),
            category: category.and_then(Category::parse),
            status: status.and_then(PostStatus::parse),
        }
    }
}

/// A board page's contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardPage {
    pub board: BoardSummary,
    /// The viewer on this board.
    pub me: BoardMember,
    /// Only for organisers: the current invite code.
    pub invite_code: Option<String>,
    /// The newest posts the filter picks, as many as the page shows (`PostsShown`).
    pub posts: Vec<PostCard>,
    /// More posts are left for "Show more".
    #[serde(default)]
    pub more: bool,
}

/// The viewer's own details, private to them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub display_name: String,
    pub phone: String,
    pub email: String,
}
