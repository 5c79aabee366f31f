//! Volunteers on a board: what they can help with, when they are usually free, how many tasks a
//! week at most, and whether they have paused; and vetting (say, a DBS check) recorded by an
//! organiser or a partner. Checked here once, for the server and the browser alike.

use crate::dates::DAY_MS;
use serde::{Deserialize, Serialize};

use super::{
    ids::{is_valid_id, BoardId, UserId},
    post::named_values,
    validate::FieldErrors,
    AppError, Category,
};

pub const OTHER_SKILLS_MAX: usize = 200;
pub const VETTING_KIND_MAX: usize = 60;
/// The choices for "at most this many tasks a week".
pub const MAX_PER_WEEK_CHOICES: std::ops::RangeInclusive<u32> = 1..=10;
/// What the vetting form suggests, the commonest kind on a UK street.
pub const DEFAULT_VETTING_KIND: &str = "DBS check";

named_values! {
    /// A day of the week, Monday first.
    Weekday {
        Mon => "mon", "Monday";
        Tue => "tue", "Tuesday";
        Wed => "wed", "Wednesday";
        Thu => "thu", "Thursday";
        Fri => "fri", "Friday";
        Sat => "sat", "Saturday";
        Sun => "sun", "Sunday";
    }
}

named_values! {
    /// Morning (until noon), afternoon (noon to 5 pm), evening (from 5 pm).
    PartOfDay {
        Morning => "morning", "Morning";
        Afternoon => "afternoon", "Afternoon";
        Evening => "evening", "Evening";
    }
}

impl Weekday {
    fn index(self) -> u32 {
        Self::ALL
            .iter()
            .position(|d| *d == self)
            .unwrap_or_default() as u32
    }
}

impl PartOfDay {
    fn index(self) -> u32 {
        Self::ALL
            .iter()
            .position(|p| *p == self)
            .unwrap_or_default() as u32
    }

    /// The part of the day an hour (0–23) falls in.
    pub fn of_hour(hour: u32) -> Self {
        match hour {
            0..=11 => Self::Morning,
            12..=16 => Self::Afternoon,
            _ => Self::Evening,
        }
    }
}

/// When someone is usually free: a set of (day, part of day), stored as 21 bits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Availability(pub u32);

impl Availability {
    const ALL_BITS: u32 = (1 << 21) - 1;

    fn bit(day: Weekday, part: PartOfDay) -> u32 {
        1 << (day.index() * 3 + part.index())
    }

    /// Only the 21 bits that mean something are kept.
    pub fn from_bits(bits: i64) -> Self {
        Self((bits & i64::from(Self::ALL_BITS)) as u32)
    }

    pub fn bits(self) -> i64 {
        i64::from(self.0)
    }

    pub fn with(self, day: Weekday, part: PartOfDay) -> Self {
        Self(self.0 | Self::bit(day, part))
    }

    pub fn contains(self, day: Weekday, part: PartOfDay) -> bool {
        self.0 & Self::bit(day, part) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Free on `day` at `part` or later that day.
    pub fn free_from(self, day: Weekday, part: PartOfDay) -> bool {
        PartOfDay::ALL
            .iter()
            .filter(|p| p.index() >= part.index())
            .any(|p| self.contains(day, *p))
    }

    /// The form's name for one slot, such as `mon_morning`.
    pub fn slot_name(day: Weekday, part: PartOfDay) -> String {
        format!("{}_{}", day.as_str(), part.as_str())
    }

    /// The slots named by a form's ticked boxes; unknown names are ignored.
    pub fn from_slot_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Self {
        names.into_iter().fold(Self::default(), |free, name| {
            let slot = name
                .split_once('_')
                .and_then(|(day, part)| Some((Weekday::parse(day)?, PartOfDay::parse(part)?)));
            match slot {
                Some((day, part)) => free.with(day, part),
                None => free,
            }
        })
    }

    /// "Mon morning, Mon evening, Sat afternoon": short, for the roster.
    pub fn summary(self) -> String {
        let mut slots = Vec::new();
        for day in Weekday::ALL {
            for part in PartOfDay::ALL {
                if self.contains(*day, *part) {
                    let short = &day.label()[..3];
                    slots.push(format!("{short} {}", part.as_str()));
                }
            }
        }
        if slots.is_empty() {
            "No times given".to_string()
        } else {
            slots.join(", ")
        }
    }
}

/// A volunteer's offer of help on one board.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VolunteerProfile {
    /// Kinds of help they will give; suggestions match requests by these.
    pub skills: Vec<Category>,
    /// Anything else, in their words ("I drive", "Polish speaker").
    pub other_skills: String,
    pub availability: Availability,
    pub max_per_week: u32,
}

impl VolunteerProfile {
    /// Reads the volunteer form: the ticked skills and slots by name, the free text, and the
    /// weekly maximum as typed.
    pub fn from_form<'a>(
        skills: impl IntoIterator<Item = &'a str>,
        slots: impl IntoIterator<Item = &'a str>,
        other_skills: &str,
        max_per_week: &str,
    ) -> Result<Self, AppError> {
        let ticked: Vec<&str> = skills.into_iter().collect();
        let profile = Self {
            skills: Category::ALL
                .iter()
                .copied()
                .filter(|c| ticked.contains(&c.as_str()))
                .collect(),
            other_skills: other_skills.trim().to_string(),
            availability: Availability::from_slot_names(slots),
            max_per_week: max_per_week.trim().parse().map_err(|_| {
                AppError::field(
                    "max_per_week",
                    "Choose how many tasks a week from the list.",
                )
            })?,
        };
        profile.validate()?;
        Ok(profile)
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.skills.is_empty() {
            errors.check(
                "skills",
                Err("Tick at least one kind of help you can give.".into()),
            );
        }
        errors.check("other_skills", other_skills(&self.other_skills));
        if self.availability.is_empty() {
            errors.check(
                "slots",
                Err("Tick at least one time you are usually free.".into()),
            );
        }
        if !MAX_PER_WEEK_CHOICES.contains(&self.max_per_week) {
            errors.check(
                "max_per_week",
                Err(format!(
                    "Choose between {} and {} tasks a week.",
                    MAX_PER_WEEK_CHOICES.start(),
                    MAX_PER_WEEK_CHOICES.end()
                )),
            );
        }
        errors.into_result()
    }

    /// Whether they said they can help with `category`.
    pub fn covers(&self, category: Category) -> bool {
        self.skills.contains(&category)
    }
}

pub fn other_skills(text: &str) -> Result<(), String> {
    let n = text.trim().chars().count();
    if n > OTHER_SKILLS_MAX {
        return Err(format!(
            "Other things you can do can be at most {OTHER_SKILLS_MAX} characters (it has {n})."
        ));
    }
    no_control(text, "Other things you can do")
}

/// The kind of vetting, such as "DBS check".
pub fn vetting_kind(text: &str) -> Result<(), String> {
    let n = text.trim().chars().count();
    if n < 2 {
        return Err("Say what kind of check this was, for example \"DBS check\".".into());
    }
    if n > VETTING_KIND_MAX {
        return Err(format!(
            "The kind of check can be at most {VETTING_KIND_MAX} characters (it has {n})."
        ));
    }
    if text.contains('\n') {
        return Err("The kind of check must fit on one line.".into());
    }
    no_control(text, "The kind of check")
}

fn no_control(text: &str, what: &str) -> Result<(), String> {
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        Err(format!(
            "{what} contains characters that cannot be shown; please retype it."
        ))
    } else {
        Ok(())
    }
}

/// `YYYY-MM-DD` (what a date input sends) as days since 1970-01-01, or `None`.
pub fn parse_date(text: &str) -> Option<i64> {
    let mut parts = text.trim().splitn(3, '-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if !(1970..=9999).contains(&year) {
        return None;
    }
    Some(days_from_civil(year, month, day))
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Howard Hinnant's `days_from_civil`: days since 1970-01-01 of a date in the Gregorian calendar.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// A vetting's expiry as typed (`YYYY-MM-DD`, or empty for none): it is current up to the end
/// of that day (UTC), so the date must be today or later.
pub fn vetting_expiry(text: &str, now_ms: i64) -> Result<Option<i64>, String> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    let days = parse_date(text)
        .ok_or_else(|| "Give the expiry as a date, for example 2027-03-31.".to_string())?;
    let ends_ms = (days + 1) * DAY_MS;
    if ends_ms <= now_ms {
        return Err("That date has passed: a vetting must still be current when recorded.".into());
    }
    Ok(Some(ends_ms))
}

/// Whether a vetting with this expiry counts at `now_ms` (no expiry: until it is removed).
pub fn is_current(expires_at_ms: Option<i64>, now_ms: i64) -> bool {
    expires_at_ms.is_none_or(|at| at > now_ms)
}

/// A write about volunteering on a board (the payload of `MutationKind::Volunteer`), applied
/// exactly once like every mutation. It names no post and is sent from the open page, never
/// through the offline outbox: these forms need the server's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum VolunteerChange {
    /// Opt in on a board, or change what they offer (resuming if paused).
    SetProfile {
        board_id: BoardId,
        profile: VolunteerProfile,
    },
    SetPaused {
        board_id: BoardId,
        paused: bool,
    },
    /// Opt out: their offer is forgotten (vetting records stay with the organisers).
    StopVolunteering {
        board_id: BoardId,
    },
    /// Organisers and partners: a volunteer has been vetted.
    RecordVetting {
        vetting_id: String,
        board_id: BoardId,
        volunteer_id: UserId,
        kind: String,
        /// `YYYY-MM-DD` or empty: current up to the end of that day.
        expires_on: String,
    },
}

impl VolunteerChange {
    /// A short name for logs and storage.
    pub fn name(&self) -> &'static str {
        match self {
            Self::SetProfile { .. } => "set_volunteer",
            Self::SetPaused { .. } => "set_volunteer_paused",
            Self::StopVolunteering { .. } => "stop_volunteering",
            Self::RecordVetting { .. } => "record_vetting",
        }
    }

    pub fn board_id(&self) -> &BoardId {
        match self {
            Self::SetProfile { board_id, .. }
            | Self::SetPaused { board_id, .. }
            | Self::StopVolunteering { board_id }
            | Self::RecordVetting { board_id, .. } => board_id,
        }
    }

    /// Records what is wrong with each field in `errors` (the mutation's own id is checked
    /// by `Mutation::validate`). An expiry date must not have passed by `now_ms`.
    pub fn check(&self, errors: &mut FieldErrors, now_ms: i64) {
        let id = |value: &str| {
            if is_valid_id(value) {
                Ok(())
            } else {
                Err("This form is out of date; please reload the page and try again.".to_string())
            }
        };
        errors.check("board_id", id(self.board_id().as_str()));
        match self {
            Self::SetProfile { profile, .. } => {
                if let Err(found) = profile.validate() {
                    errors.0.extend(found.0);
                }
            }
            Self::RecordVetting {
                vetting_id,
                volunteer_id,
                kind,
                expires_on,
                ..
            } => {
                errors.check("vetting_id", id(vetting_id));
                errors.check("volunteer_id", id(volunteer_id.as_str()));
                errors.check("kind", vetting_kind(kind));
                errors.check("expires_on", vetting_expiry(expires_on, now_ms).map(|_| ()));
            }
            Self::SetPaused { .. } | Self::StopVolunteering { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn availability_keeps_each_slot_and_reads_form_names() {
        let free = Availability::from_slot_names(["mon_morning", "sat_evening", "sun_noon", "x"]);
        assert!(free.contains(Weekday::Mon, PartOfDay::Morning));
        assert!(free.contains(Weekday::Sat, PartOfDay::Evening));
        assert!(!free.contains(Weekday::Sun, PartOfDay::Afternoon));
        assert_eq!(Availability::from_bits(free.bits()), free);
        assert_eq!(free.summary(), "Mon morning, Sat evening");
        assert_eq!(
            Availability::slot_name(Weekday::Wed, PartOfDay::Afternoon),
            "wed_afternoon"
        );
        assert!(free.free_from(Weekday::Sat, PartOfDay::Morning));
        assert!(!free.free_from(Weekday::Mon, PartOfDay::Afternoon));
        assert_eq!(PartOfDay::of_hour(11), PartOfDay::Morning);
        assert_eq!(PartOfDay::of_hour(12), PartOfDay::Afternoon);
        assert_eq!(PartOfDay::of_hour(17), PartOfDay::Evening);
    }

    #[test]
    fn the_form_reads_into_a_profile_or_says_what_to_fix() {
        let profile =
            VolunteerProfile::from_form(["shopping", "lifts"], ["tue_evening"], " I drive ", "3")
                .expect("valid");
        assert_eq!(profile.skills, [Category::Shopping, Category::Lifts]);
        assert_eq!(profile.other_skills, "I drive");
        assert_eq!(profile.max_per_week, 3);
        let Err(AppError::Invalid(errors)) = VolunteerProfile::from_form([], [], "", "3") else {
            panic!("skills and times are needed");
        };
        assert!(errors.get("skills").unwrap().contains("at least one kind"));
        assert!(errors.get("slots").unwrap().contains("usually free"));
        assert!(VolunteerProfile::from_form(["shopping"], ["mon_morning"], "", "99").is_err());
        assert!(VolunteerProfile::from_form(["shopping"], ["mon_morning"], "", "lots").is_err());
    }

    #[test]
    fn vetting_expiry_is_a_date_still_to_come() {
        assert_eq!(parse_date("1970-01-02"), Some(1));
        assert_eq!(parse_date("2000-02-29"), Some(11_016));
        assert_eq!(parse_date("2001-02-29"), None);
        assert_eq!(parse_date("31/03/2027"), None);
        let now = 11_016 * DAY_MS + 5;
        assert_eq!(
            vetting_expiry("2000-02-29", now),
            Ok(Some(11_017 * DAY_MS)),
            "current to the end of the day"
        );
        assert!(vetting_expiry("2000-02-28", now)
            .unwrap_err()
            .contains("passed"));
        assert_eq!(vetting_expiry(" ", now), Ok(None));
        assert!(is_current(None, now) && is_current(Some(now + 1), now));
        assert!(!is_current(Some(now), now));
        assert!(vetting_kind("DBS check").is_ok());
        assert!(vetting_kind("x").is_err());
    }
}
