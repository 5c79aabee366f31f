//! How many of a board's posts its page shows: the newest 50, and 50 more each time "Show
//! more" is followed. The same rule for the server's page and the phone's copy, so a link
//! means the same with or without signal.

use serde::{Deserialize, Serialize};

/// How many posts a board page shows, from its `show` query value (`?show=100`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostsShown(usize);

impl PostsShown {
    /// Posts on a page, and how many more each "Show more" adds: enough for a street's week,
    /// light enough for a cheap phone to draw and a busy server to send.
    pub const PAGE: usize = 50;
    /// The most one page shows: past this, older posts are found with the filters.
    pub const MOST: usize = 1000;

    /// The count a `show` query value asks for, rounded up to whole pages and kept between one
    /// page and `MOST`. Anything that is not a number (a hand-edited link) shows one page.
    pub fn from_query(show: Option<&str>) -> Self {
        // As a u64 and bounded first, so a phone (32-bit) and the server read it alike.
        let asked = show
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map_or(Self::PAGE, |asked| asked.min(Self::MOST as u64) as usize);
        let pages = asked.div_ceil(Self::PAGE).max(1);
        Self(pages * Self::PAGE)
    }

    pub fn count(self) -> usize {
        self.0
    }

    /// What "Show more" asks for next; `None` once the page shows the most it can.
    pub fn more(self) -> Option<Self> {
        (self.0 < Self::MOST).then(|| Self(self.0 + Self::PAGE))
    }

    /// The first of `items` (already in the board's order) this page shows, and whether any
    /// are left for "Show more".
    pub fn first_of<T>(self, mut items: Vec<T>) -> (Vec<T>, bool) {
        let more = items.len() > self.0;
        items.truncate(self.0);
        (items, more)
    }
}

impl Default for PostsShown {
    fn default() -> Self {
        Self(Self::PAGE)
    }
}

#[cfg(test)]
mod tests {
    use super::PostsShown;

    #[test]
    fn a_page_shows_fifty_and_each_show_more_fifty_more() {
        assert_eq!(PostsShown::default().count(), 50);
        assert_eq!(PostsShown::from_query(None).count(), 50);
        assert_eq!(PostsShown::from_query(Some("100")).count(), 100);
        let third = PostsShown::from_query(Some("100")).more().expect("more");
        assert_eq!(third.count(), 150);
    }

    #[test]
    fn odd_or_hand_edited_values_round_to_whole_pages_within_bounds() {
        for (value, count) in [
            ("0", 50),
            ("1", 50),
            ("51", 100),
            (" 100 ", 100),
            ("999999999", 1000),
            ("18446744073709551615", 1000),
            ("-5", 50),
            ("many", 50),
            ("", 50),
        ] {
            assert_eq!(
                PostsShown::from_query(Some(value)).count(),
                count,
                "{value:?}"
            );
        }
        assert_eq!(PostsShown::from_query(Some("1000")).more(), None);
    }

    #[test]
    fn the_first_of_a_list_says_whether_more_are_left() {
        let shown = PostsShown::default();
        assert_eq!(
            shown.first_of((0..50).collect()),
            ((0..50).collect(), false)
        );
        assert_eq!(shown.first_of((0..51).collect()), ((0..50).collect(), true));
        assert_eq!(shown.first_of(vec![1, 2]), (vec![1, 2], false));
    }
}
