//! Writing a post on a board: asking for help, offering it, or (organisers) a notice. Also
//! what this and the board and post pages show when they cannot load.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_params_map, use_query_map},
};

use crate::{
    api::{boards::load_board, posts::CreatePost},
    components::{
        form::{
            invalid, outbox_form_error, typed_value, ErrorSummary, FieldMessage, FormError,
            HiddenId, TextField,
        },
        outbox_form::{AfterQueued, OutboxForm, ReadForm},
        LoadProblem,
    },
    offline::use_sync,
};

use model::{
    form_writes::PostForm,
    ids::{new_id, now_ms, BoardId, PostId, Slug},
    validate::{self, DETAILS_MAX, EXPIRY_CHOICES, TITLE_MAX},
    views::BoardSummary,
    AppError, Category, Mutation, PostKind, Urgency,
};

/// The urgency chosen until the person picks another.
const DEFAULT_URGENCY: Urgency = Urgency::ThisWeek;

/// `/b/:slug/new?kind=request|offer|notice`: the form for a new post on the board.
#[component]
pub fn ComposePage() -> impl IntoView {
    let params = use_params_map();
    let sync = use_sync();
    let slug =
        Memo::new(move |_| params.with(|p| p.get("slug").map(Slug::from).unwrap_or_default()));
    let board = Resource::new(
        move || slug.get(),
        |slug| load_board(slug, None, None, None, None),
    );
    view! {
        <Title text="Ask or offer" />
        <h1>"Ask or offer"</h1>
        <Suspense fallback=|| view! { <p>"Loading the form…"</p> }>
            {move || {
                // With no signal, the board as kept on the phone is enough to write a post.
                board
                    .get()
                    .map(|result| match (result, sync.board(&slug.get())) {
                        (Ok(page), _) => view! { <ComposeForm board=page.board /> }.into_any(),
                        (Err(_), Some(local)) => {
                            view! { <ComposeForm board=local.board /> }.into_any()
                        }
                        (Err(error), None) => view! { <LoadProblem error /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn ComposeForm(board: BoardSummary) -> impl IntoView {
    // Never dispatched: it carries the failure of a plain (no-JavaScript) post of the form.
    let action = ServerAction::<CreatePost>::new();
    let found_here = RwSignal::new(None::<AppError>);
    let error = outbox_form_error(found_here, action);
    let (id, post_id) = (RwSignal::new(new_id()), RwSignal::new(new_id()));
    let navigate = use_navigate();
    let read: ReadForm = Box::new(|fields| {
        let kind = PostForm {
            post_id: &PostId::from(fields.get("post_id")),
            board_id: &BoardId::from(fields.get("board_id")),
            post_kind: &fields.get("post_kind"),
            category: &fields.get("category"),
            title: &fields.get("title"),
            details: &fields.get("details"),
            urgency: &fields.get("urgency"),
            expires_in_days: Some(&fields.get("expires_in_days")),
            needs_vetting: Some(&fields.get("needs_vetting")),
            share_details: Some(&fields.get("share_details")),
            confirm_public: Some(&fields.get("confirm_public")),
        }
        .to_mutation()?;
        Ok(Mutation {
            id: fields.get("id"),
            created_at_ms: now_ms(),
            kind,
        })
    });
    // To the new post's page, shown from the phone until the server has it.
    let after: AfterQueued = Box::new(move |mutation| {
        id.set(new_id());
        post_id.set(new_id());
        if let Some(new_post) = mutation.kind.post_id() {
            navigate(&format!("/p/{new_post}"), Default::default());
        }
    });
    let BoardSummary {
        id: board_id,
        slug,
        name,
        role,
        ..
    } = board;
    let (board_href, board_link_text) = (format!("/b/{slug}"), name.clone());
    let kinds: Vec<PostKind> = PostKind::ALL
        .iter()
        .copied()
        .filter(|kind| *kind != PostKind::Notice || role.is_organiser())
        .collect();
    // After a failed post without JavaScript, the page comes back with what was chosen.
    let typed = |field: &str| typed_value(field).unwrap_or_default();
    let wanted_kind = use_query_map()
        .with_untracked(|q| q.get("kind"))
        .unwrap_or_default();
    let chosen_kind = [typed("post_kind"), wanted_kind]
        .iter()
        .find_map(|name| PostKind::parse(name).filter(|kind| kinds.contains(kind)))
        .unwrap_or(PostKind::Request);
    let chosen_urgency = Urgency::parse(&typed("urgency")).unwrap_or(DEFAULT_URGENCY);
    let (chosen_category, chosen_expiry) = (typed("category"), typed("expires_in_days"));
    view! {
        <p>"On " <A href=board_href exact=true>{board_link_text}</A></p>
        <OutboxForm
            action={<CreatePost as ServerFn>::PATH}
            class="form compose-form"
            error=found_here
            read
            after
        >
            <ErrorSummary error=error />
            <FieldMessage name="id" error=error />
            <HiddenId name="id" value=id />
            <HiddenId name="post_id" value=post_id />
            <input type="hidden" name="board_id" value=board_id.into_string() />
            <fieldset class="choices" aria-describedby="post_kind-error">
                <legend>"What is this?"</legend>
                {kinds
                    .into_iter()
                    .map(|kind| {
                        let label = kind_choice_label(kind);
                        let checked = kind == chosen_kind;
                        view! { <Choice name="post_kind" value=kind.as_str() label checked /> }
                    })
                    .collect_view()}
                <FieldMessage name="post_kind" error=error />
            </fieldset>
            <div class="field">
                <label for="category">"Category"</label>
                <select
                    id="category"
                    name="category"
                    aria-describedby="category-error"
                    aria-invalid=invalid(error, "category")
                >
                    <option value="">"Choose one"</option>
                    {Category::ALL
                        .iter()
                        .map(|c| {
                            let selected = c.as_str() == chosen_category;
                            view! {
                                <option value=c.as_str() selected=selected>
                                    {c.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
                <FieldMessage name="category" error=error />
            </div>
            <TextField
                name="title"
                check=validate::title
                label="Title"
                hint="A few words, e.g. \"Milk and bread from the corner shop\""
                maxlength=TITLE_MAX
                required=true
                error=error
            />
            <DetailsField error=error />
            <ConfirmPublic error=error ticked=!typed("confirm_public").is_empty() />
            <fieldset class="choices" aria-describedby="urgency-error">
                <legend>"How soon?"</legend>
                {Urgency::ALL
                    .iter()
                    .map(|u| {
                        let checked = *u == chosen_urgency;
                        view! { <Choice name="urgency" value=u.as_str() label=u.label() checked /> }
                    })
                    .collect_view()}
                <FieldMessage name="urgency" error=error />
            </fieldset>
            <div class="choice">
                <input
                    type="checkbox"
                    id="needs_vetting"
                    name="needs_vetting"
                    aria-describedby="needs_vetting-hint"
                    checked=!typed("needs_vetting").is_empty()
                />
                <label for="needs_vetting">"Needs a vetted volunteer"</label>
            </div>
            <p class="hint" id="needs_vetting-hint">
                "For requests where the helper should have been checked, for example with a DBS "
                "check: only a vetted volunteer will be able to help."
            </p>
            <div class="choice">
                <input
                    type="checkbox"
                    id="share_details"
                    name="share_details"
                    aria-describedby="share_details-hint"
                    checked=!typed("share_details").is_empty()
                />
                <label for="share_details">"Share my details with whoever takes this on"</label>
            </div>
            <p class="hint" id="share_details-hint">
                "For requests. Otherwise you accept each helper first: until you do, they see "
                "only your street, never your house number or phone."
            </p>
            <div class="field">
                <label for="expires_in_days">"Expires"</label>
                <p class="hint" id="expires_in_days-hint">
                    "If nobody has taken it up by then, it leaves the board."
                </p>
                <select
                    id="expires_in_days"
                    name="expires_in_days"
                    aria-describedby="expires_in_days-hint expires_in_days-error"
                    aria-invalid=invalid(error, "expires_in_days")
                >
                    <option value="">"No expiry"</option>
                    {EXPIRY_CHOICES
                        .iter()
                        .map(|days| {
                            let (value, label) = (days.to_string(), expiry_label(*days));
                            let selected = value == chosen_expiry;
                            view! { <option value=value selected=selected>{label}</option> }
                        })
                        .collect_view()}
                </select>
                <FieldMessage name="expires_in_days" error=error />
            </div>
            <button type="submit" class="button">
                "Post to "
                {name}
            </button>
        </OutboxForm>
    }
}

/// The free-text details, with the reminder to keep the house number private.
#[component]
fn DetailsField(error: FormError) -> impl IntoView {
    view! {
        <div class="field">
            <label for="details">"Details (optional)"</label>
            <p class="hint" id="details-hint">
                "Anything that helps. "
                "Don't write your house number: only the neighbour who helps will see it."
            </p>
            <textarea
                id="details"
                name="details"
                rows="5"
                maxlength=DETAILS_MAX.to_string()
                aria-describedby="details-hint details-error"
                aria-invalid=invalid(error, "details")
            >
                {typed_value("details")}
            </textarea>
            <FieldMessage name="details" error=error />
        </div>
    }
}

/// One radio button with its label.
#[component]
fn Choice(
    name: &'static str,
    value: &'static str,
    label: &'static str,
    checked: bool,
) -> impl IntoView {
    let id = format!("{name}-{value}");
    view! {
        <div class="choice">
            <input type="radio" id=id.clone() name=name value=value checked=checked />
            <label for=id>{label}</label>
        </div>
    }
}

fn kind_choice_label(kind: PostKind) -> &'static str {
    match kind {
        PostKind::Request => "I'm asking for help",
        PostKind::Offer => "I'm offering help",
        PostKind::Notice => "A notice for everyone on the board",
    }
}

/// "In 3 days", "In 1 week".
fn expiry_label(days: u32) -> String {
    match days {
        1 => "In 1 day".to_string(),
        7 => "In 1 week".to_string(),
        d if d % 7 == 0 => format!("In {} weeks", d / 7),
        d => format!("In {d} days"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiry_choices_read_naturally() {
        let labels: Vec<String> = EXPIRY_CHOICES.iter().map(|d| expiry_label(*d)).collect();
        assert_eq!(
            labels,
            [
                "In 1 day",
                "In 3 days",
                "In 1 week",
                "In 2 weeks",
                "In 30 days"
            ]
        );
    }
}

/// Where a post seems to give a house or phone number away: the server's (or the browser's,
/// the same rule) word on it, and the box that posts it as it is. Shown only then, or when the
/// box was ticked on a form that came back.
#[component]
fn ConfirmPublic(error: FormError, ticked: bool) -> impl IntoView {
    let asked = move || {
        ticked
            || error.with(|e| {
                e.as_ref()
                    .is_some_and(|e| e.field_message("confirm_public").is_some())
            })
    };
    view! {
        <FieldMessage name="confirm_public" error=error />
        {move || {
            asked()
                .then(|| {
                    view! {
                        <div class="choice">
                            <input
                                type="checkbox"
                                id="confirm_public"
                                name="confirm_public"
                                aria-describedby="confirm_public-error"
                                checked=ticked
                            />
                            <label for="confirm_public">
                                "Post it as it is: everyone on the board may read it"
                            </label>
                        </div>
                    }
                })
        }}
    }
}
