//! Server functions: what pages call, and where plain HTML forms post. Each is thin: find who
//! is asking, call one `store::Db` method, answer (or redirect, so a form post without
//! JavaScript lands on the right page).

pub mod auth;
pub mod boards;
pub mod moderation;
pub mod posts;
#[cfg(feature = "ssr")]
pub mod server;
pub mod volunteers;

#[cfg(test)]
mod tests {
    use leptos::server_fn::error::FromServerFnError;
    use model::AppError;

    #[test]
    fn a_refusal_reaches_the_page_as_it_left_the_server() {
        let error = AppError::field("title", "The title needs at least 3 characters.");
        let back = AppError::de(error.ser());
        assert_eq!(back, error);
        assert_eq!(back.status(), 422);
    }
}
