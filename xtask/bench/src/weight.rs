//! First-visit weight: the bytes of a page's HTML and of the CSS, JS and wasm it loads, raw and
//! compressed as a static host would ship them (gzip -9, brotli quality 11).

use std::{io::Write, net::SocketAddr};

use crate::{
    http::Request,
    report::{Budget, Row, Section, Unit},
    stats::Runs,
};

/// Budget for everything the board page needs on a first visit, brotli-compressed.
pub const BUDGET_BROTLI_BYTES: f64 = 200_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Html,
    Css,
    Js,
    Wasm,
}

impl Part {
    fn name(self) -> &'static str {
        match self {
            Part::Html => "HTML",
            Part::Css => "CSS",
            Part::Js => "JS",
            Part::Wasm => "wasm",
        }
    }

    fn of_path(path: &str) -> Option<Self> {
        let path = path.split(['?', '#']).next().unwrap_or(path);
        if path.ends_with(".css") {
            Some(Part::Css)
        } else if path.ends_with(".js") {
            Some(Part::Js)
        } else if path.ends_with(".wasm") {
            Some(Part::Wasm)
        } else {
            None
        }
    }
}

/// One part's sizes in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sizes {
    pub raw: f64,
    pub gzip: f64,
    pub brotli: f64,
}

impl Sizes {
    fn of(bytes: &[u8]) -> Result<Self, String> {
        Ok(Self {
            raw: bytes.len() as f64,
            gzip: gzip(bytes)?.len() as f64,
            brotli: brotli(bytes)?.len() as f64,
        })
    }

    fn add(&mut self, other: Sizes) {
        self.raw += other.raw;
        self.gzip += other.gzip;
        self.brotli += other.brotli;
    }
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

/// A page and everything under `/pkg/` it names, by part.
#[derive(Debug, Default)]
pub struct PageWeight {
    pub parts: Vec<(Part, Sizes)>,
    /// The asset paths found in the HTML, for the report.
    pub assets: Vec<String>,
    /// What the server itself sent for the same files with `Accept-Encoding: br`.
    pub served_brotli: f64,
}

impl PageWeight {
    pub fn part(&self, part: Part) -> Sizes {
        let mut sum = Sizes::default();
        for (p, sizes) in &self.parts {
            if *p == part {
                sum.add(*sizes);
            }
        }
        sum
    }

    pub fn total(&self) -> Sizes {
        let mut sum = Sizes::default();
        for (_, sizes) in &self.parts {
            sum.add(*sizes);
        }
        sum
    }
}

/// Fetches `path` (with the session, if any) and every `/pkg/` file its HTML names.
pub async fn measure(
    addr: SocketAddr,
    path: &str,
    token: Option<&str>,
) -> Result<PageWeight, String> {
    let mut page = Request::get(path);
    if let Some(token) = token {
        page = page.session(token);
    }
    let html = page.send(addr).await?;
    if html.status != 200 {
        return Err(format!("{path} answered {}", html.status));
    }
    let mut weight = PageWeight::default();
    weight.parts.push((Part::Html, Sizes::of(&html.body)?));
    let mut served = served_bytes(addr, &page_with_br(path, token)).await?;
    for asset in asset_paths(&html.text()) {
        let Some(part) = Part::of_path(&asset) else {
            continue;
        };
        let file = Request::get(&asset).send(addr).await?;
        if file.status != 200 {
            return Err(format!(
                "{asset} (named by {path}) answered {}",
                file.status
            ));
        }
        weight.parts.push((part, Sizes::of(&file.body)?));
        served += served_bytes(addr, &Request::get(&asset).header("Accept-Encoding", "br")).await?;
        weight.assets.push(asset);
    }
    weight.parts.sort_by_key(|(part, _)| *part);
    weight.served_brotli = served;
    Ok(weight)
}

fn page_with_br<'a>(path: &'a str, token: Option<&str>) -> Request<'a> {
    let request = Request::get(path).header("Accept-Encoding", "br");
    match token {
        Some(token) => request.session(token),
        None => request,
    }
}

/// Body bytes as sent, compressed or not (the floor's plain file server does not compress).
async fn served_bytes(addr: SocketAddr, request: &Request<'_>) -> Result<f64, String> {
    Ok(request.send(addr).await?.body.len() as f64)
}

/// Every distinct `/pkg/…` path in `html`, in order of appearance.
pub fn asset_paths(html: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("/pkg/") {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| matches!(c, '"' | '\'' | ')' | '>' | '`') || c.is_whitespace())
            .unwrap_or(tail.len());
        let path = tail[..end].to_string();
        if !found.contains(&path) {
            found.push(path);
        }
        rest = &tail[end..];
    }
    found
}

/// The weight section: Streetboard's board page beside the framework's floor.
pub fn section(board: &PageWeight, floor: &PageWeight, board_pages: usize) -> Section {
    let mut section = Section::new(
        "1. First visit weight",
        format!(
            "The board page ({board_pages} posts, signed in) and every file it loads, fetched from \
             the release server; compressed here as a static host would ship them (gzip level 9, \
             brotli quality 11). Bytes do not vary between runs, so each is measured once. The \
             floor is an empty Leptos 0.8 page (cargo-leptos' starter: router, title, a counter) \
             built with the same release profiles (`xtask/floor`)."
        ),
    );
    let one = |value: f64| Runs(vec![value]);
    for part in [Part::Html, Part::Css, Part::Js, Part::Wasm] {
        let sizes = board.part(part);
        section.row(Row::new(
            format!("{}, raw", part.name()),
            one(sizes.raw),
            Unit::Bytes,
        ));
        section.row(Row::new(
            format!("{}, gzip", part.name()),
            one(sizes.gzip),
            Unit::Bytes,
        ));
        section.row(Row::new(
            format!("{}, brotli", part.name()),
            one(sizes.brotli),
            Unit::Bytes,
        ));
    }
    let total = board.total();
    section.row(Row::new("Total, raw", one(total.raw), Unit::Bytes));
    section.row(Row::new("Total, gzip", one(total.gzip), Unit::Bytes));
    section.row(
        Row::new("First visit total, brotli", one(total.brotli), Unit::Bytes)
            .with_budget(Budget::at_most(BUDGET_BROTLI_BYTES, Unit::Bytes)),
    );
    section.row(Row::new(
        "Total as our server sends it to a browser taking brotli",
        one(board.served_brotli),
        Unit::Bytes,
    ));
    let floor_total = floor.total();
    section.row(Row::new(
        "Floor: total, raw",
        one(floor_total.raw),
        Unit::Bytes,
    ));
    section.row(Row::new(
        "Floor: total, brotli",
        one(floor_total.brotli),
        Unit::Bytes,
    ));
    section.row(Row::new(
        "Floor: wasm, brotli",
        one(floor.part(Part::Wasm).brotli),
        Unit::Bytes,
    ));
    section.row(Row::new(
        "Board page over the floor, brotli",
        one(total.brotli / floor_total.brotli),
        Unit::Ratio,
    ));
    section.note(format!("Files: {}.", board.assets.join(", ")));
    section
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_paths_are_found_once_each() {
        let html = r#"<link rel="stylesheet" href="/pkg/sb.abc.css"><link rel="modulepreload" href="/pkg/sb.def.js"><link rel="preload" href="/pkg/sb.ghi.wasm" as="fetch"><script>import('/pkg/sb.def.js').then(m => m.default({module_or_path: '/pkg/sb.ghi.wasm'}))</script>"#;
        assert_eq!(
            asset_paths(html),
            vec!["/pkg/sb.abc.css", "/pkg/sb.def.js", "/pkg/sb.ghi.wasm"]
        );
        assert!(asset_paths("<p>no assets</p>").is_empty());
    }

    #[test]
    fn parts_are_told_by_extension() {
        assert_eq!(Part::of_path("/pkg/a.css"), Some(Part::Css));
        assert_eq!(Part::of_path("/pkg/a.js?v=1"), Some(Part::Js));
        assert_eq!(Part::of_path("/pkg/a_bg.wasm"), Some(Part::Wasm));
        assert_eq!(Part::of_path("/pkg/a.d.ts"), None);
    }

    #[test]
    fn compression_shrinks_repetitive_text_and_brotli_beats_gzip() {
        let text = "<li class=\"post\">Milk and bread, please</li>".repeat(200);
        let sizes = Sizes::of(text.as_bytes()).expect("compresses");
        assert_eq!(sizes.raw, text.len() as f64);
        assert!(sizes.gzip < sizes.raw / 10.0);
        assert!(sizes.brotli <= sizes.gzip);
    }
}
