//! Dates and times in UTC, computed the same way on the server and in the browser (so a page
//! hydrates to exactly what the server rendered), with no time-zone database.

/// An hour and a day in milliseconds, the unit of every time the app keeps.
pub const HOUR_MS: i64 = 3600 * 1000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// (year, month 1–12, day 1–31) in UTC: Howard Hinnant's `civil_from_days`.
pub fn utc_date(ms: i64) -> (i64, u32, u32) {
    let days = ms.div_euclid(DAY_MS) + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = (shifted_month + 2) % 12 + 1;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

/// "2025-11-23": the day of `ms` since the Unix epoch, as spreadsheets and `<time>` read it.
pub fn iso_date(ms: i64) -> String {
    let (year, month, day) = utc_date(ms);
    format!("{year:04}-{month:02}-{day:02}")
}

/// "14:05": the time of day of `ms`, in UTC.
pub fn time_of_day(ms: i64) -> String {
    let minutes = ms.div_euclid(60_000).rem_euclid(24 * 60);
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_times_are_read_in_utc() {
        assert_eq!(utc_date(0), (1970, 1, 1));
        assert_eq!(utc_date(951_782_400_000), (2000, 2, 29));
        assert_eq!(utc_date(-1), (1969, 12, 31));
        assert_eq!(iso_date(1_763_900_000_000), "2025-11-23");
        assert_eq!(time_of_day(1_763_900_000_000), "12:13");
        assert_eq!(time_of_day(-60_000), "23:59");
    }
}
