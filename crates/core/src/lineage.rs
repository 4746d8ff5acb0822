//! The unit register over time: versions, lineage events, and questions asked "as of a date".
//!
//! History is never rewritten. When communes merge, the old versions end and the events say
//! where their territory went, with a share when only part of it moved. From that the register
//! answers which units existed on a date, what a unit is made of, and which units of an earlier
//! date make up a unit of today, the basis of every comparison across a reform.

use crate::period::Period;
use crate::problem::{Lang, Text};
use crate::unit::UnitVersion;
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// All of `from` became part of `to`.
    Merge,
    /// `share` of `from` became part of `to`.
    Split,
    /// Same territory, new name (and possibly new code or kind).
    Rename,
    /// Same territory, new parent.
    Move,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Merge => "merge",
            EventKind::Split => "split",
            EventKind::Rename => "rename",
            EventKind::Move => "move",
        }
    }

    /// The event's name in both languages (`core-event-<code>` in the catalogues).
    pub fn name(self) -> Text {
        Text::msg(&format!("core-event-{}", self.code()), &[])
    }

    pub fn name_vi(self) -> &'static str {
        match self {
            EventKind::Merge => "sáp nhập",
            EventKind::Split => "chia tách",
            EventKind::Rename => "đổi tên",
            EventKind::Move => "chuyển đơn vị cấp trên",
        }
    }
}

impl FromStr for EventKind {
    type Err = String;
    fn from_str(s: &str) -> Result<EventKind, String> {
        match crate::text::fold(s).as_str() {
            "merge" | "sap nhap" | "nhap" => Ok(EventKind::Merge),
            "split" | "chia tach" | "tach" => Ok(EventKind::Split),
            "rename" | "doi ten" => Ok(EventKind::Rename),
            "move" | "chuyen" => Ok(EventKind::Move),
            _ => Err("expected merge, split, rename or move".into()),
        }
    }
}

impl fmt::Display for EventKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One lineage event. `from` is a code as of the day before `date`, `to` a code as of `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineageEvent {
    pub date: NaiveDate,
    pub kind: EventKind,
    pub from: String,
    pub to: String,
    /// The part of `from` that went to `to`; only for splits. A split without a share is a part
    /// of unknown size: the register gives the unknown parts of one unit equal shares of what
    /// the recorded ones leave, and every figure built on them is approximate.
    pub share: Option<Decimal>,
}

impl LineageEvent {
    /// The part of `from` this event carries: its share for a split, all of it otherwise.
    pub fn carried_share(&self) -> Decimal {
        match self.kind {
            EventKind::Split => self.share.unwrap_or(Decimal::ONE),
            _ => Decimal::ONE,
        }
    }
}

/// What a unit written by name or code turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameMatch {
    One(VersionId),
    /// Several units answer to it: the candidates.
    Ambiguous(Vec<VersionId>),
    /// None does: the closest names.
    Unknown(Vec<VersionId>),
}

/// A folded name without its leading kind: ("xa", "hoanh mo") from "xa hoanh mo".
fn split_kind(folded: &str) -> (Option<crate::unit::UnitKind>, String) {
    crate::unit::UnitKind::ALL
        .into_iter()
        .filter_map(|k| {
            let word = crate::text::fold(k.name_vi());
            folded
                .strip_prefix(&format!("{word} "))
                .map(|rest| (k, word.len(), rest))
        })
        .max_by_key(|(_, len, _)| *len)
        .map(|(k, _, rest)| (Some(k), rest.trim().to_string()))
        .unwrap_or_else(|| (None, folded.trim().to_string()))
}

/// Index of a version in a [`Registry`].
pub type VersionId = usize;

/// What a register check found, and on which record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistryIssue {
    pub subject: Subject,
    pub message: Text,
    pub hint: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Version(VersionId),
    Event(usize),
}

/// Which units of an earlier date make up a unit of a later date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composition {
    /// Earlier versions with the part of each that lies in the later unit.
    pub parts: Vec<(VersionId, Decimal)>,
    /// A part is a recorded share of a split, so figures built from it are estimates.
    pub approximate: bool,
    /// Part of the later unit has no recorded predecessor on the earlier date.
    pub incomplete: bool,
}

/// Why a unit code cannot carry a figure for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitUseError {
    pub message: Text,
    pub hint: Option<Text>,
}

#[derive(Debug, Clone, Default)]
pub struct Registry {
    versions: Vec<UnitVersion>,
    events: Vec<LineageEvent>,
    by_code: HashMap<String, Vec<VersionId>>,
    by_parent: HashMap<String, Vec<VersionId>>,
    /// Event indices by the date they take effect.
    events_by_date: BTreeMap<NaiveDate, Vec<usize>>,
    /// Each event's versions: `from` on the day before, `to` on the day.
    ends: Vec<(Option<VersionId>, Option<VersionId>)>,
    /// Events by the version they lead to, and by the version they come from.
    into: HashMap<VersionId, Vec<usize>>,
    out_of: HashMap<VersionId, Vec<usize>>,
    /// The part of `from` each event carries; a split without a recorded share gets an equal
    /// part of what the recorded ones leave.
    shares: Vec<Decimal>,
    /// Each version's name folded and split from its kind, for [`Registry::find`]; built on the
    /// first search, since most registers are never searched by name.
    folded_names: std::sync::OnceLock<Vec<(Option<crate::unit::UnitKind>, String)>>,
}

fn day_before(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_sub_days(Days::new(1))
}

fn day_after(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_add_days(Days::new(1))
}

fn fmt_date(date: NaiveDate) -> String {
    date.format("%d/%m/%Y").to_string()
}

impl Registry {
    pub fn new(versions: Vec<UnitVersion>, events: Vec<LineageEvent>) -> Registry {
        let mut by_code: HashMap<String, Vec<VersionId>> = HashMap::new();
        let mut by_parent: HashMap<String, Vec<VersionId>> = HashMap::new();
        for (id, v) in versions.iter().enumerate() {
            by_code.entry(v.code.clone()).or_default().push(id);
            if let Some(parent) = &v.parent {
                by_parent.entry(parent.clone()).or_default().push(id);
            }
        }
        for ids in by_code.values_mut() {
            ids.sort_by_key(|&id| versions[id].valid_from);
        }
        let mut events_by_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
        for (i, e) in events.iter().enumerate() {
            events_by_date.entry(e.date).or_default().push(i);
        }
        let mut registry = Registry {
            versions,
            events,
            by_code,
            by_parent,
            events_by_date,
            ..Registry::default()
        };
        registry.ends = registry
            .events
            .iter()
            .map(|e| registry.event_ends(e))
            .collect();
        for (i, (from, to)) in registry.ends.iter().enumerate() {
            if let Some(to) = to {
                registry.into.entry(*to).or_default().push(i);
            }
            if let Some(from) = from {
                registry.out_of.entry(*from).or_default().push(i);
            }
        }
        registry.shares = registry.effective_shares();
        registry
    }

    /// See `shares`: recorded shares as they are, unknown split shares filled in equally.
    fn effective_shares(&self) -> Vec<Decimal> {
        let mut shares: Vec<Decimal> = self
            .events
            .iter()
            .map(LineageEvent::carried_share)
            .collect();
        for (&from, events) in &self.out_of {
            let mut by_date: BTreeMap<NaiveDate, Vec<usize>> = BTreeMap::new();
            for &i in events {
                by_date.entry(self.events[i].date).or_default().push(i);
            }
            for (date, events) in by_date {
                let unknown: Vec<usize> = events
                    .iter()
                    .copied()
                    .filter(|&i| {
                        self.events[i].kind == EventKind::Split && self.events[i].share.is_none()
                    })
                    .collect();
                if unknown.is_empty() {
                    continue;
                }
                let known: Decimal = events
                    .iter()
                    .filter(|i| !unknown.contains(i))
                    .map(|&i| self.events[i].carried_share())
                    .sum();
                // A unit that goes on keeps a part as large as each unknown one.
                let goes_on = self.versions[from].is_valid_on(date);
                let parts = Decimal::from(unknown.len() + usize::from(goes_on));
                let each = ((Decimal::ONE - known) / parts).max(Decimal::ZERO);
                for i in unknown {
                    shares[i] = each;
                }
            }
        }
        shares
    }

    /// The part of its `from` unit that event `index` carries (see [`LineageEvent::share`]).
    pub fn share(&self, index: usize) -> Decimal {
        self.shares[index]
    }

    pub fn versions(&self) -> &[UnitVersion] {
        &self.versions
    }

    pub fn events(&self) -> &[LineageEvent] {
        &self.events
    }

    pub fn version(&self, id: VersionId) -> &UnitVersion {
        &self.versions[id]
    }

    /// The versions that ever carried `code`, oldest first.
    pub fn versions_of(&self, code: &str) -> &[VersionId] {
        self.by_code.get(code).map_or(&[], Vec::as_slice)
    }

    /// The unit that `code` named on `date`.
    pub fn resolve(&self, code: &str, date: NaiveDate) -> Option<VersionId> {
        self.versions_of(code)
            .iter()
            .copied()
            .find(|&id| self.versions[id].is_valid_on(date))
    }

    pub fn valid_on(&self, date: NaiveDate) -> impl Iterator<Item = VersionId> + '_ {
        (0..self.versions.len()).filter(move |&id| self.versions[id].is_valid_on(date))
    }

    /// Finds a unit valid on `date` by what a clerk writes for it: its code (leading zeros
    /// optional: "6841"), or its name with or without diacritics and kind ("Xã Hoành Mô",
    /// "hoanh mo").
    pub fn find(&self, written: &str, date: NaiveDate) -> NameMatch {
        let written = written.trim();
        if written.bytes().all(|b| b.is_ascii_digit()) && !written.is_empty() {
            let bare = written.trim_start_matches('0');
            let found: Vec<VersionId> = self
                .valid_on(date)
                .filter(|&id| self.versions[id].code.trim_start_matches('0') == bare)
                .collect();
            if let [one] = found.as_slice() {
                return NameMatch::One(*one);
            }
        }
        let names = self.folded_names.get_or_init(|| {
            self.versions
                .iter()
                .map(|v| split_kind(&crate::text::fold(&v.name)))
                .collect()
        });
        let (kind, bare) = split_kind(&crate::text::fold(written));
        let candidates: Vec<VersionId> = self
            .valid_on(date)
            .filter(|&id| {
                let (their_kind, their_bare) = &names[id];
                *their_bare == bare
                    && (kind.is_none()
                        || kind == *their_kind
                        || kind == Some(self.versions[id].kind))
            })
            .collect();
        match candidates.as_slice() {
            [one] => NameMatch::One(*one),
            [] => {
                let valid: Vec<VersionId> = self.valid_on(date).collect();
                let close: Vec<&str> =
                    crate::text::closest(&bare, valid.iter().map(|&id| names[id].1.as_str()));
                let ids = close
                    .iter()
                    .filter_map(|c| valid.iter().copied().find(|&id| names[id].1 == *c))
                    .collect();
                NameMatch::Unknown(ids)
            }
            many => NameMatch::Ambiguous(many.to_vec()),
        }
    }

    /// The units directly under `code` on `date`.
    pub fn children(&self, code: &str, date: NaiveDate) -> Vec<VersionId> {
        self.by_parent
            .get(code)
            .map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&id| self.versions[id].is_valid_on(date))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The units directly under `code` on at least one day of `[from, to]`: over a span that
    /// crosses a reform, the communes that ended and those that began.
    pub fn children_during(&self, code: &str, from: NaiveDate, to: NaiveDate) -> Vec<VersionId> {
        self.by_parent
            .get(code)
            .map(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&id| self.versions[id].overlaps(from, to))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Every unit below `code` on `date`, at any depth, parents before their children.
    pub fn descendants(&self, code: &str, date: NaiveDate) -> Vec<VersionId> {
        let mut out = Vec::new();
        let mut stack = vec![code.to_string()];
        while let Some(c) = stack.pop() {
            for id in self.children(&c, date) {
                // A cycle would be refused by `check`; this guard keeps an unchecked register safe.
                if out.contains(&id) || out.len() > self.versions.len() {
                    continue;
                }
                out.push(id);
                stack.push(self.versions[id].code.clone());
            }
        }
        out
    }

    /// The versions an event links: `from` on the day before, `to` on the day.
    pub fn event_ends(&self, event: &LineageEvent) -> (Option<VersionId>, Option<VersionId>) {
        let from = day_before(event.date).and_then(|d| self.resolve(&event.from, d));
        (from, self.resolve(&event.to, event.date))
    }

    /// Events whose `to` is this version, and whose `from` is.
    pub fn events_of(&self, id: VersionId) -> (Vec<usize>, Vec<usize>) {
        (
            self.into.get(&id).cloned().unwrap_or_default(),
            self.out_of.get(&id).cloned().unwrap_or_default(),
        )
    }

    /// The unit that carries figures for `code` in `period`: the version valid on the period's
    /// last day. A unit created during the period reports for all of it; a unit that ended
    /// before the period's end cannot, and the error says where it went.
    pub fn unit_for_period(&self, code: &str, period: &Period) -> Result<VersionId, UnitUseError> {
        let end = period.end_date();
        if let Some(id) = self.resolve(code, end) {
            return Ok(id);
        }
        let versions = self.versions_of(code);
        if versions.is_empty() {
            return Err(UnitUseError {
                message: solieu_i18n::text!("core-there-no-administrative-unit-code", code = code),
                hint: None,
            });
        }
        let period_name = period.name();
        // The latest version that ended before the period's end.
        if let Some(&last) = versions
            .iter()
            .rev()
            .find(|&&id| self.versions[id].valid_to.is_some_and(|to| to < end))
        {
            let v = &self.versions[last];
            let to = v.valid_to.expect("found by valid_to");
            let successors = self.successors(last);
            let hint = (!successors.is_empty()).then(|| {
                let names = |lang| {
                    successors
                        .iter()
                        .map(|(e, id)| {
                            format!(
                                "{} ({})",
                                self.versions[*id].label(),
                                e.kind.name().get(lang)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                let units = Text::new(names(Lang::Vi), names(Lang::En));
                let date = fmt_date(successors[0].0.date);
                solieu_i18n::text!(
                    "core-from-it-became-part-report",
                    date = date,
                    units = units
                )
            });
            return Err(UnitUseError {
                message: solieu_i18n::text!(
                    "core-no-longer-existed-end-it",
                    label = v.label(),
                    period = period_name,
                    value = fmt_date(to)
                ),
                hint,
            });
        }
        let first = &self.versions[versions[0]];
        let from = first.valid_from.map(fmt_date).unwrap_or_default();
        Err(UnitUseError {
            message: solieu_i18n::text!(
                "core-did-not-exist-yet-it",
                label = first.label(),
                period = period_name,
                from = from
            ),
            hint: Some(solieu_i18n::text!("core-report-this-period-s-figures")),
        })
    }

    /// Where a version's territory went: (event, receiving version).
    pub fn successors(&self, id: VersionId) -> Vec<(&LineageEvent, VersionId)> {
        self.out_of
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|&i| Some((&self.events[i], self.ends[i].1?)))
            .collect()
    }

    /// The units valid on `back` that make up version `id` as it was on `at`, with the part of
    /// each that lies in it. Without events between the dates that is the unit itself.
    pub fn composition(&self, id: VersionId, at: NaiveDate, back: NaiveDate) -> Composition {
        let mut weights: BTreeMap<VersionId, Decimal> = BTreeMap::new();
        weights.insert(id, Decimal::ONE);
        let mut approximate = false;
        let mut incomplete = false;
        if back < at {
            let window = self
                .events_by_date
                .range(day_after(back).unwrap_or(back)..=at)
                .rev();
            for (&date, _) in window {
                let on = |list: Option<&Vec<usize>>| -> Vec<usize> {
                    list.into_iter()
                        .flatten()
                        .copied()
                        .filter(|&i| self.events[i].date == date)
                        .collect()
                };
                let mut next: BTreeMap<VersionId, Decimal> = BTreeMap::new();
                for (&v, &w) in &weights {
                    let version = &self.versions[v];
                    let began_here = version.valid_from == Some(date);
                    let mut received = false;
                    for i in on(self.into.get(&v)) {
                        if let Some(from) = self.ends[i].0 {
                            let share = self.shares[i];
                            approximate |=
                                share != Decimal::ONE || self.events[i].kind == EventKind::Split;
                            *next.entry(from).or_default() += w * share;
                            received = true;
                        }
                    }
                    if !began_here {
                        // The unit itself goes on; what it gave away is no longer in it.
                        let given: Decimal = if version.is_valid_on(date) {
                            on(self.out_of.get(&v))
                                .iter()
                                .map(|&i| self.shares[i])
                                .sum()
                        } else {
                            Decimal::ZERO
                        };
                        let kept = (Decimal::ONE - given).max(Decimal::ZERO);
                        approximate |= !given.is_zero();
                        if !kept.is_zero() {
                            *next.entry(v).or_default() += w * kept;
                        }
                    } else if !received {
                        incomplete = true;
                    }
                }
                weights = next;
            }
        }
        let parts: Vec<(VersionId, Decimal)> = weights
            .into_iter()
            .filter(|(v, _)| {
                let ok = self.versions[*v].is_valid_on(back);
                incomplete |= !ok;
                ok
            })
            .collect();
        Composition {
            parts,
            approximate,
            incomplete,
        }
    }

    /// Checks the register's consistency; every issue names the record it is about.
    pub fn check(&self) -> Vec<RegistryIssue> {
        let mut issues = Vec::new();
        let mut issue = |subject, message: Text, hint: Option<Text>| {
            issues.push(RegistryIssue {
                subject,
                message,
                hint,
            })
        };

        for (code, ids) in &self.by_code {
            for pair in ids.windows(2) {
                let (a, b) = (&self.versions[pair[0]], &self.versions[pair[1]]);
                let overlap = match (a.valid_to, b.valid_from) {
                    (Some(to), Some(from)) => from <= to,
                    _ => true,
                };
                if overlap {
                    issue(
                        Subject::Version(pair[1]),
                        solieu_i18n::text!(
                            "core-code-has-two-versions-valid",
                            code = code,
                            a_name = a.name,
                            b_name = b.name
                        ),
                        Some(solieu_i18n::text!("core-give-older-version-valid-before")),
                    );
                }
            }
        }

        for (id, v) in self.versions.iter().enumerate() {
            if let (Some(from), Some(to)) = (v.valid_from, v.valid_to)
                && to < from
            {
                issue(
                    Subject::Version(id),
                    solieu_i18n::text!(
                        "core-valid-before-valid-from",
                        value = fmt_date(to),
                        value2 = fmt_date(from)
                    ),
                    None,
                );
                continue;
            }
            if let Some(parent) = &v.parent {
                if let Some(problem) = self.parent_gap(v, parent) {
                    issue(Subject::Version(id), problem, None);
                } else if self.has_cycle(id) {
                    issue(
                        Subject::Version(id),
                        solieu_i18n::text!("core-its-own-ancestor", label = v.label()),
                        None,
                    );
                }
            }
            // A code that comes back must say why: a rename, move or merge into it.
            let earlier = self
                .versions_of(&v.code)
                .iter()
                .any(|&o| o != id && self.versions[o].valid_from < v.valid_from);
            if let (true, Some(from)) = (earlier, v.valid_from) {
                let explained = self
                    .into
                    .get(&id)
                    .is_some_and(|events| events.iter().any(|&i| self.events[i].date == from));
                if !explained {
                    issue(
                        Subject::Version(id),
                        solieu_i18n::text!(
                            "core-code-has-new-version-from",
                            v_code = v.code,
                            value = fmt_date(from)
                        ),
                        Some(solieu_i18n::text!("core-add-rename-move-or-merge")),
                    );
                }
            }
        }

        // (recorded shares, splits without a share, an event to point at)
        let mut outflow: HashMap<(VersionId, NaiveDate), (Decimal, usize, usize)> = HashMap::new();
        for (i, e) in self.events.iter().enumerate() {
            let (from, to) = self.ends[i];
            let date = fmt_date(e.date);
            let Some(from) = from else {
                let before = day_before(e.date).map(fmt_date).unwrap_or_default();
                issue(
                    Subject::Event(i),
                    solieu_i18n::text!("core-no-unit-had-code-day", from = e.from, before = before),
                    None,
                );
                continue;
            };
            let Some(to) = to else {
                issue(
                    Subject::Event(i),
                    solieu_i18n::text!("core-no-unit-had-code", to = e.to, date = date),
                    None,
                );
                continue;
            };
            let (fv, tv) = (&self.versions[from], &self.versions[to]);
            let from_ends = fv.valid_to.and_then(day_after) == Some(e.date);
            let to_begins = tv.valid_from == Some(e.date);
            match e.kind {
                EventKind::Split => match e.share {
                    // No share: not recorded; the unknown parts are taken as equal.
                    None => {}
                    Some(s) if s > Decimal::ZERO && s <= Decimal::ONE => {}
                    _ => issue(
                        Subject::Event(i),
                        solieu_i18n::text!("core-split-needs-share-above-0"),
                        Some(solieu_i18n::text!("core-example-0-85-85-territory")),
                    ),
                },
                _ if e.share.is_some_and(|s| s != Decimal::ONE) => issue(
                    Subject::Event(i),
                    solieu_i18n::text!("core-only-split-has-share-moves", kind = e.kind.name()),
                    Some(solieu_i18n::text!("core-use-split-when-only-part")),
                ),
                _ => {}
            }
            if e.kind != EventKind::Split && !from_ends {
                issue(
                    Subject::Event(i),
                    solieu_i18n::text!(
                        "core-remains-valid-after-so-it",
                        label = fv.label(),
                        date = date,
                        kind = e.kind.name()
                    ),
                    Some(solieu_i18n::text!(
                        "core-set-s-valid-day-before",
                        fv_code = fv.code,
                        date = date
                    )),
                );
            }
            if matches!(e.kind, EventKind::Rename | EventKind::Move) && !to_begins {
                issue(
                    Subject::Event(i),
                    solieu_i18n::text!(
                        "core-must-begin-be-renamed-or",
                        label = tv.label(),
                        date = date
                    ),
                    None,
                );
            }
            if e.kind == EventKind::Rename
                && fv.name == tv.name
                && fv.code == tv.code
                && fv.kind == tv.kind
            {
                issue(
                    Subject::Event(i),
                    solieu_i18n::text!("core-rename-that-keeps-name-code"),
                    None,
                );
            }
            if e.kind == EventKind::Move && fv.parent == tv.parent {
                issue(
                    Subject::Event(i),
                    solieu_i18n::text!("core-move-that-keeps-same-parent"),
                    Some(solieu_i18n::text!("core-use-rename-if-only-name")),
                );
            }
            // A whole-unit event from a unit that goes on is reported above already.
            if e.kind == EventKind::Split || from_ends {
                let entry = outflow
                    .entry((from, e.date))
                    .or_insert((Decimal::ZERO, 0, i));
                if e.kind == EventKind::Split && e.share.is_none() {
                    entry.1 += 1;
                } else {
                    entry.0 += e.carried_share();
                }
            }
        }
        for ((from, date), (total, unknown, event)) in outflow {
            let v = &self.versions[from];
            let ends = v.valid_to.and_then(day_after) == Some(date);
            let (ok, expected) = if unknown > 0 {
                (
                    total < Decimal::ONE,
                    solieu_i18n::text!("core-below-1-leaving-part-split"),
                )
            } else if ends {
                (total == Decimal::ONE, solieu_i18n::text!("core-exactly-1"))
            } else {
                (
                    total < Decimal::ONE,
                    solieu_i18n::text!("core-below-1-unit-goes"),
                )
            };
            if !ok {
                issue(
                    Subject::Event(event),
                    solieu_i18n::text!(
                        "core-parts-moved-add-up-they",
                        label = v.label(),
                        value = fmt_date(date),
                        normalize = total.normalize(),
                        expected = expected
                    ),
                    Some(solieu_i18n::text!("core-check-this-unit-s-split")),
                );
            }
        }
        issues
    }

    /// Why `parent` does not cover every day of `v`, if it does not.
    fn parent_gap(&self, v: &UnitVersion, parent: &str) -> Option<Text> {
        let start = v.valid_from.unwrap_or(NaiveDate::MIN);
        let end = v.valid_to.unwrap_or(NaiveDate::MAX);
        let mut cursor = start;
        let mut parents: Vec<&UnitVersion> = self
            .versions_of(parent)
            .iter()
            .map(|&id| &self.versions[id])
            .filter(|p| p.overlaps(start, end))
            .collect();
        parents.sort_by_key(|p| p.valid_from);
        let gap = |on: NaiveDate| {
            let on = if on == NaiveDate::MIN {
                "đầu".to_string()
            } else {
                fmt_date(on)
            };
            Some(solieu_i18n::text!(
                "core-parent-does-not-exist-while",
                parent = parent,
                on = on,
                label = v.label()
            ))
        };
        if parents.is_empty() {
            return Some(solieu_i18n::text!(
                "core-no-parent-code-exists-while",
                parent = parent,
                label = v.label()
            ));
        }
        for p in parents {
            if p.valid_from.unwrap_or(NaiveDate::MIN) > cursor {
                return gap(cursor);
            }
            match p.valid_to {
                None => return None,
                Some(to) if to >= end => return None,
                Some(to) => cursor = day_after(to)?,
            }
        }
        gap(cursor)
    }

    fn has_cycle(&self, id: VersionId) -> bool {
        let v = &self.versions[id];
        let date = v.valid_from.or(v.valid_to).unwrap_or(NaiveDate::MIN);
        let mut code = v.parent.clone();
        for _ in 0..=self.versions.len().min(64) {
            let Some(c) = code else { return false };
            if c == v.code {
                return true;
            }
            code = self
                .resolve(&c, date)
                .and_then(|p| self.versions[p].parent.clone());
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::UnitKind;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn unit(
        code: &str,
        name: &str,
        kind: UnitKind,
        parent: Option<&str>,
        from: Option<&str>,
        to: Option<&str>,
    ) -> UnitVersion {
        UnitVersion {
            code: code.into(),
            name: name.into(),
            kind,
            parent: parent.map(Into::into),
            valid_from: from.map(date),
            valid_to: to.map(date),
        }
    }

    fn event(d: &str, kind: EventKind, from: &str, to: &str, share: Option<&str>) -> LineageEvent {
        LineageEvent {
            date: date(d),
            kind,
            from: from.into(),
            to: to.into(),
            share: share.map(|s| s.parse().unwrap()),
        }
    }

    /// Bình Liêu: Tình Húc into the town on 01/01/2020, then the 2025 reform.
    fn binh_lieu() -> Registry {
        use UnitKind::*;
        let end = Some("2025-06-30");
        let new = Some("2025-07-01");
        Registry::new(
            vec![
                unit("22", "Tỉnh Quảng Ninh", Tinh, None, None, None),
                unit("198", "Huyện Bình Liêu", Huyen, Some("22"), None, end),
                unit(
                    "06838",
                    "Thị trấn Bình Liêu",
                    ThiTran,
                    Some("198"),
                    None,
                    end,
                ),
                unit("06841", "Xã Hoành Mô", Xa, Some("198"), None, end),
                unit("06844", "Xã Đồng Tâm", Xa, Some("198"), None, end),
                unit("06847", "Xã Đồng Văn", Xa, Some("198"), None, end),
                unit(
                    "06850",
                    "Xã Tình Húc",
                    Xa,
                    Some("198"),
                    None,
                    Some("2019-12-31"),
                ),
                unit("06853", "Xã Vô Ngại", Xa, Some("198"), None, end),
                unit("06856", "Xã Lục Hồn", Xa, Some("198"), None, end),
                unit("06859", "Xã Húc Động", Xa, Some("198"), None, end),
                unit("06838", "Xã Bình Liêu", Xa, Some("22"), new, None),
                unit("06841", "Xã Hoành Mô", Xa, Some("22"), new, None),
                unit("06856", "Xã Lục Hồn", Xa, Some("22"), new, None),
                unit("06862", "Xã Tiên Yên", Xa, Some("22"), new, None),
            ],
            vec![
                event("2020-01-01", EventKind::Merge, "06850", "06838", None),
                event("2025-07-01", EventKind::Merge, "06838", "06838", None),
                event("2025-07-01", EventKind::Merge, "06859", "06838", None),
                event(
                    "2025-07-01",
                    EventKind::Split,
                    "06853",
                    "06838",
                    Some("0.85"),
                ),
                event(
                    "2025-07-01",
                    EventKind::Split,
                    "06853",
                    "06862",
                    Some("0.15"),
                ),
                event("2025-07-01", EventKind::Merge, "06841", "06841", None),
                event("2025-07-01", EventKind::Merge, "06847", "06841", None),
                event("2025-07-01", EventKind::Merge, "06844", "06856", None),
                event("2025-07-01", EventKind::Merge, "06856", "06856", None),
            ],
        )
    }

    fn codes(r: &Registry, ids: &[VersionId]) -> Vec<String> {
        let mut c: Vec<String> = ids.iter().map(|&id| r.version(id).code.clone()).collect();
        c.sort();
        c
    }

    #[test]
    fn the_real_history_is_consistent() {
        assert_eq!(binh_lieu().check(), vec![]);
    }

    #[test]
    fn a_code_names_a_unit_as_of_a_date() {
        let r = binh_lieu();
        let before = r.resolve("06838", date("2025-06-30")).unwrap();
        let after = r.resolve("06838", date("2025-07-01")).unwrap();
        assert_eq!(r.version(before).name, "Thị trấn Bình Liêu");
        assert_eq!(r.version(after).name, "Xã Bình Liêu");
        assert_eq!(r.resolve("06850", date("2020-01-01")), None);
    }

    #[test]
    fn the_district_had_seven_communes_in_june_2020_and_none_after_the_reform() {
        let r = binh_lieu();
        assert_eq!(r.children("198", date("2020-06-15")).len(), 7);
        assert_eq!(r.children("198", date("2019-06-15")).len(), 8);
        assert_eq!(r.children("198", date("2025-07-01")).len(), 0);
        assert_eq!(r.descendants("22", date("2020-06-15")).len(), 8);
        assert_eq!(
            codes(&r, &r.children("22", date("2026-01-01"))),
            ["06838", "06841", "06856", "06862"]
        );
    }

    #[test]
    fn the_town_in_2020_is_the_town_and_tinh_huc_in_2019() {
        let r = binh_lieu();
        let town = r.resolve("06838", date("2020-06-30")).unwrap();
        let past = r.composition(town, date("2020-06-30"), date("2019-06-30"));
        let ids: Vec<VersionId> = past.parts.iter().map(|p| p.0).collect();
        assert_eq!(codes(&r, &ids), ["06838", "06850"]);
        assert!(!past.approximate && !past.incomplete);
    }

    #[test]
    fn xa_binh_lieu_is_the_town_huc_dong_and_part_of_vo_ngai() {
        let r = binh_lieu();
        let xa = r.resolve("06838", date("2026-06-30")).unwrap();
        let past = r.composition(xa, date("2026-06-30"), date("2025-06-30"));
        let mut parts: Vec<(String, String)> = past
            .parts
            .iter()
            .map(|(id, w)| (r.version(*id).name.clone(), w.normalize().to_string()))
            .collect();
        parts.sort();
        assert_eq!(
            parts,
            [
                ("Thị trấn Bình Liêu".to_string(), "1".to_string()),
                ("Xã Húc Động".to_string(), "1".to_string()),
                ("Xã Vô Ngại".to_string(), "0.85".to_string()),
            ]
        );
        assert!(past.approximate);
        // A full merge is exact.
        let hoanh_mo = r.resolve("06841", date("2026-06-30")).unwrap();
        assert!(
            !r.composition(hoanh_mo, date("2026-06-30"), date("2025-06-30"))
                .approximate
        );
        // Xã Tiên Yên's other predecessors are not in this register: the answer says so.
        let tien_yen = r.resolve("06862", date("2026-06-30")).unwrap();
        let past = r.composition(tien_yen, date("2026-06-30"), date("2025-06-30"));
        assert_eq!(past.parts.len(), 1);
        assert!(past.approximate);
    }

    #[test]
    fn a_commune_used_after_its_merger_is_refused_with_where_it_went() {
        let r = binh_lieu();
        let err = r
            .unit_for_period("06850", &"2020S1".parse().unwrap())
            .unwrap_err();
        assert!(err.message.en.contains("no longer existed"), "{err:?}");
        assert!(err.hint.unwrap().vi.contains("Thị trấn Bình Liêu (06838)"));
        assert!(
            r.unit_for_period("06850", &"2019S1".parse().unwrap())
                .is_ok()
        );
        let err = r
            .unit_for_period("06862", &"2024".parse().unwrap())
            .unwrap_err();
        assert!(err.message.en.contains("did not exist yet"));
        // A new commune reports for the whole year in which it was created.
        assert!(r.unit_for_period("06862", &"2025".parse().unwrap()).is_ok());
    }

    #[test]
    fn splits_without_shares_get_equal_parts_and_stay_approximate() {
        let mut events = binh_lieu().events().to_vec();
        events[3].share = None;
        events[4].share = None;
        let r = Registry::new(binh_lieu().versions().to_vec(), events.clone());
        assert_eq!(r.check(), vec![]);
        assert_eq!(r.share(3), "0.5".parse().unwrap());
        let xa = r.resolve("06838", date("2026-06-30")).unwrap();
        let past = r.composition(xa, date("2026-06-30"), date("2025-06-30"));
        assert!(past.approximate);
        assert!(
            past.parts
                .iter()
                .any(|(_, w)| *w == "0.5".parse::<Decimal>().unwrap())
        );
        // One recorded share leaves the rest to the other part.
        events[3].share = Some("0.7".parse().unwrap());
        let r = Registry::new(binh_lieu().versions().to_vec(), events.clone());
        assert_eq!(r.share(4), "0.3".parse().unwrap());
        // A recorded share of all of it leaves nothing for the other: refused.
        events[3].share = Some(Decimal::ONE);
        let issues = Registry::new(binh_lieu().versions().to_vec(), events).check();
        assert!(
            issues
                .iter()
                .any(|i| i.message.en.contains("leaving a part")),
            "{issues:?}"
        );
    }

    #[test]
    fn inconsistent_history_is_named() {
        let mut versions = binh_lieu().versions().to_vec();
        let mut events = binh_lieu().events().to_vec();
        // Vô Ngại's parts no longer add up to the whole.
        events[4].share = Some("0.1".parse().unwrap());
        // A merge from a unit that goes on.
        events.push(event(
            "2020-01-01",
            EventKind::Merge,
            "06841",
            "06838",
            None,
        ));
        // A commune whose parent did not exist yet.
        versions.push(unit(
            "99999",
            "Xã Mới",
            UnitKind::Xa,
            Some("06862"),
            Some("2020-01-01"),
            None,
        ));
        let issues = Registry::new(versions, events).check();
        let text: Vec<&str> = issues.iter().map(|i| i.message.en.as_str()).collect();
        assert!(
            text.iter().any(|t| t.contains("add up to 0.95")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("remains valid after")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("parent 06862 does not exist")),
            "{text:?}"
        );
        assert_eq!(issues.len(), 3, "{text:?}");
    }
}
