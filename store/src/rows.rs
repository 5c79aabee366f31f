//! The rows features read posts and volunteers' offers into, and the SQL that selects them:
//! shared by the board page, the sync pull, coordination and `apply`, so one post reads the
//! same everywhere (expiry applied as it is read).

use model::{
    ids::{BoardId, PostId, Slug, UserId},
    rules::PostFacts,
    views::{PostCard, Viewer},
    volunteer::{Availability, VolunteerProfile},
    Category, PostKind, PostStatus, Role, Urgency,
};
use sqlx::{any::AnyRow, Row as _};

/// Columns for a `PostRow`. `$1` is always "now", so expiry is applied as posts are read:
/// an open post past its expiry reads as expired, with no background job needed.
pub(crate) const POST_COLUMNS: &str = "\
    p.id, b.slug AS board_slug, p.board_id, p.kind, p.category, p.title, p.details, p.urgency, \
    CASE WHEN p.needs_vetting THEN 1 ELSE 0 END AS needs_vetting, \
    CASE WHEN p.status = 'open' AND p.expires_at_ms IS NOT NULL AND p.expires_at_ms <= $1 \
         THEN 'expired' ELSE p.status END AS status, \
    p.street, p.author_id, a.display_name AS author_name, p.claimed_by, \
    c.display_name AS claimed_by_name, CASE WHEN p.pinned THEN 1 ELSE 0 END AS pinned, p.created_at_ms, p.expires_at_ms, \
    (SELECT COUNT(*) FROM replies r WHERE r.post_id = p.id) AS reply_count, \
    CASE WHEN p.hidden THEN 1 ELSE 0 END AS hidden, \
    CASE WHEN p.share_details THEN 1 ELSE 0 END AS share_details, \
    CASE WHEN p.details_shared THEN 1 ELSE 0 END AS details_shared, \
    hb.display_name AS handed_back_by_name";

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
            claimed_by_name: self.claimed_by_name.clone(),
            pinned: self.pinned != 0,
            created_at_ms: self.created_at_ms,
            expires_at_ms: self.expires_at_ms,
            reply_count: self.reply_count,
            hidden: self.hidden != 0,
            share_details: self.share_details != 0,
            details_shared: self.details_shared != 0,
            handed_back_by_name: self.handed_back_by_name.clone(),
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
