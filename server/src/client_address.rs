//! Works out each request's client address once, for the limits per address (sign-ins,
//! sign-ups, live streams): the peer's address, or with `STREETBOARD_TRUST_PROXY` the one the
//! reverse proxy appended last; an IPv6 address as its whole /64.

use std::net::{IpAddr, SocketAddr};

use app::api::server::ClientAddress;
use axum::{
    extract::{ConnectInfo, Request},
    middleware::Next,
    response::Response,
};

pub async fn record(trust_proxy: bool, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = trust_proxy
        .then(|| {
            request
                .headers()
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .rsplit(',')
                .next()
                .map(|s| s.trim().to_string())
        })
        .flatten()
        .filter(|s| !s.is_empty());
    let address = forwarded.or(peer).unwrap_or_else(|| "unknown".into());
    request
        .extensions_mut()
        .insert(ClientAddress(address_group(&address)));
    next.run(request).await
}

/// What limits per address count by: the address itself for IPv4, its /64 for IPv6 (one home
/// or phone is given a whole /64, and can pick any address in it).
pub fn address_group(address: &str) -> String {
    match address.parse::<IpAddr>() {
        Ok(IpAddr::V6(v6)) => {
            let [a, b, c, d, ..] = v6.segments();
            format!("{a:x}:{b:x}:{c:x}:{d:x}::/64")
        }
        _ => address.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::address_group;

    #[test]
    fn an_ipv6_address_counts_as_its_whole_slash_64() {
        assert_eq!(
            address_group("2001:db8:1:2:aaaa::1"),
            address_group("2001:db8:1:2:ffff:1:2:3")
        );
        assert_eq!(address_group("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_ne!(address_group("2001:db8:1:3::1"), "2001:db8:1:2::/64");
        assert_eq!(address_group("192.0.2.7"), "192.0.2.7");
        assert_eq!(address_group("unknown"), "unknown");
    }
}
