//! The organisers' coordination rules, in plain Rust: when a request is overdue, which open
//! requests come first, and which volunteers to suggest for one, in an order that spreads the
//! load (fewest tasks lately first, then whoever has waited longest since their last).

use crate::dates::{DAY_MS, HOUR_MS};
use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::{
    ids::{PostId, UserId},
    views::{BoardSummary, PostCard},
    volunteer::{Availability, PartOfDay, VolunteerProfile, Weekday},
    Category, Urgency,
};

/// "Recent" tasks, and a volunteer's load "this week": the last 7 days.
pub const LOAD_WINDOW_MS: i64 = 7 * DAY_MS;

/// How many suggestions the coordination view offers for each request.
pub const SUGGESTIONS_SHOWN: usize = 3;

/// A request is overdue once it has waited longer than this many days with nobody helping:
/// 1 for "today", 7 for "this week", 14 for "whenever".
pub fn overdue_after_days(urgency: Urgency) -> i64 {
    match urgency {
        Urgency::Today => 1,
        Urgency::ThisWeek => 7,
        Urgency::Whenever => 14,
    }
}

pub fn is_overdue(urgency: Urgency, created_at_ms: i64, now_ms: i64) -> bool {
    now_ms - created_at_ms > overdue_after_days(urgency) * DAY_MS
}

/// The order of the queue: overdue requests first, then the most urgent, then whoever has
/// waited longest.
pub fn queue_order(a: &PostCard, b: &PostCard, now_ms: i64) -> Ordering {
    let key = |card: &PostCard| {
        let urgency_rank = Urgency::ALL.iter().position(|u| *u == card.urgency);
        (
            !is_overdue(card.urgency, card.created_at_ms, now_ms),
            urgency_rank,
            card.created_at_ms,
        )
    };
    key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
}

/// The day of the week and part of the day at `ms`, in UTC (as the app shows dates).
pub fn slot_at(ms: i64) -> (Weekday, PartOfDay) {
    let days = ms.div_euclid(DAY_MS);
    // 1 January 1970 was a Thursday.
    let day = Weekday::ALL[(days + 3).rem_euclid(7) as usize];
    let hour = ms.rem_euclid(DAY_MS) / HOUR_MS;
    (day, PartOfDay::of_hour(hour as u32))
}

/// Whether someone free at `availability` can help with a request of `urgency` now: for
/// "today", free later today (this part of the day or a later one); otherwise free at all.
pub fn free_for(urgency: Urgency, availability: Availability, now_ms: i64) -> bool {
    match urgency {
        Urgency::Today => {
            let (day, part) = slot_at(now_ms);
            availability.free_from(day, part)
        }
        Urgency::ThisWeek | Urgency::Whenever => !availability.is_empty(),
    }
}

/// What a request needs of a volunteer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need<'a> {
    pub category: Category,
    pub urgency: Urgency,
    pub needs_vetting: bool,
    /// Nobody is suggested to help with their own request.
    pub author_id: &'a UserId,
}

/// A volunteer as the suggestions weigh them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub user_id: UserId,
    pub name: String,
    pub profile: VolunteerProfile,
    pub paused: bool,
    /// Holds a current vetting on this board.
    pub vetted: bool,
    /// Tasks taken on (or asked of them and not yet answered) in the last 7 days.
    pub recent_tasks: u32,
    /// When they last took on (or were asked) a task, if ever.
    pub last_task_at_ms: Option<i64>,
}

/// Why a volunteer is not suggested, or `Ok` when they are.
pub fn suitable(need: &Need<'_>, who: &Candidate, now_ms: i64) -> Result<(), &'static str> {
    if &who.user_id == need.author_id {
        return Err("It is their own request.");
    }
    if who.paused {
        return Err("They have paused volunteering.");
    }
    if !who.profile.covers(need.category) {
        return Err("They have not offered this kind of help.");
    }
    if !free_for(need.urgency, who.profile.availability, now_ms) {
        return Err("They are not usually free then.");
    }
    if who.recent_tasks >= who.profile.max_per_week {
        return Err("They have done as many tasks this week as they offered.");
    }
    if need.needs_vetting && !who.vetted {
        return Err("This request needs a vetted volunteer.");
    }
    Ok(())
}

/// Spreading the load: fewest recent tasks first; then whoever has gone longest since their
/// last task (never having had one counts as longest); then by name, so the order is stable.
pub fn fairness_order(a: &Candidate, b: &Candidate) -> Ordering {
    a.recent_tasks
        .cmp(&b.recent_tasks)
        .then_with(|| a.last_task_at_ms.cmp(&b.last_task_at_ms))
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.user_id.cmp(&b.user_id))
}

/// The volunteers suitable for `need`, fairest first.
pub fn suggest<'a>(
    need: &Need<'_>,
    candidates: &'a [Candidate],
    now_ms: i64,
) -> Vec<&'a Candidate> {
    let mut found: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| suitable(need, c, now_ms).is_ok())
        .collect();
    found.sort_by(|a, b| fairness_order(a, b));
    found
}

/// Organisers asking a volunteer to help, and the volunteer's answer (the payload of
/// `MutationKind::Coordinate`). Sent from the open page, never through the offline outbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Coordination {
    /// Organisers: only a vetted volunteer may help with this request (or, `false`, anyone).
    SetNeedsVetting {
        post_id: PostId,
        needs_vetting: bool,
    },
    /// Organisers: ask this volunteer to help with an open request.
    Assign {
        post_id: PostId,
        volunteer_id: UserId,
    },
    /// The volunteer asked: yes, they become the one helping.
    Accept { post_id: PostId },
    /// The volunteer asked: not this time; the request stays open.
    Decline { post_id: PostId },
}

impl Coordination {
    pub fn post_id(&self) -> &PostId {
        match self {
            Self::SetNeedsVetting { post_id, .. }
            | Self::Assign { post_id, .. }
            | Self::Accept { post_id }
            | Self::Decline { post_id } => post_id,
        }
    }

    /// A short name for logs and storage.
    pub fn name(&self) -> &'static str {
        match self {
            Self::SetNeedsVetting { .. } => "set_needs_vetting",
            Self::Assign { .. } => "assign",
            Self::Accept { .. } => "accept_assignment",
            Self::Decline { .. } => "decline_assignment",
        }
    }

    /// The volunteer an assignment names, to be checked as an id.
    pub fn volunteer_id(&self) -> Option<&UserId> {
        match self {
            Self::Assign { volunteer_id, .. } => Some(volunteer_id),
            _ => None,
        }
    }
}

/// A volunteer offered for one request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub user_id: UserId,
    pub name: String,
    pub recent_tasks: u32,
    pub max_per_week: u32,
    pub vetted: bool,
}

/// One open request in the queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRequest {
    pub card: PostCard,
    pub overdue: bool,
    /// Asked and not yet answered.
    pub asked_name: Option<String>,
    /// The last volunteer who said no, while nobody else is asked.
    pub declined_by_name: Option<String>,
    pub suggestions: Vec<Suggestion>,
}

/// A vetting record: for organisers, and for the partner who recorded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VettingView {
    pub id: String,
    pub kind: String,
    pub recorded_by_name: String,
    pub recorded_at_ms: i64,
    pub expires_at_ms: Option<i64>,
    pub current: bool,
}

/// What organisers see of a volunteer's offer and load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerLoad {
    pub profile: VolunteerProfile,
    pub paused: bool,
    /// Tasks in the last 7 days.
    pub recent_tasks: u32,
}

/// One volunteer on the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterEntry {
    pub user_id: UserId,
    pub name: String,
    /// The badge everyone may see.
    pub vetted: bool,
    /// Organisers only.
    pub load: Option<VolunteerLoad>,
    /// Organisers: every record; a partner: the ones they recorded.
    pub vettings: Vec<VettingView>,
}

/// `/b/:slug/coordinate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoordinationPage {
    pub board: BoardSummary,
    pub now_ms: i64,
    /// Empty for partners, who see the roster only (to record vetting).
    pub requests: Vec<OpenRequest>,
    pub roster: Vec<RosterEntry>,
}

/// A request an organiser has asked the viewer to help with, waiting for their answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    pub card: PostCard,
    pub board_name: String,
    pub asked_by_name: String,
    pub asked_at_ms: i64,
}

/// `/b/:slug/volunteer`: the viewer's own offer on a board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerPage {
    pub board: BoardSummary,
    pub profile: Option<VolunteerProfile>,
    pub paused: bool,
    pub vetted: bool,
    pub recent_tasks: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PostKind, PostStatus};
    use std::sync::LazyLock;

    // Monday 5 January 2026, 10:00 UTC: a morning.
    const MONDAY_10AM: i64 = 1_767_607_200_000;

    fn candidate(name: &str, recent_tasks: u32, last_task_at_ms: Option<i64>) -> Candidate {
        Candidate {
            user_id: UserId::from(format!("id-{name}")),
            name: name.into(),
            profile: VolunteerProfile {
                skills: vec![Category::Shopping],
                other_skills: String::new(),
                availability: Availability::default()
                    .with(Weekday::Mon, PartOfDay::Evening)
                    .with(Weekday::Fri, PartOfDay::Morning),
                max_per_week: 3,
            },
            paused: false,
            vetted: false,
            recent_tasks,
            last_task_at_ms,
        }
    }

    /// Who asked for help in these tests.
    static AUTHOR: LazyLock<UserId> = LazyLock::new(|| UserId::from("id-author"));

    fn need(urgency: Urgency, needs_vetting: bool) -> Need<'static> {
        Need {
            category: Category::Shopping,
            urgency,
            needs_vetting,
            author_id: &AUTHOR,
        }
    }

    fn names(found: Vec<&Candidate>) -> Vec<&str> {
        found.into_iter().map(|c| c.name.as_str()).collect()
    }

    #[test]
    fn the_slot_is_read_in_utc() {
        assert_eq!(slot_at(MONDAY_10AM), (Weekday::Mon, PartOfDay::Morning));
        assert_eq!(
            slot_at(MONDAY_10AM + 8 * HOUR_MS),
            (Weekday::Mon, PartOfDay::Evening)
        );
        assert_eq!(slot_at(0), (Weekday::Thu, PartOfDay::Morning));
        assert_eq!(
            slot_at(MONDAY_10AM + 6 * DAY_MS),
            (Weekday::Sun, PartOfDay::Morning)
        );
    }

    #[test]
    fn fewest_recent_tasks_first_then_longest_since_the_last() {
        let day = |n: i64| Some(MONDAY_10AM - n * DAY_MS);
        let people = [
            candidate("Busy", 2, day(1)),
            candidate("Recent", 1, day(1)),
            candidate("Rested", 1, day(5)),
            candidate("Never", 0, None),
            candidate("Idle", 0, day(30)),
        ];
        let found = suggest(&need(Urgency::ThisWeek, false), &people, MONDAY_10AM);
        assert_eq!(names(found), ["Never", "Idle", "Rested", "Recent", "Busy"]);
    }

    #[test]
    fn ties_are_broken_by_name_so_the_order_never_flickers() {
        let people = [candidate("Zoe", 0, None), candidate("Amir", 0, None)];
        let found = suggest(&need(Urgency::Whenever, false), &people, MONDAY_10AM);
        assert_eq!(names(found), ["Amir", "Zoe"]);
    }

    #[test]
    fn only_those_who_cover_the_category_are_free_are_not_paused_or_full() {
        let mut lifts_only = candidate("Lifts", 0, None);
        lifts_only.profile.skills = vec![Category::Lifts];
        let mut paused = candidate("Paused", 0, None);
        paused.paused = true;
        let full = candidate("Full", 3, None);
        let mut author = candidate("Author", 0, None);
        author.user_id = "id-author".into();
        let ok = candidate("Ok", 2, None);
        let people = [lifts_only, paused, full, author, ok];
        let found = suggest(&need(Urgency::ThisWeek, false), &people, MONDAY_10AM);
        assert_eq!(names(found), ["Ok"]);
        assert_eq!(
            suitable(&need(Urgency::ThisWeek, false), &people[2], MONDAY_10AM),
            Err("They have done as many tasks this week as they offered.")
        );
    }

    #[test]
    fn today_means_free_later_today() {
        let evening_only = candidate("Evening", 0, None); // Mondays in the evening
        let mut morning_only = candidate("Morning", 0, None);
        morning_only.profile.availability =
            Availability::default().with(Weekday::Mon, PartOfDay::Morning);
        let mut tuesday = candidate("Tuesday", 0, None);
        tuesday.profile.availability =
            Availability::default().with(Weekday::Tue, PartOfDay::Morning);
        let people = [evening_only, morning_only, tuesday];
        let monday_10am = suggest(&need(Urgency::Today, false), &people, MONDAY_10AM);
        assert_eq!(names(monday_10am), ["Evening", "Morning"]);
        let monday_2pm = MONDAY_10AM + 4 * HOUR_MS;
        assert_eq!(
            names(suggest(&need(Urgency::Today, false), &people, monday_2pm)),
            ["Evening"]
        );
        assert_eq!(
            names(suggest(
                &need(Urgency::ThisWeek, false),
                &people,
                monday_2pm
            ))
            .len(),
            3,
            "any time will do for this week"
        );
    }

    #[test]
    fn a_request_needing_vetting_suggests_only_the_vetted() {
        let mut vetted = candidate("Vetted", 2, None);
        vetted.vetted = true;
        let people = [candidate("Unvetted", 0, None), vetted];
        let found = suggest(&need(Urgency::ThisWeek, true), &people, MONDAY_10AM);
        assert_eq!(names(found), ["Vetted"]);
    }

    fn card(id: &str, urgency: Urgency, age_days: i64) -> PostCard {
        PostCard {
            id: id.into(),
            board_slug: "elm".into(),
            kind: PostKind::Request,
            category: Category::Shopping,
            title: id.into(),
            urgency,
            status: PostStatus::Open,
            street: "Elm Road".into(),
            author_name: "Ben".into(),
            author_mark: None,
            claimed_by_name: None,
            claimed_by_mark: None,
            pinned: false,
            created_at_ms: MONDAY_10AM - age_days * DAY_MS - 1,
            expires_at_ms: None,
            reply_count: 0,
            needs_vetting: false,
            hidden: false,
            share_details: false,
            details_shared: false,
            handed_back_by_name: None,
        }
    }

    #[test]
    fn overdue_follows_urgency_and_comes_first() {
        assert!(is_overdue(
            Urgency::Today,
            MONDAY_10AM - DAY_MS - 1,
            MONDAY_10AM
        ));
        assert!(!is_overdue(
            Urgency::Today,
            MONDAY_10AM - DAY_MS,
            MONDAY_10AM
        ));
        assert!(!is_overdue(
            Urgency::ThisWeek,
            MONDAY_10AM - 6 * DAY_MS,
            MONDAY_10AM
        ));
        assert!(is_overdue(
            Urgency::Whenever,
            MONDAY_10AM - 15 * DAY_MS,
            MONDAY_10AM
        ));
        let mut queue = [
            card("fresh-whenever", Urgency::Whenever, 0),
            card("fresh-today", Urgency::Today, 0),
            card("old-whenever", Urgency::Whenever, 20),
            card("week-3-days", Urgency::ThisWeek, 3),
            card("overdue-today", Urgency::Today, 2),
        ];
        queue.sort_by(|a, b| queue_order(a, b, MONDAY_10AM));
        let order: Vec<&str> = queue.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(
            order,
            [
                "overdue-today",
                "old-whenever",
                "fresh-today",
                "week-3-days",
                "fresh-whenever"
            ]
        );
    }
}
