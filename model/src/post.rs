//! Kinds of post, their categories, urgency and the request workflow's states.

use serde::{Deserialize, Serialize};

/// Declares a closed set of values with a stable storage/wire name and a label for people.
macro_rules! named_values {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The name used in storage, URLs and forms.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// What people read.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }
    };
}
// Also declares the days and parts of the day volunteers are free (`model::volunteer`).
pub(crate) use named_values;

named_values! {
    /// What a post is for.
    PostKind {
        Request => "request", "Asking for help";
        Offer => "offer", "Offering help";
        Notice => "notice", "Notice";
    }
}

named_values! {
    /// What kind of help, from a short fixed list so the board is easy to scan and filter.
    Category {
        Shopping => "shopping", "Shopping";
        Prescriptions => "prescriptions", "Prescriptions";
        Lifts => "lifts", "Lifts";
        Chat => "chat", "A chat or check-in";
        Meals => "meals", "Meals";
        OddJobs => "odd_jobs", "Odd jobs";
        Lending => "lending", "Lending";
        Childcare => "childcare", "Childcare";
        Pets => "pets", "Pets";
        Other => "other", "Other";
    }
}

named_values! {
    /// How soon help is needed, visible at a glance on the board.
    Urgency {
        Today => "today", "Today";
        ThisWeek => "this_week", "This week";
        Whenever => "whenever", "Whenever";
    }
}

named_values! {
    /// Where a post is in its life. Requests and offers go `open → claimed → done`, or end
    /// `withdrawn` by their author or `expired`; a claim can be released back to `open`.
    PostStatus {
        Open => "open", "Open";
        Claimed => "claimed", "Someone is helping";
        Done => "done", "Done";
        Withdrawn => "withdrawn", "Withdrawn";
        Expired => "expired", "Expired";
    }
}

impl PostKind {
    /// Only requests and offers can be claimed; notices are for reading.
    pub fn is_claimable(self) -> bool {
        matches!(self, Self::Request | Self::Offer)
    }
}

impl PostStatus {
    /// Finished posts take no more claims, releases or edits.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Withdrawn | Self::Expired)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_name() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(*c));
        }
        for s in PostStatus::ALL {
            assert_eq!(PostStatus::parse(s.as_str()), Some(*s));
        }
        assert_eq!(Category::ALL.len(), 10);
        assert_eq!(Urgency::parse("soon"), None);
    }
}
