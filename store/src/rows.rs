//! The rows features read posts and volunteers' offers into, and the SQL that selects them:
//! shared by the board page, the sync pull, coordination and `apply`, so one post reads the
//! same everywhere (expiry applied as it is read).

use model::{
    ids::{BoardId, PostId, Slug, UserId},
    rules::PostFacts,
    views::{PostCard, ReplyView, Viewer},
    volunteer::{Availability, VolunteerProfile},
    Category, PostKind, PostStatus, Role, Urgency,
};
use sqlx::{any::AnyRow, Row as _};

/// SQL that is true when another member of board `$board` has a name that looks like the name
/// of `$person` (an alias of `users`): the same `name_likeness` (`model::names::likeness`). An
/// account not yet given one (made by an older server still running) matches nobody until the
/// next start gives it one.
macro_rules! looks_alike_on_board {
    ($person:literal, $board:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM users alike JOIN memberships alike_m ON alike_m.user_id = alike.id \
             WHERE alike_m.board_id = ", $board, " AND alike.name_likeness = ", $person,
            ".name_likeness AND alike.id <> ", $person, ".id AND ", $person, ".name_likeness <> '')"
        )
    };
}
pub(crate) use looks_alike_on_board;

/// A post's status as read at `$1` ("now"): an open post past its expiry reads as expired.
macro_rules! post_status_as_read {
    () => {
        "CASE WHEN p.status = 'open' AND p.expires_at_ms IS NOT NULL AND p.expires_at_ms <= $1 \
         THEN 'expired' ELSE p.status END"
    };
}
pub(crate) use post_status_as_read;

/// Columns for a `PostRow`. `$1` is always "now", so expiry is applied as posts are read:
/// an open post past its expiry reads as expired, with no background job needed.
pub(crate) const POST_COLUMNS: &str = concat!("\
    p.id, b.slug AS board_slug, p.board_id, p.kind, p.category, p.title, p.details, p.urgency, \
    CASE WHEN p.needs_vetting THEN 1 ELSE 0 END AS needs_vetting, \
    ", post_status_as_read!(), " AS status, \
    p.street, p.author_id, a.display_name AS author_name, p.claimed_by, \
    c.display_name AS claimed_by_name, CASE WHEN p.pinned THEN 1 ELSE 0 END AS pinned, p.created_at_ms, p.expires_at_ms, \
    (SELECT COUNT(*) FROM replies r WHERE r.post_id = p.id) AS reply_count, \
    CASE WHEN p.hidden THEN 1 ELSE 0 END AS hidden, \
    CASE WHEN p.share_details THEN 1 ELSE 0 END AS share_details, \
    CASE WHEN p.details_shared THEN 1 ELSE 0 END AS details_shared, \
    hb.display_name AS handed_back_by_name, \
    CASE WHEN ", looks_alike_on_board!("a", "p.board_id"), " THEN p.street END AS author_mark, \
    CASE WHEN ", looks_alike_on_board!("c", "p.board_id"), " THEN (SELECT cm.street \
         FROM memberships cm WHERE cm.board_id = p.board_id AND cm.user_id = p.claimed_by) \
         END AS claimed_by_mark");

pub(crate) const POST_JOINS: &str = "\
    FROM posts p JOIN boards b ON b.id = p.board_id JOIN users a ON a.id = p.author_id \
    LEFT JOIN users c ON c.id = p.claimed_by LEFT JOIN users hb ON hb.id = p.handed_back_by";

pub(crate) struct PostRow {
    pub id: PostId,
    pub board_slug: Slug,
    pub board_id: BoardId,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub details: String,
    pub urgency: String,
    /// 1 when only a vetted volunteer may help, else 0.
    pub needs_vetting: i64,
    pub status: String,
    pub street: String,
    pub author_id: UserId,
    pub author_name: String,
    pub claimed_by: Option<UserId>,
    pub claimed_by_name: Option<String>,
    /// The author's street, when another member's name looks like theirs (`NameMark`). The
    /// post's street: the author's when they wrote it, and still there if they have left.
    pub author_mark: Option<String>,
    /// The claimant's street on the board, when another member's name looks like theirs.
    pub claimed_by_mark: Option<String>,
    /// 1 or 0: sqlx's `Any` driver cannot read SQLite's BOOLEAN columns (sqlx#2778).
    pub pinned: i64,
    pub created_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub reply_count: i64,
    /// 1 when an organiser has hidden the post (only organisers may see it), else 0.
    pub hidden: i64,
    /// 1 when a request's author agreed beforehand to share their details, else 0.
    pub share_details: i64,
    /// 1 when the current claim's details have been agreed to, else 0.
    pub details_shared: i64,
    pub handed_back_by_name: Option<String>,
}

// Read by hand: ids come out of the database as strings, and the derive has no way to make
// a nullable one (`claimed_by`) an `Option<UserId>`.
impl<'r> sqlx::FromRow<'r, AnyRow> for PostRow {
    fn from_row(row: &'r AnyRow) -> sqlx::Result<Self> {
        let text = |column: &str| row.try_get::<String, _>(column);
        let number = |column: &str| row.try_get::<i64, _>(column);
        Ok(Self {
            id: text("id")?.into(),
            board_slug: text("board_slug")?.into(),
            board_id: text("board_id")?.into(),
            kind: text("kind")?,
            category: text("category")?,
            title: text("title")?,
            details: text("details")?,
            urgency: text("urgency")?,
            needs_vetting: number("needs_vetting")?,
            status: text("status")?,
            street: text("street")?,
            author_id: text("author_id")?.into(),
            author_name: text("author_name")?,
            claimed_by: row
                .try_get::<Option<String>, _>("claimed_by")?
                .map(UserId::from),
            claimed_by_name: row.try_get("claimed_by_name")?,
            author_mark: row.try_get("author_mark")?,
            claimed_by_mark: row.try_get("claimed_by_mark")?,
            pinned: number("pinned")?,
            created_at_ms: number("created_at_ms")?,
            expires_at_ms: row.try_get("expires_at_ms")?,
            reply_count: number("reply_count")?,
            hidden: number("hidden")?,
            share_details: number("share_details")?,
            details_shared: number("details_shared")?,
            handed_back_by_name: row.try_get("handed_back_by_name")?,
        })
    }
}

impl PostRow {
    pub fn kind(&self) -> PostKind {
        PostKind::parse(&self.kind).unwrap_or(PostKind::Request)
    }

    pub fn status(&self) -> PostStatus {
        PostStatus::parse(&self.status).unwrap_or(PostStatus::Open)
    }

    pub fn facts<'a>(&'a self, viewer: &'a Viewer, role: Role) -> PostFacts<'a> {
        PostFacts {
            kind: self.kind(),
            status: self.status(),
            author_id: &self.author_id,
            claimed_by: self.claimed_by.as_ref(),
            viewer_id: &viewer.user_id,
            viewer_role: role,
            needs_vetting: self.needs_vetting != 0,
            // Unknown here: callers that allow claims say `with_viewer_vetted`.
            viewer_vetted: false,
            details_shared: self.details_shared != 0,
        }
    }

    /// The card as `viewer_id` is shown it: who last handed the post back is told to its
    /// author alone (a helper's going is the author's business, not the street's).
    pub(crate) fn card_for(&self, viewer_id: &UserId) -> PostCard {
        let mut card = self.card();
        if *viewer_id == self.author_id {
            card.handed_back_by_name = self.handed_back_by_name.clone();
        }
        card
    }

    /// The card as any member may see it.
    pub(crate) fn card(&self) -> PostCard {
        PostCard {
            id: self.id.clone(),
            board_slug: self.board_slug.clone(),
            kind: self.kind(),
            category: Category::parse(&self.category).unwrap_or(Category::Other),
            title: self.title.clone(),
            urgency: Urgency::parse(&self.urgency).unwrap_or(Urgency::Whenever),
            needs_vetting: self.needs_vetting != 0,
            status: self.status(),
            street: self.street.clone(),
            author_name: self.author_name.clone(),
            author_mark: self.author_mark.clone(),
            claimed_by_name: self.claimed_by_name.clone(),
            claimed_by_mark: self.claimed_by_mark.clone(),
            pinned: self.pinned != 0,
            created_at_ms: self.created_at_ms,
            expires_at_ms: self.expires_at_ms,
            reply_count: self.reply_count,
            hidden: self.hidden != 0,
            share_details: self.share_details != 0,
            details_shared: self.details_shared != 0,
            handed_back_by_name: None,
        }
    }
}

/// Selects `ReplyRow`s: replies with their authors' names and marks (`NameMark`: the
/// author's street on the post's board, where another member's name looks like theirs).
pub(crate) const REPLY_SELECT: &str = concat!(
    "SELECT r.post_id, r.id, u.display_name AS author_name, r.body, r.created_at_ms, \
     CASE WHEN ",
    looks_alike_on_board!("u", "p.board_id"),
    " THEN (SELECT rm.street FROM memberships rm WHERE rm.board_id = p.board_id \
     AND rm.user_id = u.id) END AS author_mark \
     FROM replies r JOIN users u ON u.id = r.author_id JOIN posts p ON p.id = r.post_id"
);

/// A reply as `REPLY_SELECT` reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct ReplyRow {
    #[sqlx(try_from = "String")]
    pub post_id: PostId,
    id: String,
    author_name: String,
    body: String,
    created_at_ms: i64,
    author_mark: Option<String>,
}

impl ReplyRow {
    pub(crate) fn view(self) -> ReplyView {
        ReplyView {
            id: self.id,
            author_name: self.author_name,
            author_mark: self.author_mark,
            body: self.body,
            created_at_ms: self.created_at_ms,
        }
    }
}

/// A volunteer's offer as stored.
#[derive(sqlx::FromRow)]
pub(crate) struct ProfileRow {
    pub skills: String,
    pub other_skills: String,
    pub availability: i64,
    pub max_per_week: i64,
    /// 1 or 0 (sqlx's `Any` driver cannot read SQLite's BOOLEAN columns).
    pub paused: i64,
}

impl ProfileRow {
    pub fn profile(&self) -> VolunteerProfile {
        VolunteerProfile {
            skills: self
                .skills
                .split(',')
                .filter_map(|name| Category::parse(name.trim()))
                .collect(),
            other_skills: self.other_skills.clone(),
            availability: Availability::from_bits(self.availability),
            max_per_week: u32::try_from(self.max_per_week).unwrap_or_default(),
        }
    }
}

/// The columns of a `ProfileRow`, from `volunteers v`.
pub(crate) const PROFILE_COLUMNS: &str = "v.skills, v.other_skills, v.availability, \
    v.max_per_week, CASE WHEN v.paused THEN 1 ELSE 0 END AS paused";
