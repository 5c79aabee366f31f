//! Volunteering and coordination through the whole router, on SQLite and PostgreSQL: the
//! organisers' server functions answer 401 to the signed-out and 403 to neighbours (changing
//! nothing); the volunteer form works as a plain HTML form (ticked boxes included); a
//! volunteer sees what they were asked and accepts.

mod support;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    response::Response,
    Router,
};
use model::{
    coordination::{Coordination, CoordinationPage, Task},
    ids::{new_id, now_ms, BoardId, PostId, Slug},
    refusal::{OrganiserAction, Refusal},
    views::Viewer,
    volunteer::{Availability, VolunteerChange, VolunteerProfile},
    AppError, Category, Mutation, MutationKind, Outcome, PostStatus,
};
use store::{on_both_backends, Db};
use support::{body_text, create_post, elm_road, form_post, fresh_app, send, sign_up};
use tower::ServiceExt;

/// Asha started the board (organiser); Cara joined as a neighbour and volunteers; Asha asked
/// for help with the shopping.
struct World {
    app: Router,
    db: Db,
    slug: Slug,
    board_id: BoardId,
    post_id: PostId,
    asha: (Viewer, String),
    cara: (Viewer, String),
}

async fn world(backend: store::Backend) -> World {
    let (app, db) = fresh_app(backend).await;
    let (asha, asha_token) = sign_up(&db, "Asha").await;
    let (cara, cara_token) = sign_up(&db, "Cara").await;
    let board = elm_road(&db, &asha, "12").await;
    let code: String = sqlx::query_scalar("SELECT invite_code FROM boards WHERE id = $1")
        .bind(board.id.as_str())
        .fetch_one(db.pool())
        .await
        .expect("invite code");
    db.join_board(&cara, &code, "Elm Road", "3", "test")
        .await
        .expect("join");
    let apply = |who: &Viewer, kind: MutationKind| {
        let mutation = Mutation {
            id: new_id(),
            created_at_ms: now_ms(),
            kind,
        };
        let (db, who) = (db.clone(), who.clone());
        async move {
            let outcome = db.apply(&who, &mutation).await;
            assert_eq!(outcome, Ok(Outcome::Applied));
        }
    };
    let profile = VolunteerProfile {
        skills: vec![Category::Shopping],
        other_skills: String::new(),
        availability: Availability::from_bits((1 << 21) - 1),
        max_per_week: 3,
    };
    let volunteer = VolunteerChange::SetProfile {
        board_id: board.id.clone(),
        profile,
    };
    apply(&cara, MutationKind::Volunteer(volunteer)).await;
    // Only its kind: `apply` stamps it as made now.
    let request = create_post(&board.id, "Milk and bread").kind;
    let post_id = request.post_id().cloned().expect("a new post's id");
    apply(&asha, request).await;
    World {
        app,
        db,
        slug: board.slug,
        board_id: board.id,
        post_id,
        asha: (asha, asha_token),
        cara: (cara, cara_token),
    }
}

/// A server function called as the browser's JavaScript calls it (answering in JSON), or,
/// with `html_from`, a plain form posted from that page.
async fn call(
    app: &Router,
    path: &str,
    fields: &[(&str, &str)],
    token: Option<&str>,
    html_from: Option<&str>,
) -> Response {
    send(app, form_post(path, fields, token, html_from)).await
}

async fn assignments(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM assignments")
        .fetch_one(db.pool())
        .await
        .expect("count")
}

on_both_backends! {
    async fn the_organisers_server_functions_refuse_the_signed_out_and_neighbours(backend: Backend) {
        let w = world(backend).await;
        let (asha, cara) = (w.asha.1.as_str(), w.cara.1.as_str());
        let slug = [("slug", w.slug.as_str())];

        let signed_out = call(&w.app, "/api/load_coordination", &slug, None, None).await;
        assert_eq!(signed_out.status(), StatusCode::UNAUTHORIZED);
        let neighbour = call(&w.app, "/api/load_coordination", &slug, Some(cara), None).await;
        assert_eq!(neighbour.status(), StatusCode::FORBIDDEN);
        let refused: AppError = serde_json::from_str(&body_text(neighbour).await).expect("an error");
        let organisers_only = Refusal::OrganisersOnly { action: OrganiserAction::Coordinate };
        assert_eq!(refused, AppError::Refused(organisers_only));
        let organiser = call(&w.app, "/api/load_coordination", &slug, Some(asha), None).await;
        assert_eq!(organiser.status(), StatusCode::OK);
        let page: CoordinationPage = serde_json::from_str(&body_text(organiser).await).expect("json");
        assert_eq!(page.requests.len(), 1);
        assert_eq!(page.requests[0].suggestions[0].name, "Cara");

        let cara_id = w.cara.0.user_id.to_string();
        let assign = |id: &str| {
            [
                ("id", id.to_string()),
                ("slug", w.slug.to_string()),
                ("post_id", w.post_id.to_string()),
                ("volunteer_id", cara_id.clone()),
            ]
        };
        let fields = assign(&new_id());
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (token, status) in [(None, StatusCode::UNAUTHORIZED), (Some(cara), StatusCode::FORBIDDEN)] {
            let response = call(&w.app, "/api/assign_volunteer", &fields, token, None).await;
            assert_eq!(response.status(), status);
        }
        assert_eq!(assignments(&w.db).await, 0, "refusals change nothing");

        let vetting = [
            ("id", new_id()),
            ("slug", w.slug.to_string()),
            ("vetting_id", new_id()),
            ("board_id", w.board_id.to_string()),
            ("volunteer_id", cara_id.clone()),
            ("kind", "DBS check".into()),
            ("expires_on", String::new()),
        ];
        let vetting: Vec<(&str, &str)> = vetting.iter().map(|(k, v)| (*k, v.as_str())).collect();
        for (token, status) in [(None, StatusCode::UNAUTHORIZED), (Some(cara), StatusCode::FORBIDDEN)] {
            let response = call(&w.app, "/api/record_vetting", &vetting, token, None).await;
            assert_eq!(response.status(), status);
        }

        // Asha asks Cara, as a plain form: to the coordination page again.
        let page = format!("/b/{}/coordinate", w.slug);
        let response = call(&w.app, "/api/assign_volunteer", &fields, Some(asha), Some(&page)).await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(response.headers()[header::LOCATION], page.as_str());
        assert_eq!(assignments(&w.db).await, 1);

        // The coordination page itself: the organiser's, never a neighbour's.
        let get = |token: &str| {
            Request::get(page.as_str())
                .header(header::COOKIE, format!("sb_session={token}"))
                .header(header::ACCEPT, "text/html")
                .body(Body::empty())
                .expect("request")
        };
        let html = w.app.clone().oneshot(get(asha)).await.expect("page");
        assert_eq!(html.status(), StatusCode::OK);
        let html = body_text(html).await;
        assert!(html.contains("Asked Cara: waiting for an answer."), "{html}");
        let refused = w.app.clone().oneshot(get(cara)).await.expect("page");
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    }
}

on_both_backends! {
    async fn the_volunteer_form_works_without_javascript_and_the_volunteer_accepts(backend: Backend) {
        let w = world(backend).await;
        let cara = w.cara.1.as_str();
        let page = format!("/b/{}/volunteer", w.slug);
        let id = new_id();
        let mut form = vec![
            ("id", id.as_str()),
            ("board_id", w.board_id.as_str()),
            ("slug", w.slug.as_str()),
            ("other_skills", "I drive"),
            ("max_per_week", "2"),
        ];

        // Nothing ticked: the page again, saying what to fix.
        let response = call(&w.app, "/api/save_volunteer", &form, Some(cara), Some(&page)).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(response).await;
        assert!(html.contains("Tick at least one kind of help you can give."), "{html}");
        assert!(html.contains(r#"value="I drive""#), "what was typed is kept: {html}");

        form.extend([("skills[lifts]", "on"), ("skills[pets]", "on"), ("slots[sat_morning]", "on")]);
        let response = call(&w.app, "/api/save_volunteer", &form, Some(cara), Some(&page)).await;
        assert!(response.status().is_redirection(), "{}", response.status());
        let offer = w.db.volunteer_page(&w.cara.0, &w.slug).await.expect("page");
        let profile = offer.profile.expect("saved");
        assert_eq!(profile.skills, [Category::Lifts, Category::Pets]);
        assert_eq!((profile.availability.summary().as_str(), profile.max_per_week), ("Sat morning", 2));

        // Asked by Asha, Cara sees the task and accepts it.
        let asked = Mutation {
            id: new_id(),
            created_at_ms: now_ms(),
            kind: MutationKind::Coordinate(Coordination::Assign {
                post_id: w.post_id.clone(),
                volunteer_id: w.cara.0.user_id.clone(),
            }),
        };
        assert_eq!(w.db.apply(&w.asha.0, &asked).await, Ok(Outcome::Applied));
        let response = call(&w.app, "/api/my_tasks", &[], Some(cara), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        let tasks: Vec<Task> = serde_json::from_str(&body_text(response).await).expect("json");
        assert_eq!(tasks.len(), 1);
        let answer = [("id", new_id()), ("post_id", w.post_id.to_string()), ("answer", "accept".into())];
        let answer: Vec<(&str, &str)> = answer.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = call(&w.app, "/api/answer_task", &answer, Some(cara), Some("/tasks")).await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(response.headers()[header::LOCATION], format!("/p/{}", w.post_id).as_str());
        let post = w.db.post_detail(&w.asha.0, &w.post_id).await.expect("post");
        assert_eq!(post.card.status, PostStatus::Claimed);
        assert_eq!(post.card.claimed_by_name.as_deref(), Some("Cara"));
    }
}
