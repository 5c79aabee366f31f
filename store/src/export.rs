//! The organisers' export: a CSV of the board's requests for reporting to the group or a
//! funder. It holds no personal data: no names, no user ids, no streets or house numbers, no
//! contact details, and no titles or details either (free text can name people or places).
//! Dates are days, not times, so a row is hard to tie to one person's post.

use model::refusal::{OrganiserAction, Refusal};
use model::{
    dates::iso_date,
    ids::{now_ms, Slug},
    moderation::may_moderate,
    views::Viewer,
    AppError, Category, PostStatus, Urgency,
};

use crate::{error::OrInternal, Db};

/// The header row, in the order of the columns.
pub const CSV_HEADER: &str =
    "created_date,category,urgency,status,claimed_date,done_date,hours_to_claim,hours_to_help";

/// A CSV file to send as a download.
pub struct CsvFile {
    /// `elm-road-requests-2025-11-23.csv`: the slug is letters, digits and hyphens only.
    pub filename: String,
    pub body: String,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    category: String,
    urgency: String,
    status: String,
    created_at_ms: i64,
    claimed_at_ms: Option<i64>,
    done_at_ms: Option<i64>,
}

impl Db {
    /// Every request on the board `slug` that is still on it (not removed or hidden), oldest
    /// first. Organisers only.
    pub async fn requests_csv(&self, viewer: &Viewer, slug: &Slug) -> Result<CsvFile, AppError> {
        let membership = self.require_membership(viewer, slug).await?;
        if !may_moderate(membership.role) {
            return Err(AppError::Refused(Refusal::OrganisersOnly {
                action: OrganiserAction::DownloadRequests,
            }));
        }
        // `$1` is now: an open request past its expiry is exported as expired.
        let rows: Vec<RequestRow> = sqlx::query_as(
            "SELECT p.category, p.urgency, \
             CASE WHEN p.status = 'open' AND p.expires_at_ms IS NOT NULL AND p.expires_at_ms <= $1 \
                  THEN 'expired' ELSE p.status END AS status, \
             p.created_at_ms, p.claimed_at_ms, p.done_at_ms \
             FROM posts p WHERE p.board_id = $2 AND p.kind = 'request' \
             AND p.removed = FALSE AND p.hidden = FALSE ORDER BY p.created_at_ms, p.id",
        )
        .bind(now_ms())
        .bind(membership.board_id.as_str())
        .fetch_all(self.pool())
        .await
        .internal()?;
        let mut body = String::with_capacity(64 * (rows.len() + 1));
        body.push_str(CSV_HEADER);
        body.push_str("\r\n");
        for row in &rows {
            body.push_str(&csv_line(&row.fields()));
        }
        Ok(CsvFile {
            filename: format!("{slug}-requests-{}.csv", iso_date(now_ms())),
            body,
        })
    }
}

impl RequestRow {
    fn fields(&self) -> [String; 8] {
        let hours = |to: Option<i64>| {
            to.map(|at| {
                format!(
                    "{:.1}",
                    (at - self.created_at_ms).max(0) as f64 / 3_600_000.0
                )
            })
            .unwrap_or_default()
        };
        let label = |text: &str, parse: fn(&str) -> Option<&'static str>| {
            parse(text).unwrap_or("Unknown").to_string()
        };
        [
            iso_date(self.created_at_ms),
            label(&self.category, |t| Category::parse(t).map(Category::label)),
            label(&self.urgency, |t| Urgency::parse(t).map(Urgency::label)),
            label(&self.status, |t| {
                PostStatus::parse(t).map(PostStatus::as_str)
            }),
            self.claimed_at_ms.map(iso_date).unwrap_or_default(),
            self.done_at_ms.map(iso_date).unwrap_or_default(),
            hours(self.claimed_at_ms),
            hours(self.done_at_ms),
        ]
    }
}

/// One CSV record (RFC 4180), ending in CRLF.
fn csv_line(fields: &[String]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

/// A field quoted when it holds a comma, quote or line break (quotes doubled), and defused
/// when a spreadsheet would read it as a formula.
pub fn csv_field(text: &str) -> String {
    let formula = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_they_need_it() {
        assert_eq!(csv_field("Shopping"), "Shopping");
        assert_eq!(
            csv_field("A chat, or a check-in"),
            "\"A chat, or a check-in\""
        );
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(
            csv_line(&["a".into(), String::new(), "b,c".into()]),
            "a,,\"b,c\"\r\n"
        );
    }

    #[test]
    fn a_done_request_says_how_long_help_took() {
        let hour = 3_600_000;
        let row = RequestRow {
            category: "odd_jobs".into(),
            urgency: "this_week".into(),
            status: "done".into(),
            created_at_ms: 1_763_900_000_000,
            claimed_at_ms: Some(1_763_900_000_000 + hour / 2),
            done_at_ms: Some(1_763_900_000_000 + 26 * hour),
        };
        assert_eq!(
            row.fields(),
            [
                "2025-11-23",
                "Odd jobs",
                "This week",
                "done",
                "2025-11-23",
                "2025-11-24",
                "0.5",
                "26.0"
            ]
            .map(String::from)
        );
    }
}
