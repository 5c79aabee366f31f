//! Form pieces shared by every page: labelled fields with their error messages, the error
//! summary, and the id a form's write travels under.

use leptos::{prelude::*, server_fn::ServerFn};
use serde::{Deserialize, Serialize};

use model::{ids::new_id, AppError};

use crate::words::problem;

/// A validator from `model::validate`: `Err` holds the message that says what to fix.
pub type FieldCheck = fn(&str) -> Result<(), String>;

/// The error of a form's last submission, if it failed.
pub type FormError = Signal<Option<AppError>>;

/// A form posted without JavaScript that failed. The server renders the page the form was on
/// again with this in context, so the person sees what to fix with what they typed kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedSubmission {
    /// The server function's path the form posted to.
    pub action: String,
    /// What was typed (never passwords).
    pub values: Vec<(String, String)>,
    pub error: AppError,
}

/// The failed submission this page was rendered for, if any (see `provide_failed_submission`).
#[derive(Clone, Debug, Default)]
struct FailedSubmissionOnPage(Option<FailedSubmission>);

/// Makes a failed plain-form submission available to the page's forms. Called once by the
/// root component; the value travels to the browser so hydration sees the same page.
pub fn provide_failed_submission() {
    let shared = SharedValue::new(use_context::<FailedSubmission>);
    provide_context(FailedSubmissionOnPage(shared.into_inner()));
}

fn failed_submission() -> Option<FailedSubmission> {
    use_context::<FailedSubmissionOnPage>().and_then(|f| f.0)
}

/// What was typed into `field` before a failed plain-form submission.
pub fn typed_value(field: &str) -> Option<String> {
    failed_submission()?
        .values
        .into_iter()
        .find(|(name, _)| name == field)
        .map(|(_, value)| value)
}

/// The last result of `action` as a form error (or the failure the page was rendered for).
pub fn form_error<I, O>(action: ServerAction<I>) -> FormError
where
    I: ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let rendered_for = failed_submission()
        .filter(|f| f.action == I::PATH)
        .map(|f| f.error);
    Signal::derive(move || match action.value().get() {
        Some(result) => result.err(),
        None => rendered_for.clone(),
    })
}

/// A fresh mutation id for a form, renewed after each submission so the next write is new
/// while a repeated submit of the same one is recognised (exactly once).
pub fn use_fresh_id<I, O>(action: ServerAction<I>) -> Signal<String>
where
    I: ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let id = RwSignal::new(new_id());
    Effect::new(move |previous: Option<usize>| {
        let version = action.version().get();
        if previous.is_some_and(|p| p != version) {
            id.set(new_id());
        }
        version
    });
    id.into()
}

/// A hidden input carrying `value`, kept current after hydration.
#[component]
pub fn HiddenId(#[prop(into)] name: String, #[prop(into)] value: Signal<String>) -> impl IntoView {
    view! { <input type="hidden" name=name prop:value=value value=value.get_untracked() /> }
}

/// The summary at the top of a form: what went wrong overall, announced to screen readers.
#[component]
pub fn ErrorSummary(error: FormError) -> impl IntoView {
    move || {
        error.get().map(|e| {
            view! {
                <div class="error-summary" role="alert" tabindex="-1">
                    <p>{problem(&e)}</p>
                </div>
            }
        })
    }
}

/// The message for one field, linked to the field by `aria-describedby="{name}-error"`.
#[component]
pub fn FieldMessage(#[prop(into)] name: String, error: FormError) -> impl IntoView {
    let id = format!("{name}-error");
    let message = Signal::derive(move || {
        error
            .get()
            .and_then(|e| e.field_message(&name).map(str::to_string))
    });
    view! {
        <p class="field-error" id=id hidden=move || message.get().is_none()>
            {move || message.get()}
        </p>
    }
}

/// A labelled text input with its hint and error message.
#[component]
pub fn TextField(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    error: FormError,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] input_type: Option<String>,
    #[prop(optional, into)] autocomplete: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    /// The same validator the server runs, checked in the browser as the person leaves the
    /// field, so they hear about a mistake before sending.
    #[prop(optional)]
    check: Option<FieldCheck>,
) -> impl IntoView {
    let value = value.or_else(|| typed_value(&name));
    let checked = RwSignal::new(None::<String>);
    let field_name = name.clone();
    // The server's word (after a submission) wins; otherwise what the browser found.
    let error: FormError = Signal::derive(move || {
        let from_server = error
            .get()
            .filter(|e| e.field_message(&field_name).is_some());
        from_server.or_else(|| checked.get().map(|m| AppError::field(&field_name, m)))
    });
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(check) = check {
            checked.set(check(&event_target_value(&ev)).err());
        }
    };
    let invalid = move || error.get().is_some();
    let hint_id = hint.as_ref().map(|_| format!("{name}-hint"));
    let described_by = [hint_id.clone(), Some(format!("{name}-error"))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <div class="field">
            <label for=name.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=name.clone()
                name=name.clone()
                type=input_type.unwrap_or_else(|| "text".into())
                autocomplete=autocomplete
                value=value
                required=required
                maxlength=maxlength.map(|m| m.to_string())
                aria-invalid=move || invalid().then_some("true")
                aria-describedby=described_by
                on:change=on_change
            />
            <FieldMessage name=name error=error />
        </div>
    }
}

/// The private house number (or name) a member gives when starting or joining a board.
#[component]
pub fn HouseNumberField(error: FormError) -> impl IntoView {
    view! {
        <TextField
            name="house_number"
            check=model::validate::house_number
            label="Your house number or name (private)"
            hint="Only a neighbour who is helping you will see it."
            maxlength=model::validate::HOUSE_NUMBER_MAX
            error=error
        />
    }
}

/// A form sent through the outbox: the mistake found in the browser (`found_here`), else the
/// failure this page was rendered for after a plain post of the same form (`action`).
pub fn outbox_form_error<I, O>(
    found_here: RwSignal<Option<AppError>>,
    action: ServerAction<I>,
) -> FormError
where
    I: ServerFn<Output = O, Error = AppError> + Clone + Send + Sync + 'static,
    O: Clone + Send + Sync + 'static,
{
    let rendered = form_error(action);
    Signal::derive(move || found_here.get().or_else(|| rendered.get()))
}

/// `aria-invalid` for a field the form's last error has a message for.
pub fn invalid(error: FormError, field: &'static str) -> impl Fn() -> Option<&'static str> {
    move || {
        error
            .get()
            .and_then(|e| e.field_message(field).map(|_| "true"))
    }
}

/// Counts the times `action` succeeded, so a page can reload its data after each write.
pub fn successes<S>(action: ServerAction<S>) -> Signal<usize>
where
    S: leptos::server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    let count = RwSignal::new(0);
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            count.update(|n| *n += 1);
        }
    });
    count.into()
}

/// An action's error in words: the field's own message when it is about a (hidden) field.
pub fn problem_text(error: &AppError) -> String {
    match error {
        AppError::Invalid(fields) => fields
            .0
            .first()
            .map(|(_, message)| message.clone())
            .unwrap_or_else(|| problem(error)),
        other => problem(other),
    }
}
