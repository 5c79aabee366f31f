//! A demo street for newcomers (`cargo xtask serve --demo`): a board with a few neighbours,
//! requests, an offer and a pinned notice, so the app can be seen working at once.

use model::{
    ids::{new_id, BoardId, PostId, UserId},
    views::Viewer,
    volunteer::{Availability, PartOfDay, VolunteerChange, VolunteerProfile, Weekday},
    AppError, Category, Mutation, MutationKind, PostKind, Urgency,
};

use crate::{Db, NewBoard, SignUp};

/// Why the demo street was not added.
#[derive(Debug, thiserror::Error)]
pub enum DemoRefused {
    /// The demo's people sign in with a published password: on a database that real
    /// neighbours use, anyone could sign in as them. Said to the person starting the server.
    #[error(
        "this database already holds {people} account(s) and {boards} board(s), and the demo's \
         accounts have a published password: run the demo on a database of its own (a new \
         DATABASE_URL), or unset STREETBOARD_DEMO"
    )]
    InUse { people: i64, boards: i64 },
    #[error("{0}")]
    Failed(#[from] AppError),
}

/// Everyone in the demo signs in with this password.
pub const DEMO_PASSWORD: &str = "streetboard demo";
/// The demo board's name (its slug is `elm-road-and-ash-grove`).
pub const DEMO_BOARD: &str = "Elm Road and Ash Grove";

impl Db {
    /// Fills the demo street unless it is already there. Returns whether it added anything.
    /// Refuses to add it to a database that anyone uses already (any account or board): once
    /// added, visitors may make boards of their own beside it, and restarts carry on.
    pub async fn seed_demo(&self) -> Result<bool, DemoRefused> {
        let exists: Option<String> =
            sqlx::query_scalar("SELECT id FROM users WHERE name_key = 'margaret'")
                .fetch_optional(self.pool())
                .await
                .map_err(|_| AppError::Internal)?;
        if exists.is_some() {
            return Ok(false);
        }
        let (people, boards): (i64, i64) =
            sqlx::query_as("SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM boards)")
                .fetch_one(self.pool())
                .await
                .map_err(|_| AppError::Internal)?;
        if people > 0 || boards > 0 {
            return Err(DemoRefused::InUse { people, boards });
        }
        let person = |name: &str| SignUp {
            from_address: "demo".into(),
            user_id: UserId::new(),
            display_name: name.into(),
            password: DEMO_PASSWORD.into(),
        };
        let (margaret, _) = self.sign_up(person("Margaret")).await?;
        let (sam, _) = self.sign_up(person("Sam K.")).await?;
        let (priya, _) = self.sign_up(person("Priya")).await?;
        let (tom, _) = self.sign_up(person("Tom")).await?;

        let board = self
            .create_board(
                &margaret,
                NewBoard {
                    board_id: BoardId::new(),
                    name: DEMO_BOARD.into(),
                    streets: "Elm Road, Ash Grove".into(),
                    my_street: "Elm Road".into(),
                    house_number: "14".into(),
                },
            )
            .await?;
        let code: String = sqlx::query_scalar("SELECT invite_code FROM boards WHERE id = $1")
            .bind(board.id.as_str())
            .fetch_one(self.pool())
            .await
            .map_err(|_| AppError::Internal)?;
        self.join_board(&sam, &code, "Ash Grove", "3", "demo")
            .await?;
        self.join_board(&priya, &code, "Elm Road", "27", "demo")
            .await?;
        self.join_board(&tom, &code, "Ash Grove", "", "demo")
            .await?;

        let post = |who: &Viewer, kind, category, title: &str, details: &str, urgency| {
            let mutation = Mutation {
                id: new_id(),
                created_at_ms: model::ids::now_ms(),
                kind: MutationKind::CreatePost {
                    post_id: PostId::new(),
                    board_id: board.id.clone(),
                    post_kind: kind,
                    category,
                    title: title.into(),
                    details: details.into(),
                    urgency,
                    expires_in_days: None,
                    needs_vetting: false,
                    share_details: false,
                    confirmed_public: false,
                },
            };
            let who = who.clone();
            async move {
                self.apply(&who, &mutation).await?;
                mutation.kind.post_id().cloned().ok_or(AppError::Internal)
            }
        };
        let notice = post(
            &margaret,
            PostKind::Notice,
            Category::Other,
            "Street clear-up, Saturday 10am",
            "Meet by the post box on Elm Road. Gloves and bags provided; tea afterwards in the community room.",
            Urgency::ThisWeek,
        )
        .await?;
        self.apply(
            &margaret,
            &Mutation {
                id: new_id(),
                created_at_ms: 0,
                kind: MutationKind::SetPinned {
                    post_id: notice,
                    pinned: true,
                },
            },
        )
        .await?;
        post(
            &sam,
            PostKind::Request,
            Category::Prescriptions,
            "Prescription to collect from the chemist",
            "It's ready after 2pm at the High Street pharmacy. I can't get out with my knee.",
            Urgency::Today,
        )
        .await?;
        let lift = post(
            &priya,
            PostKind::Request,
            Category::Lifts,
            "Lift to the surgery on Thursday",
            "Appointment at 9:40. Happy to pay for petrol.",
            Urgency::ThisWeek,
        )
        .await?;
        self.apply(
            &tom,
            &Mutation {
                id: new_id(),
                created_at_ms: 0,
                kind: MutationKind::Claim {
                    post_id: lift.clone(),
                },
            },
        )
        .await?;
        // Priya accepts Tom's offer, so he can see how to reach her.
        self.apply(
            &priya,
            &Mutation {
                id: new_id(),
                created_at_ms: 0,
                kind: MutationKind::ShareDetails {
                    post_id: lift,
                    claimant: tom.user_id.clone(),
                },
            },
        )
        .await?;
        post(
            &tom,
            PostKind::Offer,
            Category::OddJobs,
            "Spare hour most evenings for odd jobs",
            "Shelves, flat-pack, changing bulbs. Just ask.",
            Urgency::Whenever,
        )
        .await?;
        post(
            &margaret,
            PostKind::Request,
            Category::Chat,
            "A cup of tea and a chat",
            "It gets quiet in the afternoons. Anyone fancy a natter?",
            Urgency::Whenever,
        )
        .await?;
        self.seed_demo_volunteers(&board.id, &margaret, &priya, &tom)
            .await?;
        Ok(true)
    }

    /// Priya (vetted) and Tom volunteer, so the coordination page has someone to suggest.
    async fn seed_demo_volunteers(
        &self,
        board_id: &BoardId,
        margaret: &Viewer,
        priya: &Viewer,
        tom: &Viewer,
    ) -> Result<(), AppError> {
        let free = |days: &[Weekday], part: PartOfDay| {
            days.iter()
                .fold(Availability::default(), |free, day| free.with(*day, part))
        };
        let offers = [
            (
                priya,
                vec![Category::Shopping, Category::Prescriptions, Category::Chat],
                free(
                    &[
                        Weekday::Mon,
                        Weekday::Tue,
                        Weekday::Wed,
                        Weekday::Thu,
                        Weekday::Fri,
                    ],
                    PartOfDay::Morning,
                ),
                2,
            ),
            (
                tom,
                vec![Category::OddJobs, Category::Lifts, Category::Shopping],
                free(Weekday::ALL, PartOfDay::Evening),
                3,
            ),
        ];
        let write = |kind: MutationKind| Mutation {
            id: new_id(),
            created_at_ms: 0,
            kind,
        };
        for (who, skills, availability, max_per_week) in offers {
            let profile = VolunteerProfile {
                skills,
                other_skills: String::new(),
                availability,
                max_per_week,
            };
            let change = VolunteerChange::SetProfile {
                board_id: board_id.clone(),
                profile,
            };
            self.apply(who, &write(MutationKind::Volunteer(change)))
                .await?;
        }
        let vetting = VolunteerChange::RecordVetting {
            vetting_id: new_id(),
            board_id: board_id.clone(),
            volunteer_id: priya.user_id.clone(),
            kind: "DBS check".into(),
            expires_on: String::new(),
        };
        self.apply(margaret, &write(MutationKind::Volunteer(vetting)))
            .await?;
        Ok(())
    }
}
