//! Free text that may give away where someone lives or how to reach them: a house number
//! ("number 14", "14's", "14 Elm Road", "flat 3") or a phone number. Everyone on a board reads
//! its posts, so before such a post goes up the writer is asked to confirm. One check, run in
//! the browser as the form is sent and on the server for every write, so a post sent any other
//! way is held to it too. A hint, not a wall: it can be wrong either way, and the writer
//! decides.

/// What a text seems to give away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Giveaway {
    HouseNumber,
    PhoneNumber,
}

/// Fewest digits in a run that reads as a phone number (UK numbers have 10 or 11; a year, a
/// time or a price has fewer).
const PHONE_DIGITS: usize = 9;

/// Words that end a street's name: "14 Elm Road", "3 Mill Ln".
const STREET_WORDS: &[&str] = &[
    "road", "rd", "street", "st", "avenue", "ave", "lane", "ln", "close", "grove", "way", "drive",
    "dr", "court", "ct", "crescent", "place", "pl", "gardens", "terrace", "hill", "row", "walk",
    "square", "mews", "park", "rise", "view", "green",
];

/// Words after which a number is a home's: "number 14", "no. 14", "flat 3", "#14".
const HOME_WORDS: &[&str] = &[
    "number",
    "no",
    "no.",
    "num",
    "flat",
    "apartment",
    "apt",
    "house",
];

/// The first thing in `text` that seems to give away a home or a phone, if any.
pub fn giveaway(text: &str) -> Option<Giveaway> {
    if has_phone_number(text) {
        return Some(Giveaway::PhoneNumber);
    }
    has_house_number(text).then_some(Giveaway::HouseNumber)
}

/// A run of at least `PHONE_DIGITS` digits, allowing the spaces, dashes, dots, brackets and
/// leading plus that people write numbers with.
fn has_phone_number(text: &str) -> bool {
    let mut digits = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits += 1;
            if digits >= PHONE_DIGITS {
                return true;
            }
        } else if !matches!(c, ' ' | '-' | '.' | '(' | ')' | '+') {
            digits = 0;
        }
    }
    false
}

fn has_house_number(text: &str) -> bool {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| matches!(c, ',' | ';' | ':' | '!' | '?' | '(' | ')' | '"'))
                .to_lowercase()
        })
        .collect();
    words.iter().enumerate().any(|(i, word)| {
        if let Some(number) = word.strip_prefix('#') {
            return is_house_number(number);
        }
        if !is_house_number(word) {
            return false;
        }
        // "14's": someone's home, however it is written.
        if word.ends_with("'s") || word.ends_with("’s") {
            return true;
        }
        let before = i.checked_sub(1).map(|j| words[j].as_str());
        let after_home_word = before.is_some_and(|w| HOME_WORDS.contains(&w));
        // "14 Elm Road": a street word within the next three.
        let before_a_street = words[i + 1..]
            .iter()
            .take(3)
            .any(|w| STREET_WORDS.contains(&w.trim_end_matches('.')));
        after_home_word || before_a_street
    })
}

/// "14", "14a", "14's": a number a home could have (not "1st", "10am", "10:30" or "£5").
fn is_house_number(word: &str) -> bool {
    let word = word
        .trim_end_matches("'s")
        .trim_end_matches("’s")
        .trim_end_matches('.');
    let digits = word.chars().take_while(char::is_ascii_digit).count();
    let rest = &word[digits..];
    (1..=4).contains(&digits) && (rest.is_empty() || (rest.len() == 1 && rest != "m"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn house_numbers_are_found_however_they_are_written() {
        for text in [
            "Tea afterwards at number 14's",
            "Come to no. 3, round the back",
            "I'm at 14 Elm Road",
            "Knock at 12a Mill Ln.",
            "Flat 3 is mine",
            "It's #27",
            "Drop it at 9's",
        ] {
            assert_eq!(giveaway(text), Some(Giveaway::HouseNumber), "{text}");
        }
    }

    #[test]
    fn phone_numbers_are_found_with_their_spaces() {
        for text in [
            "Ring 07700 900123",
            "call +44 7700 900 123 after six",
            "(020) 7946-0018",
        ] {
            assert_eq!(giveaway(text), Some(Giveaway::PhoneNumber), "{text}");
        }
    }

    #[test]
    fn times_prices_counts_and_ordinals_are_not() {
        for text in [
            "Saturday at 10am, meet by the post box",
            "Any time after 2:30",
            "2 bags of shopping from the corner shop",
            "Happy to pay £5 for petrol",
            "Appointment at 9:40 on the 1st",
            "Street clear-up, Saturday 10am",
            "Lift to the surgery in 2026",
            "Open 9 till 5",
        ] {
            assert_eq!(giveaway(text), None, "{text}");
        }
    }
}
