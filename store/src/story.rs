//! The one set of story builders for every test above the model (the store's and the HTTP
//! tests): people, a street's board with its members, posts and mutations in one line each, so
//! each test reads as the story it checks.

use crate::{Backend, Db, NewBoard, SignUp};
use model::{
    ids::{new_id, now_ms, BoardId, PostId, UserId},
    views::{BoardFilter, BoardSummary, PostDetail, Viewer},
    AppError, Category, Mutation, MutationKind, Outcome, PostKind, Urgency,
};

/// A password that passes every check (long, not common, no name in it).
pub const PASSWORD: &str = "kettle orange bicycle";

/// Signs someone up: who they are, and their session token (for tests that send requests as
/// them). Each call hashes a password once (argon2, slow in debug builds), so tests make only
/// the people they need.
pub async fn sign_up(db: &Db, name: &str) -> (Viewer, String) {
    let (user_id, display_name, password) = (UserId::new(), name.into(), PASSWORD.into());
    let form = SignUp {
        // An address of each person's own, so a story may have as many people as it needs.
        from_address: format!("story:{name}"),
        user_id,
        display_name,
        password,
    };
    let (viewer, session) = db.sign_up(form).await.expect("sign up");
    (viewer, session.0)
}

/// Tries to sign `name` up with `password`, from an address of the name's own: for tests of
/// what sign-up refuses.
pub async fn try_sign_up(db: &Db, name: &str, password: &str) -> Result<Viewer, AppError> {
    let form = SignUp {
        user_id: UserId::new(),
        display_name: name.to_string(),
        password: password.to_string(),
        from_address: format!("test:{name}"),
    };
    db.sign_up(form).await.map(|(viewer, _session)| viewer)
}

/// Signs someone up, for tests that act as them straight through the store.
pub async fn person(db: &Db, name: &str) -> Viewer {
    sign_up(db, name).await.0
}

/// An account as a server from before `model::names` left it: its name stored as typed, even
/// with characters sign-up now refuses or one that looks like another's, under the old key
/// (lower case, spaces made one) and with no likeness yet. Running `Db::migrate` again, as the
/// next start does, keys it anew. Its password is `PASSWORD`.
pub async fn account_from_before(db: &Db, name: &str) -> Viewer {
    let viewer = Viewer {
        user_id: UserId::new(),
        display_name: name.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    let hash = crate::password::hash(&db.hashing, PASSWORD.into())
        .await
        .expect("hash");
    sqlx::query(
        "INSERT INTO users (id, display_name, name_key, password_hash, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(viewer.user_id.as_str())
    .bind(&viewer.display_name)
    .bind(crate::accounts::key_before_unicode_names(name))
    .bind(&hash.0)
    .bind(now_ms())
    .execute(db.pool())
    .await
    .expect("an account from before");
    viewer
}

/// Elm Road, one street, started by `organiser`, who lives at `house_number`.
pub async fn elm_road(db: &Db, organiser: &Viewer, house_number: &str) -> BoardSummary {
    let form = NewBoard {
        board_id: BoardId::new(),
        name: "Elm Road".into(),
        streets: "Elm Road".into(),
        my_street: String::new(),
        house_number: house_number.into(),
    };
    db.create_board(organiser, form).await.expect("board")
}

/// The board's current invite code, as its organiser's board page shows it.
pub async fn invite_code(db: &Db, organiser: &Viewer, board: &BoardSummary) -> String {
    let page = db
        .board_page(organiser, &board.slug, &BoardFilter::default())
        .await;
    page.expect("organiser's board page")
        .invite_code
        .expect("organisers see the code")
}

/// Joins `board` by its current invite code, on Elm Road at `house_number`.
pub async fn join(db: &Db, organiser: &Viewer, board: &BoardSummary, who: &Viewer, house: &str) {
    let code = invite_code(db, organiser, board).await;
    let slug = db
        .join_board(who, &code, "Elm Road", house, "story")
        .await
        .expect("join");
    assert_eq!(slug, board.slug);
}

/// One street's board on a fresh database: Asha started it (organiser); Ben (at number 12),
/// Cara (3) and Dev (5) joined as neighbours. In most stories Ben asks, Cara helps and Dev
/// is the neighbour who only watches.
pub struct Street {
    pub db: Db,
    pub board: BoardSummary,
    pub asha: Viewer,
    pub ben: Viewer,
    pub cara: Viewer,
    pub dev: Viewer,
}

pub async fn street(backend: Backend) -> Street {
    let db = crate::testing::fresh_db(backend).await;
    let asha = person(&db, "Asha").await;
    let form = NewBoard {
        board_id: BoardId::new(),
        name: "Elm Road & Ash Grove".into(),
        streets: "Elm Road, Ash Grove".into(),
        my_street: String::new(),
        house_number: String::new(),
    };
    let board = db.create_board(&asha, form).await.expect("create board");
    let mut neighbours = Vec::new();
    for (name, house_number) in [("Ben", "12"), ("Cara", "3"), ("Dev", "5")] {
        let neighbour = person(&db, name).await;
        join(&db, &asha, &board, &neighbour, house_number).await;
        neighbours.push(neighbour);
    }
    let [ben, cara, dev] = neighbours.try_into().expect("three neighbours");
    Street {
        db,
        board,
        asha,
        ben,
        cara,
        dev,
    }
}

/// The everyday steps of a story on the street's board, one short line each.
impl Street {
    pub async fn act(&self, who: &Viewer, kind: MutationKind) -> Result<Outcome, AppError> {
        act(&self.db, who, kind).await
    }

    /// Applies `kind` as `who`, failing the test unless it was applied.
    pub async fn applies(&self, who: &Viewer, kind: MutationKind) {
        let name = kind.name();
        let result = self.act(who, kind).await;
        assert_eq!(result, Ok(Outcome::Applied), "{} {name}", who.display_name);
    }

    pub fn new_post(&self, kind: PostKind, category: Category, title: &str) -> MutationKind {
        new_post(&self.board.id, kind, category, title)
    }

    /// Posts as `who` and returns the new post's id.
    pub async fn post(
        &self,
        who: &Viewer,
        kind: PostKind,
        category: Category,
        title: &str,
    ) -> PostId {
        let create = self.new_post(kind, category, title);
        let post_id = create.post_id().cloned().expect("a new post's id");
        self.applies(who, create).await;
        post_id
    }

    /// A request for shopping, the commonest post.
    pub async fn request(&self, who: &Viewer, title: &str) -> PostId {
        self.post(who, PostKind::Request, Category::Shopping, title)
            .await
    }

    /// The post's page as `who` sees it.
    pub async fn detail(&self, who: &Viewer, post_id: &PostId) -> PostDetail {
        self.db.post_detail(who, post_id).await.expect("post page")
    }

    /// The titles on the board page as `who` sees it with `filter`, top to bottom.
    pub async fn titles(&self, who: &Viewer, filter: BoardFilter) -> Vec<String> {
        let page = self.db.board_page(who, &self.board.slug, &filter).await;
        page.expect("board page")
            .posts
            .into_iter()
            .map(|card| card.title)
            .collect()
    }

    /// The board's change sequence: it moves exactly when something on the board changes.
    pub async fn last_seq(&self) -> i64 {
        let query = sqlx::query_scalar("SELECT last_seq FROM boards WHERE id = $1");
        query
            .bind(self.board.id.as_str())
            .fetch_one(self.db.pool())
            .await
            .expect("board row")
    }
}

/// A mutation with a fresh id, as a browser would send it.
pub fn mutation(kind: MutationKind) -> Mutation {
    Mutation {
        id: new_id(),
        created_at_ms: now_ms(),
        kind,
    }
}

/// Applies a fresh mutation of `kind` as `who`.
pub async fn act(db: &Db, who: &Viewer, kind: MutationKind) -> Result<Outcome, AppError> {
    db.apply(who, &mutation(kind)).await
}

/// `CreatePost` on `board_id` with everything but the kind, category and title fixed.
pub fn new_post(
    board_id: &BoardId,
    kind: PostKind,
    category: Category,
    title: &str,
) -> MutationKind {
    MutationKind::CreatePost {
        post_id: PostId::new(),
        board_id: board_id.clone(),
        post_kind: kind,
        category,
        title: title.to_string(),
        details: String::new(),
        urgency: Urgency::Today,
        expires_in_days: None,
        needs_vetting: false,
        share_details: false,
        confirmed_public: false,
    }
}

/// A new shopping request titled `title` on `board_id`, as a phone sends it.
pub fn create_post(board_id: &BoardId, title: &str) -> Mutation {
    mutation(new_post(
        board_id,
        PostKind::Request,
        Category::Shopping,
        title,
    ))
}

// The mutations people make about a post, by name.

pub fn claim(post_id: &PostId) -> MutationKind {
    MutationKind::Claim {
        post_id: post_id.clone(),
    }
}

/// The person whose details they are agrees to share them, on `claimant`'s claim.
pub fn share_details(post_id: &PostId, claimant: &Viewer) -> MutationKind {
    MutationKind::ShareDetails {
        post_id: post_id.clone(),
        claimant: claimant.user_id.clone(),
    }
}

pub fn release(post_id: &PostId) -> MutationKind {
    MutationKind::Release {
        post_id: post_id.clone(),
    }
}

pub fn mark_done(post_id: &PostId) -> MutationKind {
    MutationKind::MarkDone {
        post_id: post_id.clone(),
    }
}

pub fn withdraw(post_id: &PostId) -> MutationKind {
    MutationKind::Withdraw {
        post_id: post_id.clone(),
    }
}

pub fn pin(post_id: &PostId) -> MutationKind {
    MutationKind::SetPinned {
        post_id: post_id.clone(),
        pinned: true,
    }
}

pub fn remove(post_id: &PostId) -> MutationKind {
    MutationKind::Remove {
        post_id: post_id.clone(),
    }
}

/// `create` (a `CreatePost`) asking to expire after `days`.
pub fn expiring(mut create: MutationKind, days: u32) -> MutationKind {
    if let MutationKind::CreatePost {
        expires_in_days, ..
    } = &mut create
    {
        *expires_in_days = Some(days);
    }
    create
}

/// Time travel instead of waiting: moves the post's expiry into the distant past.
pub async fn backdate_expiry(db: &Db, post_id: &PostId) {
    sqlx::query("UPDATE posts SET expires_at_ms = 1 WHERE id = $1")
        .bind(post_id.as_str())
        .execute(db.pool())
        .await
        .expect("backdate expiry");
}

/// An organiser hides a post (with a reason for the log).
pub fn hide(post_id: &PostId, reason: &str) -> MutationKind {
    MutationKind::Moderate(model::moderation::Moderation::HidePost {
        post_id: post_id.clone(),
        reason: reason.into(),
    })
}

pub fn reply(post_id: &PostId, body: &str) -> MutationKind {
    let (reply_id, post_id, body) = (new_id(), post_id.clone(), body.into());
    MutationKind::Reply {
        reply_id,
        post_id,
        body,
    }
}

/// Rows in `table`; the name is always a literal in a test, never outside input.
pub async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    sqlx::query_scalar(&sql)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

/// Whether `result` is a refusal that gives nothing away: forbidden or not found.
pub fn is_refused<T>(result: &Result<T, AppError>) -> bool {
    matches!(result, Err(AppError::Refused(ref r)) if matches!(r.status(), 403 | 404))
}
