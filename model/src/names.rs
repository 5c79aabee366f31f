//! The names neighbours know each other by: which characters a name may not hold
//! (`unshowable`), the key that keeps one account per name and finds it at sign-in
//! (`name_key`), and when two different names look alike (`likeness`), so that a board can
//! tell those people apart. The store keys and compares names with these; pages only show what
//! it found.
//!
//! Why: "Margaret" followed by a zero-width space, in full-width letters, or with a Cyrillic
//! "а", reads as Margaret to everyone on the street.

use caseless::Caseless as _;
use unicode_normalization::UnicodeNormalization as _;

/// Why a character may not be part of a name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unshowable {
    /// Changes the direction text is drawn in (a bidi control, such as U+202E), so a name can
    /// be made to read as another.
    Direction,
    /// Not drawn at all (a format character, such as a zero-width space, or a Hangul filler),
    /// so "Margaret" and "Margaret" with one in it would be two names that look the same.
    Invisible,
    /// A control character, a private-use character or a noncharacter: nothing shows it the
    /// same way on every phone.
    NotShown,
}

/// Unicode's format characters (general category Cf) other than the bidi controls, as of
/// Unicode 18. `tests::the_format_characters_are_unicodes_own` checks this list against
/// Unicode's data, so a new version cannot slip one past it. Written out, rather than taken
/// from a crate, because it runs in the browser too, where a whole table of categories would
/// weigh tens of kilobytes.
const INVISIBLE: &[(char, char)] = &[
    ('\u{AD}', '\u{AD}'),
    ('\u{600}', '\u{605}'),
    ('\u{6DD}', '\u{6DD}'),
    ('\u{70F}', '\u{70F}'),
    ('\u{890}', '\u{891}'),
    ('\u{8E2}', '\u{8E2}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{200B}', '\u{200D}'),
    ('\u{2060}', '\u{2064}'),
    ('\u{206A}', '\u{206F}'),
    ('\u{FEFF}', '\u{FEFF}'),
    ('\u{FFF9}', '\u{FFFB}'),
    ('\u{110BD}', '\u{110BD}'),
    ('\u{110CD}', '\u{110CD}'),
    ('\u{13430}', '\u{1343F}'),
    ('\u{1BCA0}', '\u{1BCA3}'),
    ('\u{1D173}', '\u{1D17A}'),
    ('\u{E0001}', '\u{E0001}'),
    ('\u{E0020}', '\u{E007F}'),
    // Letters that draw nothing (the Hangul fillers), long used for blank-looking names.
    ('\u{115F}', '\u{1160}'),
    ('\u{3164}', '\u{3164}'),
    ('\u{FFA0}', '\u{FFA0}'),
    // The blank braille pattern: a letter-like character that draws nothing.
    ('\u{2800}', '\u{2800}'),
];

/// The bidi controls (all format characters too): marks, embeddings, overrides, isolates.
const DIRECTION: &[(char, char)] = &[
    ('\u{61C}', '\u{61C}'),
    ('\u{200E}', '\u{200F}'),
    ('\u{202A}', '\u{202E}'),
    ('\u{2066}', '\u{2069}'),
];

const PRIVATE_USE: &[(char, char)] = &[
    ('\u{E000}', '\u{F8FF}'),
    ('\u{F0000}', '\u{FFFFD}'),
    ('\u{100000}', '\u{10FFFD}'),
];

fn within(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|(low, high)| (*low..=*high).contains(&c))
}

/// Unicode's 66 noncharacters: U+FDD0..U+FDEF, and the last two of every plane.
fn is_noncharacter(c: char) -> bool {
    ('\u{FDD0}'..='\u{FDEF}').contains(&c) || (c as u32 & 0xFFFE) == 0xFFFE
}

/// Why `c` may not be in a name, if it may not.
///
/// Variation selectors pass: they shape the letter before them (the red of "❤️"), and
/// `likeness` sees through them, so a name padded with them still looks like the name it
/// copies. The zero-width joiner and non-joiner are format characters and are refused, though
/// some scripts (Persian, emoji families) use them: a name still reads without them, and an
/// invisible character is exactly how a second "Margaret" is made.
pub fn unshowable(c: char) -> Option<Unshowable> {
    if within(c, DIRECTION) {
        Some(Unshowable::Direction)
    } else if within(c, INVISIBLE) {
        Some(Unshowable::Invisible)
    } else if c.is_control() || within(c, PRIVATE_USE) || is_noncharacter(c) {
        Some(Unshowable::NotShown)
    } else {
        None
    }
}

/// The first character of `name` that may not be in a name, and why.
pub fn first_unshowable(name: &str) -> Option<(char, Unshowable)> {
    name.chars().find_map(|c| unshowable(c).map(|why| (c, why)))
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key a name is stored and found by: one account per key, and signing in finds the
/// account by the key of what was typed. Unicode's compatibility caseless match (NFKD of the
/// case folding, twice, as the standard's definition D146 has it), put back together (NFC) so
/// the key stays readable, with runs of spaces made one. So "MARGARET", "Ｍargaret" (full
/// width) and "margaret" share a key, as do "Straße" and "STRASSE", and "Zoë" typed either way.
pub fn name_key(name: &str) -> String {
    let folded: String = name
        .chars()
        .nfd()
        .default_case_fold()
        .nfkd()
        .default_case_fold()
        .nfkd()
        .nfc()
        .collect();
    collapse_whitespace(&folded)
}

/// What a name looks like, for telling look-alike names apart: two names whose likenesses are
/// equal could be taken for one another. Unicode's confusables skeleton (UTS #39) of the name's
/// key: the skeleton is taken before folding case too, because capital "I" and small "l" look
/// alike but fold apart, and again after, so "Маrgaret" (Cyrillic М and а), "BiII" and "J0hn"
/// look like "Margaret", "Bill" and "John". The skeleton also drops characters that draw
/// nothing, so a name padded with them looks like the name it copies.
///
/// Never shown: it is only compared. It can find names alike that a reader would tell apart
/// ("Ian" and "Lan", through "l"), which only costs a mark or an initial.
pub fn likeness(name: &str) -> String {
    let nfkc: String = name.nfkc().collect();
    let shape: String = unicode_security::skeleton(&nfkc).collect();
    let folded_shape: String = unicode_security::skeleton(&name_key(&shape)).collect();
    collapse_whitespace(&folded_shape)
}

/// Whether two names could be taken for one another (see `likeness`).
pub fn looks_alike(a: &str, b: &str) -> bool {
    likeness(a) == likeness(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_and_direction_characters_are_refused_and_said_which() {
        assert_eq!(
            first_unshowable("Margaret\u{200B}"),
            Some(('\u{200B}', Unshowable::Invisible))
        );
        assert_eq!(
            first_unshowable("\u{202E}teragraM"),
            Some(('\u{202E}', Unshowable::Direction))
        );
        assert_eq!(
            first_unshowable("Sam\u{2066}K\u{2069}"),
            Some(('\u{2066}', Unshowable::Direction))
        );
        assert_eq!(
            first_unshowable("\u{3164}"),
            Some(('\u{3164}', Unshowable::Invisible))
        );
        assert_eq!(
            first_unshowable("\u{2800}\u{2800}"),
            Some(('\u{2800}', Unshowable::Invisible))
        );
        assert_eq!(
            first_unshowable("Sam\u{E000}"),
            Some(('\u{E000}', Unshowable::NotShown))
        );
        assert_eq!(
            first_unshowable("Sam\u{7}"),
            Some(('\u{7}', Unshowable::NotShown))
        );
        assert_eq!(
            first_unshowable("Sam\u{FFFF}"),
            Some(('\u{FFFF}', Unshowable::NotShown))
        );
        for fine in [
            "Margaret",
            "Sam K.",
            "Zoë",
            "O'Brien",
            "Nguyễn Thị",
            "陳大文",
            "Sam ❤️",
        ] {
            assert_eq!(first_unshowable(fine), None, "{fine}");
        }
    }

    #[test]
    fn the_format_characters_are_unicodes_own() {
        use unicode_properties::{GeneralCategory, UnicodeGeneralCategory as _};
        // Drawn blank, though Unicode calls them letters or symbols.
        let fillers = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let format = c.general_category() == GeneralCategory::Format;
            let listed = within(c, INVISIBLE) || within(c, DIRECTION);
            assert_eq!(
                format,
                listed && !fillers.contains(&c),
                "U+{:04X}: a format character is listed exactly when Unicode says it is one",
                c as u32
            );
        }
    }

    #[test]
    fn full_width_case_and_spacing_share_one_key() {
        assert_eq!(name_key("Margaret"), "margaret");
        assert_eq!(name_key("Ｍargaret"), "margaret");
        assert_eq!(name_key("ＭＡＲＧＡＲＥＴ"), "margaret");
        assert_eq!(name_key("  Sam \u{A0}  K. "), "sam k.");
        assert_eq!(name_key("Straße"), name_key("STRASSE"));
        assert_eq!(name_key("Zoe\u{308}"), name_key("Zoë"));
        assert_eq!(
            name_key("Zoë"),
            "zoë",
            "put back together, so still readable"
        );
        assert_ne!(name_key("Margaret"), name_key("Margot"));
    }

    #[test]
    fn look_alike_names_are_found() {
        assert!(looks_alike("Margaret", "Маrgaret"), "Cyrillic М and а");
        assert!(looks_alike("Margaret", "Mаrgaret"), "Cyrillic а alone");
        assert!(looks_alike("Margaret", "MARGARET"));
        assert!(looks_alike("Bill", "BiII"), "capital I for small l");
        assert!(looks_alike("John", "J0hn"), "zero for o");
        assert!(
            looks_alike("Margaret", "Margaret\u{FE0F}"),
            "a variation selector"
        );
        assert!(
            looks_alike("Margaret", "Margaret\u{200B}"),
            "an older, invisible one"
        );
        assert!(looks_alike("Margaret", "Ｍargaret"));
        assert!(looks_alike("Sam K.", "Sam  K."));
        assert!(!looks_alike("Margaret", "Margot"));
        assert!(!looks_alike("Sam", "Pam"));
        assert!(!looks_alike("René", "Rene"), "an accent shows");
    }
}
