//! The approval of a data set's figures, level by level: a unit submits, each approval level
//! of the data set accepts in turn or returns the figures with a reason, and acceptance at the
//! last level approves them. Pure rules: who may act at which level is asked of the caller.

use crate::problem::Text;

/// Where one data set of one unit and period stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Being entered; nothing sent yet.
    Draft,
    /// Sent for approval; `accepted` levels have accepted it so far (0 = none yet).
    Submitted { accepted: usize },
    /// Sent back by a level with a reason; editable and to be submitted again.
    Returned,
    /// Accepted by every level: final, published.
    Approved,
}

impl State {
    /// The stored code (the level is stored beside it).
    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted { .. } => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
        }
    }

    /// Read from the stored code and level; `None` for a code this version does not know.
    pub fn from_stored(code: &str, accepted: usize) -> Option<State> {
        match code {
            "draft" => Some(State::Draft),
            "submitted" => Some(State::Submitted { accepted }),
            "returned" => Some(State::Returned),
            "approved" => Some(State::Approved),
            _ => None,
        }
    }

    /// Levels accepted so far.
    pub fn accepted(self, levels: usize) -> usize {
        match self {
            State::Submitted { accepted } => accepted,
            State::Approved => levels,
            State::Draft | State::Returned => 0,
        }
    }

    /// Whether the figures may change: only while being entered or after a return.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }
}

/// A step someone asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Submit,
    /// Accept at the next level (approval when it is the last).
    Approve,
    /// Send back, with a reason, to be corrected and submitted again.
    Return,
}

/// What a step does: the new state and the level it was taken at (1 = the first approval
/// level; 0 for a submission).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Taken {
    pub to: State,
    pub level: usize,
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not from this state (approving a draft, submitting twice).
    State,
    /// The person does not act at the level the step needs.
    Level,
    /// Whoever submitted the figures does not accept them too.
    OwnSubmission,
    /// A return needs a reason.
    NoReason,
}

impl Refusal {
    pub fn text(self, step: Step) -> Text {
        match (self, step) {
            (Refusal::State, Step::Submit) => {
                solieu_i18n::text!("web-cannot-submit-this-period-already")
            }
            (Refusal::State, Step::Approve) => {
                solieu_i18n::text!("web-cannot-approve-this-period-has")
            }
            (Refusal::State, Step::Return) => {
                solieu_i18n::text!("core-cannot-return-this-period-still")
            }
            (Refusal::Level, _) => solieu_i18n::text!("core-not-approval-level-awaited-this"),
            (Refusal::OwnSubmission, _) => {
                solieu_i18n::text!("core-whoever-submitted-figures-cannot-approve")
            }
            (Refusal::NoReason, _) => solieu_i18n::text!("core-returning-needs-reason-e-g"),
        }
    }
}

/// Who asks: the approval levels (1-based, of `levels`) they act at, and whether they are the
/// one who submitted the figures now under review.
pub struct Actor<'a> {
    pub acts_at: &'a dyn Fn(usize) -> bool,
    pub submitted_them: bool,
}

/// The one rule of the workflow. A data set has `levels` approval levels (at least one).
/// After acceptance at a level, only a higher level may return the figures: acceptance locks
/// them for the levels below.
pub fn step(
    levels: usize,
    current: State,
    step: Step,
    who: &Actor<'_>,
    reason: &str,
) -> Result<Taken, Refusal> {
    let levels = levels.max(1);
    match step {
        Step::Submit => match current {
            State::Draft | State::Returned => Ok(Taken {
                to: State::Submitted { accepted: 0 },
                level: 0,
            }),
            _ => Err(Refusal::State),
        },
        Step::Approve => {
            let State::Submitted { accepted } = current else {
                return Err(Refusal::State);
            };
            let level = accepted + 1;
            if level > levels || !(who.acts_at)(level) {
                return Err(Refusal::Level);
            }
            if who.submitted_them {
                return Err(Refusal::OwnSubmission);
            }
            let to = if level == levels {
                State::Approved
            } else {
                State::Submitted { accepted: level }
            };
            Ok(Taken { to, level })
        }
        Step::Return => {
            if current.editable() {
                return Err(Refusal::State);
            }
            if reason.trim().is_empty() {
                return Err(Refusal::NoReason);
            }
            // The lowest level the person acts at among those that have not accepted yet
            // (for approved figures, the last level only).
            let first = current.accepted(levels).min(levels - 1) + 1;
            let level = (first..=levels)
                .find(|&l| (who.acts_at)(l))
                .ok_or(Refusal::Level)?;
            Ok(Taken {
                to: State::Returned,
                level,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(levels: &'static [usize]) -> impl Fn(usize) -> bool {
        move |l| levels.contains(&l)
    }

    fn actor(acts_at: &dyn Fn(usize) -> bool) -> Actor<'_> {
        Actor {
            acts_at,
            submitted_them: false,
        }
    }

    #[test]
    fn three_levels_accept_in_turn_and_the_last_approves() {
        let office = at(&[1]);
        let department = at(&[2]);
        let leader = at(&[3]);
        let s = step(3, State::Draft, Step::Submit, &actor(&at(&[])), "").unwrap();
        assert_eq!(s.to, State::Submitted { accepted: 0 });
        // The leader does not skip the levels before it.
        assert_eq!(
            step(3, s.to, Step::Approve, &actor(&leader), ""),
            Err(Refusal::Level)
        );
        let s = step(3, s.to, Step::Approve, &actor(&office), "").unwrap();
        assert_eq!((s.to, s.level), (State::Submitted { accepted: 1 }, 1));
        // Once the office accepted, it cannot accept again nor send back: locked for it.
        assert_eq!(
            step(3, s.to, Step::Approve, &actor(&office), ""),
            Err(Refusal::Level)
        );
        assert_eq!(
            step(3, s.to, Step::Return, &actor(&office), "sai"),
            Err(Refusal::Level)
        );
        let s = step(3, s.to, Step::Approve, &actor(&department), "").unwrap();
        let s = step(3, s.to, Step::Approve, &actor(&leader), "").unwrap();
        assert_eq!((s.to, s.level), (State::Approved, 3));
        assert_eq!(
            step(3, s.to, Step::Approve, &actor(&leader), ""),
            Err(Refusal::State)
        );
        assert_eq!(
            step(3, s.to, Step::Submit, &actor(&at(&[])), ""),
            Err(Refusal::State)
        );
    }

    #[test]
    fn a_return_needs_a_reason_and_a_level_still_to_accept() {
        let office = at(&[1]);
        let leader = at(&[2]);
        let waiting = State::Submitted { accepted: 0 };
        assert_eq!(
            step(2, waiting, Step::Return, &actor(&office), " "),
            Err(Refusal::NoReason)
        );
        // A higher level may send back before the lower one has looked.
        let s = step(2, waiting, Step::Return, &actor(&leader), "thiếu").unwrap();
        assert_eq!((s.to, s.level), (State::Returned, 2));
        assert!(s.to.editable());
        assert_eq!(
            step(2, State::Draft, Step::Return, &actor(&leader), "x"),
            Err(Refusal::State)
        );
        // Approved figures are reopened by the last level only.
        assert_eq!(
            step(2, State::Approved, Step::Return, &actor(&office), "x"),
            Err(Refusal::Level)
        );
        let s = step(2, State::Approved, Step::Return, &actor(&leader), "x").unwrap();
        assert_eq!(s.to, State::Returned);
        let again = step(2, s.to, Step::Submit, &actor(&at(&[])), "").unwrap();
        assert_eq!(again.to, State::Submitted { accepted: 0 });
    }

    #[test]
    fn nobody_accepts_what_they_submitted() {
        let both = at(&[1]);
        let who = Actor {
            acts_at: &both,
            submitted_them: true,
        };
        assert_eq!(
            step(1, State::Submitted { accepted: 0 }, Step::Approve, &who, ""),
            Err(Refusal::OwnSubmission)
        );
        // Sending one's own submission back is allowed: it only reopens the entry.
        assert!(step(1, State::Submitted { accepted: 0 }, Step::Return, &who, "x").is_ok());
    }

    #[test]
    fn only_draft_and_returned_figures_are_editable() {
        assert!(State::Draft.editable());
        assert!(State::Returned.editable());
        assert!(!State::Submitted { accepted: 0 }.editable());
        assert!(!State::Submitted { accepted: 1 }.editable());
        assert!(!State::Approved.editable());
    }
}
