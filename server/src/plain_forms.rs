//! Forms posted without JavaScript. A server function answers a failed plain form post with its
//! error; this middleware turns that into the page the form was on, rendered again with the
//! error next to each field and what the person typed kept (passwords excepted), sent with the
//! error's 4xx status. Successful posts pass through (the server function redirects).

use app::{components::form::FailedSubmission, shell};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, Method, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use model::AppError;

use crate::state::AppState;

/// Settings the middleware needs besides the app's state.
#[derive(Clone)]
pub struct PlainForms {
    pub state: AppState,
    pub page_context: std::sync::Arc<dyn Fn() + Send + Sync>,
    pub max_body_bytes: usize,
}

fn is_plain_form_post(request: &Request) -> bool {
    let header_has = |name: header::HeaderName, text: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains(text))
    };
    request.method() == Method::POST
        && request.uri().path().starts_with("/api/")
        && header_has(header::ACCEPT, "text/html")
        && header_has(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
}

/// Path and query of the page the form was on (same site only), else the home page.
fn page_of(referer: Option<&HeaderValue>) -> String {
    referer
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<Uri>().ok())
        .and_then(|uri| uri.path_and_query().map(|pq| pq.as_str().to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".to_string())
}

pub async fn rerender_failures(
    State(forms): State<PlainForms>,
    request: Request,
    next: Next,
) -> Response {
    if !is_plain_form_post(&request) {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, forms.max_body_bytes).await else {
        return (
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "The form was too large to send.",
        )
            .into_response();
    };
    let values: Vec<(String, String)> = form_urlencoded::parse(&bytes)
        .filter(|(name, _)| !name.contains("password"))
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();

    let response = next
        .run(Request::from_parts(parts.clone(), Body::from(bytes)))
        .await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    // When to try again (a busy server, too many attempts) holds for the page as for the call.
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let body = axum::body::to_bytes(response.into_body(), forms.max_body_bytes)
        .await
        .unwrap_or_default();
    let error = serde_json::from_slice::<AppError>(&body).unwrap_or(AppError::Internal);
    let failure = FailedSubmission {
        action: parts.uri.path().to_string(),
        values,
        error,
    };

    // Render the form's page as a GET of that page, with the person's cookies, whole (not
    // streamed): the person has no JavaScript to fill in streamed parts.
    let page = page_of(parts.headers.get(header::REFERER));
    let mut get = Request::builder().method(Method::GET).uri(page);
    for name in [header::COOKIE, header::ACCEPT_LANGUAGE] {
        if let Some(value) = parts.headers.get(&name) {
            get = get.header(name, value);
        }
    }
    let Ok(get) = get.header(header::ACCEPT, "text/html").body(Body::empty()) else {
        return status.into_response();
    };
    let options = forms.state.leptos_options.clone();
    let context = forms.page_context.clone();
    let render = leptos_axum::render_app_async_with_context(
        move || {
            context();
            leptos::prelude::provide_context(failure.clone());
        },
        move || shell(options.clone()),
    );
    let mut rendered = render(get).await;
    *rendered.status_mut() = status;
    if let Some(retry_after) = retry_after {
        rendered
            .headers_mut()
            .insert(header::RETRY_AFTER, retry_after);
    }
    rendered
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_same_site_pages_are_rendered_again() {
        let page = |v: &str| page_of(Some(&HeaderValue::from_str(v).unwrap()));
        assert_eq!(
            page("http://127.0.0.1:3000/signup?next=/join/abc"),
            "/signup?next=/join/abc"
        );
        assert_eq!(page("/b/elm-road"), "/b/elm-road");
        assert_eq!(page_of(None), "/");
    }
}
