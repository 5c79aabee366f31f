//! Where someone goes after signing in or up: the page they were on, given as `next`, but only
//! if it is a page of this site. Anything a browser could read as another site (`//evil.example`,
//! a backslash, or a tab or newline that browsers strip from a URL, turning `/\t/evil.example`
//! into `//evil.example`) sends them home instead: a neighbour who has just typed their password
//! must never land on a look-alike page.

/// `next` when it is a path on this site; the home page otherwise.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path) if is_own_path(path) => path.to_string(),
        _ => "/".to_string(),
    }
}

/// A path of this site: one leading `/` followed by printable ASCII only. Percent-encoding is
/// left encoded by browsers, so `%09` or `%2F` in a path stays part of the path; the characters
/// they stand for, already decoded, are refused here.
fn is_own_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn pages_of_this_site_are_kept() {
        for path in [
            "/",
            "/b/elm-road",
            "/p/0190?tab=replies#reply",
            "/b/%2F%2Fstill-a-path",
        ] {
            assert_eq!(safe_next(Some(path)), path);
        }
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_goes_home() {
        for next in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "/ /evil.example",
            "\t//evil.example",
            "/\u{2028}/evil.example",
            "b/elm-road",
            "",
        ] {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
