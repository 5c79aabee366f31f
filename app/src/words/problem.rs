//! What went wrong, as the page says it: the one sentence for each `AppError`.

use model::{AppError, FieldErrors};

/// The sentence for `error`.
pub fn problem(error: &AppError) -> String {
    match error {
        AppError::Invalid(_) => "Please check the highlighted fields.".into(),
        AppError::NotSignedIn => "Please sign in to do that.".into(),
        AppError::Refused(refusal) => super::refusal(refusal),
        AppError::TooManyAttempts { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            let unit = if minutes == 1 { "minute" } else { "minutes" };
            format!("Too many attempts. Please try again in {minutes} {unit}.")
        }
        AppError::Busy { .. } => "Streetboard is very busy just now and nothing was changed. \
                                  Please try again in a few seconds."
            .into(),
        AppError::Internal => "Something went wrong on our side and nothing was changed. \
                               Please try again in a moment."
            .into(),
        AppError::Transport(detail) => {
            format!("Could not reach Streetboard ({detail}). Nothing was lost; please try again.")
        }
    }
}

/// Every field's message, one after another (where there is no form to put them beside).
pub fn fields(fields: &FieldErrors) -> String {
    if fields.0.is_empty() {
        return problem(&AppError::Invalid(FieldErrors::default()));
    }
    let messages: Vec<&str> = fields.0.iter().map(|(_, m)| m.as_str()).collect();
    messages.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_time_is_said_in_whole_minutes() {
        let wait = |secs| {
            problem(&AppError::TooManyAttempts {
                retry_after_secs: secs,
            })
        };
        assert_eq!(
            wait(61),
            "Too many attempts. Please try again in 2 minutes."
        );
        assert_eq!(wait(5), "Too many attempts. Please try again in 1 minute.");
    }
}
