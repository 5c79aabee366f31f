//! Filling databases for the measurements through the store's own code (the same validation,
//! sequence numbers and exactly-once records a real write gets), never with hand-written SQL.

use model::{
    ids::{new_id, now_ms, BoardId, PostId, UserId},
    views::{BoardSummary, Viewer},
    Category, Mutation, MutationKind, Outcome, PostKind, Urgency,
};
use store::{Db, NewBoard, SignUp};

/// A signed-up person and their session token (for the `sb_session` cookie).
pub struct Neighbour {
    pub viewer: Viewer,
    pub token: String,
}

pub async fn neighbour(db: &Db, name: &str) -> Result<Neighbour, String> {
    let (viewer, token) = db
        .sign_up(SignUp {
            from_address: format!("bench:{name}"),
            user_id: UserId::new(),
            display_name: format!("{name} {}", &new_id()[30..]),
            password: "kettle orange bicycle lantern".into(),
        })
        .await
        .map_err(|e| format!("signing up {name}: {e}"))?;
    Ok(Neighbour {
        viewer,
        token: token.0,
    })
}

pub async fn board(db: &Db, organiser: &Neighbour, name: &str) -> Result<BoardSummary, String> {
    db.create_board(
        &organiser.viewer,
        NewBoard {
            board_id: BoardId::new(),
            name: format!("{name} {}", &new_id()[30..]),
            streets: "Elm Road, Ash Grove".into(),
            my_street: String::new(),
            house_number: "12".into(),
        },
    )
    .await
    .map_err(|e| format!("creating the board {name}: {e}"))
}

/// The `n`th made-up post: a mix of requests and offers over every category and urgency, with
/// details of a typical length, so pages and pulls carry what a real board carries.
pub fn post_mutation(board_id: &BoardId, n: usize) -> Mutation {
    let kinds = PostKind::ALL;
    let categories = Category::ALL;
    let urgencies = Urgency::ALL;
    Mutation {
        id: new_id(),
        created_at_ms: now_ms(),
        kind: MutationKind::CreatePost {
            post_id: PostId::new(),
            board_id: board_id.clone(),
            post_kind: kinds[n % kinds.len()],
            category: categories[n % categories.len()],
            title: format!("Could someone help with the shopping? (request {n})"),
            details: "I can't get to the shops this week. Milk, bread, a few tins and some \
                      fruit would be a great help; I can pay you back on the doorstep. \
                      Afternoons are best, I'm in all day."
                .into(),
            urgency: urgencies[n % urgencies.len()],
            expires_in_days: None,
            needs_vetting: false,
            share_details: false,
            confirmed_public: false,
        },
    }
}

/// Adds `count` posts to `board_id`, as `author`, each applied as a real write.
pub async fn posts(
    db: &Db,
    author: &Neighbour,
    board_id: &BoardId,
    count: usize,
) -> Result<(), String> {
    for n in 0..count {
        let outcome = db
            .apply(&author.viewer, &post_mutation(board_id, n))
            .await
            .map_err(|e| format!("adding post {n}: {e}"))?;
        if outcome != Outcome::Applied {
            return Err(format!("post {n} was not applied: {outcome:?}"));
        }
    }
    Ok(())
}

/// `person` joins `board` through a fresh invite link from its organiser, as a neighbour does.
pub async fn join(
    db: &Db,
    organiser: &Neighbour,
    person: &Neighbour,
    board: &BoardSummary,
) -> Result<(), String> {
    let code = db
        .new_invite(&organiser.viewer, &board.slug)
        .await
        .map_err(|e| format!("an invite to {}: {e}", board.name))?;
    db.join_board(&person.viewer, &code, "Elm Road", "3", "bench")
        .await
        .map(|_| ())
        .map_err(|e| format!("joining {}: {e}", board.name))
}
