//! `/sw.js`: the service worker, made once at start-up from `service_worker.js` with this
//! build's exact asset names (from cargo-leptos' hash file, as Leptos itself reads it) and a
//! version derived from them, so an old worker never serves a new page with old wasm.

use std::path::{Path, PathBuf};

use axum::{
    body::Bytes,
    http::header,
    response::{IntoResponse, Response},
};
use leptos::config::LeptosOptions;

const TEMPLATE: &str = include_str!("service_worker.js");
const VERSION_SLOT: &str = "__STREETBOARD_VERSION__";
const PRECACHE_SLOT: &str = "__STREETBOARD_PRECACHE__";

/// Files from `public/` every installed copy keeps, besides the build's js, wasm and css.
pub const STATIC_SHELL: &[&str] = &[
    "/manifest.webmanifest",
    "/favicon.svg",
    "/icons/mark.svg",
    "/icons/icon-192.png",
    "/icons/icon-512.png",
    "/icons/icon-maskable-512.png",
];

/// The page a navigation falls back to when there is no network and no cached copy.
pub const OFFLINE_PAGE: &str = "/offline";

/// The names of the js, wasm and css files this build serves, under `/pkg/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildAssets {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl BuildAssets {
    /// The names Leptos puts in every page for these options (the same rules as
    /// `HydrationScripts` and `HashedStylesheet`): hashed from the hash file beside the binary
    /// when file hashing is on, plain otherwise.
    pub fn for_options(options: &LeptosOptions) -> Self {
        let hashes = options
            .hash_files
            .then(|| {
                let exe = std::env::current_exe().ok()?;
                std::fs::read_to_string(exe.parent()?.join(options.hash_file.as_ref())).ok()
            })
            .flatten();
        Self::from_hash_file(&options.output_name, options.hash_files, hashes.as_deref())
    }

    /// `hash_file` is cargo-leptos' `hash.txt`: lines such as `js: <hash>`, `wasm: <hash>`,
    /// `css: <hash>`.
    pub fn from_hash_file(output_name: &str, hash_files: bool, hash_file: Option<&str>) -> Self {
        let hash_of = |kind: &str| {
            hash_file?.lines().find_map(|line| {
                let (file, hash) = line.trim().split_once(':')?;
                (file.trim() == kind).then(|| hash.trim().to_string())
            })
        };
        let name = |kind: &str, plain: String| match hash_of(kind) {
            Some(hash) => format!("{output_name}.{hash}.{kind}"),
            None => plain,
        };
        // Without hashing, wasm-bindgen's `_bg` suffix stays unless cargo-leptos named the
        // output (Leptos decides this the same way, at compile time).
        let wasm_suffix = if !hash_files && option_env!("LEPTOS_OUTPUT_NAME").is_none() {
            "_bg"
        } else {
            ""
        };
        Self {
            js: name("js", format!("{output_name}.js")),
            wasm: name("wasm", format!("{output_name}{wasm_suffix}.wasm")),
            css: name("css", format!("{output_name}.css")),
        }
    }
}

/// The generated worker, ready to serve.
#[derive(Clone, Debug)]
pub struct ServiceWorker {
    version: String,
    precache: Vec<String>,
    script: Bytes,
}

impl ServiceWorker {
    /// The worker for the site these options describe; reads the hash file and the static
    /// files once. Missing files are logged: the worker would fail to install without them.
    pub fn for_site(options: &LeptosOptions) -> Self {
        let site_root = PathBuf::from(options.site_root.as_ref());
        let worker = Self::new(
            &BuildAssets::for_options(options),
            &options.site_pkg_dir,
            &site_root,
        );
        for path in &worker.precache {
            if path != OFFLINE_PAGE && !site_root.join(&path[1..]).is_file() {
                tracing::warn!(
                    "{path} is not in {}: the service worker cannot install until it is",
                    site_root.display()
                );
            }
        }
        worker
    }

    /// The worker precaching `assets` (under `/{pkg_dir}/`), the static shell and the offline
    /// page. Its version is the crate version and a hash of the worker's code, every
    /// precached path and the content of every precached file found under `site_root`: any
    /// change to what the worker hands out gives a new version, and with it fresh caches.
    pub fn new(assets: &BuildAssets, pkg_dir: &str, site_root: &Path) -> Self {
        let pkg_dir = pkg_dir.trim_matches('/');
        let mut precache: Vec<String> = [&assets.js, &assets.wasm, &assets.css]
            .into_iter()
            .map(|file| format!("/{pkg_dir}/{file}"))
            .collect();
        precache.extend(STATIC_SHELL.iter().map(|path| path.to_string()));
        precache.push(OFFLINE_PAGE.to_string());

        let mut hash = Fnv64::new();
        hash.write(TEMPLATE.as_bytes());
        for path in &precache {
            hash.write(path.as_bytes());
            if let Ok(content) = std::fs::read(site_root.join(&path[1..])) {
                hash.write(&content);
            }
        }
        let version = format!("{}-{:016x}", env!("CARGO_PKG_VERSION"), hash.finish());

        let script = TEMPLATE
            .replace(VERSION_SLOT, &json_string(&version))
            .replace(PRECACHE_SLOT, &json_list(&precache));
        Self {
            version,
            precache,
            script: Bytes::from(script),
        }
    }

    /// Names this worker's caches: `streetboard-shell-<version>`, `streetboard-pages-<version>`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Every path the worker stores when it installs.
    pub fn precache(&self) -> &[String] {
        &self.precache
    }

    /// The JavaScript served at `/sw.js`.
    pub fn script(&self) -> &str {
        std::str::from_utf8(&self.script).unwrap_or_default()
    }

    /// The `/sw.js` response. `no-cache`: the browser asks every time, so a new build is seen
    /// at the next visit.
    pub fn response(&self) -> Response {
        (
            [
                (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            self.script.clone(),
        )
            .into_response()
    }
}

fn json_string(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

fn json_list(items: &[String]) -> String {
    serde_json::Value::from(items.to_vec()).to_string()
}

/// FNV-1a, 64 bits: stable across Rust releases and processes (unlike `DefaultHasher`'s
/// promise), so every server running one build names its caches alike.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 ^= u64::from(*byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH_FILE: &str = "js: lO_Nmrnk\nwasm: vy6FL5yg\ncss: m20wLdF5\n";

    #[test]
    fn hashed_names_come_from_the_hash_file() {
        let assets = BuildAssets::from_hash_file("streetboard", true, Some(HASH_FILE));
        assert_eq!(assets.js, "streetboard.lO_Nmrnk.js");
        assert_eq!(assets.wasm, "streetboard.vy6FL5yg.wasm");
        assert_eq!(assets.css, "streetboard.m20wLdF5.css");
    }

    #[test]
    fn without_a_hash_file_the_plain_names_are_used() {
        let assets = BuildAssets::from_hash_file("streetboard", false, None);
        assert_eq!(assets.js, "streetboard.js");
        assert_eq!(assets.css, "streetboard.css");
        assert!(assets.wasm.starts_with("streetboard"), "{}", assets.wasm);
        assert!(assets.wasm.ends_with(".wasm"), "{}", assets.wasm);
    }

    #[test]
    fn the_script_carries_the_version_and_every_path() {
        let assets = BuildAssets::from_hash_file("streetboard", true, Some(HASH_FILE));
        let worker = ServiceWorker::new(&assets, "pkg", Path::new("/nonexistent"));
        let script = worker.script();
        assert!(
            !script.contains("__STREETBOARD_"),
            "a slot was left unfilled"
        );
        assert!(script.contains(&format!("const VERSION = \"{}\";", worker.version())));
        for path in worker.precache() {
            assert!(script.contains(&format!("\"{path}\"")), "{path}");
        }
        assert!(worker
            .precache()
            .contains(&"/pkg/streetboard.vy6FL5yg.wasm".to_string()));
        assert!(worker.precache().contains(&OFFLINE_PAGE.to_string()));
    }

    #[test]
    fn a_new_build_gets_a_new_version() {
        let first = BuildAssets::from_hash_file("streetboard", true, Some(HASH_FILE));
        let second = BuildAssets {
            wasm: "streetboard.other.wasm".into(),
            ..first.clone()
        };
        let root = Path::new("/nonexistent");
        let version = |assets| {
            ServiceWorker::new(assets, "pkg", root)
                .version()
                .to_string()
        };
        assert_eq!(version(&first), version(&first));
        assert_ne!(version(&first), version(&second));
        assert!(version(&first).starts_with(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn changed_file_content_changes_the_version() {
        let root = std::env::temp_dir().join(format!("sw-version-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("scratch folder");
        let assets = BuildAssets::from_hash_file("streetboard", false, None);
        let manifest = root.join("manifest.webmanifest");
        std::fs::write(&manifest, "{}").expect("write");
        let before = ServiceWorker::new(&assets, "pkg", &root)
            .version()
            .to_string();
        std::fs::write(&manifest, r#"{"name":"Streetboard"}"#).expect("write");
        let after = ServiceWorker::new(&assets, "pkg", &root)
            .version()
            .to_string();
        let _ = std::fs::remove_dir_all(&root);
        assert_ne!(before, after);
    }
}
