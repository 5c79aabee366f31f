//! Every check on what people type, written once and run twice: in the browser for a quick
//! answer, and on the server, which trusts nothing. Each message says what to fix.

use serde::{Deserialize, Serialize};

use crate::names::{self, Unshowable};

/// The most common passwords (SecLists' "10-million-password-list-top-1000", MIT licence),
/// refused at sign-up because they are guessed first.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

pub const DISPLAY_NAME_MAX: usize = 40;
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 200;
pub const BOARD_NAME_MAX: usize = 60;
pub const STREETS_MAX: usize = 10;
pub const STREET_NAME_MAX: usize = 60;
pub const TITLE_MAX: usize = 80;
pub const DETAILS_MAX: usize = 1000;
pub const REPLY_MAX: usize = 500;
/// The most replies one post takes from the street: a thread stays readable on a phone, and no
/// member can make one post megabytes long for every phone to fetch.
pub const REPLIES_PER_POST_MAX: i64 = 100;
/// The most replies one member other than the two the post is between (its author and whoever
/// took it on) may make on it: nobody can fill a post alone.
pub const REPLIES_PER_MEMBER_MAX: i64 = 20;
/// The two the post is between may go on talking past `REPLIES_PER_POST_MAX`, up to this.
pub const REPLIES_PER_POST_HARD_MAX: i64 = 300;
pub const HOUSE_NUMBER_MAX: usize = 20;
pub const EMAIL_MAX: usize = 254;

/// Messages for the fields of one form, in the order found, keyed by the field's name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `result`'s message, if any, against `field`.
    pub fn check(&mut self, field: &str, result: Result<(), String>) {
        if let Err(message) = result {
            self.0.push((field.to_string(), message));
        }
    }

    /// The first message for `field`.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was wrong.
    pub fn into_result(self) -> Result<(), Self> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

fn chars(text: &str) -> usize {
    text.chars().count()
}

/// "1,000", as people write numbers.
fn with_commas(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn length(text: &str, what: &str, min: usize, max: usize) -> Result<(), String> {
    let n = chars(text);
    if n < min {
        if min == 1 {
            Err(format!("{what} is empty: please write something."))
        } else {
            Err(format!("{what} needs at least {min} characters."))
        }
    } else if n > max {
        Err(format!(
            "{what} can be at most {} characters (it has {}).",
            with_commas(max),
            with_commas(n)
        ))
    } else {
        Ok(())
    }
}

fn no_control_characters(text: &str, what: &str) -> Result<(), String> {
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

/// A name neighbours will see, such as "Margaret" or "Sam K.": nothing in it that hides or
/// turns text around (`names::unshowable`), so it cannot pass for someone else's.
pub fn display_name(name: &str) -> Result<(), String> {
    let name = name.trim();
    length(name, "Your name", 2, DISPLAY_NAME_MAX)?;
    if name.contains('\n') {
        return Err("Your name must fit on one line.".into());
    }
    let Some((c, why)) = names::first_unshowable(name) else {
        return Ok(());
    };
    // Named by its code point: it cannot be seen, so there is nothing else to point at.
    let code = format!("U+{:04X}", c as u32);
    Err(match why {
        Unshowable::Direction => format!(
            "Your name contains a character that turns text around ({code}), which could make it read as someone else's. Please type your name again without it."
        ),
        Unshowable::Invisible => format!(
            "Your name contains an invisible character ({code}), which could make it look like someone else's. Please type your name again without it."
        ),
        Unshowable::NotShown => format!(
            "Your name contains a character that cannot be shown ({code}). Please type your name again without it."
        ),
    })
}

/// Sign-up's answer when someone already goes by `name`, compared by `names::name_key`
/// ("MARGARET" and "Ｍargaret" are "Margaret").
pub fn name_taken(name: &str) -> String {
    format!(
        "Someone here already uses the name \u{201c}{name}\u{201d}. Add an initial or your street, for example \u{201c}{name} K.\u{201d}"
    )
}

/// Sign-up's answer when `name` looks like one someone already goes by (`names::looks_alike`,
/// such as "Margaret" written with a Cyrillic "а"). Which name it looks like is not said.
pub fn name_looks_taken(name: &str) -> String {
    format!(
        "\u{201c}{name}\u{201d} looks too like a name someone here already uses, so neighbours could mix you up. Add an initial or your street, for example \u{201c}{name} K.\u{201d}"
    )
}

/// A password: long enough, and not one of the most common.
pub fn password(password: &str, display_name: &str) -> Result<(), String> {
    let n = chars(password);
    if n < PASSWORD_MIN {
        return Err(format!(
            "Your password needs at least {PASSWORD_MIN} characters (it has {n}). Three or four ordinary words make a strong one."
        ));
    }
    if n > PASSWORD_MAX {
        return Err(format!(
            "Your password can be at most {PASSWORD_MAX} characters."
        ));
    }
    let lower = password.to_lowercase();
    if is_common_password(&lower) {
        return Err("That password is one of the most common, so it is easy to guess. Try three or four ordinary words instead.".into());
    }
    if !display_name.trim().is_empty() && lower.contains(&display_name.trim().to_lowercase()) {
        return Err("Your password should not contain your name.".into());
    }
    Ok(())
}

/// Whether `password` (compared without regard to case) is on the common-passwords list.
pub fn is_common_password(password: &str) -> bool {
    let lower = password.to_lowercase();
    COMMON_PASSWORDS
        .lines()
        .any(|p| p.eq_ignore_ascii_case(&lower))
}

/// A board's name, such as "Elm Road and Ash Grove".
pub fn board_name(name: &str) -> Result<(), String> {
    let name = name.trim();
    length(name, "The board's name", 3, BOARD_NAME_MAX)?;
    no_control_characters(name, "The board's name")
}

/// The streets a board covers, one per line or separated by commas.
pub fn parse_streets(text: &str) -> Vec<String> {
    text.split([',', '\n'])
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .collect()
}

/// A post that seems to give away a house or phone number, said so the writer can take it out
/// or confirm (`private_text`).
pub fn nothing_private(title: &str, details: &str) -> Result<(), String> {
    use crate::private_text::{giveaway, Giveaway};
    let found = giveaway(title).or_else(|| giveaway(details));
    let what = match found {
        None => return Ok(()),
        Some(Giveaway::HouseNumber) => "a house number",
        Some(Giveaway::PhoneNumber) => "a phone number",
    };
    Err(format!(
        "This post looks like it gives {what}. Everyone on the board can read it: take it out \
         (a helper you accept sees how to reach you), or tick the box to post it as it is."
    ))
}

/// Street names only: a house number would put someone's home on a public board.
pub fn streets(text: &str) -> Result<(), String> {
    let streets = parse_streets(text);
    if streets.is_empty() {
        return Err("Name at least one street, for example \"Elm Road\".".into());
    }
    if streets.len() > STREETS_MAX {
        return Err(format!(
            "A board covers at most {STREETS_MAX} streets; this lists {}.",
            streets.len()
        ));
    }
    for street in &streets {
        length(street, "Each street name", 2, STREET_NAME_MAX)?;
        if looks_like_a_house_number(street) {
            return Err(format!(
                "\"{street}\" looks like it has a house number. Write street names only, such as \"Elm Road\": numbers stay private."
            ));
        }
    }
    Ok(())
}

fn looks_like_a_house_number(street: &str) -> bool {
    let first = street.split_whitespace().next().unwrap_or_default();
    let digits = first.chars().take_while(char::is_ascii_digit).count();
    // "12 Elm Road", "12a Elm Road", "Flat 3": but not "1st Avenue" or "5th Street".
    let ordinal = ["st", "nd", "rd", "th"]
        .iter()
        .any(|s| first[digits..].eq_ignore_ascii_case(s));
    (digits > 0 && !ordinal && first.len() - digits <= 1)
        || street.to_lowercase().starts_with("flat ")
}

pub fn title(title: &str) -> Result<(), String> {
    let title = title.trim();
    length(title, "The title", 3, TITLE_MAX)?;
    if title.contains('\n') {
        return Err("The title must fit on one line.".into());
    }
    no_control_characters(title, "The title")
}

pub fn details(details: &str) -> Result<(), String> {
    length(details.trim(), "The details", 0, DETAILS_MAX)?;
    no_control_characters(details, "The details")
}

pub fn reply(body: &str) -> Result<(), String> {
    length(body.trim(), "Your reply", 1, REPLY_MAX)?;
    no_control_characters(body, "Your reply")
}

/// Optional; private to the helper of an active claim.
pub fn house_number(text: &str) -> Result<(), String> {
    length(text.trim(), "The house number or name", 0, HOUSE_NUMBER_MAX)?;
    no_control_characters(text, "The house number or name")
}

/// Optional; digits with the usual spaces, dashes, brackets and a leading +.
pub fn phone(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let allowed = text
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || " -()".contains(c) || (c == '+' && i == 0));
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(6..=15).contains(&digits) {
        return Err(
            "That does not look like a phone number. Use digits, for example 07700 900123.".into(),
        );
    }
    Ok(())
}

/// Optional; checked only for shape (an address is confirmed by using it, not by a regex).
pub fn email(text: &str) -> Result<(), String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(());
    }
    let shaped = text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    });
    if !shaped || chars(text) > EMAIL_MAX || text.contains(char::is_whitespace) {
        return Err(
            "That does not look like an email address, for example sam@example.org.".into(),
        );
    }
    Ok(())
}

/// Days until a post expires, from the choices the form offers.
pub const EXPIRY_CHOICES: &[u32] = &[1, 3, 7, 14, 30];

pub fn expiry_days(days: Option<u32>) -> Result<(), String> {
    match days {
        Some(d) if !EXPIRY_CHOICES.contains(&d) => {
            Err("Choose when the post should expire from the list.".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_password_list_is_complete_and_every_entry_is_refused() {
        let entries: Vec<&str> = COMMON_PASSWORDS.lines().collect();
        assert!(entries.len() >= 1000, "{}", entries.len());
        for p in entries {
            assert!(password(p, "Sam").is_err(), "{p} was accepted");
        }
        let message = password("1234567890", "Sam").unwrap_err();
        assert!(message.contains("most common"), "{message}");
        assert!(
            password("QWERTYUIOP", "Sam").is_err(),
            "case must not matter"
        );
    }

    #[test]
    fn passwords_need_ten_characters_and_say_so() {
        let message = password("short", "Sam").unwrap_err();
        assert!(
            message.contains("at least 10 characters (it has 5)"),
            "{message}"
        );
        assert!(password("kettle orange bicycle", "Sam").is_ok());
        assert!(password("margaret-garden-2024", "Margaret").is_err());
    }

    #[test]
    fn long_text_is_refused_with_its_length() {
        let message = details(&"x".repeat(10_000)).unwrap_err();
        assert_eq!(
            message,
            "The details can be at most 1,000 characters (it has 10,000)."
        );
        assert!(details("").is_ok());
        assert!(title("").unwrap_err().contains("at least 3"));
        assert!(reply("   ").unwrap_err().contains("empty"));
    }

    #[test]
    fn street_lists_keep_house_numbers_out() {
        assert_eq!(
            parse_streets("Elm Road,  Ash   Grove\n\n"),
            vec!["Elm Road", "Ash Grove"]
        );
        assert!(streets("Elm Road, Ash Grove").is_ok());
        assert!(streets("1st Avenue, 5th Street").is_ok());
        assert!(streets("12 Elm Road").unwrap_err().contains("house number"));
        assert!(streets("12a Elm Road").is_err());
        assert!(streets("Flat 3, Ash Court").is_err());
        assert!(streets(" , ").unwrap_err().contains("at least one street"));
    }

    #[test]
    fn names_that_hide_or_turn_text_around_are_refused_with_what_to_fix() {
        let zero_width = display_name("Margaret\u{200B}").unwrap_err();
        assert!(
            zero_width.contains("invisible character (U+200B)"),
            "{zero_width}"
        );
        let override_ = display_name("\u{202E}teragraM").unwrap_err();
        assert!(
            override_.contains("turns text around (U+202E)"),
            "{override_}"
        );
        let private = display_name("Sam\u{E000}").unwrap_err();
        assert!(private.contains("cannot be shown (U+E000)"), "{private}");
        assert!(display_name("Nguyễn Thị").is_ok());
    }

    #[test]
    fn names_titles_and_contacts() {
        assert!(display_name(" Sam ").is_ok());
        assert!(display_name("S").is_err());
        assert!(display_name(&"a".repeat(41)).is_err());
        assert!(title("Line one\nline two").is_err());
        assert!(
            title("<script>alert(1)</script>").is_ok(),
            "shown as text, not refused"
        );
        assert!(phone("07700 900123").is_ok());
        assert!(phone("+44 (0)7700-900123").is_ok());
        assert!(phone("call me").is_err());
        assert!(email("sam@example.org").is_ok());
        assert!(email("sam@").is_err());
        assert!(expiry_days(Some(7)).is_ok());
        assert!(expiry_days(Some(8)).is_err());
    }
}
