//! Just enough HTTP/1.0 for the measurements: one request per connection, the whole answer read
//! to the end (no chunking in HTTP/1.0), so the bench needs no HTTP client crate.

use std::{net::SocketAddr, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
    time::timeout,
};

/// How long any one request may take before the bench gives up with an error.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A request: method, path, extra headers and body.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Vec<u8>,
}

impl<'a> Request<'a> {
    pub fn get(path: &'a str) -> Self {
        Self {
            method: "GET",
            path,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn post_json(path: &'a str, body: Vec<u8>) -> Self {
        Self {
            method: "POST",
            path,
            headers: vec![("Content-Type", "application/json".into())],
            body,
        }
    }

    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn session(self, token: &str) -> Self {
        self.header(
            "Cookie",
            format!("{}={token}", app::api::server::SESSION_COOKIE),
        )
    }

    pub async fn send(&self, addr: SocketAddr) -> Result<Response, String> {
        timeout(REQUEST_TIMEOUT, self.send_now(addr))
            .await
            .map_err(|_| format!("{} {} took over a minute", self.method, self.path))?
    }

    async fn send_now(&self, addr: SocketAddr) -> Result<Response, String> {
        let mut stream = TcpStream::connect(addr)
            .await
            .map_err(|e| format!("connecting to {addr}: {e}"))?;
        stream
            .write_all(&self.head(addr))
            .await
            .map_err(|e| e.to_string())?;
        stream
            .write_all(&self.body)
            .await
            .map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .await
            .map_err(|e| format!("{} {}: {e}", self.method, self.path))?;
        parse(&raw).ok_or_else(|| format!("{} {}: not an HTTP answer", self.method, self.path))
    }

    /// The request line and headers (public for the raw streams `growth` holds open).
    pub fn head(&self, addr: SocketAddr) -> Vec<u8> {
        let mut head = format!("{} {} HTTP/1.0\r\nHost: {addr}\r\n", self.method, self.path);
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if !self.body.is_empty() {
            head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        }
        head.push_str("\r\n");
        head.into_bytes()
    }
}

fn parse(raw: &[u8]) -> Option<Response> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some(Response {
        status,
        body: raw[end + 4..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_split_into_status_and_body() {
        let response =
            parse(b"HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nX-A: b\r\n\r\nhello")
                .expect("parses");
        assert_eq!(response.status, 201);
        assert_eq!(response.body, b"hello");
        assert!(parse(b"nonsense").is_none());
    }

    #[test]
    fn requests_carry_length_and_session() {
        let addr: SocketAddr = "127.0.0.1:3000".parse().expect("address");
        let head = Request::post_json("/sync/push", b"{}".to_vec())
            .session("abc")
            .head(addr);
        let head = String::from_utf8(head).expect("utf-8");
        assert!(head.starts_with("POST /sync/push HTTP/1.0\r\nHost: 127.0.0.1:3000\r\n"));
        assert!(head.contains("Cookie: sb_session=abc\r\n"));
        assert!(head.contains("Content-Length: 2\r\n"));
        assert!(head.ends_with("\r\n\r\n"));
    }
}
