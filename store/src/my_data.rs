//! "Download my data": everything Streetboard holds about the person asking, as one JSON
//! document whose shape README documents (`format` says which version of it this is). Only
//! their own: other people appear by name where the person's own data names them (who is
//! helping with their post), never with anyone else's details.

use model::{ids::now_ms, views::Viewer, AppError};
use serde::Serialize;

use crate::{error::OrInternal, Db};

/// The version of the document's shape, raised when a field changes meaning or goes.
pub const MY_DATA_FORMAT: u32 = 1;

#[derive(Debug, Serialize)]
pub struct MyData {
    pub format: u32,
    pub exported_at_ms: i64,
    pub profile: MyProfile,
    pub boards: Vec<MyBoard>,
    pub posts: Vec<MyPost>,
    pub replies: Vec<MyReply>,
    /// Posts of others they offered to help with (or took up), as they stand now.
    pub claims: Vec<MyClaim>,
    pub volunteering: Vec<MyVolunteering>,
    /// Vetting recorded about them.
    pub vetting: Vec<MyVetting>,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MyProfile {
    pub user_id: String,
    pub display_name: String,
    pub phone: String,
    pub email: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MyBoard {
    pub board_slug: String,
    pub board_name: String,
    pub role: String,
    pub street: String,
    pub house_number: String,
    pub joined_at_ms: i64,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MyPost {
    pub post_id: String,
    pub board_slug: String,
    pub kind: String,
    pub category: String,
    pub title: String,
    pub details: String,
    pub status: String,
    pub created_at_ms: i64,
    /// Who is helping or taking it up now, if anyone.
    pub claimed_by_name: Option<String>,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MyReply {
    pub reply_id: String,
    pub post_id: String,
    pub body: String,
    pub created_at_ms: i64,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MyClaim {
    pub post_id: String,
    pub board_slug: String,
    pub title: String,
    pub status: String,
    pub claimed_at_ms: Option<i64>,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MyVolunteering {
    pub board_slug: String,
    /// Category names, comma-separated.
    pub skills: String,
    pub other_skills: String,
    /// When they are usually free: bit (day × 3 + part of day), Monday morning = bit 0.
    pub availability: i64,
    pub max_per_week: i64,
    /// 1 when paused, else 0.
    pub paused: i64,
    pub joined_at_ms: i64,
}

#[derive(Debug, Serialize, sqlx::FromRow)]
pub struct MyVetting {
    pub board_slug: String,
    pub kind: String,
    pub recorded_by_name: String,
    pub recorded_at_ms: i64,
    pub expires_at_ms: Option<i64>,
}

impl Db {
    /// Everything held about `viewer`, for them alone.
    pub async fn my_data(&self, viewer: &Viewer) -> Result<MyData, AppError> {
        let me = viewer.user_id.as_str();
        let profile = sqlx::query_as(
            "SELECT id AS user_id, display_name, phone, email, created_at_ms FROM users WHERE id = $1",
        )
        .bind(me)
        .fetch_one(self.pool())
        .await
        .internal()?;
        let boards = sqlx::query_as(
            "SELECT b.slug AS board_slug, b.name AS board_name, m.role, m.street, m.house_number, \
             m.joined_at_ms FROM memberships m JOIN boards b ON b.id = m.board_id \
             WHERE m.user_id = $1 ORDER BY m.joined_at_ms",
        )
        .bind(me)
        .fetch_all(self.pool())
        .await
        .internal()?;
        let posts = sqlx::query_as(
            "SELECT p.id AS post_id, b.slug AS board_slug, p.kind, p.category, p.title, p.details, \
             p.status, p.created_at_ms, c.display_name AS claimed_by_name \
             FROM posts p JOIN boards b ON b.id = p.board_id LEFT JOIN users c ON c.id = p.claimed_by \
             WHERE p.author_id = $1 ORDER BY p.created_at_ms",
        )
        .bind(me)
        .fetch_all(self.pool())
        .await
        .internal()?;
        let replies = sqlx::query_as(
            "SELECT id AS reply_id, post_id, body, created_at_ms FROM replies \
             WHERE author_id = $1 ORDER BY created_at_ms",
        )
        .bind(me)
        .fetch_all(self.pool())
        .await
        .internal()?;
        let claims = sqlx::query_as(
            "SELECT p.id AS post_id, b.slug AS board_slug, p.title, p.status, p.claimed_at_ms \
             FROM posts p JOIN boards b ON b.id = p.board_id WHERE p.claimed_by = $1 \
             ORDER BY p.claimed_at_ms",
        )
        .bind(me)
        .fetch_all(self.pool())
        .await
        .internal()?;
        let volunteering = sqlx::query_as(
            "SELECT b.slug AS board_slug, v.skills, v.other_skills, v.availability, v.max_per_week, \
             CASE WHEN v.paused THEN 1 ELSE 0 END AS paused, v.joined_at_ms \
             FROM volunteers v JOIN boards b ON b.id = v.board_id WHERE v.user_id = $1",
        )
        .bind(me)
        .fetch_all(self.pool())
        .await
        .internal()?;
        let vetting = sqlx::query_as(
            "SELECT b.slug AS board_slug, t.kind, r.display_name AS recorded_by_name, \
             t.recorded_at_ms, t.expires_at_ms FROM vettings t JOIN boards b ON b.id = t.board_id \
             JOIN users r ON r.id = t.recorded_by WHERE t.user_id = $1 ORDER BY t.recorded_at_ms",
        )
        .bind(me)
        .fetch_all(self.pool())
        .await
        .internal()?;
        Ok(MyData {
            format: MY_DATA_FORMAT,
            exported_at_ms: now_ms(),
            profile,
            boards,
            posts,
            replies,
            claims,
            volunteering,
            vetting,
        })
    }
}
