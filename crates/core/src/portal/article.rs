//! An article's publishing workflow: an editor writes a draft and submits it; an approver
//! publishes it (now or at a later time), returns it with a reason, or withdraws it once
//! published. Both roles are held per portal; the caller says which one the actor holds there.

use chrono::{DateTime, Utc};

/// Where an article stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Being written; also where a returned article goes back to.
    Draft,
    /// Waiting for an approver.
    Submitted,
    /// Public from its publication time on.
    Published,
    /// Taken off the portal; kept with its history, and can be published again.
    Withdrawn,
}

impl State {
    pub const ALL: [State; 4] = [
        State::Draft,
        State::Submitted,
        State::Published,
        State::Withdrawn,
    ];

    pub fn code(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Published => "published",
            State::Withdrawn => "withdrawn",
        }
    }

    pub fn from_code(code: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A role held on one portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum PortalRole {
    /// Writes and submits articles.
    Editor,
    /// Also publishes, returns and withdraws them.
    Approver,
}

impl PortalRole {
    pub fn code(self) -> &'static str {
        match self {
            PortalRole::Editor => "editor",
            PortalRole::Approver => "approver",
        }
    }

    pub fn from_code(code: &str) -> Option<PortalRole> {
        match code {
            "editor" => Some(PortalRole::Editor),
            "approver" => Some(PortalRole::Approver),
            _ => None,
        }
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    Publish,
    /// Back to the editor as a draft, with a reason.
    Return,
    Withdraw,
}

impl Action {
    pub const ALL: [Action; 4] = [
        Action::Submit,
        Action::Publish,
        Action::Return,
        Action::Withdraw,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Publish => "publish",
            Action::Return => "return",
            Action::Withdraw => "withdraw",
        }
    }

    pub fn from_code(code: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Whether the step needs a reason the editor will read.
    pub fn needs_reason(self) -> bool {
        matches!(self, Action::Return | Action::Withdraw)
    }
}

/// Why a step or an edit is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("only an approver of this portal may do this")]
    NeedsApprover,
    #[error("this step does not apply to an article in this state")]
    WrongState,
    #[error("a reason is needed")]
    NeedsReason,
}

/// The state an article reaches by `action`, or why it cannot.
pub fn step(
    state: State,
    action: Action,
    role: PortalRole,
    reason: &str,
) -> Result<State, Refusal> {
    if action.needs_reason() && reason.trim().is_empty() {
        return Err(Refusal::NeedsReason);
    }
    let approver = role == PortalRole::Approver;
    match (action, state) {
        (Action::Submit, State::Draft | State::Withdrawn) => Ok(State::Submitted),
        (Action::Submit, _) => Err(Refusal::WrongState),
        (_, _) if !approver => Err(Refusal::NeedsApprover),
        (Action::Publish, State::Draft | State::Submitted | State::Withdrawn) => {
            Ok(State::Published)
        }
        (Action::Return, State::Submitted) => Ok(State::Draft),
        (Action::Withdraw, State::Published) => Ok(State::Withdrawn),
        _ => Err(Refusal::WrongState),
    }
}

/// Whether `role` may change an article's text in `state`. An editor changes drafts only (a
/// submitted article waits unchanged for its approver); an approver also corrects a submitted
/// or published one, the correction going out at once and kept as a revision.
pub fn may_edit(state: State, role: PortalRole) -> bool {
    match role {
        PortalRole::Approver => true,
        PortalRole::Editor => matches!(state, State::Draft | State::Withdrawn),
    }
}

/// Whether the public sees an article at `now`: published, and its publication time (a
/// scheduled one included) has come. Asked on every read, so a scheduled article appears on
/// time without a job that publishes it.
pub fn is_public(state: State, published_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    state == State::Published && published_at.is_some_and(|at| at <= now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use PortalRole::*;

    #[test]
    fn an_editor_submits_and_an_approver_publishes() {
        let submitted = step(State::Draft, Submit, Editor, "").unwrap();
        assert_eq!(submitted, State::Submitted);
        assert_eq!(
            step(submitted, Publish, Editor, ""),
            Err(Refusal::NeedsApprover)
        );
        assert_eq!(step(submitted, Publish, Approver, ""), Ok(State::Published));
        assert_eq!(
            step(State::Published, Withdraw, Approver, "sai số liệu"),
            Ok(State::Withdrawn)
        );
    }

    #[test]
    fn a_return_or_withdrawal_needs_its_reason() {
        assert_eq!(
            step(State::Submitted, Return, Approver, "  "),
            Err(Refusal::NeedsReason)
        );
        assert_eq!(
            step(State::Submitted, Return, Approver, "Thiếu ảnh"),
            Ok(State::Draft)
        );
        assert_eq!(
            step(State::Published, Withdraw, Approver, ""),
            Err(Refusal::NeedsReason)
        );
    }

    #[test]
    fn steps_out_of_order_are_refused() {
        assert_eq!(
            step(State::Published, Submit, Editor, ""),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            step(State::Draft, Withdraw, Approver, "x"),
            Err(Refusal::WrongState)
        );
        assert_eq!(
            step(State::Published, Publish, Approver, ""),
            Err(Refusal::WrongState)
        );
    }

    #[test]
    fn an_editor_cannot_change_what_waits_for_approval_or_is_public() {
        assert!(may_edit(State::Draft, Editor));
        assert!(!may_edit(State::Submitted, Editor));
        assert!(!may_edit(State::Published, Editor));
        assert!(may_edit(State::Published, Approver));
    }

    #[test]
    fn a_scheduled_article_is_public_from_its_time_on() {
        let at: DateTime<Utc> = "2020-07-01T08:56:00Z".parse().unwrap();
        let before: DateTime<Utc> = "2020-07-01T08:55:59Z".parse().unwrap();
        assert!(!is_public(State::Published, Some(at), before));
        assert!(is_public(State::Published, Some(at), at));
        assert!(!is_public(State::Withdrawn, Some(at), at));
        assert!(!is_public(State::Published, None, at));
    }
}
