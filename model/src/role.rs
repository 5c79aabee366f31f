//! What a member may do on a board.

use serde::{Deserialize, Serialize};

/// A member's role on one board.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Neighbour,
    Volunteer,
    Organiser,
    /// A council or voluntary organisation supporting the street.
    Partner,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Neighbour => "neighbour",
            Self::Volunteer => "volunteer",
            Self::Organiser => "organiser",
            Self::Partner => "partner",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Neighbour,
            Self::Volunteer,
            Self::Organiser,
            Self::Partner,
        ]
        .into_iter()
        .find(|r| r.as_str() == text)
    }

    pub fn is_organiser(self) -> bool {
        self == Self::Organiser
    }
}
