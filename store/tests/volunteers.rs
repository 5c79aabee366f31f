//! Volunteers, vetting and coordination on both databases: opting in and pausing, vetting
//! enforced on claims and assignments (expired vetting does not count), who reads vetting
//! details, the fairness order of suggestions, and assigning, accepting and declining.

use model::dates::DAY_MS;
use model::refusal::Refusal;
use model::{
    coordination::{Coordination, CoordinationPage},
    ids::{new_id, now_ms, PostId},
    views::Viewer,
    volunteer::{Availability, VolunteerChange, VolunteerProfile},
    AppError, Category, MutationKind, Outcome, PostStatus,
};
use store::on_both_backends;
use store::story::{self, act, claim, mutation, share_details, street, Street};

fn volunteering(s: &Street, skills: &[Category], max_per_week: u32) -> MutationKind {
    MutationKind::Volunteer(VolunteerChange::SetProfile {
        board_id: s.board.id.clone(),
        profile: VolunteerProfile {
            skills: skills.to_vec(),
            other_skills: "I drive".into(),
            // Free any time, so "today" requests always find them.
            availability: Availability::from_bits((1 << 21) - 1),
            max_per_week,
        },
    })
}

fn paused(s: &Street, paused: bool) -> MutationKind {
    MutationKind::Volunteer(VolunteerChange::SetPaused {
        board_id: s.board.id.clone(),
        paused,
    })
}

fn vetting(s: &Street, who: &Viewer, expires_on: &str) -> MutationKind {
    MutationKind::Volunteer(VolunteerChange::RecordVetting {
        vetting_id: new_id(),
        board_id: s.board.id.clone(),
        volunteer_id: who.user_id.clone(),
        kind: "DBS check".into(),
        expires_on: expires_on.into(),
    })
}

/// A date a year from now, as a date input sends it.
fn next_year() -> String {
    let year = 1970 + now_ms() / (365 * DAY_MS) + 1;
    format!("{year}-06-30")
}

fn assign(post_id: &PostId, who: &Viewer) -> MutationKind {
    MutationKind::Coordinate(Coordination::Assign {
        post_id: post_id.clone(),
        volunteer_id: who.user_id.clone(),
    })
}

fn accept(post_id: &PostId) -> MutationKind {
    MutationKind::Coordinate(Coordination::Accept {
        post_id: post_id.clone(),
    })
}

fn decline(post_id: &PostId) -> MutationKind {
    MutationKind::Coordinate(Coordination::Decline {
        post_id: post_id.clone(),
    })
}

fn needs_vetting(post_id: &PostId, needed: bool) -> MutationKind {
    MutationKind::Coordinate(Coordination::SetNeedsVetting {
        post_id: post_id.clone(),
        needs_vetting: needed,
    })
}

fn reason(outcome: Result<Outcome, AppError>) -> Refusal {
    match outcome {
        Ok(Outcome::Rejected { reason }) => reason,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn coordination(s: &Street) -> CoordinationPage {
    s.db.coordination_page(&s.asha, &s.board.slug)
        .await
        .expect("the organiser's coordination page")
}

/// The names suggested for `post_id`, in order.
async fn suggested(s: &Street, post_id: &PostId) -> Vec<String> {
    let page = coordination(s).await;
    let request = page.requests.into_iter().find(|r| r.card.id == *post_id);
    let request = request.expect("the request is in the queue");
    request.suggestions.into_iter().map(|v| v.name).collect()
}

/// Ben's shopping request, marked as needing a vetted volunteer by Asha.
async fn vetted_request(s: &Street, title: &str) -> PostId {
    let post_id = s.request(&s.ben, title).await;
    s.applies(&s.asha, needs_vetting(&post_id, true)).await;
    post_id
}

on_both_backends! {
    async fn a_member_opts_in_pauses_resumes_and_stops(backend: Backend) {
        let s = street(backend).await;
        let page = s.db.volunteer_page(&s.cara, &s.board.slug).await.expect("page");
        assert_eq!(page.profile, None);

        s.applies(&s.cara, volunteering(&s, &[Category::Shopping, Category::Lifts], 2)).await;
        let page = s.db.volunteer_page(&s.cara, &s.board.slug).await.expect("page");
        let profile = page.profile.expect("Cara volunteers");
        assert_eq!(profile.skills, [Category::Shopping, Category::Lifts]);
        assert_eq!((profile.max_per_week, page.paused, page.vetted), (2, false, false));

        let post_id = s.request(&s.ben, "Milk and bread").await;
        assert_eq!(suggested(&s, &post_id).await, ["Cara"]);

        // Paused: not suggested, and an organiser cannot ask her.
        s.applies(&s.cara, paused(&s, true)).await;
        assert!(s.db.volunteer_page(&s.cara, &s.board.slug).await.expect("page").paused);
        assert!(suggested(&s, &post_id).await.is_empty());
        let roster = coordination(&s).await.roster;
        assert!(roster[0].load.as_ref().expect("organisers see the load").paused);
        assert_eq!(
            reason(s.act(&s.asha, assign(&post_id, &s.cara)).await),
            Refusal::VolunteerPaused { name: "Cara".into() }
        );

        s.applies(&s.cara, paused(&s, false)).await;
        assert_eq!(suggested(&s, &post_id).await, ["Cara"]);

        // A bad offer is refused field by field; nothing changes.
        let mut bad = volunteering(&s, &[], 2);
        if let MutationKind::Volunteer(VolunteerChange::SetProfile { profile, .. }) = &mut bad {
            profile.max_per_week = 50;
        }
        let Err(AppError::Invalid(errors)) = s.act(&s.cara, bad).await else {
            panic!("an empty offer is invalid");
        };
        assert!(errors.get("skills").is_some() && errors.get("max_per_week").is_some());

        s.applies(&s.cara, MutationKind::Volunteer(VolunteerChange::StopVolunteering {
            board_id: s.board.id.clone(),
        })).await;
        assert!(coordination(&s).await.roster.is_empty());
        assert_eq!(reason(s.act(&s.cara, paused(&s, true)).await), Refusal::NotAVolunteer);
    }
}

on_both_backends! {
    async fn a_request_needing_vetting_is_claimed_only_with_a_current_vetting(backend: Backend) {
        let s = street(backend).await;
        let post_id = vetted_request(&s, "Collect a prescription").await;
        assert!(s.detail(&s.dev, &post_id).await.card.needs_vetting, "everyone sees it is needed");
        assert!(!s.detail(&s.cara, &post_id).await.permissions.can_claim, "no button for Cara");

        let refusal = reason(s.act(&s.cara, claim(&post_id)).await);
        assert_eq!(refusal, Refusal::NeedsVetting);
        assert_eq!(s.detail(&s.ben, &post_id).await.card.status, PostStatus::Open);

        // Only organisers and partners record vetting.
        let refused = s.act(&s.dev, vetting(&s, &s.cara, &next_year())).await;
        assert!(matches!(refused, Err(AppError::Refused(ref r)) if r.status() == 403), "{refused:?}");

        // Nor of themselves: an organiser cannot vouch for herself.
        let own = s.act(&s.asha, vetting(&s, &s.asha, &next_year())).await;
        assert_eq!(own, Err(AppError::Refused(Refusal::CannotVetSelf)));
        assert_eq!(story::count(&s.db, "vettings").await, 0);

        let logged = story::count(&s.db, "audit_log").await;
        s.applies(&s.asha, vetting(&s, &s.cara, &next_year())).await;
        assert_eq!(story::count(&s.db, "audit_log").await, logged + 1, "logged for organisers");
        assert!(s.detail(&s.cara, &post_id).await.permissions.can_claim);
        s.applies(&s.cara, claim(&post_id)).await;
        assert_eq!(s.detail(&s.ben, &post_id).await.card.claimed_by_name.as_deref(), Some("Cara"));
    }
}

on_both_backends! {
    async fn an_expired_vetting_counts_for_nothing(backend: Backend) {
        let s = street(backend).await;
        s.applies(&s.cara, volunteering(&s, &[Category::Shopping], 3)).await;
        s.applies(&s.asha, vetting(&s, &s.cara, &next_year())).await;
        // A year on: the vetting has run out.
        sqlx::query("UPDATE vettings SET expires_at_ms = $1")
            .bind(now_ms() - 1)
            .execute(s.db.pool())
            .await
            .expect("expire it");

        let post_id = vetted_request(&s, "Sit with Mum for an hour").await;
        assert_eq!(reason(s.act(&s.cara, claim(&post_id)).await), Refusal::NeedsVetting);
        let refusal = reason(s.act(&s.asha, assign(&post_id, &s.cara)).await);
        assert_eq!(refusal, Refusal::VolunteerNotVetted { name: "Cara".into() });
        assert!(suggested(&s, &post_id).await.is_empty());
        let roster = coordination(&s).await.roster;
        assert!(!roster[0].vetted);
        assert!(!roster[0].vettings[0].current, "the record stays, marked as expired");

        // A vetting whose expiry has already passed cannot be recorded at all.
        let past = s.act(&s.asha, vetting(&s, &s.cara, "2001-01-01")).await;
        assert!(matches!(past, Err(AppError::Invalid(ref e)) if e.get("expires_on").is_some()), "{past:?}");
    }
}

on_both_backends! {
    async fn assignment_of_a_request_needing_vetting_is_enforced_and_rechecked_on_accepting(backend: Backend) {
        let s = street(backend).await;
        s.applies(&s.cara, volunteering(&s, &[Category::Shopping], 3)).await;
        s.applies(&s.dev, volunteering(&s, &[Category::Shopping], 3)).await;
        s.applies(&s.asha, vetting(&s, &s.dev, "")).await;
        let post_id = vetted_request(&s, "Collect a prescription").await;

        assert_eq!(suggested(&s, &post_id).await, ["Dev"], "only the vetted are suggested");
        assert_eq!(
            reason(s.act(&s.asha, assign(&post_id, &s.cara)).await),
            Refusal::VolunteerNotVetted { name: "Cara".into() }
        );
        s.applies(&s.asha, assign(&post_id, &s.dev)).await;

        // Dev's vetting runs out before he answers: accepting is refused.
        sqlx::query("UPDATE vettings SET expires_at_ms = $1")
            .bind(now_ms() - 1)
            .execute(s.db.pool())
            .await
            .expect("expire it");
        assert_eq!(reason(s.act(&s.dev, accept(&post_id)).await), Refusal::YourVettingLapsed);
        assert_eq!(s.detail(&s.ben, &post_id).await.card.status, PostStatus::Open);
    }
}

on_both_backends! {
    async fn vetting_details_are_for_organisers_and_the_partner_who_recorded_them(backend: Backend) {
        let s = street(backend).await;
        s.applies(&s.cara, volunteering(&s, &[Category::Shopping], 3)).await;
        s.applies(&s.dev, volunteering(&s, &[Category::Shopping], 3)).await;
        // Ben is the street's link to a local charity: a partner.
        sqlx::query("UPDATE memberships SET role = 'partner' WHERE user_id = $1")
            .bind(s.ben.user_id.as_str())
            .execute(s.db.pool())
            .await
            .expect("make Ben a partner");
        s.applies(&s.ben, vetting(&s, &s.cara, &next_year())).await;
        s.applies(&s.asha, vetting(&s, &s.dev, "")).await;

        // Asha, an organiser, sees every record and who made it.
        let roster = coordination(&s).await.roster;
        let names: Vec<(&str, bool, usize)> =
            roster.iter().map(|r| (r.name.as_str(), r.vetted, r.vettings.len())).collect();
        assert_eq!(names, [("Cara", true, 1), ("Dev", true, 1)]);
        assert_eq!(roster[0].vettings[0].recorded_by_name, "Ben");
        assert_eq!(roster[0].vettings[0].kind, "DBS check");

        // Ben sees the record he made, badges for the rest, and nobody's load or times.
        let for_ben = s.db.coordination_page(&s.ben, &s.board.slug).await.expect("partner");
        assert!(for_ben.requests.is_empty());
        let seen: Vec<(&str, bool, usize)> =
            for_ben.roster.iter().map(|r| (r.name.as_str(), r.vetted, r.vettings.len())).collect();
        assert_eq!(seen, [("Cara", true, 1), ("Dev", true, 0)]);
        assert!(for_ben.roster.iter().all(|r| r.load.is_none()));

        // Neighbours get no coordination page; Cara knows only that she is vetted.
        let refused = s.db.coordination_page(&s.cara, &s.board.slug).await;
        assert!(matches!(refused, Err(AppError::Refused(ref r)) if r.status() == 403), "{refused:?}");
        let page = s.db.board_page(&s.cara, &s.board.slug, &Default::default()).await;
        assert!(page.expect("board").me.vetted);
        assert!(s.db.volunteer_page(&s.cara, &s.board.slug).await.expect("page").vetted);
    }
}

on_both_backends! {
    async fn suggestions_spread_the_load(backend: Backend) {
        let s = street(backend).await;
        for who in [&s.asha, &s.cara, &s.dev] {
            s.applies(who, volunteering(&s, &[Category::Shopping], 3)).await;
        }
        let first = s.request(&s.ben, "Bread").await;
        let second = s.request(&s.ben, "Eggs").await;
        s.applies(&s.cara, claim(&first)).await;
        s.applies(&s.asha, claim(&second)).await;
        // Asha's task was ten days ago: outside the last 7 days, but still her last.
        sqlx::query("UPDATE posts SET claimed_at_ms = $1 WHERE id = $2")
            .bind(now_ms() - 10 * DAY_MS)
            .bind(second.as_str())
            .execute(s.db.pool())
            .await
            .expect("backdate");

        let third = s.request(&s.ben, "Milk").await;
        // Dev has had no task; Asha none lately, her last long ago; Cara one this week.
        assert_eq!(suggested(&s, &third).await, ["Dev", "Asha", "Cara"]);

        // Asked, Dev's load counts the request he has not answered yet.
        s.applies(&s.asha, assign(&third, &s.dev)).await;
        let fourth = s.request(&s.ben, "Tea bags").await;
        assert_eq!(suggested(&s, &fourth).await, ["Asha", "Cara", "Dev"]);
        let roster = coordination(&s).await.roster;
        let loads: Vec<(&str, u32)> = roster
            .iter()
            .map(|r| (r.name.as_str(), r.load.as_ref().map_or(99, |l| l.recent_tasks)))
            .collect();
        assert_eq!(loads, [("Asha", 0), ("Cara", 1), ("Dev", 1)]);
        let queue = coordination(&s).await.requests;
        let asked = queue.iter().find(|r| r.card.id == third).expect("still open");
        assert_eq!(asked.asked_name.as_deref(), Some("Dev"));
        assert!(!asked.suggestions.iter().any(|v| v.name == "Dev"), "already asked");
    }
}

on_both_backends! {
    async fn the_volunteer_accepts_or_declines_and_the_organiser_sees_it(backend: Backend) {
        let s = street(backend).await;
        s.applies(&s.cara, volunteering(&s, &[Category::Shopping], 3)).await;
        s.applies(&s.dev, volunteering(&s, &[Category::Shopping], 1)).await;
        let post_id = s.request(&s.ben, "Milk and bread").await;

        // Only organisers ask.
        let refused = s.act(&s.dev, assign(&post_id, &s.cara)).await;
        assert!(matches!(refused, Err(AppError::Refused(ref r)) if r.status() == 403), "{refused:?}");

        // Asked twice with the same id (a resubmitted form): one assignment, one line in the
        // organisers' audit log.
        let logged = story::count(&s.db, "audit_log").await;
        let asked = mutation(assign(&post_id, &s.cara));
        assert_eq!(s.db.apply(&s.asha, &asked).await, Ok(Outcome::Applied));
        assert_eq!(s.db.apply(&s.asha, &asked).await, Ok(Outcome::Applied));
        assert_eq!(story::count(&s.db, "assignments").await, 1);
        assert_eq!(story::count(&s.db, "audit_log").await, logged + 1);

        let tasks = s.db.my_tasks(&s.cara).await.expect("tasks");
        assert_eq!(tasks.len(), 1);
        assert_eq!((tasks[0].card.title.as_str(), tasks[0].asked_by_name.as_str()), ("Milk and bread", "Asha"));
        assert!(s.db.my_tasks(&s.dev).await.expect("tasks").is_empty());
        assert_eq!(reason(s.act(&s.dev, accept(&post_id)).await), Refusal::NoLongerAsked);

        // Cara declines: the request stays open and the organiser sees who said no.
        s.applies(&s.cara, decline(&post_id)).await;
        assert!(s.db.my_tasks(&s.cara).await.expect("tasks").is_empty());
        assert_eq!(s.detail(&s.ben, &post_id).await.card.status, PostStatus::Open);
        let queue = coordination(&s).await.requests;
        assert_eq!(queue[0].declined_by_name.as_deref(), Some("Cara"));
        assert_eq!(queue[0].asked_name, None);

        // Dev is asked and accepts: he is the one helping, and Ben sees it.
        s.applies(&s.asha, assign(&post_id, &s.dev)).await;
        let accepted = mutation(accept(&post_id));
        assert_eq!(s.db.apply(&s.dev, &accepted).await, Ok(Outcome::Applied));
        assert_eq!(s.db.apply(&s.dev, &accepted).await, Ok(Outcome::Applied), "once");
        let seen_by_ben = s.detail(&s.ben, &post_id).await;
        assert_eq!(seen_by_ben.card.status, PostStatus::Claimed);
        assert_eq!(seen_by_ben.card.claimed_by_name.as_deref(), Some("Dev"));
        // An organiser's ask is not Ben's agreement: Dev sees where to go once Ben accepts him.
        assert!(s.detail(&s.dev, &post_id).await.contact.is_none(), "not before Ben agrees");
        s.applies(&s.ben, share_details(&post_id, &s.dev)).await;
        assert!(s.detail(&s.dev, &post_id).await.contact.is_some(), "Dev sees where to go");
        assert!(coordination(&s).await.requests.is_empty(), "no longer open");
        assert!(s.db.my_tasks(&s.dev).await.expect("tasks").is_empty());

        // Dev offered one task a week and has it: he cannot be asked for another.
        let next = s.request(&s.ben, "Tea bags").await;
        assert_eq!(suggested(&s, &next).await, ["Cara"]);
        assert_eq!(
            reason(s.act(&s.asha, assign(&next, &s.dev)).await),
            Refusal::VolunteerAtLimit { name: "Dev".into(), tasks: 1 }
        );
    }
}

on_both_backends! {
    async fn a_neighbour_who_claims_first_overtakes_an_assignment(backend: Backend) {
        let s = street(backend).await;
        s.applies(&s.cara, volunteering(&s, &[Category::Shopping], 3)).await;
        let post_id = s.request(&s.ben, "Milk and bread").await;
        s.applies(&s.asha, assign(&post_id, &s.cara)).await;

        s.applies(&s.dev, claim(&post_id)).await;
        assert!(s.db.my_tasks(&s.cara).await.expect("tasks").is_empty());
        let refusal = reason(act(&s.db, &s.cara, accept(&post_id)).await);
        assert_eq!(refusal, Refusal::AlreadyHelping { helper: Some("Dev".into()) });

        // Released again, the request does not go back to Cara unasked.
        s.applies(&s.dev, story::release(&post_id)).await;
        assert!(s.db.my_tasks(&s.cara).await.expect("tasks").is_empty());
        let queue = coordination(&s).await.requests;
        assert_eq!(queue[0].asked_name, None);

        // Cara, asked again, may also just press "I can help": that answers the request.
        s.applies(&s.asha, assign(&post_id, &s.cara)).await;
        s.applies(&s.cara, claim(&post_id)).await;
        assert!(s.db.my_tasks(&s.cara).await.expect("tasks").is_empty());
    }
}

on_both_backends! {
    async fn only_organisers_mark_requests_as_needing_vetting(backend: Backend) {
        let s = street(backend).await;
        let post_id = s.request(&s.ben, "Milk and bread").await;
        let refused = s.act(&s.ben, needs_vetting(&post_id, true)).await;
        assert!(matches!(refused, Err(AppError::Refused(ref r)) if r.status() == 403), "{refused:?}");
        assert!(!s.detail(&s.ben, &post_id).await.permissions.can_set_needs_vetting);
        assert!(s.detail(&s.asha, &post_id).await.permissions.can_set_needs_vetting);
        s.applies(&s.asha, needs_vetting(&post_id, true)).await;
        assert!(s.detail(&s.ben, &post_id).await.card.needs_vetting);
        s.applies(&s.asha, needs_vetting(&post_id, false)).await;
        s.applies(&s.cara, claim(&post_id)).await;

        // Marked when posting.
        let mut create = s.new_post(model::PostKind::Request, Category::Lifts, "A lift to the surgery");
        if let MutationKind::CreatePost { needs_vetting, .. } = &mut create {
            *needs_vetting = true;
        }
        let lift = create.post_id().cloned().expect("a new post's id");
        s.applies(&s.ben, create).await;
        assert!(s.detail(&s.dev, &lift).await.card.needs_vetting);
    }
}
