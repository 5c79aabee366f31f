//! Configuration from environment variables, each with a default that works on a laptop.

use std::{net::SocketAddr, path::PathBuf, sync::Arc};

use leptos::config::{Env, LeptosOptions};

use crate::live::{StreamLimits, PER_ADDRESS, PER_PERSON};

/// Everything the server reads from its environment. See README.md, "Configuration".
#[derive(Clone, Debug)]
pub struct Config {
    /// `STREETBOARD_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `DATABASE_URL`: `sqlite://path` or `postgres://…`.
    pub database_url: String,
    /// `RUST_LOG`: a tracing filter such as `info` or `server=debug,info`.
    pub log_filter: String,
    /// `STREETBOARD_SITE_ROOT`: the folder cargo-leptos built (js, wasm, css, public files).
    pub site_root: String,
    /// `STREETBOARD_MAX_BODY_BYTES`: larger request bodies are refused with 413.
    pub max_body_bytes: usize,
    /// `STREETBOARD_SECURE_COOKIES`: mark the session cookie `Secure` (serve over HTTPS).
    pub secure_cookies: bool,
    /// `STREETBOARD_TRUST_PROXY`: take the client's address from `X-Forwarded-For` (only
    /// behind a reverse proxy that sets it).
    pub trust_proxy: bool,
    /// `STREETBOARD_DEMO`: fill a demo street at start-up (once) for trying the app out.
    pub demo: bool,
    /// Live streams: `STREETBOARD_MAX_STREAMS` this process holds at most (more answer 503;
    /// `main` lowers it to fit the open-files limit), `STREETBOARD_STREAMS_PER_PERSON` (more end
    /// that person's oldest) and `STREETBOARD_STREAMS_PER_ADDRESS` (more answer 429).
    pub streams: StreamLimits,
    /// `STREETBOARD_SIGN_UPS_PER_ADDRESS`: sign-ups one address may make in 15 minutes.
    pub sign_ups_per_address: i64,
    /// `STREETBOARD_CLAIMS_PER_DAY`: claims and hand-backs one member may make in a day.
    pub claims_per_day: i64,
    /// `STREETBOARD_WRITES_PER_MINUTE`: writes one member may make in a minute.
    pub writes_per_minute: i64,
}

pub const DEFAULT_ADDR: &str = "127.0.0.1:3000";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/streetboard.db";
pub const DEFAULT_LOG_FILTER: &str = "info";
pub const DEFAULT_SITE_ROOT: &str = "target/site";
pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
pub const DEFAULT_MAX_STREAMS: usize = 10_000;

/// A setting that could not be understood, named so the person can fix it.
#[derive(Debug, thiserror::Error)]
#[error("{name}={value:?} is not valid: {reason}")]
pub struct ConfigError {
    name: &'static str,
    value: String,
    reason: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_string());

        let addr_text = get("STREETBOARD_ADDR", DEFAULT_ADDR);
        let addr = addr_text.parse().map_err(|e| ConfigError {
            name: "STREETBOARD_ADDR",
            value: addr_text.clone(),
            reason: format!("{e}; expected an address and port such as {DEFAULT_ADDR}"),
        })?;

        // A whole number of `unit`, at least `least`, or the setting named as wrong.
        let number = |name: &'static str, default: usize, least: usize, unit: &str| {
            let text = get(name, &default.to_string());
            text.parse::<usize>()
                .ok()
                .filter(|n| *n >= least)
                .ok_or_else(|| ConfigError {
                    name,
                    value: text.clone(),
                    reason: format!("expected a whole number of {unit}, at least {least}"),
                })
        };
        let max_body_bytes = number(
            "STREETBOARD_MAX_BODY_BYTES",
            DEFAULT_MAX_BODY_BYTES,
            1024,
            "bytes",
        )?;
        let streams = StreamLimits {
            total: number("STREETBOARD_MAX_STREAMS", DEFAULT_MAX_STREAMS, 1, "streams")?,
            per_person: number("STREETBOARD_STREAMS_PER_PERSON", PER_PERSON, 1, "streams")?,
            per_address: number("STREETBOARD_STREAMS_PER_ADDRESS", PER_ADDRESS, 1, "streams")?,
        };
        let sign_ups_per_address = number(
            "STREETBOARD_SIGN_UPS_PER_ADDRESS",
            store::MAX_SIGN_UPS_PER_ADDRESS as usize,
            1,
            "sign-ups",
        )? as i64;
        let claims_per_day = number(
            "STREETBOARD_CLAIMS_PER_DAY",
            store::MAX_CLAIMS_PER_DAY as usize,
            1,
            "claims",
        )? as i64;
        let writes_per_minute = number(
            "STREETBOARD_WRITES_PER_MINUTE",
            store::MAX_WRITES_PER_MINUTE as usize,
            1,
            "writes",
        )? as i64;

        let flag = |name: &'static str| -> Result<bool, ConfigError> {
            match get(name, "false").to_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(true),
                "false" | "0" | "no" | "" => Ok(false),
                other => Err(ConfigError {
                    name,
                    value: other.to_string(),
                    reason: "expected true or false".into(),
                }),
            }
        };

        Ok(Self {
            secure_cookies: flag("STREETBOARD_SECURE_COOKIES")?,
            trust_proxy: flag("STREETBOARD_TRUST_PROXY")?,
            demo: flag("STREETBOARD_DEMO")?,
            addr,
            database_url: get("DATABASE_URL", DEFAULT_DATABASE_URL),
            log_filter: get("RUST_LOG", DEFAULT_LOG_FILTER),
            site_root: get("STREETBOARD_SITE_ROOT", DEFAULT_SITE_ROOT),
            max_body_bytes,
            streams,
            sign_ups_per_address,
            claims_per_day,
            writes_per_minute,
        })
    }

    /// The stream limits with no variable set.
    pub fn default_stream_limits() -> StreamLimits {
        StreamLimits {
            total: DEFAULT_MAX_STREAMS,
            per_person: PER_PERSON,
            per_address: PER_ADDRESS,
        }
    }

    /// Leptos' options for this server. File hashing is used when cargo-leptos left its
    /// `hash.txt` beside the binary (a release build); without it the plain names are used.
    pub fn leptos_options(&self) -> LeptosOptions {
        LeptosOptions::builder()
            .output_name(Arc::<str>::from("streetboard"))
            .site_root(self.site_root.as_str())
            .site_pkg_dir("pkg")
            .env(Env::PROD)
            .site_addr(self.addr)
            .hash_files(hash_file_beside_binary())
            .build()
    }
}

fn hash_file_beside_binary() -> bool {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
        .is_some_and(|path: PathBuf| path.exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_work_on_a_laptop() {
        let config = config(&[]).expect("defaults are valid");
        assert_eq!(config.addr.to_string(), DEFAULT_ADDR);
        assert_eq!(config.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(config.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
    }

    #[test]
    fn a_bad_address_names_the_setting_and_an_example() {
        let message = config(&[("STREETBOARD_ADDR", "localhost")])
            .unwrap_err()
            .to_string();
        assert!(
            message.starts_with("STREETBOARD_ADDR=\"localhost\" is not valid"),
            "{message}"
        );
        assert!(message.contains(DEFAULT_ADDR), "{message}");
    }

    #[test]
    fn flags_are_true_or_false() {
        assert!(
            config(&[("STREETBOARD_SECURE_COOKIES", "true")])
                .expect("valid")
                .secure_cookies
        );
        assert!(!config(&[]).expect("valid").secure_cookies);
        assert!(config(&[("STREETBOARD_TRUST_PROXY", "perhaps")]).is_err());
    }

    #[test]
    fn a_tiny_or_non_numeric_body_limit_is_refused() {
        assert!(config(&[("STREETBOARD_MAX_BODY_BYTES", "12")]).is_err());
        assert!(config(&[("STREETBOARD_MAX_BODY_BYTES", "lots")]).is_err());
        let ok = config(&[("STREETBOARD_MAX_BODY_BYTES", "4096")]).expect("valid");
        assert_eq!(ok.max_body_bytes, 4096);
    }
}
