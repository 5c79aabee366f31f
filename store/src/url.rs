//! Reading `DATABASE_URL`: which database it names, and how to print it without its password.

use std::path::Path;

use crate::error::StorageError;

/// The kinds of database Streetboard runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Self::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// The URL with any password replaced by `***`, safe for logs and error messages: the one in
/// the user part, and any query parameter naming one (`?password=…`, `&sslpassword=…`, which
/// PostgreSQL accepts as well). The user part runs to the *last* `@`, so a password holding
/// `?`, `/`, `#` or `@` is hidden whole rather than cut at the first of them.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    // Text before the last `@` is a user part only when it holds `user:password` or is a bare
    // user name: an `@` inside the query (`?password=se@cret`) is not one.
    let user_part = rest
        .rsplit_once('@')
        .filter(|(userinfo, _)| userinfo.contains(':') || !userinfo.contains(['/', '?']));
    let (user, after) = match user_part {
        Some((userinfo, after)) => {
            let name = userinfo.split(':').next().unwrap_or_default();
            let hidden = if userinfo.contains(':') { ":***" } else { "" };
            (format!("{name}{hidden}@"), after)
        }
        None => (String::new(), rest),
    };
    let after = match after.split_once('?') {
        Some((address, query)) => format!("{address}?{}", redact_query(query)),
        None => after.to_string(),
    };
    format!("{scheme}://{user}{after}")
}

fn redact_query(query: &str) -> String {
    let parameters: Vec<String> = query
        .split('&')
        .map(|parameter| match parameter.split_once('=') {
            Some((name, _)) if name.to_ascii_lowercase().ends_with("password") => {
                format!("{name}=***")
            }
            _ => parameter.to_string(),
        })
        .collect();
    parameters.join("&")
}

/// The file an SQLite URL names, unless it is an in-memory database.
pub(crate) fn sqlite_path(url: &str) -> Option<String> {
    let rest = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = path.is_empty() || path == ":memory:" || query.contains("mode=memory");
    (!in_memory).then(|| path.to_string())
}

/// Makes sure an SQLite URL creates its file, and that the file's folder exists.
pub(super) fn prepare_sqlite(url: &str) -> Result<String, StorageError> {
    let Some(path) = sqlite_path(url) else {
        return Ok(url.to_string());
    };
    let query = url.split_once('?').map_or("", |(_, query)| query);
    {
        if let Some(folder) = Path::new(&path)
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            std::fs::create_dir_all(folder).map_err(|source| StorageError::CreateFolder {
                path: path.clone(),
                source,
            })?;
        }
    }
    Ok(if query.contains("mode=") {
        url.to_string()
    } else if query.is_empty() {
        format!("{url}?mode=rwc")
    } else {
        format!("{url}&mode=rwc")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_reach_messages() {
        assert_eq!(
            redact("postgres://sb:hunter2@db:5432/street"),
            "postgres://sb:***@db:5432/street"
        );
        assert_eq!(redact("postgres://sb@db/street"), "postgres://sb@db/street");
        assert_eq!(
            redact("sqlite://data/streetboard.db"),
            "sqlite://data/streetboard.db"
        );
        assert_eq!(redact("not a url"), "not a url");
        assert_eq!(
            redact("postgres://db/street?user=sb&password=hunter2&sslmode=require"),
            "postgres://db/street?user=sb&password=***&sslmode=require"
        );
        assert_eq!(
            redact("postgres://sb:hunter2@db/street?SSLPassword=keyphrase"),
            "postgres://sb:***@db/street?SSLPassword=***"
        );
        assert_eq!(
            redact("sqlite://data/streetboard.db?mode=rwc"),
            "sqlite://data/streetboard.db?mode=rwc"
        );
        // Passwords holding the characters that end a URL's parts are hidden whole.
        assert_eq!(
            redact("postgres://db/street?password=se@cret"),
            "postgres://db/street?password=***"
        );
        for password in ["pa?ss", "pa/ss", "pa#ss", "p@ss", "a?b/c#d@e"] {
            let url = format!("postgres://sb:{password}@db:5432/street");
            assert_eq!(
                redact(&url),
                "postgres://sb:***@db:5432/street",
                "{password}"
            );
        }
    }

    #[test]
    fn backends_are_recognised_by_scheme() {
        assert_eq!(Backend::of_url("sqlite://x.db"), Some(Backend::Sqlite));
        assert_eq!(Backend::of_url("sqlite::memory:"), Some(Backend::Sqlite));
        assert_eq!(
            Backend::of_url("postgresql://h/db"),
            Some(Backend::Postgres)
        );
        assert_eq!(Backend::of_url("mysql://h/db"), None);
    }

    #[test]
    fn sqlite_files_are_created_on_first_run() {
        assert_eq!(
            prepare_sqlite("sqlite::memory:").ok().as_deref(),
            Some("sqlite::memory:")
        );
        let dir = std::env::temp_dir().join(format!("sb-url-{}", std::process::id()));
        let url = format!("sqlite://{}/nested/board.db", dir.display());
        assert_eq!(prepare_sqlite(&url).ok(), Some(format!("{url}?mode=rwc")));
        assert!(dir.join("nested").is_dir());
        let _ = std::fs::remove_dir_all(dir);
    }
}
