//! Moderation and the export through the whole router, on SQLite and PostgreSQL: the CSV of
//! requests (header, rows, no names, titles, phones, streets or ids; organisers only, 403 for
//! others, 401 signed out), the moderation page (organisers only, never cached), and a report
//! and a hide made with plain forms, as a browser without JavaScript sends them.

mod support;

use axum::{
    body::Body,
    http::{header, Request, StatusCode},
    response::Response,
    Router,
};
use model::{
    ids::{new_id, BoardId, PostId, Slug},
    views::{Profile, Viewer},
    Mutation, MutationKind, Outcome, PostKind,
};
use store::{on_both_backends, Db, CSV_HEADER};
use support::{body_text, elm_road, fresh_app, header_of, send, sign_up, with_session};

/// A person and their session token.
type Person = (Viewer, String);

struct World {
    app: Router,
    slug: Slug,
    asha: Person,
    ben: Person,
    cara: Person,
    /// Signed up, not on the board.
    olu: Person,
    /// Ben's request that Cara helped with.
    milk: String,
}

async fn person(db: &Db, name: &str, phone: &str) -> Person {
    let (viewer, token) = sign_up(db, name).await;
    let profile = Profile {
        display_name: name.into(),
        phone: phone.into(),
        email: format!("{}@example.org", name.to_lowercase()),
    };
    db.update_profile(&viewer, profile).await.expect("profile");
    (viewer, token)
}

async fn apply(db: &Db, who: &Viewer, kind: MutationKind) {
    let mutation = Mutation {
        id: new_id(),
        created_at_ms: 0,
        kind,
    };
    assert_eq!(db.apply(who, &mutation).await, Ok(Outcome::Applied));
}

async fn post(db: &Db, who: &Viewer, board_id: &BoardId, kind: PostKind, title: &str) -> String {
    let post_id = new_id();
    // From its wire form, so fields added later with defaults need no change here.
    let create: MutationKind = serde_json::from_value(serde_json::json!({
        "kind": "create_post",
        "payload": {
            "post_id": post_id, "board_id": board_id, "post_kind": kind, "category": "prescriptions",
            "title": title, "details": "Ring the bell at Flat 9B, the code is 4471.",
            "urgency": "today", "expires_in_days": null,
            // Ben posts his flat and door code as they are, told and ticked: what is written
            // must still never reach the export.
            "confirmed_public": true,
        },
    }))
    .expect("a new post");
    apply(db, who, create).await;
    post_id
}

/// Asha's board; Ben (Flat 9B) asks twice and offers once; Cara helps with his first request.
async fn world(backend: store::Backend) -> World {
    let (app, db) = fresh_app(backend).await;
    let asha = person(&db, "Asha", "07700 900456").await;
    let board = elm_road(&db, &asha.0, "14").await;
    let page = db
        .board_page(&asha.0, &board.slug, &Default::default())
        .await;
    let code = page.expect("board page").invite_code.expect("code");
    let (ben, cara) = (
        person(&db, "Ben", "07700 900123").await,
        person(&db, "Cara", "07700 900789").await,
    );
    for (who, house) in [(&ben, "Flat 9B"), (&cara, "3")] {
        db.join_board(&who.0, &code, "Elm Road", house, "test")
            .await
            .expect("join");
    }
    let olu = person(&db, "Olu", "07700 900000").await;
    let milk = post(
        &db,
        &ben.0,
        &board.id,
        PostKind::Request,
        "Tesco milk for Ben",
    )
    .await;
    post(
        &db,
        &ben.0,
        &board.id,
        PostKind::Request,
        "Boots prescription",
    )
    .await;
    post(&db, &ben.0, &board.id, PostKind::Offer, "Spare ladder").await;
    let on = |post_id: &str| PostId::from(post_id);
    apply(&db, &cara.0, MutationKind::Claim { post_id: on(&milk) }).await;
    apply(&db, &cara.0, MutationKind::MarkDone { post_id: on(&milk) }).await;
    World {
        app,
        slug: board.slug,
        asha,
        ben,
        cara,
        olu,
        milk,
    }
}

async fn get(app: &Router, path: &str, token: Option<&str>) -> Response {
    let request = with_session(Request::get(path), token)
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .expect("request");
    send(app, request).await
}

/// A plain HTML form post from `from_page`, as a browser without JavaScript sends it.
async fn form_post(
    app: &Router,
    path: &str,
    from_page: &str,
    fields: &[(&str, &str)],
    token: &str,
) -> Response {
    let request = support::form_post(path, fields, Some(token), Some(from_page));
    send(app, request).await
}

on_both_backends! {
    async fn organisers_download_the_requests_without_personal_data(backend: Backend) {
        let w = world(backend).await;
        let path = format!("/b/{}/export.csv", w.slug);
        let response = get(&w.app, &path, Some(&w.asha.1)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "text/csv; charset=utf-8");
        let disposition = header_of(&response, header::CONTENT_DISPOSITION);
        let filename = format!("attachment; filename=\"{}-requests-", w.slug);
        assert!(disposition.starts_with(&filename) && disposition.ends_with(".csv\""), "{disposition}");
        assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-store");
        let csv = body_text(response).await;

        let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0], CSV_HEADER);
        assert_eq!(lines.len(), 3, "the two requests, not the offer: {csv}");
        let done: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(done.len(), 8);
        assert_eq!(&done[1..4], ["Prescriptions", "Today", "done"]);
        assert!(!done[4].is_empty() && !done[5].is_empty() && done[7].parse::<f64>().is_ok());
        let open: Vec<&str> = lines[2].split(',').collect();
        assert_eq!((open[3], open[4], open[7]), ("open", "", ""));

        let people = [&w.asha, &w.ben, &w.cara];
        let mut never = vec!["Tesco", "milk", "Boots", "ladder", "9B", "4471", "07700", "example.org", "Elm Road"];
        never.extend(people.iter().map(|p| p.0.display_name.as_str()));
        never.extend(people.iter().map(|p| p.0.user_id.as_str()));
        never.push(w.milk.as_str());
        for word in never {
            assert!(!csv.contains(word), "the export must not contain {word:?}: {csv}");
        }
    }
}

on_both_backends! {
    async fn only_organisers_may_export(backend: Backend) {
        let w = world(backend).await;
        let path = format!("/b/{}/export.csv", w.slug);
        for (who, status) in [
            (Some(w.ben.1.as_str()), StatusCode::FORBIDDEN),
            (Some(w.olu.1.as_str()), StatusCode::FORBIDDEN),
            (Some("not-a-session"), StatusCode::UNAUTHORIZED),
            (None, StatusCode::UNAUTHORIZED),
        ] {
            let response = get(&w.app, &path, who).await;
            assert_eq!(response.status(), status, "{who:?}");
            assert!(header_of(&response, header::CONTENT_DISPOSITION).is_empty());
            let body = body_text(response).await;
            assert!(!body.contains("Prescriptions"), "{body}");
        }
    }
}

on_both_backends! {
    async fn the_moderation_page_is_for_organisers_and_never_kept(backend: Backend) {
        let w = world(backend).await;
        let path = format!("/b/{}/moderate", w.slug);
        let response = get(&w.app, &path, Some(&w.asha.1)).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-store");
        let page = body_text(response).await;
        assert!(page.contains("Reports and moderation") && page.contains("No open reports."));
        assert!(!page.contains("Flat 9B") && !page.contains("07700"), "no house numbers or phones");
        for (who, status) in [(Some(w.ben.1.as_str()), StatusCode::FORBIDDEN), (None, StatusCode::UNAUTHORIZED)] {
            let response = get(&w.app, &path, who).await;
            assert_eq!(response.status(), status);
            assert!(!body_text(response).await.contains("Remove Cara"));
        }
    }
}

on_both_backends! {
    async fn a_plain_form_report_reaches_the_organisers_and_a_hidden_post_is_not_found(backend: Backend) {
        let w = world(backend).await;
        let post_page = format!("/p/{}", w.milk);
        let report = [
            ("id", new_id()),
            ("report_id", new_id()),
            ("post_id", w.milk.clone()),
            ("reason", "private_details".to_string()),
            ("note", "It has his door code".to_string()),
        ];
        let fields: Vec<(&str, &str)> = report.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = form_post(&w.app, "/api/report_post", &post_page, &fields, &w.cara.1).await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(header_of(&response, header::LOCATION), format!("{post_page}?reported=1"));
        let thanks = body_text(get(&w.app, &format!("{post_page}?reported=1"), Some(&w.cara.1)).await).await;
        assert!(thanks.contains("Thank you. The board's organisers will look at this post"));

        // No reason ticked: the page again, with the message, and nothing sent.
        let (id, report_id) = (new_id(), new_id());
        let bare = [("id", id.as_str()), ("report_id", report_id.as_str()), ("post_id", w.milk.as_str()), ("note", "")];
        let response = form_post(&w.app, "/api/report_post", &post_page, &bare, &w.asha.1).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(response).await.contains("Choose what is wrong from the list."));

        let moderate = format!("/b/{}/moderate", w.slug);
        let page = body_text(get(&w.app, &moderate, Some(&w.asha.1)).await).await;
        for words in ["Tesco milk for Ben", "private details", "It has his door code", "Reported by Cara"] {
            assert!(page.contains(words), "{words}");
        }

        let id = new_id();
        let hide = [("id", id.as_str()), ("post_id", w.milk.as_str()), ("action", "hide"), ("reason", "Door code"), ("slug", w.slug.as_str()), ("back", "moderate")];
        let response = form_post(&w.app, "/api/moderate_post", &moderate, &hide, &w.asha.1).await;
        assert!(response.status().is_redirection(), "{}", response.status());
        assert_eq!(header_of(&response, header::LOCATION), moderate);

        for who in [&w.ben, &w.cara] {
            assert_eq!(get(&w.app, &post_page, Some(&who.1)).await.status(), StatusCode::NOT_FOUND);
        }
        let organisers = body_text(get(&w.app, &post_page, Some(&w.asha.1)).await).await;
        assert!(organisers.contains("only organisers can see this post"));
        let page = body_text(get(&w.app, &moderate, Some(&w.asha.1)).await).await;
        assert!(page.contains("No open reports.") && page.contains("Hid a post") && page.contains("Door code"));
        // A hidden request leaves the export too.
        let csv = body_text(get(&w.app, &format!("/b/{}/export.csv", w.slug), Some(&w.asha.1)).await).await;
        assert_eq!(csv.split("\r\n").filter(|l| !l.is_empty()).count(), 2);
    }
}
