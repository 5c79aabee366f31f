//! How a post is marked wherever it is listed: its kind, urgency, status and "Pinned" badges,
//! "Waiting to send", and its day ("23 Nov", in UTC so server and browser agree).

use leptos::prelude::*;
use model::{dates::utc_date, PostKind, PostStatus, Urgency};

/// Marks something written on this phone that the server does not have yet.
#[component]
pub fn WaitingBadge() -> impl IntoView {
    view! { <p class="badge badge-waiting">"Waiting to send"</p> }
}

/// Kind, how soon (requests and offers), the status when given, and "Pinned".
#[component]
pub fn PostBadges(
    kind: PostKind,
    urgency: Urgency,
    #[prop(optional)] status: Option<PostStatus>,
    #[prop(optional)] pinned: bool,
    /// A request only a vetted volunteer may help with.
    #[prop(optional)]
    needs_vetting: bool,
) -> impl IntoView {
    let urgency_class = format!("badge badge-urgency-{}", urgency.as_str());
    view! {
        <p class="badges">
            {pinned.then(|| view! { <span class="badge badge-pinned">"Pinned"</span> })}
            <span class=format!("badge badge-kind-{}", kind.as_str())>{kind.label()}</span>
            {kind
                .is_claimable()
                .then(|| {
                    view! {
                        <span class=urgency_class>
                            <span class="visually-hidden">"When: "</span>
                            {urgency.label()}
                        </span>
                    }
                })}
            {status
                .map(|s| {
                    let class = format!("badge badge-status-{}", s.as_str());
                    view! { <span class=class>{status_text(kind, s)}</span> }
                })}
            {needs_vetting
                .then(|| view! { <span class="badge badge-needs-vetting">"Needs a vetted volunteer"</span> })}
        </p>
    }
}

/// A post's status in words; a claimed offer is "taken up" rather than "helped with".
pub fn status_text(kind: PostKind, status: PostStatus) -> &'static str {
    match (kind, status) {
        (PostKind::Offer, PostStatus::Claimed) => "Taken up",
        (_, status) => status.label(),
    }
}

/// A day such as "23 Nov", in UTC, the same on the server and in the browser.
#[component]
pub fn PostDate(ms: i64) -> impl IntoView {
    let (year, month, day) = utc_date(ms);
    view! { <time datetime=format!("{year:04}-{month:02}-{day:02}")>{day_and_month(ms)}</time> }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// "23 Nov" for `ms` since the Unix epoch.
pub fn day_and_month(ms: i64) -> String {
    let (_, month, day) = utc_date(ms);
    format!("{day} {}", MONTHS[(month - 1) as usize])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_utc() {
        assert_eq!(utc_date(0), (1970, 1, 1));
        assert_eq!(utc_date(1_763_900_000_000), (2025, 11, 23));
        assert_eq!(day_and_month(1_763_900_000_000), "23 Nov");
        assert_eq!(utc_date(951_782_400_000), (2000, 2, 29));
        assert_eq!(utc_date(-1), (1969, 12, 31));
    }
}
