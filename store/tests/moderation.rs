//! Moderation on SQLite and PostgreSQL: reports (one open per member per post, never by the
//! author, the reporter kept from the author), hidden posts invisible to everyone but
//! organisers everywhere (board, post, my activity, pull tombstones) and back on restore,
//! removing a member (claims released, no way back in until let back), and the audit log
//! written with each organiser action, exactly once.

use model::refusal::Refusal;
use model::{
    ids::{new_id, PostId},
    moderation::{AuditAction, Moderation, ReportReason},
    views::{BoardFilter, Viewer},
    AppError, Category, MutationKind, Outcome, PostKind, PostStatus,
};
use store::on_both_backends;
use store::story::{
    self, claim, count, hide, invite_code, mark_done, mutation, pin, remove, reply, street, Street,
};

/// Log lines are ordered by time; a short pause keeps two actions made back to back from
/// sharing a millisecond, so "newest first" has one right answer.
async fn tick() {
    tokio::time::sleep(std::time::Duration::from_millis(3)).await;
}

fn restore(post_id: &PostId) -> MutationKind {
    MutationKind::Moderate(Moderation::RestorePost {
        post_id: post_id.clone(),
        reason: String::new(),
    })
}

fn report(post_id: &PostId, reason: ReportReason, note: &str) -> MutationKind {
    MutationKind::Moderate(Moderation::Report {
        report_id: new_id(),
        post_id: post_id.clone(),
        reason,
        note: note.into(),
    })
}

fn dismiss(report_id: &str) -> MutationKind {
    MutationKind::Moderate(Moderation::DismissReport {
        report_id: report_id.into(),
    })
}

fn remove_member(s: &Street, who: &Viewer, reason: &str) -> MutationKind {
    MutationKind::Moderate(Moderation::RemoveMember {
        board_id: s.board.id.clone(),
        member_id: who.user_id.clone(),
        reason: reason.into(),
    })
}

fn allow_back(s: &Street, who: &Viewer) -> MutationKind {
    MutationKind::Moderate(Moderation::AllowBack {
        board_id: s.board.id.clone(),
        member_id: who.user_id.clone(),
    })
}

fn rejected(reason: Refusal) -> Result<Outcome, AppError> {
    Ok(Outcome::Rejected { reason })
}

/// The titles on `who`'s board page (open and claimed posts).
async fn board_titles(s: &Street, who: &Viewer) -> Vec<String> {
    s.titles(who, BoardFilter::default()).await
}

/// (ids of posts sent, ids of tombstones) in `who`'s pull of the board since `cursor`.
async fn pulled(s: &Street, who: &Viewer, cursor: i64) -> (Vec<PostId>, Vec<PostId>) {
    let pull = s.db.pull(who, &s.board.id, cursor).await.expect("pull");
    let posts = pull.posts.into_iter().map(|p| p.card.id).collect();
    (posts, pull.removed)
}

/// The audit log as (who, what, post title, member, reason), newest first.
async fn log(s: &Street) -> Vec<(String, AuditAction, Option<String>, Option<String>, String)> {
    let page = s.db.moderation_page(&s.asha, &s.board.slug).await;
    page.expect("Asha's moderation page")
        .log
        .into_iter()
        .map(|e| {
            (
                e.actor_name,
                e.action,
                e.post_title,
                e.member_name,
                e.reason,
            )
        })
        .collect()
}

on_both_backends! {
    async fn a_hidden_post_vanishes_for_everyone_but_organisers(backend: Backend) {
        let s = street(backend).await;
        let milk = s.request(&s.ben, "Milk and bread").await;
        let other = s.request(&s.ben, "A lift on Friday").await;
        s.applies(&s.cara, claim(&milk)).await;
        let before = s.last_seq().await;

        s.applies(&s.asha, hide(&milk, "Phone number in the details")).await;
        assert_eq!(s.last_seq().await, before + 1, "hiding is a change to the board");

        // Board page: only the organiser still lists it, marked hidden.
        for who in [&s.ben, &s.cara, &s.dev] {
            assert_eq!(board_titles(&s, who).await, ["A lift on Friday"], "{}", who.display_name);
        }
        let page = s.db.board_page(&s.asha, &s.board.slug, &BoardFilter::default()).await;
        let cards = page.expect("Asha's board").posts;
        let card = cards.iter().find(|c| c.id == milk).expect("organisers see it");
        assert!(card.hidden);
        assert!(!cards.iter().find(|c| c.id == other).expect("listed").hidden);

        // Post page: not found for the author, the helper and the neighbour alike.
        for who in [&s.ben, &s.cara, &s.dev] {
            let result = s.db.post_detail(who, &milk).await;
            assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 404), "{}", who.display_name);
        }
        assert!(s.detail(&s.asha, &milk).await.card.hidden);

        // My activity: gone from the author's posts and the helper's list.
        let (bens, _) = s.db.my_activity(&s.ben).await.expect("Ben's activity");
        assert!(bens.iter().all(|c| c.id != milk) && bens.iter().any(|c| c.id == other));
        let (_, caras) = s.db.my_activity(&s.cara).await.expect("Cara's activity");
        assert!(caras.is_empty());

        // Pull: a tombstone for everyone but organisers, who get the post marked hidden.
        for who in [&s.ben, &s.cara, &s.dev] {
            assert_eq!(pulled(&s, who, before).await, (vec![], vec![milk.clone()]));
            let (from_scratch, removed) = pulled(&s, who, 0).await;
            assert!(!from_scratch.contains(&milk) && removed.contains(&milk));
        }
        let pull = s.db.pull(&s.asha, &s.board.id, before).await.expect("pull");
        assert!(pull.removed.is_empty());
        assert!(pull.posts.len() == 1 && pull.posts[0].card.hidden);

        // Nobody but organisers can act on it, or learn that it is there.
        for (who, kind) in [(&s.cara, mark_done(&milk)), (&s.dev, reply(&milk, "Hello?"))] {
            let result = s.act(who, kind).await;
            assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 404), "{result:?}");
        }
        let result = s.act(&s.dev, report(&milk, ReportReason::Spam, "")).await;
        assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 404));
        assert_eq!(s.act(&s.asha, hide(&milk, "")).await, rejected(Refusal::AlreadyHidden));

        // Restored, it is back for everyone, and their next pull brings it.
        let hidden_at = s.last_seq().await;
        s.applies(&s.asha, restore(&milk)).await;
        for who in [&s.ben, &s.cara, &s.dev] {
            assert_eq!(board_titles(&s, who).await.len(), 2, "{}", who.display_name);
            assert_eq!(pulled(&s, who, hidden_at).await, (vec![milk.clone()], vec![]));
            assert_eq!(s.detail(who, &milk).await.card.status, PostStatus::Claimed);
        }
        assert_eq!(
            s.act(&s.asha, restore(&milk)).await,
            rejected(Refusal::NotHidden)
        );
    }
}

on_both_backends! {
    async fn only_organisers_hide_restore_and_read_reports(backend: Backend) {
        let s = street(backend).await;
        let milk = s.request(&s.ben, "Milk and bread").await;
        for who in [&s.ben, &s.dev] {
            let result = s.act(who, hide(&milk, "")).await;
            assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 403), "{result:?}");
            let page = s.db.moderation_page(who, &s.board.slug).await;
            assert!(matches!(page, Err(AppError::Refused(ref r)) if r.status() == 403));
        }
        let outsider = story::person(&s.db, "Olu").await;
        let result = s.act(&outsider, hide(&milk, "")).await;
        assert!(matches!(result, Err(AppError::Refused(ref r)) if r.status() == 404), "outsiders learn nothing");
        assert_eq!(board_titles(&s, &s.dev).await, ["Milk and bread"]);
        assert!(log(&s).await.is_empty(), "refusals are not logged");
    }
}

on_both_backends! {
    async fn a_member_reports_a_post_once_and_the_author_never_learns_who(backend: Backend) {
        let s = street(backend).await;
        let milk = s.request(&s.ben, "Milk and bread").await;

        let first = mutation(report(&milk, ReportReason::Spam, " Selling things "));
        assert_eq!(s.db.apply(&s.cara, &first).await, Ok(Outcome::Applied));
        // The same write again (a resent form) changes nothing.
        assert_eq!(s.db.apply(&s.cara, &first).await, Ok(Outcome::Applied));
        assert_eq!(count(&s.db, "reports").await, 1);
        // A second report of hers, while the first is open, is refused in words.
        assert_eq!(
            s.act(&s.cara, report(&milk, ReportReason::Offensive, "")).await,
            rejected(Refusal::AlreadyReported)
        );
        s.applies(&s.dev, report(&milk, ReportReason::PrivateDetails, "")).await;

        // Not the author; "something else" needs a word; a report changes nothing on the board.
        let own = s.act(&s.ben, report(&milk, ReportReason::Spam, "")).await;
        assert!(matches!(own, Err(AppError::Refused(ref r)) if r.status() == 403));
        let vague = s.act(&s.dev, report(&milk, ReportReason::Other, "  ")).await;
        assert!(matches!(&vague, Err(AppError::Invalid(e)) if e.get("note").is_some()));
        assert_eq!(board_titles(&s, &s.ben).await, ["Milk and bread"]);

        // Organisers see both, oldest first, with who reported and what they added.
        let page = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        assert_eq!(page.reports.len(), 1);
        let reported = &page.reports[0];
        assert_eq!((reported.title.as_str(), reported.author_name.as_str()), ("Milk and bread", "Ben"));
        let seen: Vec<_> = reported
            .reports
            .iter()
            .map(|r| (r.reason, r.note.as_str(), r.reporter_name.as_deref()))
            .collect();
        assert_eq!(
            seen,
            [
                (ReportReason::Spam, "Selling things", Some("Cara")),
                (ReportReason::PrivateDetails, "", Some("Dev")),
            ]
        );

        // Dismissed, Cara's report leaves the list, and she may report the post again.
        let caras = reported.reports[0].id.clone();
        s.applies(&s.asha, dismiss(&caras)).await;
        assert_eq!(
            s.act(&s.asha, dismiss(&caras)).await,
            rejected(Refusal::ReportDealtWith)
        );
        let page = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        assert_eq!(page.reports[0].reports.len(), 1);
        s.applies(&s.cara, report(&milk, ReportReason::Unsafe, "")).await;
        let neighbours_dismiss = s.act(&s.dev, dismiss(&caras)).await;
        assert!(matches!(neighbours_dismiss, Err(AppError::Refused(ref r)) if r.status() == 403));

        // Hiding the post closes its open reports.
        s.applies(&s.asha, hide(&milk, "")).await;
        let page = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        assert!(page.reports.is_empty());
        assert_eq!(page.hidden.len(), 1);

        // An organiser reading reports of her own post does not see who made them.
        let notice = s.post(&s.asha, PostKind::Notice, Category::Other, "Street party").await;
        s.applies(&s.cara, report(&notice, ReportReason::NotForBoard, "")).await;
        let page = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        assert_eq!(page.reports[0].reports[0].reporter_name, None);
    }
}

on_both_backends! {
    async fn removing_a_member_is_announced_as_a_change_to_their_board(backend: Backend) {
        let s = street(backend).await;
        let milk = s.request(&s.ben, "Milk and bread").await;
        s.applies(&s.cara, claim(&milk)).await;
        let mut feed = s.db.change_feed().await.expect("a change feed");

        s.applies(&s.asha, remove_member(&s, &s.cara, "Rude to neighbours")).await;

        // Open pages hear the board's new number, not "something may have changed, read
        // everything again" (which a removal naming no post once caused).
        let last = s.last_seq().await;
        loop {
            let notice = tokio::time::timeout(std::time::Duration::from_secs(10), feed.next())
                .await
                .expect("a notice within 10 s")
                .expect("the feed works");
            match notice {
                store::Notice::Changed(change) if change.seq == last => {
                    assert_eq!(change.board_id, s.board.id);
                    break;
                }
                store::Notice::Changed(_) => {}
                store::Notice::MayHaveMissed => panic!("the removal was announced as a guess"),
            }
        }
    }
}

on_both_backends! {
    async fn a_removed_member_loses_the_board_and_their_claims_until_let_back(backend: Backend) {
        let s = street(backend).await;
        let milk = s.request(&s.ben, "Milk and bread").await;
        let soup = s.post(&s.dev, PostKind::Offer, Category::Meals, "Spare soup").await;
        s.applies(&s.cara, claim(&milk)).await;
        s.applies(&s.cara, claim(&soup)).await;
        s.applies(&s.ben, story::share_details(&milk, &s.cara)).await;
        let before = s.last_seq().await;

        s.applies(&s.asha, remove_member(&s, &s.cara, "Rude to neighbours")).await;

        // The board is gone for her (her session is not): page, pull, list of boards.
        let page = s.db.board_page(&s.cara, &s.board.slug, &BoardFilter::default()).await;
        assert!(matches!(page, Err(AppError::Refused(ref r)) if r.status() == 403));
        assert!(s.db.pull(&s.cara, &s.board.id, 0).await.is_err());
        assert!(s.db.my_boards(&s.cara).await.expect("boards").is_empty());

        // What she had taken on is open again, and every phone hears of it.
        for post_id in [&milk, &soup] {
            let card = s.detail(&s.ben, post_id).await.card;
            assert_eq!((card.status, card.claimed_by_name), (PostStatus::Open, None));
            // The agreement went with her claim: the next helper is accepted afresh.
            assert!(!card.details_shared);
        }
        let (changed, _) = pulled(&s, &s.ben, before).await;
        assert_eq!(changed.len(), 2);

        // No way back in, by the old link or a new one, until an organiser lets her back.
        let code = invite_code(&s.db, &s.asha, &s.board).await;
        let again = s.db.join_board(&s.cara, &code, "Elm Road", "3", "test").await;
        assert!(matches!(again, Err(AppError::Refused(ref r)) if r.status() == 403));
        let code = s.db.new_invite(&s.asha, &s.board.slug).await.expect("new invite");
        let again = s.db.join_board(&s.cara, &code, "Elm Road", "3", "test").await;
        assert!(matches!(again, Err(AppError::Refused(ref r)) if r.status() == 403));
        let page = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        assert_eq!(page.removed.len(), 1);
        assert_eq!(
            (page.removed[0].display_name.as_str(), page.removed[0].reason.as_str()),
            ("Cara", "Rude to neighbours")
        );
        assert!(page.members.iter().all(|m| m.display_name != "Cara"));

        s.applies(&s.asha, allow_back(&s, &s.cara)).await;
        let slug = s.db.join_board(&s.cara, &code, "Elm Road", "3", "test").await.expect("joins again");
        assert_eq!(slug, s.board.slug);
    }
}

on_both_backends! {
    async fn a_removal_racing_a_re_join_never_leaves_a_removed_member_on_the_board(backend: Backend) {
        let s = street(backend).await;
        let code = invite_code(&s.db, &s.asha, &s.board).await;
        let mut rounds_removed = 0;
        for round in 0..8 {
            // Cara, a member, opens her invite link again as Asha removes her.
            let (removal, join) = tokio::join!(
                s.act(&s.asha, remove_member(&s, &s.cara, "")),
                s.db.join_board(&s.cara, &code, "Elm Road", "3", "test"),
            );
            let is_removed = matches!(removal, Ok(Outcome::Applied));
            let member = s.db.my_boards(&s.cara).await.expect("boards").iter().any(|b| b.id == s.board.id);
            assert!(!(is_removed && member), "round {round}: removed ({removal:?}) yet a member (join {join:?})");
            if is_removed {
                rounds_removed += 1;
                s.applies(&s.asha, allow_back(&s, &s.cara)).await;
                s.db.join_board(&s.cara, &code, "Elm Road", "3", "test").await.expect("back");
            }
        }
        assert!(rounds_removed > 0, "the removals went through");
    }
}

on_both_backends! {
    async fn organisers_cannot_remove_themselves_or_be_removed_by_neighbours(backend: Backend) {
        let s = street(backend).await;
        let by_neighbour = s.act(&s.ben, remove_member(&s, &s.dev, "")).await;
        assert!(matches!(by_neighbour, Err(AppError::Refused(ref r)) if r.status() == 403));
        let herself = s.act(&s.asha, remove_member(&s, &s.asha, "")).await;
        assert!(matches!(herself, Err(AppError::Refused(ref r)) if r.status() == 403));
        s.applies(&s.asha, remove_member(&s, &s.dev, "")).await;
        assert_eq!(
            s.act(&s.asha, remove_member(&s, &s.dev, "")).await,
            rejected(Refusal::TheyLeftBoard)
        );
        let page = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page");
        let removable: Vec<_> = page
            .members
            .iter()
            .map(|m| (m.display_name.as_str(), m.can_remove))
            .collect();
        assert_eq!(removable, [("Asha", false), ("Ben", true), ("Cara", true)]);
    }
}

on_both_backends! {
    async fn every_organiser_action_is_logged_once_with_who_what_and_why(backend: Backend) {
        let s = street(backend).await;
        let notice = s.post(&s.asha, PostKind::Notice, Category::Other, "Bin day moved").await;
        let milk = s.request(&s.ben, "Milk and bread").await;
        s.applies(&s.cara, report(&milk, ReportReason::Spam, "")).await;
        let report_id = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page").reports[0]
            .reports[0]
            .id
            .clone();

        s.applies(&s.asha, pin(&notice)).await;
        tick().await;
        s.applies(&s.asha, MutationKind::SetPinned { post_id: notice.clone(), pinned: false }).await;
        tick().await;
        let hiding = mutation(hide(&milk, "Looks like an advert"));
        assert_eq!(s.db.apply(&s.asha, &hiding).await, Ok(Outcome::Applied));
        assert_eq!(s.db.apply(&s.asha, &hiding).await, Ok(Outcome::Applied), "resent");
        tick().await;
        s.applies(&s.asha, restore(&milk)).await;
        tick().await;
        s.applies(&s.cara, report(&milk, ReportReason::Spam, "")).await;
        let second = s.db.moderation_page(&s.asha, &s.board.slug).await.expect("page").reports[0]
            .reports[0]
            .id
            .clone();
        assert_ne!(second, report_id);
        s.applies(&s.asha, dismiss(&second)).await;
        tick().await;
        s.applies(&s.asha, remove_member(&s, &s.dev, "Asked to leave")).await;
        tick().await;
        s.applies(&s.asha, allow_back(&s, &s.dev)).await;
        tick().await;
        s.applies(&s.asha, remove(&notice)).await;
        tick().await;
        s.db.new_invite(&s.asha, &s.board.slug).await.expect("new invite");
        tick().await;
        // What is refused or changes nothing leaves no line.
        let _ = s.act(&s.ben, hide(&milk, "")).await;
        let _ = s.act(&s.asha, restore(&milk)).await;

        let asha = || "Asha".to_string();
        let post = |title: &str| Some(title.to_string());
        let dev = || Some("Dev".to_string());
        assert_eq!(
            log(&s).await,
            [
                (asha(), AuditAction::NewInvite, None, None, String::new()),
                (asha(), AuditAction::RemovePost, post("Bin day moved"), None, String::new()),
                (asha(), AuditAction::AllowBack, None, dev(), String::new()),
                (asha(), AuditAction::RemoveMember, None, dev(), "Asked to leave".into()),
                (asha(), AuditAction::DismissReport, post("Milk and bread"), None, "Reported as: Spam or advertising".into()),
                (asha(), AuditAction::RestorePost, post("Milk and bread"), None, String::new()),
                (asha(), AuditAction::HidePost, post("Milk and bread"), None, "Looks like an advert".into()),
                (asha(), AuditAction::UnpinPost, post("Bin day moved"), None, String::new()),
                (asha(), AuditAction::PinPost, post("Bin day moved"), None, String::new()),
            ]
        );
        assert_eq!(count(&s.db, "audit_log").await, 9);
    }
}

on_both_backends! {
    async fn a_join_arriving_during_a_removal_waits_for_it_and_is_refused(backend: Backend) {
        // The race made certain rather than hoped for: Asha's removal of Cara is under way (the
        // board taken, the removal written, Cara's membership gone, nothing committed yet)
        // when Cara's join arrives. The join waits for the board and then sees the removal.
        // Were the join to check before taking the board, it would find no removal yet, and
        // its insert would wait only for Cara's old membership to go, then make her a member.
        use sqlx::Executor;
        use store::Backend;
        let s = street(backend).await;
        let code = invite_code(&s.db, &s.asha, &s.board).await;
        let mut removal = s.db.pool().acquire().await.expect("a connection");
        removal
            .execute(match backend {
                Backend::Sqlite => "BEGIN IMMEDIATE",
                Backend::Postgres => "BEGIN",
            })
            .await
            .expect("begin");
        let (board, cara, asha) = (s.board.id.as_str(), s.cara.user_id.as_str(), s.asha.user_id.as_str());
        // What `lock_board` does, as a removal does first.
        sqlx::query("UPDATE boards SET last_seq = last_seq WHERE id = $1")
            .bind(board)
            .execute(&mut *removal)
            .await
            .expect("take the board");
        sqlx::query(
            "INSERT INTO board_removals (board_id, user_id, removed_by, reason, removed_at_ms) \
             VALUES ($1, $2, $3, '', 0)",
        )
        .bind(board)
        .bind(cara)
        .bind(asha)
        .execute(&mut *removal)
        .await
        .expect("record the removal");
        sqlx::query("DELETE FROM memberships WHERE board_id = $1 AND user_id = $2")
            .bind(board)
            .bind(cara)
            .execute(&mut *removal)
            .await
            .expect("end the membership");
        let joining = {
            let (db, cara, code) = (s.db.clone(), s.cara.clone(), code.clone());
            tokio::spawn(async move { db.join_board(&cara, &code, "Elm Road", "3", "test").await })
        };
        // Time for the join to get as far as it can before the removal commits.
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        removal.execute("COMMIT").await.expect("commit");
        let joined = joining.await.expect("the join's task");
        assert_eq!(joined, Err(AppError::Refused(Refusal::RemovedFromBoard)));
        let boards = s.db.my_boards(&s.cara).await.expect("boards");
        assert!(boards.iter().all(|b| b.id != s.board.id), "removed, so not a member");
    }
}
