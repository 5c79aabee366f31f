//! What `cargo xtask bench` passes to the measuring program, read from its arguments.

use std::path::PathBuf;

/// What `cargo xtask bench` passes in.
pub struct Settings {
    pub root: PathBuf,
    pub postgres_url: String,
    pub commit: String,
    pub runs: usize,
    pub out: PathBuf,
    pub chromium: PathBuf,
}

impl Settings {
    pub fn from_args() -> Result<Self, String> {
        let mut args = std::env::args().skip(1);
        let mut settings = Settings {
            root: PathBuf::from("."),
            postgres_url: String::new(),
            commit: "unknown".into(),
            runs: 5,
            out: PathBuf::from("BENCHMARKS.md"),
            chromium: PathBuf::from("/usr/bin/chromium"),
        };
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--root" => settings.root = value.into(),
                "--postgres-url" => settings.postgres_url = value,
                "--commit" => settings.commit = value,
                "--runs" => {
                    settings.runs = value
                        .parse()
                        .ok()
                        .filter(|&n| n >= 1)
                        .ok_or("--runs needs a positive number")?;
                }
                "--out" => settings.out = value.into(),
                "--chromium" => settings.chromium = value.into(),
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        if settings.postgres_url.is_empty() {
            return Err("--postgres-url is needed (cargo xtask bench makes one)".into());
        }
        Ok(settings)
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }
}
